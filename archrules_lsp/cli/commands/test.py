"""`archrules test [RULE_FILE_OR_DIR ...]`: run the rules' own tests, their `examples:` and
the fixture folder (default `.architecture-rules/tests/`), and print a matrix per rule.

Every case runs (no stop at the first failure). Exit 0 when all pass, 1 on any failure,
2 on a rule-file error (the rules that loaded still run). `--update` rewrites the
`fixed:` of the examples whose fix output differs (see `update_rule_file`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, ScalarNode

from ...engine.fixture_tests import FixtureOutcome, fixture_checker, run_fixture
from ...engine.rule_tests import FALSE_NEGATIVE, FALSE_POSITIVE, FIX_MISMATCH, PASSED, ExampleOutcome, run_examples
from ...engine.text import decode
from ...project.conventions import DEFAULT_MAX_FILE_SIZE, FIXTURE_FOLDER, content_skip
from ...project.files import DEFAULT_EXCLUDED_DIRS
from ..console import Painter, display_path, err, error, printable, wants_color
from ..exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ..project_setup import Project, UsageError, load_project, print_load_problems

EXAMPLE, FIXTURE = "example", "fixture"
_COLUMNS = ((PASSED, "passed"), (FALSE_POSITIVE, "false positives"), (FALSE_NEGATIVE, "false negatives"),
            (FIX_MISMATCH, "fix mismatches"))


@dataclass(frozen=True)
class Case:
    """One test case's outcome, wherever it was written."""

    rule_id: str
    kind: str  # EXAMPLE or FIXTURE
    path: str  # absolute: the rule file, or the fixture file
    line: int  # 1-based
    outcome: str  # an engine outcome, or ERROR (a fixture directive that cannot be checked)
    detail: str = ""


@dataclass
class RuleTestRun:
    project: Project
    cases: list[Case] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)  # what --update did, one message each
    update_failed: bool = False  # a rule file --update could not read or write
    rewritten: set[tuple[str, int]] = field(default_factory=set)  # (path, line) of examples --update fixed

    @property
    def failures(self) -> list[Case]:
        return [c for c in self.cases if c.outcome != PASSED and (c.path, c.line) not in self.rewritten]


def run(args: argparse.Namespace) -> int:
    paint = Painter(wants_color(sys.stderr))
    args.rules = args.paths
    try:
        project = load_project(args)
        fixtures = _fixture_folder(args, project.root)
    except UsageError as e:
        error(paint, str(e))
        return EXIT_USAGE
    if args.format == "text":
        print_load_problems(project, paint)
    test_run = RuleTestRun(project)
    examples = list(run_examples(project.ruleset))
    test_run.cases += [_example_case(o) for o in examples]
    if fixtures is not None:
        test_run.cases += _fixture_cases(project, fixtures)
    if args.update:
        _update(test_run, [o for o in examples if o.outcome == FIX_MISMATCH])
    if args.format == "json":
        _print_json(test_run)
    else:
        _print_text(test_run)
    if project.has_errors or test_run.update_failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if test_run.failures else EXIT_OK


def _fixture_folder(args: argparse.Namespace, root: Path) -> Path | None:
    if args.fixtures is not None:
        folder = Path(os.path.abspath(args.fixtures))
        if not folder.is_dir():
            raise UsageError(f"--fixtures {args.fixtures}: not a folder")
        return folder
    folder = root / FIXTURE_FOLDER
    return folder if folder.is_dir() else None


def _example_case(o: ExampleOutcome) -> Case:
    location = o.example.location
    path = location.path if location else ""
    line = location.span.line + 1 if location else 0
    return Case(o.rule.id, EXAMPLE, os.path.abspath(path), line, o.outcome, o.detail)


# ---------------------------------------------------------------- fixture folders


