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
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archrules_lsp.server.framing import FrameParser

from .conftest import StdioServer, frame

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
