"""Hover: what a finding's rule says, and what an id in an ignore comment means."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from lsprotocol import types as t

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ...engine.model import Finding, Span
    from ..app import ArchrulesServer
    from ..documents import Document
    from ..session.folders import Folder
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


def ignore_id_at(text: str, col: int) -> str | None:
    """The rule id under column `col` inside an `archrules: ignore[...]` comment on `text`."""
    for m in _DIRECTIVE.finditer(text):
        for im in _ID.finditer(m.group(1)):
            if m.start(1) + im.start() <= col <= m.start(1) + im.end():
                return im.group()
    return None


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
    if doc.path and folder.is_rule_file(doc.path):
        return _markup(session, _key_doc(doc, line, col), None)
    sections, first_span = _finding_sections(result.findings, folder, fence_for(doc), line, col,
                                             result.baselined)
    # an id inside `archrules: ignore[...]`: explain that rule
    rule_id = ignore_id_at(doc.line(line), col)
    if rule_id is not None and not any(s.startswith(f"**{rule_id}**") for s in sections):
        rule = folder.rule(rule_id)
        sections.append(rule_markdown(rule, fence_for(doc)) if rule is not None
                        else f"`{rule_id}`: no rule with this id is loaded")
    rng = None
    if first_span is not None:
        from ..convert import Lines

        rng = Lines.of_document(doc, session.client.position_encoding).range(first_span)
    return _markup(session, "\n\n---\n\n".join(sections), rng)


def _finding_sections(findings: Sequence[Finding], folder: Folder, fence: str, line: int, col: int,
                      baselined: frozenset[tuple[str, Span]]) -> tuple[list[str], Span | None]:
    from ...engine.model import UNUSED_SUPPRESSION

    sections: list[str] = []
    first_span = None
    for finding in findings:
        if not _covers(finding.span, line, col):
            continue
        first_span = first_span or finding.span
        rule = folder.rule(finding.rule_id)
        if rule is not None:
            sections.append(rule_markdown(rule, fence, finding.severity, finding.message))
            if (finding.rule_id, finding.span) in baselined and folder.baseline_path is not None:
                where = folder.relative(folder.baseline_path) or str(folder.baseline_path)
                sections[-1] += f"\n\n*Baselined* in `{where}`: it does not fail `archrules check`."
        elif finding.rule_id != UNUSED_SUPPRESSION:
            sections.append(f"**{finding.rule_id}**\n\n{finding.message}")
    return sections, first_span


def _key_doc(doc: Document, line: int, col: int) -> str:
    """In a rule file: what the key under the cursor means."""
    from ..rule_yaml import key_at, keys_of

    spot = key_at(doc.lines, line, col)
    if spot is None:
        return ""
    doc_text = keys_of(spot.place).get(spot.key)
    if doc_text is None:
        return ""
    return f"**`{spot.key}`**\n\n{doc_text}"


def _markup(session: Session, value: str, rng: t.Range | None) -> t.Hover | None:
    if not value:
        return None
    kind = t.MarkupKind.Markdown if session.client.markdown_hover else t.MarkupKind.PlainText
    return t.Hover(contents=t.MarkupContent(kind=kind, value=value), range=rng)


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    async def on_hover(params: t.HoverParams) -> t.Hover | None:
        await session.wait_ready()
        return hover(session, params)