def _fixture_cases(project: Project, folder: Path) -> list[Case]:
    checker = fixture_checker(project.ruleset)
    cases: list[Case] = []
    skipped: list[str] = []
    for path in _fixture_files(folder):
        rel = path.relative_to(folder).as_posix()
        try:
            data = path.read_bytes()
        except OSError as e:
            skipped.append(f"{display_path(str(path))} (unreadable: {printable(e.strerror or str(e))})")
            continue
        skip = content_skip(data, DEFAULT_MAX_FILE_SIZE)
        if skip is not None:
            skipped.append(f"{display_path(str(path))} ({skip.reason})")
            continue
        cases += [_fixture_case(str(path), o) for o in run_fixture(checker, rel, decode(data))]
    if skipped:
        err(f"skipped {len(skipped)} fixture file{'' if len(skipped) == 1 else 's'}: {', '.join(skipped)}")
    return cases


def _fixture_files(folder: Path) -> list[Path]:
    """Regular files under `folder`, sorted; symlinks and the usual tool folders left out."""
    found = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in DEFAULT_EXCLUDED_DIRS and not Path(parent, d).is_symlink())
        found += [Path(parent, f) for f in sorted(files)
                  if Path(parent, f).is_file() and not Path(parent, f).is_symlink()]
    return found


def _fixture_case(path: str, o: FixtureOutcome) -> Case:
    return Case(o.rule_id, FIXTURE, path, o.line + 1, o.outcome, o.detail)


# ---------------------------------------------------------------- output


def _tally(test_run: RuleTestRun) -> dict[str, dict[str, int]]:
    """rule id -> outcome -> count, in rule-file order (rules without tests included)."""
    rules = test_run.project.ruleset.rules
    tally: dict[str, dict[str, int]] = {r.id: dict.fromkeys((o for o, _ in _COLUMNS), 0) for r in rules}
    for case in test_run.cases:
        if case.rule_id in tally and case.outcome in tally[case.rule_id]:
            outcome = PASSED if (case.path, case.line) in test_run.rewritten else case.outcome
            tally[case.rule_id][outcome] += 1
    return tally


def _print_text(test_run: RuleTestRun) -> None:
    out = sys.stdout
    tally = _tally(test_run)
    width = max((len(printable(i)) for i in tally), default=0)
    for rule_id, counts in tally.items():
        if not any(counts.values()):
            out.write(f"{printable(rule_id):<{width}}  no examples or fixtures\n")
            continue
        columns = "  ".join(f"{counts[o]} {label}" for o, label in _COLUMNS)
        out.write(f"{printable(rule_id):<{width}}  {columns}\n")
    for case in test_run.failures:
        rule = f" {printable(case.rule_id)}" if case.rule_id else ""
        out.write(f"{display_path(case.path)}:{case.line}:{rule} {case.kind} ({case.outcome}): "
                  f"{printable(case.detail)}\n")
    for message in test_run.updates:
        out.write(message + "\n")
    out.write(_summary(test_run) + "\n")


def _summary(test_run: RuleTestRun) -> str:
    failures = test_run.failures
    total = len(test_run.cases)
    if not failures:
        return f"All {total} rule test{'' if total == 1 else 's'} passed." if total else "No rule tests found."
    counts: dict[str, int] = {}
    for case in failures:
        counts[case.outcome] = counts.get(case.outcome, 0) + 1
    kinds = ", ".join(f"{n} {outcome}{'' if n == 1 else _plural(outcome)}" for outcome, n in counts.items())
    return f"{len(failures)} of {total} rule tests failed ({kinds})."


def _plural(outcome: str) -> str:
    return "es" if outcome.endswith("mismatch") else "s"


def _print_json(test_run: RuleTestRun) -> None:
    from ..formats.json_doc import json_path, load_problem_records

    root = test_run.project.root
    rules = [{"id": rule_id, **{label.replace(" ", "_"): counts[o] for o, label in _COLUMNS}}
             for rule_id, counts in _tally(test_run).items()]
    failures = [{"path": json_path(c.path, root), "line": c.line, "rule": c.rule_id or None, "kind": c.kind,
                 "outcome": c.outcome, "detail": c.detail} for c in test_run.failures]
    document = {"version": 1, "rules": rules, "failures": failures, "updated": test_run.updates,
                "errors": load_problem_records(test_run.project),
                "summary": {"tests": len(test_run.cases), "failed": len(failures)}}
    json.dump(document, sys.stdout, indent=2)
    sys.stdout.write("\n")


# ---------------------------------------------------------------- --update


