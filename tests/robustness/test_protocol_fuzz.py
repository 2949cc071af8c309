"""The server under a hostile or broken client, over real stdio: malformed frames,
wrong Content-Length, bodies that are not JSON-RPC, random valid and invalid requests
and notifications, out-of-range positions, versions going backwards, clients that
vanish. It answers or refuses every request, exits only on `exit` or a closed stdin,
never sits deaf, never blocks a request behind a long check, and never publishes
diagnostics for a text the client does not have. The frame parser is also fuzzed in
process (hypothesis)."""

from __future__ import annotations

import itertools
import json
import socket
import subprocess
import sys
import time
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archrules_lsp.server.framing import FrameParser

from .conftest import ANSWER_TIMEOUT, StdioServer, frame, read_message

HOVER_NOWHERE = {"textDocument": {"uri": "file:///nowhere/x.py"}, "position": {"line": 0, "character": 0}}


def request_body(msg_id: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover",
                       "params": HOVER_NOWHERE}).encode()


@pytest.fixture(scope="module")
def _shared(tmp_path_factory):
    holder: dict[str, StdioServer] = {}
    yield holder
    if "server" in holder:
        holder["server"].close()


@pytest.fixture
def bare(_shared, tmp_path_factory) -> StdioServer:
    """An initialized server without a workspace folder (the framing needs no rules),
    shared by this module's tests as long as it keeps answering (starting one per test
    costs seconds on a busy host); one that no longer answers is replaced."""
    server = _shared.get("server")
    if server is None:
        server = _shared["server"] = StdioServer(tmp_path_factory.mktemp("bare"))
        server.initialize(None)
    yield server
    try:
        server.assert_answers(timeout=5)
    except AssertionError:
        server.close()
        del _shared["server"]


# ---------------------------------------------------------------- framing over stdio

# each is followed by a well-framed request, which must be answered
FRAMING_ERRORS = {
    "short Content-Length": lambda body: b"Content-Length: %d\r\n\r\n" % (len(body) - 9) + body,
    "missing Content-Length": lambda body: (
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + body),
    "non-numeric Content-Length": lambda body: b"Content-Length: twelve\r\n\r\n" + body,
    "negative Content-Length": lambda body: b"Content-Length: -%d\r\n\r\n" % len(body) + body,
    "huge Content-Length": lambda body: b"Content-Length: 99999999999\r\n\r\n" + body,
    "no empty line after the header": lambda body: b"Content-Length: %d\r\n" % len(body) + body,
    "garbage and control characters": lambda body: b"\x00\x1b[31m hello\r\n\r\n" + body[:9],
    "a header line megabytes long": lambda body: b"X-Junk: " + b"j" * 3_000_000,
    "Content-Length 0": lambda body: b"Content-Length: 0\r\n\r\n",
    "body not JSON": lambda body: b"Content-Length: 21\r\n\r\n" + body[:21],
    "body not UTF-8": lambda body: frame_bytes(body.replace(b"hover", b"h\xffver")),
    "body nested 100,000 deep": lambda body: frame_bytes(b"[" * 100_000),
    "body an array (a batch)": lambda body: frame([json.loads(body)]),
    "body a number": lambda body: frame(42),
    "body null": lambda body: frame(None),
    "an object without jsonrpc or method": lambda body: frame({"id": json.loads(body)["id"]}),
}


