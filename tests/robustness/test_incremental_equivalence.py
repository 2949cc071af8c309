"""The incremental check says exactly what a fresh check says, after any sequence of edits.

A hypothesis state machine keeps one document: it starts from a text, applies random
edits (one or several per step, as an editor's didChange carries them; CRLF, bare CR,
form feeds, emoji, edits that split and join lines, suppression comments appearing
and going) and after each step compares `IncrementalCheck.update` with
`Checker.check` of the same text: same findings in the same order, same notes."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from archrules_lsp.engine import Checker, CheckOptions, RuleSet, finding_runs, load_rule_text
from archrules_lsp.engine.incremental import IncrementalCheck
from archrules_lsp.engine.text import UTF16, split_lines, units_of

RULES = r"""
incremental:
  - id: IN-1
    name: no print
    anti_patterns:
      - pattern: 'print\('
        message: use logging
      - pattern: '^\s*$'
        file: '**/*.py'
        message: blank line
  - id: IN-2
    name: word and anchors
    anti_patterns:
      - pattern: '\bx\b.*😋'
        message: emoji after x
      - pattern: '\Aclass\b'
        message: anchored
      - pattern: 'a$'
        message: ends in a
  - id: IN-3
    name: needs things
    patterns:
      - file: '**/*.py'
        must_contain: ["status", "x\ny", "aa"]
        must_contain_one_of: ["job", "task"]
      - file: '**/*.py'
        when_contains: "job"
        must_reference: ["Job", "a.a"]
        should_match: 'def \w+'
  - id: IN-4
    name: endpoints
    patterns:
      - file: '**/*.py'
        endpoint_pattern: '@router\.(get|post)\(''/x''\)'
        must_return: job_id
  - id: IN-5
    name: classes and exclusions
    patterns:
      - file: '**/*.py'
        in_class: '\(A\)|B'
        must_contain: ["y", "status"]
        must_contain_one_of: ["job", "x = 1"]
        must_reference: Job
      - file: '**/*.py'
        in_class: '^class [A-Z]'
        when_contains: "y"
        must_contain: "job"
      - file: '**/*'
        exclude: ['**/*.py', 'nothing/**']
        in_class: class
        must_contain: x
    anti_patterns:
      - pattern: 'aa'
        exclude: 'docs/**'
        message: no aa
"""

PIECE_LIST = [
    "\r\n", "\r", "\n", "\x0c", "😋", "é", " ", "x", "a", "aa", ".", "#", "(", ")",
    "print(", "status", "job", "Job", "task", "a.a", "def f", "class A:\n    y = 1\n",
    "@router.post(\n    '/x'\n)\n", "def f():\n    return {'job_id': 1}\n", "def g():\n    return {}\n",
    "# archrules: ignore[IN-1]", "# archrules: ignore", "# archrules: ignore-file[IN-3, NOPE]",
    "x = 1 # 😋\r\n", "y", "\n\n",
    # Python that parses or not depending on its neighbours: strings, brackets, blocks, `;`
    '"""', "'''", "; ", "\\\n", "    ", "if x:\n", "else:\n    pass\n", "class B(A): pass\n",
    "@dec\n", "from __future__ import barry_as_FLUFL\n", "1 <> 2\n", "\ufeff", "\x00",
    # classes for `in_class`: headers over several lines, nested, one-line bodies
    "class C(A):\n    y = 1\n", "class D(B,\n  x=1):\n", "    class E(A): pass\n", "class F(\n",
    "\n\nclass G(A):\n    pass\n\n\nclass H(\n    B):\n    y = 1\n    class I(A): job = Job\n",
]
PIECES = st.sampled_from(PIECE_LIST)
TEXTS = st.lists(PIECES, max_size=12).map("".join)
PATHS = st.sampled_from(["app/job.py", "docs/notes.md"])


def _positions(text: str) -> st.SearchStrategy[int]:
    """Anywhere, but often at a line break: where a \\r and a \\n can join or split."""
    breaks = [i + k for i, c in enumerate(text) if c in "\r\n" for k in (0, 1)]
    anywhere = st.integers(0, len(text))
    return anywhere | st.sampled_from(breaks) if breaks else anywhere


def _checker() -> Checker:
    rules, errors = load_rule_text(RULES, "incremental.yaml")
    assert not [e for e in errors if e.severity.value == "error"], errors
    return Checker(RuleSet(tuple(rules)), CheckOptions(fixes=False))


CHECKER = _checker()