def _update(test_run: RuleTestRun, mismatches: list[ExampleOutcome]) -> None:
    by_file: dict[str, list[ExampleOutcome]] = {}
    for o in mismatches:
        if o.example.location is not None:
            by_file.setdefault(o.example.location.path, []).append(o)
    errors = {e.path for e in test_run.project.ruleset.errors if e.severity.value == "error"}
    for path, outcomes in by_file.items():
        shown = display_path(path)
        if path in errors:
            test_run.updates.append(f"{shown}: not updated: the file has errors")
            test_run.update_failed = True
            continue
        result = update_rule_file(path, outcomes)
        test_run.update_failed |= result.failed
        test_run.updates += [f"{shown}:{line}: {message}" for line, message in result.messages]
        test_run.rewritten |= {(os.path.abspath(path), line) for line in result.rewritten_lines}


@dataclass
class UpdateResult:
    messages: list[tuple[int, str]] = field(default_factory=list)  # (1-based line of the example, what happened)
    rewritten_lines: list[int] = field(default_factory=list)
    failed: bool = False


def update_rule_file(path: str, outcomes: list[ExampleOutcome]) -> UpdateResult:
    """Rewrite the `fixed:` of each example in `outcomes` (one rule file) with the code its
    fixes give; the rest of the file stays byte for byte. Written at once, atomically."""
    result = UpdateResult()
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = "not UTF-8" if isinstance(e, UnicodeDecodeError) else printable(e.strerror or str(e))
        result.messages.append((0, f"not updated: {reason}"))
        result.failed = True
        return result
    # from the end of the file up, so that each example's position still holds
    for o in sorted(outcomes, key=lambda o: o.example.location.span.line if o.example.location else 0, reverse=True):
        line = o.example.location.span.line + 1 if o.example.location else 0
        changed = _rewrite_fixed(text, path, o)
        if changed is None:  # the fix mismatch stays a failure
            result.messages.append((line, f"{printable(o.rule.id)} example: `fixed:` not updated: it could not be "
                                          "rewritten in place (written through an alias, anchor or merge key?)"))
            continue
        text = changed
        result.rewritten_lines.append(line)
        result.messages.append((line, f"{printable(o.rule.id)} example: `fixed:` updated" + _diff(o)))
    if result.rewritten_lines:
        from ...project.scan import write_atomically

        try:
            write_atomically(path, text.encode("utf-8"))
        except OSError as e:
            result.messages = [(0, f"not updated: cannot write: {printable(e.strerror or str(e))}")]
            result.rewritten_lines, result.failed = [], True
    result.messages.sort()
    return result


def _diff(o: ExampleOutcome) -> str:
    """The change to `fixed:` as unified-diff lines, indented under the message."""
    import difflib

    old = (o.example.fixed or "").splitlines()
    new = (o.fixed or "").splitlines()
    lines = list(difflib.unified_diff(old, new, lineterm="", n=1))[2:]  # no ---/+++ header
    return "".join(f"\n    {printable(line)}" for line in lines)


def _rewrite_fixed(text: str, path: str, o: ExampleOutcome) -> str | None:
    """`text` with this example's `fixed:` value replaced by `o.fixed` (a `|` block when
    YAML can hold it as one, else a double-quoted string), or None when the value is not
    written in the example itself or the file would not load back with exactly that."""
    from ...engine.loading.yaml_nodes import Positions, compose_documents, iter_nodes

    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    location, new = o.example.location, o.fixed or ""
    if location is None:
        return None
    pos = Positions(body, first_line_shift=len(bom))
    try:
        roots = compose_documents(body)
    except Exception:  # noqa: BLE001 - it loaded before; anything odd means "leave it alone"
        return None
    for node in iter_nodes(roots):
        if not isinstance(node, MappingNode):
            continue
        span = pos.node_span(node)
        if (span.line, span.column) == (location.span.line, location.span.column):
            for writer in (_as_block, _as_quoted):
                written = _replace_value(body, node, new, writer)
                if written is not None and _loads_back(bom + written, text, path, o):
                    return bom + written
            return None
    return None


