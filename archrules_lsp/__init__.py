"""archrules-lsp: architecture rules checked while the code is typed."""

__version__ = "0.1.0"