def frame_bytes(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


@pytest.mark.parametrize("bad", FRAMING_ERRORS.values(), ids=FRAMING_ERRORS.keys())
def test_framing_error_never_leaves_the_server_deaf(bare, bad):
    bare.send_bytes(bad(request_body(bare.next_id())))
    reply = bare.answer(bare.request("textDocument/hover", HOVER_NOWHERE))
    assert reply["result"] is None
    assert bare.proc.poll() is None


# read as they are: header names are case-insensitive, LF-only line ends are accepted
ACCEPTED_FRAMINGS = {
    "lower-case header name": lambda body: b"content-length: %d\r\n\r\n" % len(body) + body,
    "LF-only line ends": lambda body: b"Content-Length: %d\n\n" % len(body) + body,
    "Content-Type first, spaces around the length": lambda body: (
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length:   %d  \r\n\r\n"
        % len(body) + body),
}


@pytest.mark.parametrize("framing", ACCEPTED_FRAMINGS.values(), ids=ACCEPTED_FRAMINGS.keys())
def test_lenient_framings_are_read(bare, framing):
    msg_id = bare.next_id()
    bare.send_bytes(framing(request_body(msg_id)))
    assert bare.answer(msg_id)["result"] is None


def test_a_frame_in_one_byte_writes_is_read(bare):
    msg_id = bare.next_id()
    data = frame_bytes(request_body(msg_id))
    for i in range(len(data)):
        bare.send_bytes(data[i:i + 1])
    assert bare.answer(msg_id)["result"] is None


def test_too_long_content_length_is_cut_at_the_next_header(bare):
    """The body would swallow the next message and wait for bytes that never come: it
    ends where the next header starts, and both requests are answered."""
    first, second = bare.next_id(), bare.next_id()
    body = request_body(first)
    bare.send_bytes(b"Content-Length: %d\r\n\r\n" % (len(body) + 30) + body)
    bare.send_bytes(frame_bytes(request_body(second)))
    assert bare.answer(second)["result"] is None
    assert bare.answer(first)["result"] is None


def test_a_request_without_jsonrpc_is_refused(bare):
    msg_id = bare.next_id()
    bare.send({"id": msg_id, "method": "textDocument/hover", "params": HOVER_NOWHERE})
    assert bare.answer(msg_id)["error"]["code"] == -32600  # InvalidRequest
    msg_id = bare.next_id()
    bare.send({"jsonrpc": "1.0", "id": msg_id, "method": "textDocument/hover", "params": HOVER_NOWHERE})
    assert bare.answer(msg_id)["error"]["code"] == -32600


def test_tcp_reads_through_the_same_frame_parser(workspace):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "archrules_lsp", "--tcp", "--port", str(port)], cwd=workspace,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = connect(port)
        with conn, conn.makefile("rb") as stream:
            init = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "processId": None, "rootUri": None, "capabilities": {}}}).encode()
            conn.sendall(b"Content-Length: x\r\n\r\ngarbage" + b"content-length: %d\n\n" % len(init) + init)
            while (reply := read_message(stream)) is not None and reply.get("id") != 1:
                pass
            assert reply is not None and "capabilities" in reply["result"]
    finally:
        proc.kill()
        proc.wait(ANSWER_TIMEOUT)


def connect(port: int) -> socket.socket:
    """The server's TCP port, once it listens (start-up takes a moment)."""
    for _ in range(400):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT)
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")


# ---------------------------------------------------------------- random messages

REQUESTS = ["textDocument/hover", "textDocument/codeAction", "textDocument/diagnostic", "workspace/diagnostic",
            "workspace/executeCommand", "codeAction/resolve", "textDocument/completion", "initialize",
            "textDocument/codeLens", "textDocument/documentSymbol", "textDocument/definition", "workspace/symbol",
            "archrules/noSuchMethod", "", "$/unknownRequest"]
NOTIFICATIONS = ["textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "textDocument/didSave",
                 "workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles",
                 "workspace/didChangeWorkspaceFolders", "$/cancelRequest", "$/setTrace", "initialized",
                 "archrules/unknown"]
COMMANDS = ["archrules.reloadRules", "archrules.checkWorkspace", "archrules.fixAll", "archrules.showRule",
            "archrules.showFindings", "archrules.addToBaseline", "archrules.writeBaseline",
            "archrules.updateBaseline", "nope"]


def random_value(rng, depth: int = 0):
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, 1, -1, 7, 2**31, -(2**31) - 1, 2**63, 10**30])
    if kind == 3:
        return rng.choice([0.5, -0.0, 1e308])
    if kind == 4:
        return rng.choice(["", "x", "print(1)", "\x00\x1b[2J", "é😋\u2028", "file:///", "untitled:1", "a" * 300])
    if kind in (5, 6):
        return {rng.choice(["uri", "textDocument", "position", "range", "version", "text", "id", "x"]):
                random_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]


