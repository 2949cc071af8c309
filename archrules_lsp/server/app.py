"""The language server: pygls' `LanguageServer` with our protocol, one typed
`Session` (session/session.py) holding all state, and the feature modules
registered on it, each handed the session.

Nothing heavy is imported here: the engine (YAML, RE2) loads after the
initialize response, when the rules are first read.
"""

from __future__ import annotations

import logging

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.lsp.server import LanguageServer

from .. import __version__
from .protocol import ArchrulesProtocol
from .session.session import Session

log = logging.getLogger("archrules_lsp.server")


class ArchrulesServer(LanguageServer):
    protocol: ArchrulesProtocol

    def __init__(self, log_level_override: str | None = None) -> None:
        super().__init__(
            "archrules-lsp",
            __version__,
            protocol_cls=ArchrulesProtocol,
            text_document_sync_kind=t.TextDocumentSyncKind.Incremental,
            max_workers=4,  # >= 2: the stdio reader borrows one (pygls gotcha G3)
        )
        self.session = Session(self, log_level_override)

    def report_server_error(self, error: Exception, source) -> None:
        # pygls' default pops a message box per error; a linter running on each
        # keystroke would flood the user, so log with the stack trace instead.
        if isinstance(error, JsonRpcException) and not isinstance(error, JsonRpcInternalError):
            # an answer the client already has (invalid params, unknown method, cancelled)
            log.info("request refused: %s", error)
            return
        log.error("error in a handler (%s): %s", getattr(source, "__name__", source), error,
                  exc_info=(type(error), error, error.__traceback__))


def create_server(log_level_override: str | None = None) -> ArchrulesServer:
    """A server with every feature registered."""
    from .features import (
        baseline,
        code_actions,
        code_lens,
        commands,
        completion,
        configuration,
        diagnostics,
        hover,
        lifecycle,
        navigation,
        rule_files,
    )

    server = ArchrulesServer(log_level_override)
    for module in (lifecycle, configuration, diagnostics, rule_files, hover, code_actions, commands,
                   completion, navigation, baseline, code_lens):
        module.register(server)
    return server
