"""The engine's data types: rules as loaded, and findings as produced.

Positions everywhere in the engine are 0-based lines and 0-based columns counted
in code points, with exclusive ends. The CLI adds 1 for display; the server
converts columns to the client's negotiated position encoding.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from .record import record

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from .globs import Glob
    from .regex import LineRegex


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        """Higher is more severe (error 3 ... hint 0)."""
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1, Severity.HINT: 0}


@record(slots=True)
class Span:
    """A range in a text: 0-based lines, 0-based code-point columns, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def point(line: int, column: int = 0) -> Span:
        return Span(line, column, line, column)


@record(slots=True)
class Location:
    """Where something is in a rule file (for errors, editors and 'show rule')."""

    path: str  # the rule file's path as given to the loader (absolute in practice)
    span: Span


# ---------------------------------------------------------------- rules


def excluded(path: str, exclude: tuple[Glob, ...]) -> bool:
    """Does an `exclude:` glob of an entry match `path`?"""
    return any(g.matches(path) for g in exclude)


@record(slots=True)
class PatternEntry:
    """One item of a rule's `patterns:` list: a file glob and the checks for the files it matches."""

    file: Glob
    must_contain: tuple[str, ...] = ()
    must_contain_one_of: tuple[str, ...] = ()
    must_reference: tuple[str, ...] = ()
    when_contains: tuple[str, ...] = ()
    should_match: LineRegex | None = None
    endpoint_pattern: LineRegex | None = None
    must_return: tuple[str, ...] = ()
    location: Location | None = None
    # our extension: the checks above apply to each Python class whose header matches
    in_class: LineRegex | None = None
    exclude: tuple[Glob, ...] = ()  # our extension: files `file` matches that this entry leaves out


@record(slots=True)
class Example:
    """One item of a rule's `examples:` (our extension): code the rule must flag
    (`invalid`) or leave alone (`valid`), checked as if it were the file `path`."""

    path: str
    code: str
    valid: bool
    count: int | None = None  # invalid: exactly this many findings of the rule
    message: str | None = None  # invalid: a substring of a finding's message
    fixed: str | None = None  # the code after the rule's safe fixes
    location: Location | None = None  # the example item in its rule file


@record(slots=True)
class AntiPattern:
    """One item of `anti_patterns:`: a regex searched on every line of the files in scope."""

    regex: LineRegex
    message: str
    file: Glob | None = None  # own scope; None = the rule's pattern files (or every file)
    fix: str | None = None  # our extension: replacement for the match, with \\1 groups
    location: Location | None = None
    exclude: tuple[Glob, ...] = ()  # our extension: files left out of its scope


@record(slots=True)
class ImportIgnore:
    """One `ignore:` entry of `imports:`: `importer -> imported`, each a module name
    covering its submodules."""

    importer: str
    imported: str
    location: Location | None = None


@record(slots=True)
class ImportContracts:
    """A rule's `imports:` (see engine/imports and docs/rule-format.md). Module names
    cover their submodules. Several kinds may be written in one rule."""

    layers: tuple[str, ...] = ()  # top to bottom: a layer may not import a layer above it
    forbidden_from: tuple[str, ...] = ()
    forbidden_to: tuple[str, ...] = ()
    independent: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    protected_allowed: tuple[str, ...] = ()  # the only importers of `protected` (besides itself)
    ignore: tuple[ImportIgnore, ...] = ()
    type_checking: bool = False  # also report imports under `if TYPE_CHECKING:` / `import type`
    location: Location | None = None


@record(slots=True)
class Rule:
    """One architecture rule as loaded from a rule file."""

    id: str
    name: str
    description: str = ""
    severity: Severity = Severity.WARNING
    patterns: tuple[PatternEntry, ...] = ()
    anti_patterns: tuple[AntiPattern, ...] = ()
    suggestion: str = ""
    url: str | None = None  # our extension: documentation link
    enabled: bool = True  # our extension
    location: Location | None = None  # the rule's mapping in its file
    group: str = ""  # the top-level key holding it (`background_task_rules`)
    examples: tuple[Example, ...] = ()  # our extension: the rule's own tests
    imports: ImportContracts | None = None  # import contracts (engine/imports)

    @property
    def files(self) -> tuple[str, ...]:
        """Every glob the rule names, in order (for display)."""
        out = [p.file.pattern for p in self.patterns]
        out += [a.file.pattern for a in self.anti_patterns if a.file is not None]
        return tuple(dict.fromkeys(out))


@record(slots=True)
class RuleError:
    """A problem in a rule file, located at the offending line."""

    path: str
    span: Span
    message: str
    rule_id: str | None = None
    severity: Severity = Severity.ERROR


# ---------------------------------------------------------------- findings


@record(slots=True)
class TextEdit:
    """Replace the text at `span` with `new_text`."""

    span: Span
    new_text: str


class FixKind(str, enum.Enum):
    RULE = "rule"  # from the rule: the suggested line inserted, an anti-pattern's `fix`
    IGNORE_LINE = "ignore-line"  # an `archrules: ignore[ID]` comment for the finding's line
    IGNORE_FILE = "ignore-file"  # an `archrules: ignore-file[ID]` comment


@record(slots=True)
class Fix:
    """A titled set of edits that resolves a finding."""

    title: str
    edits: tuple[TextEdit, ...]
    kind: FixKind = FixKind.RULE
    safe: bool = True  # safe fixes are applied by --fix and fixAll


@record(slots=True)
class RelatedLocation:
    """Another place a finding is about (an indirect import's hops): a root-relative path."""

    path: str
    span: Span
    message: str


@record(slots=True)
class Finding:
    """A rule violation in a checked file."""

    rule_id: str
    severity: Severity
    message: str
    span: Span
    suggestion: str = ""
    fixes: tuple[Fix, ...] = ()
    related: tuple[RelatedLocation, ...] = ()

    @property
    def rule_fix(self) -> Fix | None:
        for f in self.fixes:
            if f.kind is FixKind.RULE:
                return f
        return None


# Rule id of the hint reported for an `archrules: ignore[...]` comment that suppressed nothing.
UNUSED_SUPPRESSION = "unused-suppression"


@record(slots=True)
class Note:
    """Something about the file itself that limited the checks (not a rule violation)."""

    message: str
    span: Span
    rule_id: str | None = None


@record(slots=True)
class CheckResult:
    """What `Checker.check` found in one file (the incremental check's findings are a
    `FindingsView`, equal to the tuple a full check gives)."""

    findings: Sequence[Finding]
    notes: tuple[Note, ...] = ()


@record(slots=True)
class RuleSet:
    """Every rule loaded from a set of rule files, with the problems found in them."""

    rules: tuple[Rule, ...] = ()
    errors: tuple[RuleError, ...] = ()
    files: tuple[str, ...] = ()  # the rule files read, in order

    def get(self, rule_id: str) -> Rule | None:
        for r in self.rules:
            if r.id == rule_id:
                return r
        return None
