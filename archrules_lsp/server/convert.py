"""The one place where engine values become LSP values.

Engine spans are 0-based lines and code-point columns; LSP ranges use the
negotiated position encoding. Every conversion goes through a `Lines` view of the
exact text the engine checked (an open document or a file's text on disk).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from lsprotocol import types as t

from ..engine.model import Severity
from ..engine.text import split_lines, to_client_column
from .documents import Document

SOURCE = "archrules"

_SEVERITY = {
    Severity.ERROR: t.DiagnosticSeverity.Error,
    Severity.WARNING: t.DiagnosticSeverity.Warning,
    Severity.INFO: t.DiagnosticSeverity.Information,
    Severity.HINT: t.DiagnosticSeverity.Hint,
}


class Lines:
    """Line contents of a text, for column conversion."""

    __slots__ = ("_lines", "encoding")

    def __init__(self, lines: Sequence[str], encoding: str):
        self._lines = lines
        self.encoding = encoding

    @classmethod
    def of_document(cls, doc: Document, encoding: str) -> Lines:
        return cls(doc.lines, encoding)

    @classmethod
    def of_text(cls, text: str, encoding: str) -> Lines:
        return cls(split_lines(text), encoding)

    def position(self, line: int, column: int) -> t.Position:
        lines = self._lines
        if line < 0:
            return t.Position(line=0, character=0)
        if line >= len(lines):  # past the end: the end of the text
            last = len(lines) - 1
            return t.Position(line=last, character=to_client_column(lines[last], len(lines[last]), self.encoding))
        return t.Position(line=line, character=to_client_column(lines[line], column, self.encoding))

    def range(self, span) -> t.Range:
        return t.Range(start=self.position(span.line, span.column),
                       end=self.position(span.end_line, span.end_column))


def severity(value: Severity) -> t.DiagnosticSeverity:
    return _SEVERITY[value]


def path_to_uri(path: str) -> str:
    from pygls.uris import from_fs_path

    return from_fs_path(str(path)) or str(path)


# ------------------------------------------------------------------ diagnostics (LSP JSON)
#
# Diagnostics are built as LSP JSON (plain dicts) rather than lsprotocol objects: a
# 5,000-line file can have hundreds of findings, re-sent on every keystroke, and
# attrs objects plus cattrs unstructuring cost more than the check itself. Each
# diagnostic's JSON text is cached (diagnostics.py) and spliced into the message.


def span_json(span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def fix_json(fix) -> list:
    """[title, kind, safe, [[line, column, end_line, end_column, new_text], ...]] (compact: it
    travels with every diagnostic)."""
    return [fix.title, str(getattr(fix.kind, "value", fix.kind)), bool(fix.safe),
            [[*span_json(e.span), e.new_text] for e in fix.edits]]


class SpanLike:
    """A Span rebuilt from JSON (`[line, column, end_line, end_column]`)."""

    __slots__ = ("line", "column", "end_line", "end_column")

    def __init__(self, values: Sequence[int]):
        self.line, self.column, self.end_line, self.end_column = (int(v) for v in values[:4])

    def key(self) -> tuple[int, int, int, int]:
        return (self.line, self.column, self.end_line, self.end_column)


def fix_from_json(value) -> dict:
    """The compact fix form back as {title, kind, safe, edits: [(SpanLike, text)]}."""
    title, kind, safe, edits = value
    return {"title": str(title), "kind": str(kind), "safe": bool(safe),
            "edits": [(SpanLike(e[:4]), str(e[4])) for e in edits]}


def position_json(lines: Lines, line: int, column: int) -> dict:
    p = lines.position(line, column)
    return {"line": p.line, "character": p.character}


def range_json(lines: Lines, span) -> dict:
    return {"start": position_json(lines, span.line, span.column),
            "end": position_json(lines, span.end_line, span.end_column)}


def rule_link(rule, yaml_lines: Lines | None) -> dict:
    """LSP Location JSON of a rule in its YAML file (exact when the file's lines are given)."""
    span = rule.location.span
    if yaml_lines is not None:
        rng = range_json(yaml_lines, span)
    else:
        rng = {"start": {"line": span.line, "character": span.column},
               "end": {"line": span.end_line, "character": span.end_column}}
    return {"uri": path_to_uri(rule.location.path), "range": rng}


def finding_diagnostic(finding, rule, lines: Lines, features, link: dict | None = None,
                       root: str | None = None) -> dict:
    from ..engine.model import UNUSED_SUPPRESSION

    unused = finding.rule_id == UNUSED_SUPPRESSION
    diag: dict[str, Any] = {
        "range": range_json(lines, finding.span),
        "severity": int(t.DiagnosticSeverity.Hint if unused else severity(finding.severity)),
        "code": finding.rule_id,
        "source": SOURCE,
        "message": finding.message,
        # what a code action request echoes back to find the finding again; its fixes are
        # computed then, from the current text, not on every keystroke
        "data": {"ruleId": finding.rule_id, "span": span_json(finding.span)},
    }
    if unused and features.unnecessary_tag:
        diag["tags"] = [int(t.DiagnosticTag.Unnecessary)]
    if rule is not None:
        if rule.url and features.code_description:
            diag["codeDescription"] = {"href": rule.url}
        if rule.location is not None and features.related_information:
            if link is None:
                link = rule_link(rule, None)
            diag["relatedInformation"] = [{"location": link, "message": f"{rule.id}: {rule.name}"}]
    if finding.related and root is not None and features.related_information:
        diag.setdefault("relatedInformation", []).extend(
            related_json(finding.related, root, (finding.span, diag["range"])))
    return diag


def related_json(related, root: str, own: tuple[Any, dict] | None = None) -> list[dict]:
    """An import finding's hops (`Finding.related`: root-relative paths) as relatedInformation.
    `own`: (the finding's span, its converted range): the first hop is the finding's import,
    in the checked text. The other hops' columns stay code points: their files' lines are not
    at hand (module names are ASCII in practice, where every encoding agrees)."""
    import os

    out = []
    for hop in related:
        span = hop.span
        if own is not None and span == own[0]:
            rng = {"start": dict(own[1]["start"]), "end": dict(own[1]["end"])}  # a copy: templates edit the range
        else:
            rng = {"start": {"line": span.line, "character": span.column},
                   "end": {"line": span.end_line, "character": span.end_column}}
        out.append({"location": {"uri": path_to_uri(os.path.join(root, hop.path)), "range": rng},
                    "message": hop.message})
    return out


def notice_diagnostic(message: str) -> dict:
    """Information at the top of a file that archrules did not check (too big, binary, ...)."""
    return {
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "severity": int(t.DiagnosticSeverity.Information),
        "source": SOURCE,
        "message": message,
    }


def note_diagnostic(note, lines: Lines) -> dict:
    """An engine note (checks skipped: the file does not parse, a rule too slow on it) where
    the user sees it, not only in the log."""
    diag: dict[str, Any] = {
        "range": range_json(lines, note.span),
        "severity": int(t.DiagnosticSeverity.Information),
        "source": SOURCE,
        "message": f"archrules: {note.message}",
    }
    if note.rule_id:
        diag["code"] = note.rule_id
    return diag


def rule_location_range(location, lines: Lines | None = None) -> t.Range:
    """A rule's place in its YAML file (columns: rule files are mostly ASCII; with
    `lines` they are converted exactly)."""
    span = location.span
    if lines is not None:
        return lines.range(span)
    return t.Range(start=t.Position(line=span.line, character=span.column),
                   end=t.Position(line=span.end_line, character=span.end_column))


def rule_error_diagnostic(error, lines: Lines) -> dict:
    diag: dict[str, Any] = {
        "range": range_json(lines, error.span),
        "severity": int(severity(error.severity)),
        "source": SOURCE,
        "message": error.message,
    }
    if error.rule_id:
        diag["code"] = error.rule_id
    return diag


# ------------------------------------------------------------------ edits


def text_edits(edits: Iterable[tuple[Any, str]], lines: Lines) -> list[t.TextEdit]:
    return [t.TextEdit(range=lines.range(span), new_text=text) for span, text in edits]


def workspace_edit(uri: str, version: int | None, edits: list[t.TextEdit], features) -> t.WorkspaceEdit:
    if features.document_changes:
        return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(
            text_document=t.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
            edits=edits,
        )])
    return t.WorkspaceEdit(changes={uri: edits})


def minimal_edit(old: str, new: str, lines: Lines) -> list[t.TextEdit]:
    """One edit turning `old` into `new`: the differing middle only."""
    if old == new:
        return []
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    # don't split a \r\n pair
    if start > 0 and old[start - 1] == "\r" and start < len(old) and old[start] == "\n":
        start -= 1
    if 0 < end_old < len(old) and old[end_old - 1] == "\r" and old[end_old] == "\n":
        end_old += 1
        end_new += 1
    sl, sc = _line_col(old, start)
    el, ec = _line_col(old, end_old)
    rng = t.Range(start=lines.position(sl, sc), end=lines.position(el, ec))
    return [t.TextEdit(range=rng, new_text=new[start:end_new])]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    from ..engine.text import line_of_offset, line_starts

    starts = line_starts(text)
    line = line_of_offset(starts, offset)
    return line, offset - starts[line]
