"""Finding rules: the outline of a rule file (groups and rules), workspace symbols (a
rule by id or name from anywhere), and go to definition from a rule id in an
`archrules: ignore[...]` comment or from a finding to the rule in its YAML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as t

from ..convert import Lines
from ..protocol import structure
from ..session.folders import norm
from .hover import ignore_id_at

if TYPE_CHECKING:
    from ...engine.model import Rule
    from ..app import ArchrulesServer
    from ..documents import Document
    from ..session.folders import Folder
    from ..session.session import Session


def _rule_title(rule: Rule) -> str:
    return f"{rule.id}: {rule.name}" if rule.name else rule.id


def document_symbols(session: Session, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
    doc = session.documents.get(params.text_document.uri)
    if doc is None or not doc.path:
        return []
    from ...engine.model import Span

    folder = session.folders.for_path(doc.path)
    if folder is None or folder.ruleset is None or not folder.is_rule_file(doc.path):
        return []
    lines = Lines.of_document(doc, session.client.position_encoding)
    groups: dict[str, list[t.DocumentSymbol]] = {}
    for rule in folder.ruleset.rules:
        if rule.location is None or norm(rule.location.path) != norm(doc.path):
            continue
        span = rule.location.span
        first_line = lines.range(Span(span.line, span.column, span.line, len(doc.line(span.line))))
        groups.setdefault(rule.group, []).append(t.DocumentSymbol(
            name=_rule_title(rule), kind=t.SymbolKind.Key, range=lines.range(span),
            selection_range=first_line, detail=rule.severity.value))
    return [_group_symbol(doc, lines, name, rules) for name, rules in groups.items()]


def _group_symbol(doc: Document, lines: Lines, name: str, rules: list[t.DocumentSymbol]) -> t.DocumentSymbol:
    """A top-level group, from its `name:` line to its last rule."""
    line = next((i for i in range(rules[0].range.start.line, -1, -1) if doc.line(i).startswith(f"{name}:")),
                rules[0].range.start.line)
    start = t.Position(line=line, character=0)
    name_end = lines.position(line, len(name))
    return t.DocumentSymbol(name=name, kind=t.SymbolKind.Namespace,
                            range=t.Range(start=start, end=rules[-1].range.end),
                            selection_range=t.Range(start=start, end=name_end), children=rules)


def workspace_symbols(session: Session, params: t.WorkspaceSymbolParams) -> list[t.SymbolInformation]:
    query = params.query.strip().lower()
    out = []
    for folder in session.folders:
        if folder.ruleset is None:
            continue
        for rule in folder.ruleset.rules:
            link = folder.rule_links.get(rule.id)
            if link is None or (query and query not in rule.id.lower() and query not in rule.name.lower()):
                continue
            out.append(t.SymbolInformation(name=_rule_title(rule), kind=t.SymbolKind.Key,
                                           location=structure(link, t.Location), container_name=rule.group))
    return out


def definition(session: Session, params: t.DefinitionParams) -> list[t.Location]:
    doc = session.documents.get(params.text_document.uri)
    if doc is None or doc.lost:
        return []
    line, col = doc.code_point_position(params.position.line, params.position.character,
                                        session.client.position_encoding)
    result = session.diagnostics.result_for(doc)
    folder = result.folder
    if folder is None:
        return []
    rule_id = ignore_id_at(doc.line(line), col)
    ids = [rule_id] if rule_id is not None else [
        f.rule_id for f in result.findings
        if (f.span.line, f.span.column) <= (line, col) <= (f.span.end_line, f.span.end_column)]
    return _locations(folder, ids)


def _locations(folder: Folder, rule_ids: list[str]) -> list[t.Location]:
    links = [folder.rule_links.get(i) for i in dict.fromkeys(rule_ids)]
    return [structure(link, t.Location) for link in links if link is not None]


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def on_document_symbol(params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
        await session.wait_ready()
        doc = session.documents.get(params.text_document.uri)
        if doc is not None and doc.path:
            await session.rule_files.settled(doc.path)  # the outline of the text just typed
        return document_symbols(session, params)

    @server.feature(t.WORKSPACE_SYMBOL)
    async def on_workspace_symbol(params: t.WorkspaceSymbolParams) -> list[t.SymbolInformation]:
        await session.wait_ready()
        return workspace_symbols(session, params)

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    async def on_definition(params: t.DefinitionParams) -> list[t.Location]:
        await session.wait_ready()
        return definition(session, params)