class IncrementalEdits(RuleBasedStateMachine):
    block_size = finding_runs.BLOCK_SIZE  # findings per kept block (see engine/finding_runs.py)

    @initialize(path=PATHS, text=TEXTS)
    def open(self, path: str, text: str) -> None:
        finding_runs.BLOCK_SIZE = self.block_size
        self.path, self.text = path, text
        self.doc = IncrementalCheck(CHECKER, path)
        self.result = self.doc.check(text)

    @rule(data=st.data(), count=st.integers(1, 3))
    def edit(self, data, count: int) -> None:
        edits = []
        text = self.text
        for _ in range(count):
            start = data.draw(_positions(text))
            end = data.draw(st.integers(start, min(len(text), start + 12)))
            inserted = data.draw(PIECES | TEXTS)
            edits.append((start, end, inserted))
            text = text[:start] + inserted + text[end:]
        self.text = text
        self.result = self.doc.update(text, edits)
        assert self.doc.incremental  # small edits on a small text: never from scratch

    @invariant()
    def equals_a_fresh_check(self) -> None:
        assert self.result == CHECKER.check(self.path, self.text)

    def teardown(self) -> None:
        finding_runs.BLOCK_SIZE = IncrementalEdits.block_size


class IncrementalEditsInSmallBlocks(IncrementalEdits):
    """The same with two findings a block: edits that move, split and empty the kept
    blocks of findings, which a small text's findings (one block) never do."""

    block_size = 2


IncrementalEdits.TestCase.settings = settings(
    max_examples=2000, stateful_step_count=6, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
test_incremental_equals_fresh_check = IncrementalEdits.TestCase

IncrementalEditsInSmallBlocks.TestCase.settings = settings(
    max_examples=1000, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
test_incremental_in_small_blocks_equals_fresh_check = IncrementalEditsInSmallBlocks.TestCase


# ---------------------------------------------------------------- through the real server

def _position(text: str, offset: int) -> dict:
    """The LSP position (UTF-16) of an offset, lines broken as the server breaks them."""
    before = split_lines(text[:offset])
    return {"line": len(before) - 1, "character": units_of(before[-1], UTF16)}


def _edit_offsets(rng: random.Random, text: str) -> tuple[int, int]:
    """A random range that does not start or end inside a \\r\\n (no LSP position is there)."""
    def outside_crlf(offset: int) -> int:
        return offset - 1 if 0 < offset < len(text) and text[offset - 1:offset + 1] == "\r\n" else offset

    start = outside_crlf(rng.randint(0, len(text)))
    return start, max(start, outside_crlf(min(len(text), start + rng.randint(0, 12))))


@pytest.mark.parametrize("lines", [0, 1_500], ids=["small", "1,500 findings"])
def test_the_server_publishes_for_each_edit_what_a_fresh_open_of_its_text_gets(start_server, workspace, lines):
    # 1,500 lines of findings: several of the kept blocks of findings (engine/finding_runs.py),
    # moved and remade by the edits, and findings shown again without being converted again
    (workspace / ".architecture-rules/rules.yaml").write_text(RULES, encoding="utf-8")
    server = start_server()
    server.initialize(workspace, {"archrules": {"debounceMs": 0}})
    edited, fresh = (workspace / "app/edited.py").as_uri(), (workspace / "app/fresh.py").as_uri()
    rng = random.Random(20)
    # the big text stays checked (no NUL: a binary file) and unsuppressed
    pieces = [p for p in PIECE_LIST if "archrules:" not in p and "\x00" not in p] if lines else PIECE_LIST
    text = "".join(rng.choice(pieces) for _ in range(40)) + "print(x) aa\n\n" * (lines // 2)
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": edited, "languageId": "python", "version": 0, "text": text}})
    for version in range(1, 120):
        changes = []
        for _ in range(rng.randint(1, 2)):
            start, end = _edit_offsets(rng, text)
            inserted = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 2)))
            changes.append({"range": {"start": _position(text, start), "end": _position(text, end)},
                            "text": inserted})
            text = text[:start] + inserted + text[end:]
        server.notify("textDocument/didChange", {"textDocument": {"uri": edited, "version": version},
                                                 "contentChanges": changes})
        if version % (2 if lines else 10) == 0:  # the same text opened afresh: the same diagnostics
            server.notify("textDocument/didOpen", {"textDocument": {
                "uri": fresh, "languageId": "python", "version": version, "text": text}})
            got = server.wait_for(lambda v=version: [p for p in server.published(edited) if p["version"] == v],
                                  f"diagnostics of version {version}")[-1]
            want = server.wait_for(lambda v=version: [p for p in server.published(fresh) if p["version"] == v],
                                   f"diagnostics of the fresh document, version {version}")[-1]
            # (over the cap, a notice names the file: `archrules check app/edited.py`)
            assert got["diagnostics"] == json.loads(json.dumps(want["diagnostics"]).replace("/fresh.py", "/edited.py"))
            assert not lines or len(want["diagnostics"]) > 1_000  # the big text: over the cap, and its notice
            server.notify("textDocument/didClose", {"textDocument": {"uri": fresh}})
