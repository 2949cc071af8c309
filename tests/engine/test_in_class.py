"""`in_class`: a `patterns` entry's presence checks on each Python class whose header matches."""

from __future__ import annotations

import textwrap

from archrules_lsp.engine import Checker, CheckOptions, load_rule_text
from archrules_lsp.engine.fixes import apply_safe_fixes
from archrules_lsp.engine.incremental import IncrementalCheck
from archrules_lsp.engine.model import Span
from archrules_lsp.engine.rule_tests import PASSED, run_examples

from .conftest import ruleset_from_yaml, run

TABLE_RULE = r"""
models:
  - id: DB-001
    name: table models have an id
    severity: error
    patterns:
      - file: "app/models/*.py"
        in_class: 'table\s*=\s*True'
        must_contain: "id: int"
    suggestion: "Add: id: int | None = Field(default=None, primary_key=True)"
"""

# The real user's file: six classes, three of them tables; "every table has an id" must land
# on each table class missing one, never on UserBase (the first class).
SQLMODEL_FILE = '''from sqlmodel import Field, SQLModel


class UserBase(SQLModel):
    email: str = Field(unique=True, index=True)
    full_name: str | None = Field(default=None)


class User(UserBase, table=True):
    hashed_password: str = Field()


class UserCreate(UserBase):
    password: str


class UserPublic(UserBase):
    id: int


class Item(SQLModel,
           table=True):
    title: str = Field(max_length=255)
    owner: str = Field(foreign_key="user.email")


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field()
'''


def test_each_table_class_missing_the_field_gets_a_finding_on_its_name_never_the_base_class():
    res = run(TABLE_RULE, "app/models/user.py", SQLMODEL_FILE)
    got = [(f.span, f.message) for f in res.findings]
    assert got == [
        (Span(8, 6, 8, 10), "User: missing `id: int` (DB-001: table models have an id)"),
        (Span(20, 6, 20, 10), "Item: missing `id: int` (DB-001: table models have an id)"),
    ]
    assert res.notes == ()


def test_the_fix_inserts_the_line_after_that_class_s_last_field_and_is_safe():
    res = run(TABLE_RULE, "app/models/user.py", SQLMODEL_FILE)
    user, item = (f.rule_fix for f in res.findings)
    assert user is not None and item is not None
    assert user.title == "Add `id: int | None = Field(default=None, primary_key=True)` to class User"
    assert user.safe and item.safe  # the class is the one the entry chose; the line declares a Field like its others
    fixed, count = apply_safe_fixes(SQLMODEL_FILE, res.findings)
    assert count == 2
    assert fixed == SQLMODEL_FILE.replace(
        "    hashed_password: str = Field()\n",
        "    hashed_password: str = Field()\n    id: int | None = Field(default=None, primary_key=True)\n",
    ).replace(
        '    owner: str = Field(foreign_key="user.email")\n',
        '    owner: str = Field(foreign_key="user.email")\n'
        '    id: int | None = Field(default=None, primary_key=True)\n',
    )
    assert run(TABLE_RULE, "app/models/user.py", fixed).findings == ()


def test_a_line_unlike_the_class_s_fields_is_offered_but_not_applied_unattended():
    rules = TABLE_RULE.replace("Field(default=None, primary_key=True)", "make_id()")
    text = "class Job(SQLModel, table=True):\n    name: str = Field()\n"
    (finding,) = run(rules, "app/models/job.py", text).findings
    fix = finding.rule_fix
    assert fix is not None and not fix.safe
    assert fix.edits[0].new_text == "    id: int | None = make_id()\n"


def test_the_header_is_read_as_one_line_from_class_to_its_colon():
    rules = """
    g:
      - id: H-1
        name: header
        patterns:
          - file: "*.py"
            in_class: 'class Job\\(SQLModel, table=True\\):$'
            must_contain: status
    """
    text = "class Job(  # the table\n    SQLModel,\n    table=True,  # note: x\n):\n    id = 1\n"
    # written over four lines, with comments: read as `class Job(SQLModel, table=True,):`
    assert run(rules, "m.py", text).findings == ()
    text = "class Job(SQLModel,\n          table=True):\n    id = 1\n"
    (finding,) = run(rules, "m.py", text).findings
    assert finding.span == Span(0, 6, 0, 9)


def test_decorators_are_not_part_of_the_header():
    rules = """
    g:
      - id: D-1
        name: frozen classes
        patterns:
          - file: "*.py"
            in_class: '(?i)frozen'
            must_contain: slots
    """
    text = "@dataclass(frozen=True)\nclass Point:\n    x: int\n"
    assert run(rules, "p.py", text).findings == ()
    text = "@dataclass\nclass Point(Frozen):\n    x: int\n"
    (finding,) = run(rules, "p.py", text).findings
    assert finding.span.line == 1 and finding.message.startswith("Point: missing `slots`")


