"""Findings as JSON objects (json and jsonl), encoded fast.

    {"path", "line", "column", "end_line", "end_column", "rule", "severity", "message",
     "suggestion", "fix": null | {"title", "safe", "edits": [{"line", "column", "end_line",
     "end_column", "new_text"}]}}
    plus "related": [{"path", "line", "column", "end_line", "end_column", "message"}] when the
    finding has other places (an indirect import's hops)

1-based lines and columns (code points), ends exclusive. Built with the C string
encoder and f-strings: json.dumps of a dict per finding would be most of a large
run's output time. Equivalent to json.dumps(record, ensure_ascii=False). (`%` templates,
not f-strings: JSON's braces would all have to be doubled.)"""

from __future__ import annotations

from json.encoder import encode_basestring as _string  # the C implementation when available

from ..file_report import one_based

_TAILS_KEPT = 4096  # distinct (rule, severity, message, suggestion) encodings kept; then started afresh


class FindingEncoder:
    """Callable: (rel, finding) -> one JSON object as a string. A rule's findings repeat their
    rule id, severity, message and suggestion: that part is encoded once and kept."""

    def __init__(self):
        # (rule id, message, suggestion) -> (severity, the encoded part); the severity is
        # compared, not hashed (an Enum's hash is a Python call)
        self._tails: dict[tuple[str, str, str], tuple[object, str]] = {}

    def _tail(self, f) -> str:
        key = (f.rule_id, f.message, f.suggestion)
        kept = self._tails.get(key)
        if kept is not None and kept[0] is f.severity:
            return kept[1]
        if len(self._tails) >= _TAILS_KEPT:
            self._tails.clear()
        suggestion = f.suggestion.rstrip()
        tail = ('"rule": %s, "severity": "%s", "message": %s, "suggestion": %s'  # noqa: UP031
                % (_string(f.rule_id), f.severity.value, _string(f.message),
                   _string(suggestion) if suggestion else "null"))
        self._tails[key] = (f.severity, tail)
        return tail

    def __call__(self, rel_json: str, f, baselined: bool | None = None) -> str:
        """`baselined`: None leaves the field out (no --show-baselined)."""
        span = f.span
        fix = f.rule_fix if f.fixes else None
        if fix is None:
            fix_json = "null"
        else:
            edits = ", ".join(
                '{"line": %d, "column": %d, "end_line": %d, "end_column": %d, "new_text": %s}'  # noqa: UP031
                % (*one_based(e.span), _string(e.new_text)) for e in fix.edits)
            fix_json = '{"title": %s, "safe": %s, "edits": [%s]}' % (  # noqa: UP031
                _string(fix.title), "true" if fix.safe else "false", edits)
        mark = "" if baselined is None else ', "baselined": true' if baselined else ', "baselined": false'
        if f.related:
            mark += ', "related": [%s]' % ", ".join(  # noqa: UP031
                '{"path": %s, "line": %d, "column": %d, "end_line": %d, "end_column": %d, "message": %s}'  # noqa: UP031
                % (encode_path(r.path), *one_based(r.span), _string(r.message)) for r in f.related)
        return ('{"path": %s, "line": %d, "column": %d, "end_line": %d, "end_column": %d, %s, "fix": %s%s}'  # noqa: UP031
                % (rel_json, span.line + 1, span.column + 1, span.end_line + 1, span.end_column + 1,
                   self._tail(f), fix_json, mark))


def note_json(rel_json: str, n) -> str:
    line, col, _, _ = one_based(n.span)
    rule = _string(n.rule_id) if n.rule_id else "null"
    return ('{"path": %s, "line": %d, "column": %d, "message": %s, "rule": %s}'  # noqa: UP031
            % (rel_json, line, col, _string(n.message), rule))


def valid_text(text: str) -> str:
    """`text` as valid Unicode: a file name that is not UTF-8 comes from the OS with
    lone surrogates (surrogateescape), which no JSON reader accepts; those become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").encode(
            "utf-8", "replace").decode("utf-8")


def encode_path(rel: str) -> str:
    return _string(valid_text(rel))
