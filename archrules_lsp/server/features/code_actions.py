"""Quick fixes from the engine's fixes, "Show rule", and `source.fixAll.archrules`.

The fixes travel in each Diagnostic's `data` (rule id, the finding's span and its
fixes, in code points of the text that was checked). A diagnostic is acted on only
if the document's current check has the same finding at the same span, so a fix
computed for an older text is never applied at the wrong place. When the client
can resolve `edit` lazily, actions carry only data and `codeAction/resolve` builds
the edit (for the document version the action was made for); otherwise the edit
is in the response.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from lsprotocol import types as t

from ..convert import Lines, fix_from_json, minimal_edit, span_json, text_edits, workspace_edit

log = logging.getLogger("archrules_lsp.server")

FIX_ALL_KIND = f"{t.CodeActionKind.SourceFixAll.value}.archrules"
SHOW_RULE = "archrules.showRule"


def _wants(only, kind: str) -> bool:
    if not only:
        return kind == t.CodeActionKind.QuickFix.value
    return any(kind == str(getattr(k, "value", k)) or kind.startswith(str(getattr(k, "value", k)) + ".")
               for k in only)


def fix_all_edit(ls, doc) -> Optional[t.WorkspaceEdit]:
    from ...engine import apply_safe_fixes

    result = ls.diagnostics.result_for(doc)
    new_text, count = apply_safe_fixes(doc.text, result.findings)
    if not count or new_text == doc.text:
        return None
    lines = Lines.of_document(doc, ls.client.position_encoding)
    return workspace_edit(doc.uri, doc.version, minimal_edit(doc.text, new_text, lines), ls.client)


def _fix_edit(ls, doc, fix) -> t.WorkspaceEdit:
    lines = Lines.of_document(doc, ls.client.position_encoding)
    return workspace_edit(doc.uri, doc.version, text_edits(fix_from_json(fix)["edits"], lines), ls.client)


def code_actions(ls, params: t.CodeActionParams) -> list[t.CodeAction]:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return []
    only = params.context.only
    lazy = ls.client.resolve_edit
    actions: list[t.CodeAction] = []
    if _wants(only, t.CodeActionKind.QuickFix.value):
        current = {(f.rule_id, tuple(span_json(f.span))) for f in ls.diagnostics.result_for(doc).findings}
        folder = ls.folders.for_path(doc.path) if doc.path else None
        shown: set[str] = set()
        for diag in params.context.diagnostics:
            data = diag.data if isinstance(diag.data, dict) else None
            if diag.source != "archrules" or data is None:
                continue
            rule_id = data.get("ruleId")
            if (rule_id, tuple(data.get("span") or ())) not in current:
                continue  # from an older text: its positions would be wrong
            for raw in data.get("fixes") or []:
                try:
                    fix = fix_from_json(raw)
                except (TypeError, ValueError, IndexError):
                    log.debug("malformed fix in diagnostic data: %r", raw)
                    continue
                preferred = fix["kind"] == "rule" and fix["safe"]
                action = t.CodeAction(title=fix["title"], kind=t.CodeActionKind.QuickFix,
                                      diagnostics=[diag], is_preferred=preferred or None)
                if lazy:
                    action.data = {"uri": doc.uri, "version": doc.version, "fix": raw}
                else:
                    action.edit = _fix_edit(ls, doc, raw)
                actions.append(action)
            if rule_id and rule_id not in shown and folder is not None and folder.rule(rule_id) is not None:
                shown.add(rule_id)
                actions.append(t.CodeAction(
                    title=f"Show rule {rule_id}", kind=t.CodeActionKind.QuickFix, diagnostics=[diag],
                    command=t.Command(title=f"Show rule {rule_id}", command=SHOW_RULE, arguments=[rule_id])))
    if only and _wants(only, FIX_ALL_KIND):
        if lazy:
            result = ls.diagnostics.result_for(doc)
            if any(f.rule_fix is not None and f.rule_fix.safe for f in result.findings):
                actions.append(t.CodeAction(title="archrules: fix all safe fixes", kind=FIX_ALL_KIND,
                                            data={"uri": doc.uri, "version": doc.version, "fixAll": True}))
        else:
            edit = fix_all_edit(ls, doc)
            if edit is not None:
                actions.append(t.CodeAction(title="archrules: fix all safe fixes", kind=FIX_ALL_KIND, edit=edit))
    return actions


def resolve(ls, action: t.CodeAction) -> t.CodeAction:
    data: Any = action.data
    if not isinstance(data, dict) or action.edit is not None:
        return action
    doc = ls.documents.get(str(data.get("uri")))
    if doc is None or data.get("version") != doc.version:
        log.info("code action %r is out of date; not resolved", action.title)
        return action
    if data.get("fixAll"):
        action.edit = fix_all_edit(ls, doc) or t.WorkspaceEdit(changes={})
    elif isinstance(data.get("fix"), list):
        action.edit = _fix_edit(ls, doc, data["fix"])
    return action


def register(server) -> None:
    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
        code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True))
    async def on_code_action(ls, params: t.CodeActionParams):
        await ls.wait_ready()
        return code_actions(ls, params)

    @server.feature(t.CODE_ACTION_RESOLVE)
    async def on_resolve(ls, action: t.CodeAction):
        await ls.wait_ready()
        return resolve(ls, action)
