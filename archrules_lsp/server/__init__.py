"""The archrules language server: see docs/server.md."""