def random_position(rng) -> dict:
    pick = [0, 1, 3, 10**6, 2**31 - 1, -1]
    return {"line": rng.choice(pick), "character": rng.choice(pick)}


def random_params(rng, method: str, uris: list[str], versions: dict[str, int]):
    """Mostly well-shaped params (random positions, versions up and down), sometimes anything."""
    if rng.random() < 0.2:
        return random_value(rng)
    uri = rng.choice(uris)
    doc = {"uri": uri}
    where = {"start": random_position(rng), "end": random_position(rng)}
    versions[uri] = versions.get(uri, 0) + rng.choice([1, 1, 1, 0, -3])
    text = rng.choice(["", "print(1)\n", "x = 1\r\ny = print(2)\r", "\x0c\u2028print(\n", "😋" * 50,
                       "import app.f0\nfrom . import f2\nclass J(Base, table=True):\n    x = 1\n",
                       "from app import f1\nimportlib.import_module('app.f0')\nclass K(table=True):\n"])
    by_method = {
        "textDocument/hover": {"textDocument": doc, "position": random_position(rng)},
        "textDocument/codeAction": {"textDocument": doc, "range": where, "context": {"diagnostics": []}},
        "textDocument/diagnostic": {"textDocument": doc},
        "textDocument/codeLens": {"textDocument": doc},
        "textDocument/documentSymbol": {"textDocument": doc},
        "textDocument/definition": {"textDocument": doc, "position": random_position(rng)},
        "workspace/symbol": {"query": rng.choice(["", "BG", "\x00", "😋"])},
        "workspace/diagnostic": {"previousResultIds": []},
        "workspace/executeCommand": {"command": rng.choice(COMMANDS),
                                     "arguments": [random_value(rng) for _ in range(rng.randrange(3))]},
        "textDocument/didOpen": {"textDocument": {**doc, "languageId": "python", "version": versions[uri],
                                                  "text": text}},
        "textDocument/didChange": {"textDocument": {**doc, "version": versions[uri]}, "contentChanges": [
            rng.choice([{"range": where, "text": text}, {"text": text}])]},
        "textDocument/didClose": {"textDocument": doc},
        "textDocument/didSave": {"textDocument": doc},
        "$/cancelRequest": {"id": rng.choice([1, "x", 1_000_003])},
        "$/setTrace": {"value": rng.choice(["off", "verbose", "loud"])},
    }
    return by_method.get(method, random_value(rng))


@pytest.mark.parametrize("seed", [1, 2])
def test_random_requests_and_notifications_are_answered_or_refused(lsp, workspace, seed):
    """Hundreds of random messages (shutdown and exit aside); every request gets a result
    or an error, and afterwards the server still checks documents correctly."""
    import random

    rng = random.Random(seed)
    uris = [(workspace / f"app/f{i}.py").as_uri() for i in range(3)] + [
        (workspace / ".architecture-rules/rules.yaml").as_uri(), "untitled:Untitled-1", "file:///elsewhere/x.py"]
    versions: dict[str, int] = {}
    asked = []
    for _ in range(400):
        if rng.random() < 0.45:
            method = rng.choice(REQUESTS)
            msg_id = rng.choice([lsp.next_id(), f"s{lsp.next_id()}"])
            lsp.request(method, random_params(rng, method, uris, versions), msg_id)
            asked.append(msg_id)
        else:
            method = rng.choice(NOTIFICATIONS)
            lsp.notify(method, random_params(rng, method, uris, versions))
    for msg_id in asked:
        reply = lsp.answer(msg_id)
        assert ("result" in reply) != ("error" in reply), reply
    for uri in uris:  # rules back from disk, documents gone
        lsp.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert_still_checks(lsp, workspace)


