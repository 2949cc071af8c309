"""Output formats of `archrules check`, one module each; `get(name)` imports only the one used."""

from __future__ import annotations

import importlib

MODULES = {"text": "text", "json": "json_doc", "jsonl": "jsonl", "sarif": "sarif", "github": "github",
           "gitlab": "gitlab", "junit": "junit", "rdjson": "rdjson"}
# the formats that print each finding's fix (the others need none computed)
WITH_FIXES = frozenset({"json", "jsonl", "sarif", "rdjson"})


def get(name: str):
    return importlib.import_module(f"{__name__}.{MODULES[name]}").FORMAT
