"""Fixes the engine computes, and applying them."""

import ast

from archrules_lsp.engine import Finding, Fix, FixKind, Severity, Span, TextEdit, apply_edits, apply_safe_fixes
from archrules_lsp.engine.fixes import suggested_line

from .conftest import run

STATUS = 'status = Column(String(30), nullable=False, default="pending", index=True)'

MODEL = '''"""Architecture scan model."""
from sqlalchemy import Column, DateTime, Integer, String

from .base import Base


class ArchitectureScan(Base):
    """One run of the architecture scanner."""

    __tablename__ = "architecture_scans"

    id = Column(Integer, primary_key=True)
    started_at = Column(DateTime, nullable=True)

    def __repr__(self):
        return f"<ArchitectureScan {self.id}>"
'''


def test_bg001_fix_inserts_the_suggested_column_into_the_model_class(seed_checker):
    res = seed_checker.check("models/database/architecture_scan.py", MODEL)
    (finding,) = [f for f in res.findings if f.rule_id == "BG-001"]
    fix = finding.rule_fix
    assert fix is not None and fix.safe and fix.kind is FixKind.RULE
    new, count = apply_safe_fixes(MODEL, [finding])
    assert count == 1
    tree = ast.parse(new)  # still Python
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    assert STATUS in ast.get_source_segment(new, cls)
    # the new field joins the other fields, with their indentation, before the methods
    lines = new.splitlines()
    i = lines.index("    " + STATUS)
    assert lines[i - 1] == "    started_at = Column(DateTime, nullable=True)"
    # and re-checking finds nothing left for BG-001
    rechecked = seed_checker.check("models/database/architecture_scan.py", new)
    assert [f for f in rechecked.findings if f.rule_id == "BG-001"] == []


def test_labels_and_prose_lines_of_a_suggestion_are_not_code():
    assert suggested_line("Add: " + STATUS + "\n", "status = Column", python=True) == STATUS
    sugg = 'Add: triggered_by = Column(String(100), nullable=True)\nFormat: "manual:username", "scheduled"\n'
    assert suggested_line(sugg, "triggered_by", python=True) == "triggered_by = Column(String(100), nullable=True)"
    assert suggested_line("Add timestamp fields:\ncreated_at = x\n", "timestamp", python=True) is None


def test_fix_keeps_crlf_line_endings(seed_checker):
    crlf = MODEL.replace("\n", "\r\n")
    res = seed_checker.check("models/database/architecture_scan.py", crlf)
    new, _ = apply_safe_fixes(crlf, res.findings)
    assert STATUS in new and "\n" not in new.replace("\r\n", "")


def test_no_rule_fix_where_placement_is_unknown(seed_checker):
    # a task module has no class to put `status = "running"` into: only suppressions are offered
    res = seed_checker.check("app/tasks/scan.py", "def run():\n    pass\n")
    assert res.findings and all(f.rule_fix is None for f in res.findings)
    kinds = {k.kind for f in res.findings for k in f.fixes}
    assert kinds == {FixKind.IGNORE_LINE, FixKind.IGNORE_FILE}


def test_several_insertions_into_one_class_all_apply_and_still_parse(seed_checker):
    bare = 'class MarketplaceImportJob(Base):\n    __tablename__ = "jobs"\n    id = Column(Integer)\n'
    res = seed_checker.check("models/database/marketplace_import_job.py", bare)
    new, count = apply_safe_fixes(bare, res.findings)
    ast.parse(new)
    for needle in ("status = Column", "error_message", "started_at", "completed_at", "triggered_by"):
        assert needle in new
    assert count >= 5


RULES = """
g:
  - id: BG-010
    name: standard status
    anti_patterns:
      - pattern: "processing"
        message: legacy
"""


def apply_fix(path, text, kind):
    (f,) = run(RULES, path, text).findings
    fix = next(x for x in f.fixes if x.kind is kind)
    return apply_edits(text, fix.edits)


def test_ignore_line_fix_in_each_comment_syntax_silences_the_finding():
    for path, text, expected in [
        ("a.py", "x = 'processing'\n", "x = 'processing'  # archrules: ignore[BG-010]\n"),
        ("a.js", "x = 'processing';\n", "x = 'processing';  // archrules: ignore[BG-010]\n"),
        ("a.html", "<p>processing</p>\n", "<p>processing</p>  <!-- archrules: ignore[BG-010] -->\n"),
    ]:
        new = apply_fix(path, text, FixKind.IGNORE_LINE)
        assert new == expected
        assert run(RULES, path, new).findings == ()


