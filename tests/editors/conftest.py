"""Fixtures for the real-editor tests (tests/editors/); helpers live in editor_helpers.py."""

from __future__ import annotations

from .editor_helpers import example_project, go_project, lsp_exe, xdg_env  # noqa: E402,F401  (fixtures)
