"""What the client can do, resolved once from `InitializeParams.capabilities`.

Features ask these flags instead of walking the optional capability tree each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lsprotocol import types as t


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if obj is None:
            return default
        obj = getattr(obj, name, None)
    return default if obj is None else obj


@dataclass(frozen=True)
class ClientFeatures:
    position_encoding: str = "utf-16"
    pull_diagnostics: bool = False  # textDocument/diagnostic instead of publishDiagnostics
    diagnostic_refresh: bool = False  # workspace/diagnostic/refresh
    related_information: bool = False
    code_description: bool = False
    unnecessary_tag: bool = False
    configuration: bool = False  # workspace/configuration
    dynamic_configuration: bool = False  # may register workspace/didChangeConfiguration
    dynamic_watched_files: bool = False
    resolve_edit: bool = False  # codeAction/resolve may fill in `edit` (and `data` comes back)
    document_changes: bool = False  # WorkspaceEdit.documentChanges
    apply_edit: bool = False
    work_done_progress: bool = False
    show_document: bool = False
    code_lens_refresh: bool = False  # workspace/codeLens/refresh
    markdown_hover: bool = True

    @classmethod
    def from_capabilities(cls, caps: t.ClientCapabilities | None,
                          position_encoding: t.PositionEncodingKind | str | None) -> ClientFeatures:
        td = _get(caps, "text_document")
        ws = _get(caps, "workspace")
        window = _get(caps, "window")
        if isinstance(position_encoding, t.PositionEncodingKind):
            position_encoding = position_encoding.value
        encoding = position_encoding or "utf-16"
        tags = _get(td, "publish_diagnostics", "tag_support", "value_set", default=())
        hover_formats = _get(td, "hover", "content_format", default=None)
        resolve_props = _get(td, "code_action", "resolve_support", "properties", default=())
        return cls(
            position_encoding=encoding,
            pull_diagnostics=_get(td, "diagnostic") is not None,
            diagnostic_refresh=bool(_get(ws, "diagnostics", "refresh_support")),
            related_information=bool(_get(td, "publish_diagnostics", "related_information")),
            code_description=bool(_get(td, "publish_diagnostics", "code_description_support")),
            unnecessary_tag=any(int(t) == 1 for t in tags),
            configuration=bool(_get(ws, "configuration")),
            dynamic_configuration=bool(_get(ws, "did_change_configuration", "dynamic_registration")),
            dynamic_watched_files=bool(_get(ws, "did_change_watched_files", "dynamic_registration")),
            # the lazy edit needs the action's `data` back too (LSP ties it to dataSupport)
            resolve_edit="edit" in tuple(resolve_props or ()) and bool(_get(td, "code_action", "data_support")),
            document_changes=bool(_get(ws, "workspace_edit", "document_changes")),
            apply_edit=bool(_get(ws, "apply_edit")),
            work_done_progress=bool(_get(window, "work_done_progress")),
            show_document=bool(_get(window, "show_document", "support")),
            code_lens_refresh=bool(_get(ws, "code_lens", "refresh_support")),
            markdown_hover=hover_formats is None or any(
                str(getattr(f, "value", f)) == "markdown" for f in hover_formats),
        )