def test_nested_classes_are_checked_by_qualified_name_and_count_in_the_outer_body():
    rules = """
    g:
      - id: N-1
        name: config
        patterns:
          - file: "*.py"
            in_class: Model
            must_contain: orm_mode
    """
    text = textwrap.dedent("""\
        class User(Model):
            name = 1
            class Config(Model):
                orm_mode = True

        class Job(Model):
            class Meta(Model):
                table = "jobs"
        """)
    got = [(f.span.line, f.message.split(" (")[0]) for f in run(rules, "m.py", text).findings]
    # User holds orm_mode through its nested Config; Job and Job.Meta do not
    assert got == [(5, "Job: missing `orm_mode`"), (6, "Job.Meta: missing `orm_mode`")]


def test_classes_inside_blocks_and_functions_are_checked_too():
    rules = """
    g:
      - id: N-2
        name: every model
        patterns:
          - file: "*.py"
            in_class: Model
            must_contain: id
    """
    text = textwrap.dedent("""\
        if TYPE_CHECKING:
            class A(Model): x = 1
        else:
            class B(Model): x = 1
        def make():
            with ctx:
                class C(Model): x = 1
            return C
        try:
            class D(Model): x = 1
        except ImportError:
            class E(Model): x = 1
        for _ in ():
            pass
        else:
            class F(Model): x = 1
        """)
    got = [(f.span.line, f.message.split(":")[0]) for f in run(rules, "m.py", text).findings]
    assert got == [(1, "A"), (3, "B"), (6, "C"), (9, "D"), (11, "E"), (15, "F")]


def test_only_the_body_counts_not_the_header_nor_other_classes():
    rules = """
    g:
      - id: B-1
        name: has id
        patterns:
          - file: "*.py"
            in_class: Base
            must_contain: id
    """
    text = "class Paid(Base):\n    amount = 1\n\nclass Other:\n    id = 2\n"
    # `id` occurs in the header (`Paid`) and in another class: neither counts
    assert [f.message.split(":")[0] for f in run(rules, "m.py", text).findings] == ["Paid"]


def test_must_contain_one_of_and_must_reference_and_when_contains_per_class():
    rules = """
    g:
      - id: C-1
        name: tasks
        patterns:
          - file: "*.py"
            in_class: Task
            when_contains: "def run"
            must_contain_one_of: ["retries", "max_attempts"]
            must_reference: Job
    """
    text = textwrap.dedent("""\
        class Export(Task):
            def run(self):
                return JobRunner()

        class Import(Task):
            retries = 3
            def run(self):
                return Job()

        class Idle(Task):
            pass
        """)
    got = [(f.span.line, f.message) for f in run(rules, "t.py", text).findings]
    # Idle has no `def run`: its gate is closed; Import has both
    assert got == [
        (0, "Export: `Job` is never referenced (C-1: tasks)"),
        (0, "Export: missing one of `retries`, `max_attempts` (C-1: tasks)"),
    ]


def test_crlf_files_get_the_same_positions_and_a_crlf_insertion():
    text = SQLMODEL_FILE.replace("\n", "\r\n")
    res = run(TABLE_RULE, "app/models/user.py", text)
    assert [f.span for f in res.findings] == [Span(8, 6, 8, 10), Span(20, 6, 20, 10)]
    fixed, _ = apply_safe_fixes(text, res.findings)
    assert "Field()\r\n    id: int | None = Field(default=None, primary_key=True)\r\n" in fixed
    assert "\n" not in fixed.replace("\r\n", "")


def test_a_file_that_does_not_parse_gets_a_note_and_no_finding_of_the_entry():
    text = SQLMODEL_FILE + "\ndef broken(:\n"
    res = run(TABLE_RULE, "app/models/user.py", text)
    assert res.findings == ()
    (note,) = res.notes
    assert note.rule_id == "DB-001" and note.span.line == text.splitlines().index("def broken(:")
    assert "does not parse" in note.message and "the `in_class` checks of DB-001" in note.message


def test_a_file_that_is_not_python_gets_one_note_per_rule_and_no_finding():
    rules = """
    g:
      - id: P-1
        name: python only
        patterns:
          - file: "src/**"
            in_class: Model
            must_contain: id
          - file: "src/**"
            in_class: Base
            must_contain: name
    """
    res = run(rules, "src/models.ts", "class User extends Model {\n}\n")
    assert res.findings == ()
    (note,) = res.notes
    assert note.rule_id == "P-1" and note.span.line == 0
    assert note.message == ("rule P-1: `in_class` checks Python classes, and this file is not Python: "
                            "its `in_class` entries are skipped here")


