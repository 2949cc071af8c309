"""Typing in big documents, through the real server over stdio: after any sequence of
didChange messages, what the server says about a document (published or pulled
diagnostics, hover, code actions, `archrules.showFindings`) is what a fresh didOpen of the
same text gets. The documents are over 64,000 characters (checked in the server's check
thread), hold several of the kept blocks of findings (engine/finding_runs.py) and more
findings than `maxDiagnosticsPerFile`; their lines break with CRLF or bare CR and hold
characters outside the BMP (columns in UTF-16). The edits: Enter above findings, lines
joined and deleted, pastes, suppression comments appearing and going (the slow path),
most of the file deleted, the text put back as it was (undo), a rule's regex going over
its work budget as the file grows."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from archrules_lsp.engine.regex import SCAN_BUDGET, LineRegex
from archrules_lsp.engine.text import UTF16, split_lines, units_of

from .conftest import StdioServer

SLOW_PATTERN = "slow[a-z]{820}y[a-z]{820}x"  # over SMALL_PROGRAM: it has a work budget
RULES = rf"""
big:
  - id: B-ERR
    name: no boom
    severity: error
    url: https://example.com/B-ERR
    anti_patterns:
      - pattern: 'boom\('
        message: no boom
  - id: B-WARN
    name: no print
    severity: warning
    anti_patterns:
      - pattern: 'print\('
        message: use logging
  - id: B-INFO
    name: accents
    severity: info
    anti_patterns:
      - pattern: 'é+'
        message: accent
      - pattern: '😋'
        message: emoji
  - id: B-HINT
    name: todo
    severity: hint
    anti_patterns:
      - pattern: 'TODO'
        message: todo
  - id: B-FILE
    name: status
    patterns:
      - file: '**/*.py'
        must_contain: status
    anti_patterns:  # the very finding `must_contain` makes, at the same place
      - pattern: '^import'
        message: 'missing `status` (B-FILE: status)'
  - id: B-SLOW
    name: slow
    severity: warning
    anti_patterns:
      - pattern: '{SLOW_PATTERN}'
        message: slow
