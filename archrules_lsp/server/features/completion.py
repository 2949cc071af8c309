"""Completion, from the server itself (Neovim, Emacs, Helix have no YAML schema plugin
by default): in rule files, the keys valid at the cursor and `severity` values; in
any source file, rule ids inside `archrules: ignore[...]`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types as t

if TYPE_CHECKING:
    from ..app import ArchrulesServer
    from ..documents import Document
    from ..session.folders import Folder
    from ..session.session import Session

# `archrules: ignore[BG-0` / `archrules: ignore-file[A, B` up to the cursor: the ids typed so far
_OPEN_DIRECTIVE = re.compile(r"archrules:\s*(?:ignore-file|ignore)\[([^\]\n]*)$")


def completion(session: Session, params: t.CompletionParams) -> t.CompletionList | None:
    doc = session.documents.get(params.text_document.uri)
    if doc is None or doc.lost or not doc.path:
        return None
    line, col = doc.code_point_position(params.position.line, params.position.character,
                                        session.client.position_encoding)
    folder = session.folders.for_path(doc.path)
    if folder is None:
        return None
    if folder.is_rule_file(doc.path):
        items = _rule_file_items(doc, line, col)
    else:
        items = _ignore_id_items(folder, doc.line(line)[:col])
    return t.CompletionList(is_incomplete=False, items=items) if items else None


def _ignore_id_items(folder: Folder, before: str) -> list[t.CompletionItem]:
    m = _OPEN_DIRECTIVE.search(before)
    if m is None or folder.ruleset is None:
        return []
    written = {i.strip() for i in m.group(1).split(",")}
    return [t.CompletionItem(label=rule.id, kind=t.CompletionItemKind.Reference, detail=rule.name,
                             documentation=rule.description.strip() or None)
            for rule in folder.ruleset.rules if rule.id not in written]


def _rule_file_items(doc: Document, line: int, col: int) -> list[t.CompletionItem]:
    from ...engine.model import Severity
    from ..rule_yaml import key_being_typed, keys_of, value_key

    lines = doc.lines
    if value_key(lines, line, col) == "severity":
        return [t.CompletionItem(label=s.value, kind=t.CompletionItemKind.EnumMember) for s in Severity]
    spot = key_being_typed(lines, line, col)
    if spot is None:
        return []
    return [t.CompletionItem(label=key, kind=t.CompletionItemKind.Property, insert_text=f"{key}: ",
                             documentation=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text))
            for key, text in keys_of(spot.place).items() if key not in spot.siblings]


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=["[", ","]))
    async def on_completion(params: t.CompletionParams) -> t.CompletionList | None:
        await session.wait_ready()
        return completion(session, params)
