"""workspace/executeCommand: reloadRules, checkWorkspace, fixAll, showRule, showFindings
(the code lens's, code_lens.py).

Arguments come raw (`*args`) and are checked here: a wrong shape is InvalidParams.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t
from pygls.exceptions import JsonRpcInvalidParams

from ..convert import Lines, path_to_uri, rule_location_range
from .code_lens import SHOW_FINDINGS

if TYPE_CHECKING:
    from ...engine.model import Location
    from ..app import ArchrulesServer
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")

RELOAD_RULES = "archrules.reloadRules"
CHECK_WORKSPACE = "archrules.checkWorkspace"
FIX_ALL = "archrules.fixAll"
SHOW_RULE = "archrules.showRule"


def _invalid(message: str) -> JsonRpcInvalidParams:
    return JsonRpcInvalidParams(message)


def _optional_string(command: str, args: tuple[Any, ...]) -> str | None:
    if len(args) == 1 and isinstance(args[0], dict):  # {"uri": ...} / {"ruleId": ...} also accepted
        args = tuple(v for k, v in args[0].items() if k in ("uri", "ruleId", "id"))
    if not args:
        return None
    if len(args) != 1 or not isinstance(args[0], str) or not args[0]:
        raise _invalid(f"{command} takes one string argument, got {list(args)!r}")
    return args[0]


def _one_string(command: str, args: tuple[Any, ...]) -> str:
    value = _optional_string(command, args)
    if value is None:
        raise _invalid(f"{command} takes one string argument, got none")
    return value


async def show_rule(session: Session, rule_id: str | None) -> bool:
    """Open the rule's YAML at the rule (without an id: the first rule file)."""
    target: tuple[str, Location | None] | None = None
    for folder in session.folders:
        if folder.ruleset is None:
            continue
        if rule_id is None:
            if folder.rule_paths:
                target = (str(folder.rule_paths[0]), None)
                break
            continue
        rule = folder.rule(rule_id)
        if rule is not None and rule.location is not None:
            target = (rule.location.path, rule.location)
            break
    if target is None:
        if rule_id is not None:
            raise _invalid(f"no rule {rule_id!r} is loaded")
        return False
    path, location = target
    uri = path_to_uri(path)
    selection = None
    if location is not None:
        doc = session.documents.get(uri)
        enc = session.client.position_encoding
        try:
            if doc is not None:
                lines = Lines.of_document(doc, enc)
            else:
                lines = Lines.of_text(session.rule_files.read_text(path), enc)
        except OSError:
            lines = None
        selection = rule_location_range(location, lines)
    if not session.client.show_document:
        log.info("client cannot show documents; rule %s is at %s:%s", rule_id, path,
                 (location.span.line + 1) if location else 1)
        return False
    result = await session.server.window_show_document_async(
        t.ShowDocumentParams(uri=uri, take_focus=True, selection=selection))
    return bool(getattr(result, "success", False))


async def fix_all(session: Session, uri: str) -> bool:
    from .code_actions import fix_all_edit

    doc = session.documents.get(uri)
    if doc is None:
        raise _invalid(f"{uri} is not open")
    edit = fix_all_edit(session, doc)
    if edit is None:
        return False
    if not session.client.apply_edit:
        log.info("client cannot apply edits (workspace.applyEdit); use the source.fixAll action")
        return False
    result = await session.server.workspace_apply_edit_async(
        t.ApplyWorkspaceEditParams(edit=edit, label="archrules: fix all"))
    return bool(getattr(result, "applied", False))


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.command(RELOAD_RULES)
    async def reload_rules(*args: Any) -> dict:
        await session.wait_ready()
        for folder in session.folders:  # files may have come or gone where nothing watched them
            session.rule_files.glob_hints.forget_walk(folder)
            session.import_graphs.forget(folder)  # so the refresh builds the import graph again
        session.refresh(None, "reloadRules command")
        return {"ruleCount": sum(len(f.ruleset.rules) for f in session.folders if f.ruleset is not None)}

    @server.command(CHECK_WORKSPACE)
    async def check_workspace(*args: Any) -> bool:
        await session.wait_ready()
        for folder in session.folders:
            if folder.settings.enable:
                session.scanner.start(folder)
        return True

    @server.command(FIX_ALL)
    async def fix_all_command(*args: Any) -> bool:
        await session.wait_ready()
        return await fix_all(session, _one_string(FIX_ALL, args))

    @server.command(SHOW_RULE)
    async def show_rule_command(*args: Any) -> bool:
        await session.wait_ready()
        return await show_rule(session, _optional_string(SHOW_RULE, args))

    @server.command(SHOW_FINDINGS)
    async def show_findings_command(*args: Any) -> list[dict]:
        await session.wait_ready()
        return await session.code_lenses.show_findings(_one_string(SHOW_FINDINGS, args))