def test_ignore_line_fix_extends_an_existing_directive():
    text = "x = 'processing'  # archrules: ignore[BG-999]\n"
    res = run(RULES, "a.py", text)
    f = next(f for f in res.findings if f.rule_id == "BG-010")
    fix = next(x for x in f.fixes if x.kind is FixKind.IGNORE_LINE)
    assert apply_edits(text, fix.edits) == "x = 'processing'  # archrules: ignore[BG-999, BG-010]\n"


def test_ignore_file_fix_goes_after_a_shebang():
    new = apply_fix("a.py", "#!/usr/bin/env python\nx = 'processing'\n", FixKind.IGNORE_FILE)
    assert new == "#!/usr/bin/env python\n# archrules: ignore-file[BG-010]\nx = 'processing'\n"
    assert run(RULES, "a.py", new).findings == ()


def test_apply_edits_clamps_out_of_range_positions():
    from archrules_lsp.engine import Span, TextEdit

    assert apply_edits("ab\ncd", [TextEdit(Span(1, 99, 5, 0), "!")]) == "ab\ncd!"


def test_with_several_classes_the_fix_is_offered_but_not_applied_unattended(seed_checker):
    text = ('class LetzshopCredentials(Base):\n    id = Column(Integer)\n\n\n'
            'class LetzshopHistoricalImportJob(Base):\n    id = Column(Integer)\n')
    res = seed_checker.check("models/database/letzshop.py", text)
    f = next(f for f in res.findings if f.rule_id == "BG-003")
    assert f.rule_fix is not None and not f.rule_fix.safe
    assert apply_safe_fixes(text, [f]) == (text, 0)


def test_a_suggestion_line_that_would_run_at_import_is_offered_but_not_applied_unattended(seed_checker):
    # BG-030's suggestion `job.status = "running"` inserted into a task module's only class
    # would raise NameError at import, and BG-032's `db = SessionLocal()` would open a session
    text = "class ExportRunner:\n    def run(self, job):\n        pass\n"
    res = seed_checker.check("app/tasks/export_tasks.py", text)
    inserted = [f for f in res.findings if f.rule_fix is not None and f.rule_fix.kind is FixKind.RULE]
    assert inserted and not any(f.rule_fix.safe for f in inserted)
    assert apply_safe_fixes(text, res.findings) == (text, 0)


def test_a_field_declared_like_the_class_s_others_is_inserted_unattended(seed_checker):
    text = "class TestRun(Base):\n    id = Column(Integer, primary_key=True)\n"
    f = next(f for f in seed_checker.check("models/database/test_run.py", text).findings if f.rule_id == "BG-001")
    assert f.rule_fix is not None and f.rule_fix.safe


def test_ignore_line_fix_never_follows_a_continuation_backslash():
    # `x = 'processing' + \  # comment` is a syntax error: the comment goes on its own line above
    text = "if True:\n    x = 'processing' + \\\n        'y'\n"
    new = apply_fix("a.py", text, FixKind.IGNORE_LINE)
    assert new == "if True:\n    # archrules: ignore[BG-010]\n    x = 'processing' + \\\n        'y'\n"
    ast.parse(new)
    assert run(RULES, "a.py", new).findings == ()
    # the continued line itself can take a trailing comment
    new = apply_fix("a.py", "x = 1 + \\\n    len('processing')\n", FixKind.IGNORE_LINE)
    assert new == "x = 1 + \\\n    len('processing')  # archrules: ignore[BG-010]\n"
    ast.parse(new)
    # in the middle of a continued statement there is no place for a comment line
    res = run(RULES, "a.py", "x = 1 + \\\n    'processing' + \\\n    'z'\n")
    f = next(f for f in res.findings if f.rule_id == "BG-010")
    assert [x.kind for x in f.fixes] == [FixKind.IGNORE_FILE]


def test_suggested_code_in_a_bullet_or_in_backticks_is_found():
    assert suggested_line("Add these:\n- created_at = Column(DateTime)\n", "created_at", python=True) == (
        "created_at = Column(DateTime)")
    assert suggested_line("* Add: created_at = Column(DateTime)\n", "created_at", python=True) == (
        "created_at = Column(DateTime)")
    assert suggested_line("Add `created_at = Column(DateTime)` to the model.\n", "created_at", python=True) == (
        "created_at = Column(DateTime)")
    # prose that merely mentions the name is still not code: a bare name is no statement to insert
    assert suggested_line("- Add a `created_at` column\n", "created_at", python=True) is None
    assert suggested_line("Add: created_at, updated_at\n", "created_at", python=True) is None


def _replacement(line: int, column: int, end: int, new: str, rule: str = "R") -> Finding:
    fix = Fix(f"Replace with {new}", (TextEdit(Span(line, column, line, end), new),))
    return Finding(rule, Severity.WARNING, "m", Span(line, column, line, end), fixes=(fix,))


