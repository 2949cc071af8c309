"""The JSON lines' fast encoder (cli/formats/records.py) says what json.dumps of the plain
record says, whatever the text, for every finding, however many times a rule's part is reused."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from archrules_lsp.cli.formats import records
from archrules_lsp.cli.formats.records import FindingEncoder, encode_path
from archrules_lsp.engine.model import Finding, Fix, FixKind, RelatedLocation, Severity, Span, TextEdit

spans = st.builds(Span, st.integers(0, 10**6), st.integers(0, 500), st.integers(0, 10**6), st.integers(0, 500))
words = st.text(max_size=12) | st.sampled_from(["", "  ", "a\u2028b", "\x00\x1f", '"\\', "😋", "\ud800"])
fixes = st.builds(Fix, words, st.lists(st.builds(TextEdit, spans, words), max_size=2).map(tuple),
                  st.sampled_from(list(FixKind)), st.booleans())
paths = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)  # file names: valid text here
related = st.builds(RelatedLocation, paths, spans, words)
findings = st.builds(Finding, st.sampled_from(["R1", "R2", "é"]), st.sampled_from(list(Severity)),
                     st.sampled_from(["m", "n \"q\""]) | words, spans, words,
                     st.lists(fixes, max_size=2).map(tuple), st.lists(related, max_size=2).map(tuple))


def plain(rel, f, baselined):
    def at(span):
        return {"line": span.line + 1, "column": span.column + 1, "end_line": span.end_line + 1,
                "end_column": span.end_column + 1}

    fix = f.rule_fix
    record = {"path": rel, **at(f.span), "rule": f.rule_id, "severity": f.severity.value, "message": f.message,
              "suggestion": f.suggestion.rstrip() or None,
              "fix": None if fix is None else {"title": fix.title, "safe": fix.safe,
                                               "edits": [{**at(e.span), "new_text": e.new_text} for e in fix.edits]}}
    if baselined is not None:
        record["baselined"] = baselined
    if f.related:
        record["related"] = [{"path": r.path, **at(r.span), "message": r.message} for r in f.related]
    return json.loads(json.dumps(record, ensure_ascii=False))


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(findings, min_size=1, max_size=8), baselined=st.none() | st.booleans())
def test_fast_encoding_equals_json_dumps(batch, baselined):
    encode = FindingEncoder()
    for f in batch + batch:  # the second time from the kept parts
        assert json.loads(encode(encode_path("app/a.py"), f, baselined)) == plain("app/a.py", f, baselined)


def test_the_kept_parts_are_bounded(monkeypatch):
    monkeypatch.setattr(records, "_TAILS_KEPT", 2)
    encode = FindingEncoder()
    found = [Finding("R", Severity.ERROR, f"message {i}", Span(i, 0, i, 1)) for i in range(5)]
    for f in found + found:
        assert json.loads(encode(encode_path("a.py"), f)) == plain("a.py", f, None)
    assert len(encode._tails) <= 2
