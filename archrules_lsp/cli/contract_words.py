"""A rule's import contracts in words, for `archrules explain` (names in quotes) and
`archrules docs` (names as Markdown code): one wording for both."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..engine.model import ImportContracts


def contracts_in_words(c: ImportContracts, name: Callable[[str], str]) -> list[str]:
    """One sentence per contract kind (a module name stands for it and everything below it)."""

    def names(items: Sequence[str], joiner: str = ", ") -> str:
        return joiner.join(name(i) for i in items)

    lines = []
    if c.layers:
        lines.append(f"Layers, top to bottom: {names(c.layers)}. A layer never imports a layer above it, directly "
                     "or through other modules.")
    if c.forbidden_from:
        lines.append(f"Modules under {names(c.forbidden_from)} never import {names(c.forbidden_to, ' or ')}, "
                     "directly or through other modules.")
    if c.independent:
        lines.append(f"{names(c.independent)} are independent: none imports another, directly or through other "
                     "modules.")
    if c.protected:
        lines.append(f"Modules under {names(c.protected)} may be imported directly only by modules under "
                     f"{names(c.protected_allowed)} and by their own.")
    if c.ignore:
        lines.append(f"Allowed exceptions (importer -> imported): "
                     f"{names([f'{i.importer} -> {i.imported}' for i in c.ignore])}.")
    if c.type_checking:
        lines.append(f"Imports under {name('if TYPE_CHECKING:')} count too.")
    return lines
