"""--select / --ignore: rule ids or id prefixes (`BG-0`), ruff-style, expanded to ids."""

from __future__ import annotations

from typing import Iterable

UNUSED_SUPPRESSION = "unused-suppression"  # engine.model.UNUSED_SUPPRESSION, without importing the engine


def split_ids(values: Iterable[str]) -> list[str]:
    """['BG-001,BG-002', 'BG-1'] -> ['BG-001', 'BG-002', 'BG-1']"""
    out = []
    for v in values:
        out.extend(t.strip() for t in v.split(",") if t.strip())
    return out


def expand(tokens: Iterable[str], rule_ids: Iterable[str]) -> tuple[set[str], list[str]]:
    """(rule ids matched, tokens that matched nothing). `ALL` matches every id;
    matching is exact first, else by prefix, case-insensitive."""
    ids = list(rule_ids)
    matched: set[str] = set()
    unmatched: list[str] = []
    for token in tokens:
        t = token.upper()
        if t == "ALL":
            matched.update(ids)
            continue
        hits = [i for i in ids if i.upper() == t] or [i for i in ids if i.upper().startswith(t)]
        if hits:
            matched.update(hits)
        else:
            unmatched.append(token)
    return matched, unmatched


def resolve(
    select: list[str], ignore: list[str], rule_ids: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """(select, ignore, tokens that matched no rule) for CheckOptions.

    Both lists hold the matched ids (case-insensitive matching) followed by the tokens
    as given, so a --select that matches nothing selects nothing instead of
    everything. `unused-suppression` may be named in --ignore (it is not a rule)."""
    ids = list(rule_ids)
    selected, bad_select = expand(select, ids) if select else (set(), [])
    ignored, bad_ignore = expand(ignore, ids + [UNUSED_SUPPRESSION])
    sel = tuple(sorted(selected)) + tuple(t for t in select if t not in selected)
    ign = tuple(sorted(ignored)) + tuple(t for t in ignore if t not in ignored)
    return sel, ign, bad_select + bad_ignore
