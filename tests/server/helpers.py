"""Shared pieces of the server suite: a workspace on disk, a client session, polling."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

PRESETS = ["visual_studio_code", "neovim@v0.11.0"]
CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "archrules_lsp", "--log-level", "info"])

RULES = """\
demo_rules:
  - id: AR-001
    name: No time.sleep in handlers
    description: |
      Handlers must not block the event loop.
    severity: error
    url: https://example.com/rules/AR-001
    anti_patterns:
      - pattern: "time\\\\.sleep\\\\("
        file: "app/**/*.py"
        message: "Don't use time.sleep in handlers"
        fix: "await asyncio.sleep("
    suggestion: |
      await asyncio.sleep(1)

  - id: AR-002
    name: No print
    description: Use the logger.
    severity: warning
    anti_patterns:
      - pattern: "print\\\\("
        file: "app/**/*.py"
        message: "Use the logger, not print"
    suggestion: |
      log.info("...")

  - id: AR-003
    name: Tasks must use SessionLocal
    description: Background tasks open their own session.
    severity: info
    patterns:
      - file: "app/tasks/*.py"
        must_contain: "SessionLocal()"
    suggestion: |
      db = SessionLocal()
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8", newline="")


def uri_of(path: Path | str) -> str:
    return from_fs_path(str(path))


def is_pull(client: LanguageClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic is not None)


def encoding_of(client: LanguageClient) -> str:
    caps = client.capabilities
    encs = caps.general.position_encodings if caps and caps.general else None
    return encs[0] if encs else "utf-16"


def install_recorders(client: LanguageClient) -> None:
    """Handlers the pytest-lsp client lacks, and a publishDiagnostics recorder that keeps versions."""
    client.registrations = []
    client.applied_edits = []
    client.published = []  # (uri, version, diagnostics) in arrival order
    client.status = []

    fm = client.protocol.fm

    @client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def _register(params: t.RegistrationParams):
        client.registrations.extend(params.registrations)

    @client.feature(t.CLIENT_UNREGISTER_CAPABILITY)
    def _unregister(params: t.UnregistrationParams):
        gone = {u.id for u in params.unregisterations}
        client.registrations[:] = [r for r in client.registrations if r.id not in gone]

    client.code_lens_refreshes = 0

    @client.feature(t.WORKSPACE_CODE_LENS_REFRESH)  # the VS Code preset declares refreshSupport
    def _code_lens_refresh(params: None):
        client.code_lens_refreshes += 1

    @client.feature(t.WORKSPACE_APPLY_EDIT)
    def _apply(params: t.ApplyWorkspaceEditParams):
        client.applied_edits.append(params.edit)
        return t.ApplyWorkspaceEditResult(applied=True)

    fm._features.pop(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, None)

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _publish(params: t.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append((params.uri, params.version, list(params.diagnostics)))

    @client.feature("archrules/status")
    def _status(params: Any):
        # pygls hands unknown notifications over as namedtuples
        client.status.append(params._asdict() if hasattr(params, "_asdict") else dict(params))


async def start_session(client: LanguageClient, preset: str, folders: list[Path],
                        init_options: Any = None, configuration: dict | None = None) -> None:
    install_recorders(client)
    if configuration is not None:
        client.set_configuration(configuration)
    client.init_result = await client.initialize_session(t.InitializeParams(
        capabilities=client_capabilities(preset),
        initialization_options=init_options,
        workspace_folders=[t.WorkspaceFolder(uri=uri_of(f), name=f.name) for f in folders],
        root_uri=uri_of(folders[0]) if folders else None,
    ))
    await wait_until(lambda: client.status, what="archrules/status after initialize")


async def start_demo_session(client: LanguageClient, preset: str, tmp_path_factory, name: str) -> Path:
    """A session on a fresh one-folder workspace holding the demo rules (debounce 0);
    the folder is also `client.root`."""
    root = tmp_path_factory.mktemp(name)
    write_tree(root, {".architecture-rules/demo.yaml": RULES})
    (root / ".git").mkdir()
    client.root = root
    await start_session(client, preset, [root], init_options={"debounceMs": 0})
    return root


async def wait_until(predicate: Callable[[], Any], timeout: float = 8.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


class Doc:
    """An open document on the client side: its text, version, and edits in client units."""

    def __init__(self, client: LanguageClient, path: Path, text: str, language_id: str = "python"):
        self.client = client
        self.path = path
        self.uri = uri_of(path)
        self.text = text
        self.version = 1
        client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=self.uri, language_id=language_id, version=1, text=text)))

    def replace(self, text: str) -> None:
        self.version += 1
        self.text = text
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))

    def edit(self, start: tuple[int, int], end: tuple[int, int], new_text: str,
             apply_locally: str | None = None) -> None:
        """A range edit; `start`/`end` in the client's units. `apply_locally`: the expected new text."""
        self.version += 1
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[t.TextDocumentContentChangePartial(
                range=t.Range(start=t.Position(line=start[0], character=start[1]),
                              end=t.Position(line=end[0], character=end[1])),
                text=new_text)]))
        if apply_locally is not None:
            self.text = apply_locally

    def close(self) -> None:
        self.client.text_document_did_close(t.DidCloseTextDocumentParams(
            text_document=t.TextDocumentIdentifier(uri=self.uri)))

    def save(self) -> None:
        self.path.write_text(self.text, encoding="utf-8", newline="")
        self.client.text_document_did_save(t.DidSaveTextDocumentParams(
            text_document=t.TextDocumentIdentifier(uri=self.uri)))