def assert_still_checks(lsp, workspace, name: str = "final.py") -> None:
    uri = (workspace / "app" / name).as_uri()
    lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "x = 1\nprint(x)\n"}})
    diags = lsp.wait_for(lambda: [p["diagnostics"] for p in lsp.published(uri) if p["version"] == 1],
                         "diagnostics for a fresh document")[-1]
    assert [(d["code"], d["range"]["start"]["line"]) for d in diags] == [("AR-002", 1)]
    assert lsp.proc.poll() is None


def test_positions_out_of_range_are_answered(lsp, workspace):
    uri = (workspace / "app/p.py").as_uri()
    lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "print(1)\n"}})
    for line, character in [(10**6, 0), (0, 10**6), (2**31 - 1, 2**31 - 1)]:
        position = {"line": line, "character": character}
        assert lsp.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})["result"] is None
        reply = lsp.call("textDocument/codeAction", {"textDocument": {"uri": uri}, "context": {"diagnostics": []},
                                                     "range": {"start": {"line": 0, "character": 0}, "end": position}})
        assert "result" in reply
    negative = lsp.call("textDocument/hover", {"textDocument": {"uri": uri},
                                               "position": {"line": -1, "character": 0}})
    assert negative["error"]["code"] == -32602  # InvalidParams: positions are unsigned
    # an edit past the end lands at the end
    lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{
        "range": {"start": {"line": 99, "character": 99}, "end": {"line": 99, "character": 99}},
        "text": "print(2)\n"}]})
    diags = lsp.wait_for(lambda: [p["diagnostics"] for p in lsp.published(uri) if p["version"] == 2],
                         "diagnostics after the edit past the end")[-1]
    assert sorted(d["range"]["start"]["line"] for d in diags) == [0, 1]


def test_versions_going_backwards_never_publish_a_text_the_client_lacks(lsp, workspace):
    uri = (workspace / "app/v.py").as_uri()
    texts = {}  # version -> every text the client had at that version

    def send(version: int, text: str, opening: bool = False) -> None:
        texts.setdefault(version, set()).add(text)
        if opening:
            lsp.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "python", "version": version, "text": text}})
        else:
            lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                  "contentChanges": [{"text": text}]})

    send(10, "print(1)\n", opening=True)
    for version, text in [(9, "x = 1\n"), (3, "print(3)\nprint(3)\n"), (3, "y = 2\n"), (11, "print(1)\n"),
                          (2, "z = 3\n")]:
        send(version, text)
    lsp.wait_for(lambda: any(p["version"] == 2 and not p["diagnostics"] for p in lsp.published(uri)),
                 "diagnostics for the last text")
    lsp.assert_answers()
    published = lsp.published(uri)
    findings = {text: text.count("print(") for found in texts.values() for text in found}
    for p in published:
        assert len(p["diagnostics"]) in {findings[text] for text in texts[p["version"]]}, (p, texts)
    assert published[-1]["version"] == 2 and published[-1]["diagnostics"] == []


def test_closing_a_document_leaves_no_diagnostics_behind(start_server, workspace):
    """A check still waiting out its debounce must not publish after the close."""
    lsp = start_server()
    lsp.initialize(workspace, init_options={"debounceMs": 300})
    closed, other = (workspace / "app/closed.py").as_uri(), (workspace / "app/other.py").as_uri()
    for uri in (closed, other):
        lsp.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}})
    lsp.notify("textDocument/didChange", {"textDocument": {"uri": closed, "version": 2},
                                          "contentChanges": [{"text": "print(1)\n"}]})
    lsp.notify("textDocument/didClose", {"textDocument": {"uri": closed}})
    # the same debounce, scheduled later: once it has fired, the closed one's would have too
    lsp.notify("textDocument/didChange", {"textDocument": {"uri": other, "version": 2},
                                          "contentChanges": [{"text": "print(2)\n"}]})
    lsp.wait_for(lambda: any(p["version"] == 2 for p in lsp.published(other)), "the other document's check")
    after_close = lsp.published(closed)[-1]
    assert after_close["diagnostics"] == [], after_close


# ---------------------------------------------------------------- clients that vanish, exit

