"""`archrules-lsp` / `python -m archrules_lsp`: start the language server.

stdio by default; `--tcp` or `--ws` with `--host`/`--port`. Logs go to stderr
(stdout is the protocol channel: one stray print corrupts it) and, once the
client is connected, to `window/logMessage`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Sequence

LEVELS = ("error", "warning", "info", "debug")


class ClientLogHandler(logging.Handler):
    """Forwards the server's own log records to the client's log (window/logMessage)."""

    def __init__(self, server) -> None:
        super().__init__()
        self.server = server
        self._busy = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._busy or threading.current_thread() is not threading.main_thread():
            return  # the protocol writer belongs to the event loop's thread
        server = self.server
        if getattr(server.protocol, "writer", None) is None:
            return  # not connected yet
        from lsprotocol import types as t

        kind = (t.MessageType.Error if record.levelno >= logging.ERROR else
                t.MessageType.Warning if record.levelno >= logging.WARNING else
                t.MessageType.Info if record.levelno >= logging.INFO else t.MessageType.Log)
        self._busy = True
        try:
            server.window_log_message(t.LogMessageParams(type=kind, message=self.format(record)))
        except Exception:  # noqa: BLE001 - logging must never break the server
            pass
        finally:
            self._busy = False


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    from .. import __version__

    parser = argparse.ArgumentParser(prog="archrules-lsp", description="The archrules language server.")
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    transport.add_argument("--tcp", action="store_true", help="listen on a TCP port")
    transport.add_argument("--ws", action="store_true", help="listen for a WebSocket connection")
    parser.add_argument("--host", default="127.0.0.1", help="address for --tcp/--ws (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="port for --tcp/--ws (default 2087)")
    parser.add_argument("--log-level", choices=LEVELS, default=None,
                        help="log level for stderr and the client's log (default: the logLevel setting, info)")
    parser.add_argument("--version", action="version", version=f"archrules-lsp {__version__}")
    return parser.parse_args(argv)


def setup_logging(level_name: str | None) -> None:
    """stderr gets warnings and errors unless --log-level asks for more: editors record
    the server's stderr as errors (Neovim's :LspLog marks every line [ERROR]); the
    client's log (window/logMessage) gets the logLevel setting's level."""
    level = getattr(logging, (level_name or "info").upper())
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level if level_name else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)  # pygls is chatty below that
    logging.getLogger("archrules_lsp").setLevel(level)
    if level_name == "debug":
        logging.getLogger("pygls").setLevel(logging.INFO)


def protocol_streams():
    """Give the protocol its own handles on fds 0 and 1, and point those fds elsewhere.

    Why: a stray print (ours, a library's, a child process's) then lands on stderr
    instead of corrupting the protocol; and the workspace scan's worker pool forks:
    a forked child closes `sys.stdin`, whose lock pygls' reader thread would be
    holding while it waits for input, and the child would hang on it."""
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - open for the process's life
    sys.stdout = sys.stderr
    return proto_in, proto_out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup_logging(args.log_level)
    from .app import create_server

    server = create_server(args.log_level)
    client_handler = ClientLogHandler(server)
    client_handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logging.getLogger("archrules_lsp").addHandler(client_handler)
    try:
        if args.tcp:
            from .protocol import serve_tcp

            serve_tcp(server, args.host, args.port)
        elif args.ws:
            try:
                import websockets  # noqa: F401 - pygls[ws] extra
            except ImportError:
                sys.stderr.write("archrules-lsp: --ws needs the 'websockets' package (pip install 'pygls[ws]')\n")
                return 2
            server.start_ws(args.host, args.port)
        else:
            from .protocol import serve_stdio

            serve_stdio(server, *protocol_streams())
    except KeyboardInterrupt:
        pass
    # LSP: exit code 0 after a shutdown request, 1 without one (exit alone, or the client went away)
    return 0 if server.protocol.shutdown_requested else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