"""
LINES = ["print(x) é 😋 boom(1)", "x = 1", "", "TODO é", "def f(): print(1)", "    boom(2) TODO", "😋😋 print(é)",
         "status = 1"]
SUPPRESSIONS = ["# archrules: ignore[B-WARN]", "# archrules: ignore-file[B-HINT]", "# archrules: ignore"]
SLOW_LINE = "slow" + "a" * 820 + "y" + "b" * 820 + "x"


# ---------------------------------------------------------------- documents and edits

def _position(text: str, offset: int) -> dict:
    """The LSP position (UTF-16) of an offset, lines broken as the server breaks them."""
    before = split_lines(text[:offset])
    return {"line": len(before) - 1, "character": units_of(before[-1], UTF16)}


def _line_starts(text: str) -> list[int]:
    return [0, *(i + 1 for i, c in enumerate(text) if c == "\n" or (c == "\r" and text[i + 1:i + 2] != "\n"))]


def _random_edit(rng: random.Random, text: str, nl: str) -> tuple[int, int, str]:
    """(start, end, new text): an edit an editor sends, never inside a \\r\\n."""
    starts = _line_starts(text)
    k = rng.randrange(len(starts))
    at = starts[k]
    end = starts[k + 1] if k + 1 < len(starts) else len(text)
    kind = rng.choice(["type", "enter", "enter", "join", "delete", "paste", "suppress", "unsuppress", "most"])
    if kind == "type":
        spot = min(at + rng.randint(0, 6), end)
        spot -= text[spot - 1:spot + 1] == "\r\n"
        return spot, spot, rng.choice(["x", "é", "😋", "print(", "boom(", "TODO", " "])
    if kind == "enter":
        return at, at, nl * rng.randint(1, 3)
    if kind == "join" and k:
        return at - len(nl), at, ""
    if kind == "delete":
        return at, end, ""
    if kind == "paste":
        return at, at, "".join(rng.choice(LINES) + nl for _ in range(rng.randint(1, 40)))
    if kind == "suppress":
        return at, at, rng.choice(SUPPRESSIONS) + nl
    if kind == "unsuppress" and "archrules:" in text:
        i = text.index("archrules:")
        return i, i + len("archrules:"), "archrulez:"
    if kind == "most" and rng.random() < 0.3:  # nearly all of it: a full check
        return starts[min(3, len(starts) - 1)], starts[max(0, len(starts) - 4)], ""
    return at, at, ""


def _big_text(rng: random.Random, lines: int, nl: str) -> str:
    return "".join(rng.choice(LINES) + nl for _ in range(lines))


class Session:
    """One server on a workspace, an edited document and a fresh one opened on its text."""

    def __init__(self, server: StdioServer, root: Path, pull: bool = False) -> None:
        self.server, self.pull = server, pull
        self.edited, self.fresh = (root / "app/edited.py").as_uri(), (root / "app/fresh.py").as_uri()
        self.version = 0
        self.text = ""

    def open(self, text: str) -> None:
        self.version += 1
        self.text = text
        self.server.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.edited, "languageId": "python", "version": self.version, "text": text}})

    def change(self, edits: list[tuple[int, int, str]]) -> None:
        """Edits as offsets, each in the text the ones before left (as one didChange)."""
        self.version += 1
        changes = []
        for start, end, new in edits:
            changes.append({"range": {"start": _position(self.text, start), "end": _position(self.text, end)},
                            "text": new})
            self.text = self.text[:start] + new + self.text[end:]
        self.server.notify("textDocument/didChange", {"textDocument": {"uri": self.edited, "version": self.version},
                                                      "contentChanges": changes})

    def close(self) -> None:
        self.server.notify("textDocument/didClose", {"textDocument": {"uri": self.edited}})

    def diagnostics(self, uri: str, version: int) -> list[dict]:
        server = self.server
        if self.pull:
            return server.call("textDocument/diagnostic", {"textDocument": {"uri": uri}})["result"]["items"]
        return server.wait_for(lambda: [p for p in server.published(uri) if p["version"] == version],
                               f"the diagnostics of {uri} version {version}")[-1]["diagnostics"]

    def assert_as_fresh(self) -> list[dict]:
        """The edited document's diagnostics are the fresh document's (its name put in the
        too-many-findings notice); those diagnostics."""
        server = self.server
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.fresh, "languageId": "python", "version": self.version, "text": self.text}})
        got = self.diagnostics(self.edited, self.version)
        want = _renamed(self.diagnostics(self.fresh, self.version))
        server.notify("textDocument/didClose", {"textDocument": {"uri": self.fresh}})
        assert got == want
        return got


def _renamed(found):
    return json.loads(json.dumps(found).replace("/fresh.py", "/edited.py"))


def _workspace(root: Path, settings: dict, baseline_text: str | None = None) -> Path:
    (root / ".git").mkdir()
    (root / ".architecture-rules").mkdir()
    (root / ".architecture-rules/rules.yaml").write_text(RULES, encoding="utf-8")
    (root / "app").mkdir()
    (root / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    if baseline_text is not None:  # frozen in both documents' names: the fresh one is compared
        for name in ("edited.py", "fresh.py"):
            (root / "app" / name).write_bytes(baseline_text.encode())
        archrules = Path(sys.executable).parent / "archrules"
        subprocess.run([str(archrules), "baseline"], cwd=root, check=True, capture_output=True)
        for name in ("edited.py", "fresh.py"):
            (root / "app" / name).unlink()
    return root


def _start(root: Path, capabilities: dict | None = None, env: dict | None = None) -> StdioServer:
    server = StdioServer(root, env)
    settings = json.loads((root / "settings.json").read_text(encoding="utf-8"))
    server.initialize(root, {"archrules": settings}, capabilities)
    return server


@pytest.fixture(scope="module")
def crlf(tmp_path_factory):
    """Push, debounce 0, the default cap; a CRLF document opened."""
    root = _workspace(tmp_path_factory.mktemp("crlf"), {"debounceMs": 0})
    server = _start(root)
    yield Session(server, root)
    server.close()


# ---------------------------------------------------------------- the tests

@pytest.mark.parametrize("nl", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_random_edits_in_a_big_document_publish_what_a_fresh_open_gets(crlf, nl):
    session = crlf
    rng = random.Random(len(nl))
    session.open(_big_text(rng, 7_000, nl))
    assert len(session.text) > 64_000
    for step in range(30):
        session.change([_random_edit(rng, session.text, nl) for _ in range(rng.randint(1, 2))])
        if step % 3 == 2:
            found = session.assert_as_fresh()
            assert any(d.get("code") == "too-many-findings" for d in found) or len(found) < 1_000
    session.close()


# for each result, on stderr: the findings converted to diagnostics from scratch (not
# from a kept template or JSON) and how often so far a document's kept incremental check
# was built again from scratch: the server's own code, wrapped where it is looked up
COUNTING_HOOK = '''
import sys
import archrules_lsp.engine.incremental as incremental
import archrules_lsp.server.features.diagnostics as diagnostics

made, rebuilt = [0], [0]
convert, complete = diagnostics.finding_diagnostic, diagnostics.Diagnostics._complete
build = incremental.IncrementalCheck._build

def counted(*args, **kwargs):
    made[0] += 1
    return convert(*args, **kwargs)

def completed(self, *args, **kwargs):
    before = made[0]
    result = complete(self, *args, **kwargs)
    print(f"version {args[0].version}: converted {made[0] - before}, rebuilt {rebuilt[0]}", file=sys.stderr,
          flush=True)
    return result

def building(self, *args, **kwargs):
    rebuilt[0] += self._state is not None  # (a new one, as for new rules, is built once)
    return build(self, *args, **kwargs)

diagnostics.finding_diagnostic, diagnostics.Diagnostics._complete = counted, completed
incremental.IncrementalCheck._build = building
'''


@pytest.fixture(scope="module")
def counting(tmp_path_factory):
    """Push, debounce 0, the server counting its conversions and rebuilds (COUNTING_HOOK)."""
    root = _workspace(tmp_path_factory.mktemp("counting"), {"debounceMs": 0})
    hook = tmp_path_factory.mktemp("hook")
    (hook / "sitecustomize.py").write_text(COUNTING_HOOK, encoding="utf-8")
    server = _start(root, env={"PYTHONPATH": os.pathsep.join(filter(None, (str(hook), os.environ.get("PYTHONPATH"))))})
    yield Session(server, root)
    server.close()


def _counts(session: Session) -> tuple[int, int]:
    """(findings converted, kept checks built again so far) at the current version."""
    session.diagnostics(session.edited, session.version)
    said = f"version {session.version}: "
    found = session.server.wait_for(lambda: [ln[len(said):] for ln in session.server.stderr if ln.startswith(said)],
                                    f"the counts of version {session.version}")
    converted, rebuilt = found[-1].split(", ")
    return int(converted.split()[-1]), int(rebuilt.split()[-1])


def test_a_finding_shown_unchanged_keeps_its_template_for_when_an_enter_moves_it(counting):
    # typing inside a line leaves the findings below as they were (their JSON reused whole);
    # the Enter after it moves them: their diagnostics come from the templates kept, not
    # converted again (it converted one per distinct column, ~300 here, before the fix)
    session = counting
    session.open("".join(" " * (i % 300) + "print(1)\n" for i in range(3_000)))
    for new in ("x", "x", "\n"):
        session.change([(0, 0, new)])
        converted, _ = _counts(session)
    assert converted == 1  # the file-level finding on line 0, whose text changed
    session.assert_as_fresh()
    session.close()


def test_a_client_sending_the_whole_text_on_each_change_is_checked_incrementally(counting):
    # a didChange with the whole text (no range: clients that sync the full document) leaves
    # the edits unknown: the texts are compared instead of the document checked from scratch
    # (each such keystroke was a full check before the fix)
    session, server = counting, counting.server
    rng = random.Random(9)
    session.open(_big_text(rng, 7_000, "\r\n"))
    _, rebuilt = _counts(session)
    for _ in range(6):
        start, end, new = _random_edit(rng, session.text, "\r\n")
        session.version += 1
        session.text = session.text[:start] + new + session.text[end:]
        server.notify("textDocument/didChange", {"textDocument": {"uri": session.edited, "version": session.version},
                                                 "contentChanges": [{"text": session.text}]})
        assert _counts(session)[1] == rebuilt
        session.assert_as_fresh()
    session.close()


def _at(diagnostic: dict) -> dict:
    return diagnostic["range"]["start"]


def test_hover_code_actions_and_show_findings_on_findings_an_enter_moved(crlf):
    # findings below an Enter are made at their new line when read (engine/finding_runs.py):
    # hover, the quick fixes and the rule's finding list find them there, as in a fresh open
    session, server = crlf, crlf.server
    rng = random.Random(7)
    session.open(_big_text(rng, 6_000, "\r\n"))
    session.change([(0, 0, "\r\n" * 3)])  # every finding below moves
    session.change([(4, 4, "x")])  # typed inside a line: nothing moves
    middle = _line_starts(session.text)[3_000]
    session.change([(middle, middle, "\r\n😋 boom(é)\r\n")])
    session.server.notify("textDocument/didOpen", {"textDocument": {
        "uri": session.fresh, "languageId": "python", "version": session.version, "text": session.text}})
    try:
        got = session.diagnostics(session.edited, session.version)
        want = session.diagnostics(session.fresh, session.version)
        assert got == _renamed(want)
        errors = [d for d in got if d.get("code") == "B-ERR"]
        for diagnostic in (errors[0], errors[len(errors) // 2], errors[-1]):
            answers = []
            for uri in (session.edited, session.fresh):
                hover = server.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": _at(diagnostic)})
                actions = server.call("textDocument/codeAction", {
                    "textDocument": {"uri": uri}, "range": diagnostic["range"],
                    "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}})
                answers.append(_renamed((hover["result"], actions["result"])))
            assert answers[0] == answers[1]
            assert "no boom" in answers[0][0]["contents"]["value"]
            assert any("B-ERR" in a["title"] for a in answers[0][1])
        listed = server.call("workspace/executeCommand", {"command": "archrules.showFindings",
                                                          "arguments": ["B-ERR"]})["result"]
        ranges = {uri: [loc["range"] for loc in listed if loc["uri"] == uri] for uri in (session.edited, session.fresh)}
        assert ranges[session.edited] == ranges[session.fresh] == [d["range"] for d in errors]
    finally:
        server.notify("textDocument/didClose", {"textDocument": {"uri": session.fresh}})
        session.close()


def test_a_rule_over_its_work_budget_as_the_file_grows_and_back(crlf):
    # the slow rule is tracked while the file is under its budget (findings on its lines), and
    # skipped with a note once the file is over it: each crossing as in a fresh open
    session = crlf
    limit = SCAN_BUDGET // LineRegex(SLOW_PATTERN).program_size
    body = f"{SLOW_LINE}\nprint(1)\n" * 3
    while len(body) < limit - 300:  # ASCII: characters are bytes
        body += "x = 1  # filler\n"
    session.open(body)
    more = "print(2) boom(2)\n" * 10  # 170 characters
    said = []
    for step in range(8):  # under, over (+340), under, under: twice
        at = _line_starts(session.text)[5]
        session.change([(at, at, more)] if step % 4 < 2 else [(at, at + len(more), "")])
        found = session.assert_as_fresh()
        said.append((any(d.get("code") == "B-SLOW" and "skipped" in d["message"] for d in found),
                     any(d.get("code") == "B-SLOW" and d["message"] == "slow" for d in found)))
    under, over = (False, True), (True, False)
    assert said == [under, over, under, under] * 2
    session.close()


@pytest.fixture(scope="module")
def pull_baselined(tmp_path_factory):
    """A pull client, the default debounce, a small cap, baselined findings shown as hints."""
    rng = random.Random(11)
    text = _big_text(rng, 7_000, "\n")
    root = _workspace(tmp_path_factory.mktemp("pull"), {"maxDiagnosticsPerFile": 300, "baseline": "hint"}, text)
    server = _start(root, capabilities={"textDocument": {"diagnostic": {"dynamicRegistration": False}}})
    session = Session(server, root, pull=True)
    session.text = text
    yield session
    server.close()


def test_a_pull_client_gets_what_a_fresh_open_gets_with_a_baseline(pull_baselined):
    session = pull_baselined
    rng = random.Random(3)
    session.open(session.text)
    found = session.assert_as_fresh()
    assert any(d["message"].startswith("(baselined) ") for d in found)
    for step in range(24):
        session.change([_random_edit(rng, session.text, "\n") for _ in range(rng.randint(1, 3))])
        if step % 3 == 2:
            session.assert_as_fresh()
    session.close()


def test_a_kept_finding_and_a_file_level_one_at_the_same_place_keep_a_fresh_checks_order(crlf):
    # an anti-pattern finding and a `must_contain` one of the same rule, place and message: a
    # full check (the CLI, a document under 64,000 characters) lists the file-level one first;
    # the kept findings of a big document took it after theirs (a fresh open of it too)
    session = crlf
    session.open("import os\n" + "x = 1  # filler\n" * 5_000)
    session.change([(10, 10, "y = 2\n")])
    found = session.assert_as_fresh()
    assert [d["range"]["end"]["character"] for d in found if d.get("code") == "B-FILE"] == [9, 6]
    session.close()


@pytest.fixture(scope="module")
def debounced(tmp_path_factory):
    """Push with the default debounce (150 ms)."""
    root = _workspace(tmp_path_factory.mktemp("debounced"), {})
    server = _start(root)
    yield Session(server, root)
    server.close()


@pytest.mark.parametrize("which", ["debounce 0", "default debounce"])
def test_a_burst_of_edits_ends_with_what_a_fresh_open_gets(crlf, debounced, which):
    # didChange after didChange without waiting: checks in the check thread cancelled, their
    # edits taken and never applied, checks of texts already gone; the last text's publish
    # is still that of a fresh open
    session = crlf if which == "debounce 0" else debounced
    rng = random.Random(5)
    session.open(_big_text(rng, 7_000, "\n"))
    for _ in range(3):
        for _ in range(15):
            session.change([_random_edit(rng, session.text, "\n")])
        session.assert_as_fresh()
    session.close()


@pytest.mark.parametrize("nl", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_a_check_with_the_edits_unknown_equals_a_fresh_check(nl):
    # in-process, the engine alone: IncrementalCheck.check of a text after another one (the
    # server's path when the edits since are unknown) compares the texts; the result is a
    # fresh check's, edit after edit, whether the difference is checked incrementally or not
    from archrules_lsp.engine import Checker, CheckOptions, RuleSet, load_rule_text
    from archrules_lsp.engine.incremental import IncrementalCheck

    rules, _ = load_rule_text(RULES, "rules.yaml")
    checker = Checker(RuleSet(tuple(rules)), CheckOptions(fixes=False))
    rng = random.Random(len(nl) + 17)
    text = _big_text(rng, 3_000, nl)
    kept = IncrementalCheck(checker, "app/edited.py")
    kept.check(text)
    incremental = 0
    for _ in range(40):
        for _ in range(rng.randint(1, 3)):
            start, end, new = _random_edit(rng, text, nl)
            text = text[:start] + new + text[end:]
        assert kept.check(text) == checker.check("app/edited.py", text)
        incremental += kept.incremental
    assert incremental > 20  # (most of the file deleted: a check from scratch)


def test_findings_put_into_kept_blocks_land_where_a_full_check_sorts_them(monkeypatch):
    # in-process: blocks of three, spliced by edits, then a check's file-level findings put in:
    # exactly a stable sort of them before the kept ones (a full check's order, ties included),
    # and the cap picks from the blocks what it picks from that list
    from archrules_lsp.engine import finding_runs
    from archrules_lsp.engine.finding_runs import FindingRuns, finding_order, most_severe, moved
    from archrules_lsp.engine.model import Finding, Severity, Span

    monkeypatch.setattr(finding_runs, "BLOCK_SIZE", 3)
    rng = random.Random(1)

    def finding(line: int) -> Finding:
        column = rng.randint(0, 3)
        return Finding(rng.choice("AB"), rng.choice(list(Severity)), f"m{column}", Span(line, column, line, column + 1))

    for _ in range(1_500):
        kept = [finding(rng.randint(0, 30)) for _ in range(rng.randint(0, 25))]
        runs, plain = FindingRuns(kept), sorted(kept, key=finding_order)
        for _ in range(rng.randint(0, 3)):
            first = rng.randint(0, 35)
            last = first + rng.randint(0, 5)
            delta = rng.randint(first - last - 1, 5)
            new = [finding(n) for n in range(first, last + delta + 1) if rng.random() < 0.4]
            runs.splice(first, last, new, delta)
            plain = sorted([f for f in plain if f.span.line < first] + new
                           + [moved(f, delta) for f in plain if f.span.line > last], key=finding_order)
        others = sorted((finding(rng.randint(0, 40)) for _ in range(rng.randint(0, 6))), key=finding_order)
        expected = sorted(others + plain, key=finding_order)
        view = runs.view().with_findings(others)
        assert list(view) == expected
        cap = rng.randint(1, 30)
        assert list(most_severe(view, cap)) == list(most_severe(expected, cap))


@pytest.fixture(scope="module")
def reloading(tmp_path_factory):
    """Push, debounce 0: its rule file is edited in the editor."""
    root = _workspace(tmp_path_factory.mktemp("reload"), {"debounceMs": 0})
    server = _start(root)
    yield Session(server, root), (root / ".architecture-rules/rules.yaml").as_uri()
    server.close()


def test_rules_edited_mid_typing_change_the_findings_an_edit_left_alone(reloading):
    # a finding no edit touched is the same object from check to check and its JSON is reused
    # whole: not across a rules reload (a new kept check, a new epoch), which changes its message
    session, rules_uri = reloading
    server = session.server
    rng = random.Random(4)
    session.open(_big_text(rng, 7_000, "\n"))
    session.change([(0, 0, "x")])
    session.assert_as_fresh()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": rules_uri, "languageId": "yaml", "version": 1,
        "text": RULES.replace("message: no boom", "message: no boom, ever")}})
    server.wait_for(lambda: any(d["message"] == "no boom, ever" for p in server.published(session.edited)
                                for d in p["diagnostics"]), "the findings under the edited rules")
    session.change([(1, 1, "y")])
    found = session.assert_as_fresh()
    booms = [d for d in found if d.get("code") == "B-ERR"]
    assert booms and all(d["message"] == "no boom, ever" for d in booms)
    server.notify("textDocument/didClose", {"textDocument": {"uri": rules_uri}})
    session.close()
