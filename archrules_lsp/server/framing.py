"""Splitting the client's byte stream into JSON-RPC message bodies (LSP base protocol:
`Content-Length: N` header lines, an empty line, N bytes of JSON), without ever going
deaf on a framing error.

pygls' reader matches only `Content-Length: N\\r\\n` exactly and never resynchronises:
one bad header and every later message is ignored. This parser (sans I/O: bytes in,
bodies out) instead:

- reads header names case-insensitively and accepts LF-only line ends;
- on a header block without a usable Content-Length (missing, not a number, negative)
  or bytes that are no header, drops that message and resumes at the next line that
  holds `Content-Length:` (after garbage on the same line too: a short Content-Length
  leaves the rest of its body in front of the next header);
- ends a body early where a `Content-Length: N` line starts inside it: a raw line
  break cannot occur in valid JSON text outside whitespace, and no header name can
  occur in that whitespace, so such a body's length was wrong (too long: it would
  swallow the messages after it, and wait for bytes the client never sends);
- never buffers more than `MAX_BODY_BYTES` of one body: a longer one is discarded as
  it arrives (still watching for a header inside it, as above).

Problems are logged, one line per dropped message or skipped run of bytes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

log = logging.getLogger("archrules_lsp.server")

MAX_BODY_BYTES = 64 * 1024 * 1024
"""A message body over this many bytes is skipped without being buffered (64 MiB)."""

MAX_HEADER_LINE = 64 * 1024
"""A header line that runs this long without a line break is garbage."""

# a `Content-Length: N` line; bounded repetitions keep the longest match short
_HEADER_IN_BODY = re.compile(rb"content-length[ \t]{0,8}:[ \t]{0,8}[0-9]{1,20}[ \t]{0,8}\r?\n", re.I)
_OVERLAP = 64  # longer than any _HEADER_IN_BODY match: a match split across reads is still found
_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:(.*)", re.I | re.S)
_OTHER_HEADER = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \t]*:.*", re.S)  # RFC 9110 token ":"

_BETWEEN, _HEADERS, _LOST = "between messages", "in a header block", "looking for a header"


class FrameParser:
    """Bytes in (`feed`), complete message bodies out, in order."""

    def __init__(self, max_body: int = MAX_BODY_BYTES) -> None:
        self.max_body = max_body
        self._buf = bytearray()
        self._state = _BETWEEN
        self._length: int | None = None  # Content-Length of the header block being read
        self._body: int | None = None  # bytes of the body being read (None: reading headers)
        self._skipping = False  # the body is over the bound: discarded as it arrives
        self._scanned = 0  # bytes at the front of the body already searched for a header
        self._garbage = 0  # bytes skipped while looking for a header (logged when it ends)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Add bytes read from the stream; yields every body they complete."""
        self._buf += data
        while True:
            if self._body is not None:
                body = self._take_body()
                if body is None:
                    return
                if not self._skipping:
                    yield body
                self._skipping = False
                continue
            line = self._take_line()
            if line is None:
                return
            self._header_line(line)

    # ------------------------------------------------------------ bodies

    def _take_body(self) -> bytes | None:
        """The body, once complete or cut short by a header inside it; None: need more bytes."""
        need, buf = self._body, self._buf
        assert need is not None
        cut = self._header_inside(max(0, self._scanned - _OVERLAP), min(len(buf), need + _OVERLAP), need)
        if cut is not None:
            log.warning("a message's Content-Length (%d) runs into the next message's header: "
                        "its body cut at %d bytes", need, cut)
            return self._pop_body(cut)
        if len(buf) >= need:
            return self._pop_body(need)
        self._scanned = len(buf)
        if self._skipping and len(buf) > _OVERLAP:  # keep only what a split header needs
            drop = len(buf) - _OVERLAP
            del buf[:drop]
            self._body = need - drop
            self._scanned -= drop
        return None

    def _header_inside(self, start: int, end: int, need: int) -> int | None:
        """Where a `Content-Length: N` line starting before `need` lies in buf[start:end].

        Only the bytes just before each line break are searched: a body of compact JSON
        has no line break, and the next message's header sits right after it."""
        buf = self._buf
        nl = buf.find(b"\n", start, end)
        while nl >= 0:
            found = _HEADER_IN_BODY.search(buf, max(start, nl + 1 - _OVERLAP), nl + 1)
            if found is not None and found.start() < need:
                return found.start()
            nl = buf.find(b"\n", nl + 1, end)
        return None

    def _pop_body(self, size: int) -> bytes:
        body = bytes(self._buf[:size])
        del self._buf[:size]
        self._body = None
        self._scanned = 0
        return body

    def _start_body(self, size: int) -> None:
        if size > self.max_body:
            log.warning("a message of %s bytes is over the %s-byte bound: skipped", f"{size:,}",
                        f"{self.max_body:,}")
            self._skipping = True
        self._body = size
        self._state = _BETWEEN
        self._length = None

    # ------------------------------------------------------------ headers

    def _take_line(self) -> bytes | None:
        nl = self._buf.find(b"\n")
        if nl < 0:
            if len(self._buf) > MAX_HEADER_LINE:  # no header is that long: skip it
                self._lose(len(self._buf) - _OVERLAP, "a header line too long")
                del self._buf[:len(self._buf) - _OVERLAP]
            return None
        line = bytes(self._buf[:nl])
        del self._buf[:nl + 1]
        return line[:-1] if line.endswith(b"\r") else line

    def _header_line(self, line: bytes) -> None:
        if not line.strip():
            self._end_of_headers()
            return
        found = _CONTENT_LENGTH.search(line)
        if found is None:
            if self._state != _LOST and _OTHER_HEADER.fullmatch(line):
                self._state = _HEADERS  # Content-Type or another header: nothing to do
            else:
                self._lose(len(line) + 1, "bytes that are no header")
            return
        if found.start() > 0:
            self._lose(found.start(), "bytes that are no header")
        if self._garbage:
            log.warning("skipped %s bytes up to the next Content-Length header", f"{self._garbage:,}")
            self._garbage = 0
        value = found.group(1).strip(b" \t")
        if value.isdigit():
            self._state, self._length = _HEADERS, int(value)
        else:
            log.warning("invalid Content-Length %r: message dropped", value[:40])
            self._state, self._length = _LOST, None

    def _end_of_headers(self) -> None:
        if self._state == _HEADERS:
            if self._length is not None:
                self._start_body(self._length)
                return
            log.warning("a message without a Content-Length header: dropped")
            self._state = _LOST  # its body follows: skip to the next header
        # an empty line between messages, or after a header we could not use: nothing to do

    def _lose(self, size: int, what: str) -> None:
        """Skip `size` bytes while looking for the next Content-Length header."""
        if self._state != _LOST:
            if self._state == _HEADERS:
                log.warning("%s inside a header block: message dropped", what)
            self._state, self._length = _LOST, None
        self._garbage += size