def test_stdin_closed_mid_frame_ends_the_server(lsp):
    lsp.send_bytes(b'Content-Length: 500\r\n\r\n{"jsonrpc": "2.0", "id": 5, "me')
    lsp.proc.stdin.close()
    assert lsp.proc.wait(ANSWER_TIMEOUT) == 1  # no shutdown first (LSP)


def test_a_client_that_vanishes_while_the_server_writes(lsp, workspace):
    """The client dies: both pipes close while diagnostics are on their way."""
    for i in range(20):
        lsp.notify("textDocument/didOpen", {"textDocument": {
            "uri": (workspace / f"app/gone{i}.py").as_uri(), "languageId": "python", "version": 1,
            "text": "print(1)\n" * 2000}})
    lsp.proc.stdout.close()
    lsp.proc.stdin.close()
    assert lsp.proc.wait(ANSWER_TIMEOUT) in (0, 1)


def test_exit_without_shutdown_ends_with_1(lsp):
    lsp.notify("exit")
    assert lsp.proc.wait(ANSWER_TIMEOUT) == 1


# ---------------------------------------------------------------- long checks

def test_a_request_is_answered_while_a_long_check_runs(lsp, workspace):
    uri = (workspace / "app/big.py").as_uri()
    lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "print(1)\n" * 12_000}})  # ~0.3 s of check
    hover = lsp.request("textDocument/hover", HOVER_NOWHERE)
    lsp.answer(hover)
    lsp.wait_for(lambda: lsp.published(uri), "the big document's diagnostics")
    order = lsp.arrivals
    assert order.index(("answer", hover)) < order.index(("textDocument/publishDiagnostics", uri))


# ---------------------------------------------------------------- the frame parser in process

def framed(body: bytes, style: int) -> bytes:
    """The same frame, in the header spellings clients use or might."""
    headers = [b"Content-Length: %d\r\n\r\n", b"content-length: %d\r\n\r\n", b"Content-Length: %d\n\n",
               b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length:%d\r\n\r\n"]
    return headers[style % len(headers)] % len(body) + body


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


def parse(data_chunks, parser: FrameParser | None = None) -> list[bytes]:
    parser = parser or FrameParser()
    return [body for chunk in data_chunks for body in parser.feed(chunk)]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),  # text holds newlines, "Content-Length: 5"...
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
texts_with_headers = st.text(alphabet=st.sampled_from(list("Content-Length: 12\r\n{}\"\\ é")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(json_values | texts_with_headers, min_size=1, max_size=6),
       styles=st.lists(st.integers(0, 3), min_size=6, max_size=6),
       cuts=st.lists(st.integers(0, 10_000), max_size=12))
def test_parser_reads_valid_frames_at_any_split(values, styles, cuts):
    bodies = [json.dumps(v).encode() for v in values]
    stream = b"".join(framed(b, s) for b, s in zip(bodies, styles, strict=False))
    assert parse(chunks(stream, cuts)) == bodies


garbage_bytes = st.binary(max_size=80).filter(lambda g: b"content-length" not in g.lower())


@settings(max_examples=200, deadline=None)
@given(garbage=garbage_bytes, values=st.lists(json_values, min_size=1, max_size=4),
       cuts=st.lists(st.integers(0, 10_000), max_size=8))
def test_parser_resynchronises_after_garbage(garbage, values, cuts):
    bodies = [json.dumps(v).encode() for v in values]
    stream = garbage + b"".join(framed(b, 0) for b in bodies)
    assert parse(chunks(stream, cuts))[-len(bodies):] == bodies


def test_parser_skips_an_oversized_body_without_buffering_it():
    parser = FrameParser(max_body=1024 * 1024)
    size = 32 * 1024 * 1024
    piece = b"x" * (64 * 1024)
    tracemalloc.start()
    try:
        got = parse([b"Content-Length: %d\r\n\r\n" % size], parser)
        for _ in range(size // len(piece)):
            got += parse([piece], parser)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    got += parse([framed(b"{}", 0)], parser)
    assert got == [b"{}"]
    assert peak < 1024 * 1024  # a few reads' worth, not the 32 MiB body