def test_twenty_thousand_fixes_apply_in_one_pass():
    # was quadratic (pairwise overlap checks, one string rebuild per edit): minutes for this
    text = "".join(f"x{i} = old\n" for i in range(20_000))
    findings = [_replacement(i, len(f"x{i} = "), len(f"x{i} = old"), "new") for i in range(20_000)]
    new_text, count = apply_safe_fixes(text, findings)
    assert count == 20_000 and new_text == text.replace("old", "new")


def test_overlapping_fixes_keep_the_first_and_identical_edits_apply_once():
    text = "abcdef\n"
    findings = [_replacement(0, 0, 3, "X", "A"), _replacement(0, 2, 5, "Y", "B"), _replacement(0, 0, 3, "X", "C"),
                _replacement(0, 3, 3, "+", "D"), _replacement(0, 4, 4, "!", "E")]
    new_text, count = apply_safe_fixes(text, findings)
    # B overlaps A; C is A's edit again (counted, applied once); D inserts at A's end; E is inside B only
    assert new_text == "X+d!ef\n" and count == 4


def test_a_fix_with_a_line_break_is_written_with_the_files_line_ending():
    rules = r"""
    r:
      - id: SPLIT
        name: one import per line
        anti_patterns:
          - pattern: 'import (\w+), (\w+)'
            message: split it
            fix: |-
              import \1
              import \2
    """
    text = "x = 1\r\nimport os, sys\r\ny = 2\r\n"
    result = run(rules, "a.py", text)
    (finding,) = result.findings
    new_text, count = apply_safe_fixes(text, result.findings)
    assert count == 1 and new_text == "x = 1\r\nimport os\r\nimport sys\r\ny = 2\r\n"


DEDENTING = r"""
r:
  - id: LOG
    name: no print
    anti_patterns:
      - pattern: '^\s*print\((.*)\)$'
        message: use logging
        fix: 'log.info(\1)'
  - id: LOG2
    name: no print, kept indented
    anti_patterns:
      - pattern: 'pprint\('
        message: use logging
        fix: 'log.debug('
"""


def test_a_fix_that_would_break_a_parsing_python_file_is_not_safe():
    text = 'def f():\n    print("x")\n\n\ndef g():\n    pprint(1)\n'
    result = run(DEDENTING, "a.py", text)
    by_rule = {f.rule_id: f.rule_fix for f in result.findings}
    assert by_rule["LOG"].safe is False  # its match takes the indentation: the body would be empty
    assert by_rule["LOG2"].safe is True
    new_text, count = apply_safe_fixes(text, result.findings)
    assert count == 1 and new_text == 'def f():\n    print("x")\n\n\ndef g():\n    log.debug(1)\n'
    ast.parse(new_text)


def test_the_same_fix_in_a_file_that_does_not_parse_yet_keeps_its_flag():
    result = run(DEDENTING, "a.py", 'def f(:\n    print("x")\n')
    assert [f.rule_fix.safe for f in result.findings if f.rule_id == "LOG"] == [True]


def test_a_python_file_is_parsed_once_for_the_checks_and_once_for_all_its_fixes(seed_checker, monkeypatch):
    # the safety check used to re-parse the whole file once per fix
    counted = []
    real_parse = ast.parse

    def counting_parse(source, *args, **kwargs):
        counted.append(len(source))
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting_parse)
    text = "from x import y\n\n\nclass ImportJob(Base):\n    id = Column(Integer)\n" + 'status = "processing"\n' * 50
    result = seed_checker.check("models/database/marketplace_import_job.py", text)
    assert sum(1 for f in result.findings if f.rule_fix is not None) >= 5
    assert sum(1 for n in counted if n >= len(text)) == 2


def test_fixes_can_be_left_out_and_computed_on_demand(seed_checker):
    from archrules_lsp.engine import Checker, CheckOptions

    lazy = Checker(seed_checker.ruleset, CheckOptions(fixes=False))
    text = MODEL
    path = "models/database/architecture_scan.py"
    eager = seed_checker.check(path, text)
    quick = lazy.check(path, text)
    assert [(f.rule_id, f.span) for f in quick.findings] == [(f.rule_id, f.span) for f in eager.findings]
    assert all(f.fixes == () for f in quick.findings)
    assert [lazy.fixes_for(path, text, f) for f in quick.findings] == [f.fixes for f in eager.findings]
    assert any(lazy.fixes_for(path, text, f) for f in quick.findings)
    assert lazy.check_with_fixes(path, text) == eager