def _replace_value(body: str, example: MappingNode, new: str, writer) -> str | None:
    found = [(k, v) for k, v in example.value if isinstance(k, ScalarNode) and k.value == "fixed"]
    if len(found) != 1 or not isinstance(found[0][1], ScalarNode):
        return None
    key, value = found[0]
    start = value.start_mark.index
    if start < key.end_mark.index or body[start:start + 1] in ("&", "!", "*"):
        return None  # an alias to a value elsewhere, or an anchored / tagged one
    end, tail = _value_end(body, value)
    key_column = key.start_mark.column
    replacement = writer(new, key_column, _content_indent(body, example, value, key_column), _newline(body, start),
                         tail, bool(example.flow_style))
    return None if replacement is None else body[:start] + replacement + body[end:]


def _value_end(body: str, value: ScalarNode) -> tuple[int, str]:
    """Where the replaced text ends (before the line break of the value's last line), and
    what is kept after the new value on its first line (a comment; the rest of a flow mapping)."""
    start, end = value.start_mark.index, value.end_mark.index
    if value.style in ("|", ">"):
        header_end = _line_end(body, start)
        header = body[start:header_end]
        tail = " " + header[header.index("#"):] if "#" in header else ""
        last = len(body[:end].rstrip(" \t\r\n"))  # just after the last character of the content
        return (_line_end(body, last - 1) if last > header_end else header_end), tail
    line_end = _line_end(body, end)
    return line_end, body[end:line_end]


def _line_end(body: str, index: int) -> int:
    ends = [i for i in (body.find("\n", index), body.find("\r", index)) if i >= 0]
    return min(ends) if ends else len(body)


def _newline(body: str, index: int) -> str:
    end = _line_end(body, index)
    return "\r\n" if body.startswith("\r\n", end) else "\r" if body.startswith("\r", end) else "\n"


def _content_indent(body: str, example: MappingNode, value: ScalarNode, key_column: int) -> int:
    """The indentation of block-scalar content as this file writes it: the old value's, else a
    sibling block's (`valid: |`), else two more than the key."""
    for node in (value, *(v for _, v in example.value)):
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            header_end = _line_end(body, node.start_mark.index)
            for line in body[header_end:node.end_mark.index].splitlines():
                if line.strip():
                    indent = len(line) - len(line.lstrip(" "))
                    if indent > key_column:
                        return indent
                    break
    return key_column + 2


# YAML cannot hold these in a block scalar (line breaks other than \n, non-printable characters)
_NOT_IN_BLOCK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _as_block(new: str, key_column: int, indent: int, newline: str, tail: str, in_flow: bool) -> str | None:
    if in_flow or not new or new.endswith("\n\n") or _NOT_IN_BLOCK.search(new) or indent - key_column > 9:
        return None
    chomp = "" if new.endswith("\n") else "-"
    lines = new.removesuffix("\n").split("\n")
    first = next((line for line in lines if line.strip()), "")
    hint = str(indent - key_column) if first.startswith((" ", "\t")) else ""
    content = newline.join(" " * indent + line if line else "" for line in lines)
    return f"|{hint}{chomp}{tail}{newline}{content}"


def _as_quoted(new: str, key_column: int, indent: int, newline: str, tail: str, in_flow: bool) -> str | None:
    import yaml

    quoted = yaml.safe_dump(new, default_style='"', width=sys.maxsize, allow_unicode=False)
    return quoted.removesuffix("\n").removesuffix("\n...") + tail


def _loads_back(written: str, text: str, path: str, o: ExampleOutcome) -> bool:
    """`written` loads without errors (warnings are the file's own), with the rules and
    examples of `text` but this `fixed:`."""
    from ...engine import load_rule_text
    from ...engine.record import replace

    rules, problems = load_rule_text(written, path)
    if any(p.severity.value == "error" for p in problems):
        return False
    before, _ = load_rule_text(text, path)
    index = o.rule.examples.index(o.example)

    def examples(rule_list, swap: bool) -> list:
        return [(r.id, [replace(e, fixed=o.fixed if swap and r.id == o.rule.id and k == index else e.fixed,
                                location=None) for k, e in enumerate(r.examples)]) for r in rule_list]

    return examples(rules, False) == examples(before, True)