async def diagnostics(client: LanguageClient, doc: Doc, predicate: Callable[[list], bool] = lambda d: True,
                      timeout: float = 8.0) -> list[t.Diagnostic]:
    """The diagnostics for `doc` at its current version, once `predicate` holds.

    Pull clients: ask (textDocument/diagnostic) until it holds. Push clients: wait for a
    publish carrying the document's current version."""
    deadline = time.monotonic() + timeout
    while True:
        if is_pull(client):
            report = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(
                text_document=t.TextDocumentIdentifier(uri=doc.uri)))
            items = list(report.items)
            if predicate(items):
                return items
        else:
            for uri, version, items in reversed(client.published):
                if uri == doc.uri:
                    if version == doc.version and predicate(items):
                        return items
                    break
        if time.monotonic() > deadline:
            raise AssertionError(f"no matching diagnostics for {doc.uri} v{doc.version}; "
                                 f"last published: {[p for p in client.published if p[0] == doc.uri][-1:]}")
        await asyncio.sleep(0.02)


async def file_diagnostics(client: LanguageClient, uri: str, predicate: Callable[[list], bool],
                           timeout: float = 8.0) -> list[t.Diagnostic]:
    """Pushed diagnostics for a file that is not open (rule files, workspace mode)."""
    found: dict[str, list] = {}

    def check() -> bool:
        items = list(client.diagnostics.get(uri, ()))
        if predicate(items):
            found["items"] = items
            return True
        return False

    await wait_until(check, timeout, f"diagnostics on {uri}")
    return found["items"]


def codes(diags) -> list[str]:
    return sorted(str(d.code) for d in diags)


def _offset(text: str, pos: t.Position, encoding: str) -> int:
    import re

    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    if pos.line >= len(starts):
        return len(text)
    start = starts[pos.line]
    end = starts[pos.line + 1] if pos.line + 1 < len(starts) else len(text)
    line = text[start:end].rstrip("\r\n")
    seen = 0
    for i, ch in enumerate(line):
        if seen >= pos.character:
            return start + i
        if encoding == "utf-8":
            seen += len(ch.encode("utf-8"))
        else:
            seen += 2 if ord(ch) > 0xFFFF and encoding == "utf-16" else 1
    return start + len(line)


def apply_text_edits(text: str, edits, encoding: str) -> str:
    resolved = sorted(((_offset(text, e.range.start, encoding), _offset(text, e.range.end, encoding), e.new_text)
                       for e in edits), reverse=True)
    for a, b, new in resolved:
        text = text[:a] + new + text[b:]
    return text


def edits_for(edit: t.WorkspaceEdit, uri: str) -> list:
    if edit.document_changes:
        return [e for dc in edit.document_changes if dc.text_document.uri == uri for e in dc.edits]
    return list((edit.changes or {}).get(uri, []))


def apply_workspace_edit(doc: Doc, edit: t.WorkspaceEdit) -> str:
    """Apply `edit` to the client's copy of `doc` and send it as a full-text change."""
    new = apply_text_edits(doc.text, edits_for(edit, doc.uri), encoding_of(doc.client))
    doc.replace(new)
    return new


def command_of(action) -> t.Command:
    """The command of an action. lsprotocol's client-side hook structures any CodeAction
    carrying a `command` as a Command (its `command` then holds the inner Command as data)."""
    cmd = action.command
    if isinstance(cmd, str) and cmd.startswith("{"):  # cattrs made a str of the inner object
        import ast

        cmd = ast.literal_eval(cmd)
    if isinstance(cmd, t.Command):
        return cmd
    if isinstance(cmd, dict):
        return t.Command(title=cmd["title"], command=cmd["command"], arguments=cmd.get("arguments"))
    return action