def test_a_suppression_on_the_class_line_covers_its_finding():
    text = SQLMODEL_FILE.replace("class User(UserBase, table=True):",
                                 "class User(UserBase, table=True):  # archrules: ignore[DB-001]")
    res = run(TABLE_RULE, "app/models/user.py", text)
    assert [f.message.split(":")[0] for f in res.findings] == ["Item"]


def test_examples_work_with_in_class():
    base = "class Base(SQLModel):\\n    x: int = Field()\\n"
    job = "class Job(Base, table=True):\\n    y: int = Field()\\n"
    added = "    id: int | None = Field(default=None, primary_key=True)\\n"
    yaml_text = TABLE_RULE + textwrap.indent(textwrap.dedent(f"""\
        examples:
          - path: app/models/user.py
            invalid: "{base}\\n{job}"
            count: 1
            message: "Job: missing"
            fixed: "{base}\\n{job}{added}"
          - path: app/models/user.py
            valid: "{base}"
        """), "    ")
    ruleset = ruleset_from_yaml(yaml_text)
    assert [(o.outcome, o.detail) for o in run_examples(ruleset)] == [(PASSED, ""), (PASSED, "")]


# ---------------------------------------------------------------- loading


def _errors(yaml_text: str):
    _, errors = load_rule_text(textwrap.dedent(yaml_text), "rules.yaml")
    return [(e.span.line, e.severity.value, e.message) for e in errors]


def test_an_invalid_in_class_regex_is_an_error_at_its_line_and_the_entry_is_not_loaded():
    yaml_text = """\
    g:
      - id: L-1
        name: bad
        patterns:
          - file: "*.py"
            in_class: 'table=(True'
            must_contain: id
    """
    rules, errors = load_rule_text(textwrap.dedent(yaml_text), "rules.yaml")
    (error,) = errors
    assert (error.span.line, error.severity.value) == (5, "error")
    assert error.message.startswith("`in_class`: ") and "the entry is not loaded" in error.message
    assert rules[0].patterns == ()  # not widened to the whole file


def test_in_class_matching_everything_is_fine_and_file_level_checks_beside_it_are_ignored_with_a_warning():
    assert _errors("""\
    g:
      - id: L-2
        name: every class
        patterns:
          - file: "*.py"
            in_class: ''
            must_contain: id
    """) == []
    assert _errors("""\
    g:
      - id: L-3
        name: mixed
        patterns:
          - file: "*.py"
            in_class: Model
            must_contain: id
            should_match: 'import'
    """) == [(7, "warning", "`should_match` checks the whole file, not each class: put it in a `patterns` entry "
                          "without `in_class`; it is ignored here")]


def test_an_in_class_entry_that_checks_nothing_is_a_warning():
    errors = _errors("""\
    g:
      - id: L-4
        name: nothing
        patterns:
          - file: "*.py"
            in_class: Model
    """)
    assert [(line, severity) for line, severity, _ in errors] == [(4, "warning")]
    assert "checks nothing" in errors[0][2]


# ---------------------------------------------------------------- editing


def test_the_incremental_check_follows_classes_as_lines_move_and_headers_change():
    checker = Checker(ruleset_from_yaml(TABLE_RULE), CheckOptions(fixes=False))
    path = "app/models/user.py"
    doc = IncrementalCheck(checker, path)
    text = SQLMODEL_FILE
    assert doc.check(text) == checker.check(path, text)
    steps = [
        ("from sqlmodel import Field, SQLModel\n", "from sqlmodel import Field, SQLModel\nimport os\n\n"),
        ("class UserCreate(UserBase):", "class UserCreate(UserBase, table=True):"),
        ("    hashed_password: str = Field()\n", "    hashed_password: str = Field()\n    id: int = Field()\n"),
        ("           table=True):", "           table=False):"),
        ("class Team(SQLModel, table=True):\n    id", "class Team(SQLModel, table=True):\n    key"),
    ]
    for old, new in steps:
        start = text.index(old)
        text = text[:start] + new + text[start + len(old):]
        result = doc.update(text, [(start, start + len(old), new)])
        assert doc.incremental
        assert result == checker.check(path, text)
    assert [f.message.split(":")[0] for f in result.findings] == ["UserCreate", "Team"]


def test_rules_without_in_class_are_not_changed_by_it():
    yaml_text = TABLE_RULE.replace("        in_class: 'table\\s*=\\s*True'\n", "").replace("id: int", "uuid")
    (finding,) = run(yaml_text, "app/models/user.py", SQLMODEL_FILE).findings
    # the file-level check: one finding, on the first class (what the user hit before `in_class`)
    assert finding.span == Span(3, 0, 3, len("class UserBase(SQLModel):"))
    assert finding.message == "missing `uuid` (DB-001: table models have an id)"
