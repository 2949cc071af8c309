"""A project on disk: its root, its rule files, its `[tool.archrules]` settings,
which of its files are checked, and scanning them with the engine.

Shared by the `archrules` command and the language server's workspace mode; it
prints nothing and knows neither argparse nor LSP.
"""
