"""Soak: 20,000 didChange through real stdio keep the server's memory flat, to open
documents and to documents that are not open alike; every diagnostics message the
server publishes meanwhile is right for the text the client had at its version."""

from __future__ import annotations

import pytest

from .conftest import StdioServer

CHANGES = 20_000
SECOND_HALF_GROWTH_KIB = 8 * 1024  # generous: the leak this guards against was ~2 KB a change

pytestmark = pytest.mark.slow


def change(server: StdioServer, uri: str, version: int, line: int, start: int, end: int, text: str) -> None:
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": {"start": {"line": line, "character": start},
                                      "end": {"line": line, "character": end}}, "text": text}]})


def sync(server: StdioServer) -> None:
    """Every message sent so far has been read and handled (the server reads in order)."""
    server.assert_answers()


def test_twenty_thousand_changes_keep_memory_flat(start_server, workspace):
    server = start_server()
    server.initialize(workspace, init_options={"debounceMs": 20})
    path = workspace / "app/typing.py"
    uri, closed_uri = path.as_uri(), (workspace / "app/not_open.py").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "import logging\n"}})
    rss = {}
    version = 1
    has_print = {1: False}  # version -> does the client's text hold a finding?
    for i in range(CHANGES):
        version += 1
        # type `print(1)` on line 1 and delete it again, a character at a time
        step = i % 16
        if step < 8:
            change(server, uri, version, 1, step, step, "print(1)"[step])
            typed = "print(1)"[:step + 1]
        else:
            change(server, uri, version, 1, 15 - step, 16 - step, "")
            typed = "print(1)"[:15 - step]
        has_print[version] = "print(" in typed
        if i % 4 == 0:  # a change to a document the client never opened
            change(server, closed_uri, version, 0, 0, 0, "x")
        if i + 1 in (CHANGES // 10, CHANGES // 2, CHANGES):
            sync(server)
            rss[i + 1] = server.rss_kib()
    growth = rss[CHANGES] - rss[CHANGES // 2]
    print(f"RSS KiB after {sorted(rss.items())}; second half growth {growth} KiB")
    assert growth < SECOND_HALF_GROWTH_KIB, rss
    server.wait_for(lambda: any(p["version"] == version for p in server.published(uri)),
                    f"diagnostics for the last version ({version})")
    published = server.published(uri)
    wrong = [(p["version"], len(p["diagnostics"])) for p in published
             if bool(p["diagnostics"]) != has_print[p["version"]]]
    assert not wrong, f"diagnostics that do not match the text at their version: {wrong[:5]}"
    assert published[-1]["version"] == version and published[-1]["diagnostics"] == []  # no print left
