"""Rule globs that match no file of the workspace: a Hint on the `file:` value in the rule
file, gone when a matching file is created (didChangeWatchedFiles) or the glob is edited,
back when the file is deleted; files the folder does not check (gitignored) do not count."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import (
    CONFIG,
    PRESETS,
    Doc,
    dedent,
    diagnostics,
    file_diagnostics,
    start_session,
    uri_of,
    wait_until,
    write_tree,
)

RULES = dedent("""
    demo_rules:
      - id: GH-001
        name: Jobs log
        patterns:
          - file: "app/jobs/*.py"
            must_contain: "log"
      - id: GH-002
        name: No print
        anti_patterns:
          - pattern: "print\\\\("
            file: 'app/**/*.py'   # matches app/main.py
            message: "no print"
          - pattern: "print\\\\("
            file: app/ignored/*.py
            message: "no print in ignored"
""")
# untrusted input: a glob with an escape sequence and a right-to-left override (YAML escapes)
ODD = 'odd_rules:\n  - id: GH-009\n    name: Odd\n    anti_patterns:\n      - pattern: "x"\n' \
      '        file: "app/\\e[31m\\u202e*.py"\n        message: "x"\n'
JOBS = "`app/jobs/*.py` matches no file in the workspace"
IGNORED = "`app/ignored/*.py` matches no file in the workspace"


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("globhints")
    write_tree(root, {".architecture-rules/demo.yaml": RULES, ".architecture-rules/odd.yaml": ODD,
                      "app/main.py": "x = 1\n",
                      ".gitignore": "app/ignored/\n", "app/ignored/old.py": "print(1)\n"})
    (root / ".git").mkdir()
    lsp_client.root = root
    lsp_client.rules = root / ".architecture-rules/demo.yaml"
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


def hint_messages(items) -> list[str]:
    return sorted(d.message for d in items if d.severity == t.DiagnosticSeverity.Hint)


def watched(client: LanguageClient, path, kind: t.FileChangeType) -> None:
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=uri_of(path), type=kind)]))


async def test_unmatched_globs_are_hints_on_their_file_value(client):
    uri = uri_of(client.rules)
    items = await file_diagnostics(client, uri, lambda d: hint_messages(d) == [IGNORED, JOBS])
    lines = RULES.splitlines()
    jobs = next(d for d in items if d.message == JOBS)
    line = next(i for i, text in enumerate(lines) if 'file: "app/jobs/*.py"' in text)
    start = lines[line].index('"app/jobs')
    assert (jobs.range.start.line, jobs.range.start.character) == (line, start)
    assert (jobs.range.end.line, jobs.range.end.character) == (line, start + len('"app/jobs/*.py"'))
    assert jobs.code == "GH-001" and jobs.source == "archrules"
    ignored = next(d for d in items if d.message == IGNORED)  # a plain value, the whole of it
    line = next(i for i, text in enumerate(lines) if "file: app/ignored/*.py" in text)
    assert ignored.range.start.line == line
    assert ignored.range.end.character - ignored.range.start.character == len("app/ignored/*.py")


async def test_watchers_cover_the_rule_globs(client):
    if not client.capabilities.workspace.did_change_watched_files.dynamic_registration:
        return  # Neovim 0.11: cannot register watchers; the events still count when they come
    def globs() -> set[str]:
        return {w["globPattern"] for r in client.registrations if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES
                for w in r.register_options["watchers"]}  # plain JSON: the client does not structure them

    await wait_until(lambda: "**/app/jobs/*.py" in globs(), what="a watcher for the rule's glob")
    assert "**/app/ignored/*.py" in globs()


async def test_a_created_file_clears_the_hint_and_deleting_it_brings_it_back(client):
    uri = uri_of(client.rules)
    await file_diagnostics(client, uri, lambda d: JOBS in hint_messages(d))
    job = client.root / "app/jobs/nightly.py"
    write_tree(client.root, {"app/jobs/nightly.py": "log = 1\n"})
    watched(client, job, t.FileChangeType.Created)
    await file_diagnostics(client, uri, lambda d: hint_messages(d) == [IGNORED])
    job.unlink()
    watched(client, job, t.FileChangeType.Deleted)
    await file_diagnostics(client, uri, lambda d: hint_messages(d) == [IGNORED, JOBS])


async def test_editing_the_glob_moves_or_clears_its_hint(client):
    rules = Doc(client, client.rules, RULES, language_id="yaml")
    await diagnostics(client, rules, lambda d: hint_messages(d) == [IGNORED, JOBS])
    rules.replace(RULES.replace('"app/jobs/*.py"', '"app/*.py"'))  # matches app/main.py
    await diagnostics(client, rules, lambda d: hint_messages(d) == [IGNORED])
    moved = "\n\n" + RULES  # the same rules two lines down
    rules.replace(moved)
    items = await diagnostics(client, rules, lambda d: hint_messages(d) == [IGNORED, JOBS])
    jobs = next(d for d in items if d.message == JOBS)
    assert jobs.range.start.line == next(i for i, text in enumerate(moved.splitlines()) if "app/jobs" in text)
    rules.replace(RULES)
    rules.close()


async def test_a_glob_with_control_characters_is_shown_escaped(client):
    uri = uri_of(client.root / ".architecture-rules/odd.yaml")
    items = await file_diagnostics(client, uri, lambda d: len(hint_messages(d)) == 1)
    assert hint_messages(items) == ["`app/\\x1b[31m\\u202e*.py` matches no file in the workspace"]
    if client.capabilities.workspace.did_change_watched_files.dynamic_registration:
        watchers = [w["globPattern"] for r in client.registrations
                    if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES for w in r.register_options["watchers"]]
        assert "**/app/jobs/*.py" in watchers
        assert not any("\x1b" in g for g in watchers)  # never handed to the client's watcher
