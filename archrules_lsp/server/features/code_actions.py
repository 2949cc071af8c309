"""Quick fixes from the engine's fixes, "Show rule", and `source.fixAll.archrules`.

Actions are built from the document's *current* findings, never from positions a
client echoes back, so a fix computed for an older text is never applied at the
wrong place. A context diagnostic is matched to a finding by its `data` (rule id
and span) when the client returns it, else by its code and start line (ALE and
other clients rebuild diagnostics without `data`); a request without context
diagnostics gets the actions of the findings under its range. When the client can
resolve `edit` lazily, actions carry only data and `codeAction/resolve` builds the
edit (for the document version the action was made for); otherwise the edit is in
the response.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t

from ..convert import Lines, fix_from_json, fix_json, minimal_edit, span_json, text_edits, workspace_edit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ...engine.model import Finding, Fix
    from ..app import ArchrulesServer
    from ..documents import Document
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")

FIX_ALL_KIND = f"{t.CodeActionKind.SourceFixAll.value}.archrules"
SHOW_RULE = "archrules.showRule"


def _wants(only, kind: str) -> bool:
    if not only:
        return kind == t.CodeActionKind.QuickFix.value
    # lsprotocol gives a CodeActionKind for the kinds it knows, a str for others
    names = [k.value if isinstance(k, t.CodeActionKind) else str(k) for k in only]
    return any(kind == name or kind.startswith(f"{name}.") for name in names)


def _with_fixes(session: Session, doc: Document) -> Sequence[Finding]:
    """The document's current findings with their fixes, computed now: the check run on
    each keystroke leaves fixes out (the engine keeps the last result, so several
    requests on the same text cost one check)."""
    result = session.diagnostics.result_for(doc)
    if not result.findings or result.folder is None or not doc.path:
        return result.findings
    return result.folder.check_with_fixes(doc.path, doc.text).findings


def _fixes_of(session: Session, doc: Document, finding: Finding) -> tuple[Fix, ...]:
    folder = session.diagnostics.result_for(doc).folder
    if folder is None or not doc.path:
        return ()
    return folder.fixes_for(doc.path, doc.text, finding)


def fix_all_edit(session: Session, doc: Document) -> t.WorkspaceEdit | None:
    from ...engine import apply_safe_fixes

    new_text, count = apply_safe_fixes(doc.text, _with_fixes(session, doc))
    if not count or new_text == doc.text:
        return None
    lines = Lines.of_document(doc, session.client.position_encoding)
    return workspace_edit(doc.uri, doc.version, minimal_edit(doc.text, new_text, lines), session.client)


def _fix_edit(session: Session, doc: Document, fix: list) -> t.WorkspaceEdit:
    lines = Lines.of_document(doc, session.client.position_encoding)
    return workspace_edit(doc.uri, doc.version, text_edits(fix_from_json(fix)["edits"], lines), session.client)


def _targets(session: Session, doc: Document,
             params: t.CodeActionParams) -> list[tuple[Finding, t.Diagnostic | None]]:
    """(current finding, the client's diagnostic for it or None) pairs the request is about."""
    findings = session.diagnostics.result_for(doc).findings
    by_key: dict[tuple[Any, tuple[Any, ...]], Finding] = {(f.rule_id, tuple(span_json(f.span))): f for f in findings}
    out: list[tuple[Finding, t.Diagnostic | None]] = []
    seen: set[int] = set()

    def add(finding: Finding | None, diag: t.Diagnostic | None) -> None:
        if finding is not None and id(finding) not in seen:
            seen.add(id(finding))
            out.append((finding, diag))

    context = params.context.diagnostics
    for diag in context:
        if diag.source not in (None, "archrules"):
            continue
        data = diag.data if isinstance(diag.data, dict) else None
        if data is not None:
            try:
                add(by_key.get((data.get("ruleId"), tuple(data.get("span") or ()))), diag)
            except TypeError:  # a client sent odd data back
                log.debug("ignoring malformed diagnostic data: %r", data)
            continue
        code = None if diag.code is None else str(diag.code)
        for f in findings:
            if f.rule_id == code and f.span.line == diag.range.start.line:
                add(f, diag)
    if not context:
        lines = Lines.of_document(doc, session.client.position_encoding)
        start, end = params.range.start, params.range.end
        for f in findings:
            r = lines.range(f.span)
            if (r.start.line, r.start.character) <= (end.line, end.character) and \
                    (start.line, start.character) <= (r.end.line, r.end.character):
                add(f, None)
    return out


def code_actions(session: Session, params: t.CodeActionParams) -> list[t.CodeAction]:
    doc = session.documents.get(params.text_document.uri)
    if doc is None:
        return []
    only = params.context.only
    lazy = session.client.resolve_edit
    actions: list[t.CodeAction] = []
    if _wants(only, t.CodeActionKind.QuickFix.value):
        actions += _quick_fixes(session, doc, params, lazy)
    if only and _wants(only, FIX_ALL_KIND):
        if lazy:
            if any(f.rule_fix is not None and f.rule_fix.safe for f in _with_fixes(session, doc)):
                actions.append(t.CodeAction(title="archrules: fix all safe fixes", kind=FIX_ALL_KIND,
                                            data={"uri": doc.uri, "version": doc.version, "fixAll": True}))
        else:
            edit = fix_all_edit(session, doc)
            if edit is not None:
                actions.append(t.CodeAction(title="archrules: fix all safe fixes", kind=FIX_ALL_KIND, edit=edit))
    return actions


def _quick_fixes(session: Session, doc: Document, params: t.CodeActionParams, lazy: bool) -> list[t.CodeAction]:
    """Per finding the request is about: its fixes, "Show rule" (once per rule), "Add to baseline"."""
    from .baseline import add_action

    result = session.diagnostics.result_for(doc)
    folder = result.folder
    actions: list[t.CodeAction] = []
    shown: set[str] = set()
    for finding, diag in _targets(session, doc, params):
        rule_id = finding.rule_id
        for fix in _fixes_of(session, doc, finding):
            raw = fix_json(fix)
            preferred = fix.kind.value == "rule" and fix.safe
            action = t.CodeAction(title=fix.title, kind=t.CodeActionKind.QuickFix,
                                  diagnostics=[diag] if diag is not None else None,
                                  is_preferred=preferred or None)
            if lazy:
                action.data = {"uri": doc.uri, "version": doc.version, "fix": raw}
            else:
                action.edit = _fix_edit(session, doc, raw)
            actions.append(action)
        if folder is None or folder.rule(rule_id) is None:
            continue  # (unused suppressions: their fix removes the comment; nothing to baseline or show)
        if rule_id not in shown:
            shown.add(rule_id)
            actions.append(t.CodeAction(
                title=f"Show rule {rule_id}", kind=t.CodeActionKind.QuickFix,
                diagnostics=[diag] if diag is not None else None,
                command=t.Command(title=f"Show rule {rule_id}", command=SHOW_RULE, arguments=[rule_id])))
        baseline = add_action(result, doc.uri, finding, diag)
        if baseline is not None:
            actions.append(baseline)
    return actions


def resolve(session: Session, action: t.CodeAction) -> t.CodeAction:
    data: Any = action.data
    if not isinstance(data, dict) or action.edit is not None:
        return action
    doc = session.documents.get(str(data.get("uri")))
    if doc is None or doc.lost or data.get("version") != doc.version:
        log.info("code action %r is out of date; not resolved", action.title)
        return action
    if data.get("fixAll"):
        action.edit = fix_all_edit(session, doc) or t.WorkspaceEdit(changes={})
    elif isinstance(data.get("fix"), list):
        try:
            action.edit = _fix_edit(session, doc, data["fix"])
        except (ValueError, TypeError, IndexError, KeyError) as e:
            from pygls.exceptions import JsonRpcInvalidParams

            raise JsonRpcInvalidParams(f"codeAction/resolve: malformed fix data: {e}") from None
    return action


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
        code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True))
    async def on_code_action(params: t.CodeActionParams) -> list[t.CodeAction]:
        await session.wait_ready()
        return code_actions(session, params)

    @server.feature(t.CODE_ACTION_RESOLVE)
    async def on_resolve(action: t.CodeAction) -> t.CodeAction:
        await session.wait_ready()
        return resolve(session, action)
