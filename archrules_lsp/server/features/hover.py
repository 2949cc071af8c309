"""Hover: what a finding's rule says, and what an id in an ignore comment means."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from lsprotocol import types as t

if TYPE_CHECKING:
    from ..app import ArchrulesServer
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")

_DIRECTIVE = re.compile(r"archrules:\s*(?:ignore-file|ignore)\[([^\]\n]*)\]")
_ID = re.compile(r"[^,\s]+")

_LANGUAGE_FENCE = {  # LSP languageId -> markdown fence, where they differ
    "javascriptreact": "jsx", "typescriptreact": "tsx", "shellscript": "bash",
}


def fence_for(doc) -> str:
    if doc.language_id and doc.language_id not in ("plaintext", "text"):
        return _LANGUAGE_FENCE.get(doc.language_id, doc.language_id)
    from ...engine.comments import fence_language

    return fence_language(doc.path or doc.uri)


def rule_markdown(rule, fence: str, severity=None, message: str | None = None) -> str:
    sev = (severity or rule.severity).value
    title = f"**{rule.id}**: {rule.name}" if rule.name else f"**{rule.id}**"
    if rule.url:
        title += f" ([docs]({rule.url}))"
    parts = [title, f"*{sev}*"]
    if message:
        parts.append(message)
    if rule.description.strip():
        parts.append(rule.description.strip())
    if rule.suggestion.strip():
        text = rule.suggestion.rstrip("\n")
        ticks = "```" if "```" not in text else "~~~~"
        parts.append(f"{ticks}{fence}\n{text}\n{ticks}")
    return "\n\n".join(parts)


def _covers(span, line: int, col: int) -> bool:
    if not (span.line <= line <= span.end_line):
        return False
    if span.line == span.end_line == line and span.column == span.end_column:
        return True
    if line == span.line and col < span.column:
        return False
    return not (line == span.end_line and col > span.end_column)


def hover(session: Session, params: t.HoverParams) -> t.Hover | None:
    doc = session.documents.get(params.text_document.uri)
    if doc is None or doc.lost:
        return None
    line, col = doc.code_point_position(params.position.line, params.position.character,
                                        session.client.position_encoding)
    if line != params.position.line:
        return None  # past the end of the document
    result = session.diagnostics.result_for(doc)
    folder = result.folder
    if folder is None or folder.ruleset is None:
        return None
    from ...engine.model import UNUSED_SUPPRESSION

    fence = fence_for(doc)
    sections: list[str] = []
    shown: set[str] = set()
    first_span = None
    for finding in result.findings:
        if not _covers(finding.span, line, col):
            continue
        first_span = first_span or finding.span
        rule = folder.rule(finding.rule_id)
        if rule is None:
            if finding.rule_id != UNUSED_SUPPRESSION:
                sections.append(f"**{finding.rule_id}**\n\n{finding.message}")
            continue
        shown.add(rule.id)
        sections.append(rule_markdown(rule, fence, finding.severity, finding.message))
    # an id inside `archrules: ignore[...]`: explain that rule
    text = doc.line(line)
    for m in _DIRECTIVE.finditer(text):
        for im in _ID.finditer(m.group(1)):
            start, end = m.start(1) + im.start(), m.start(1) + im.end()
            if start <= col <= end and im.group() not in shown:
                shown.add(im.group())
                rule = folder.rule(im.group())
                if rule is not None:
                    sections.append(rule_markdown(rule, fence))
                else:
                    sections.append(f"`{im.group()}`: no rule with this id is loaded")
    if not sections:
        return None
    value = "\n\n---\n\n".join(sections)
    kind = t.MarkupKind.Markdown if session.client.markdown_hover else t.MarkupKind.PlainText
    rng = None
    if first_span is not None:
        from ..convert import Lines

        rng = Lines.of_document(doc, session.client.position_encoding).range(first_span)
    return t.Hover(contents=t.MarkupContent(kind=kind, value=value), range=rng)


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    async def on_hover(params: t.HoverParams) -> t.Hover | None:
        await session.wait_ready()
        return hover(session, params)
