"""The `archrules` command: a thin shell over the engine and `archrules_lsp.project`."""
