#!/usr/bin/env python3
"""Regenerate, or check, what archrules_lsp/engine/loading/keys.py generates: the JSON schema
(archrules_lsp/data/rules.schema.json) and the key tables in docs/rule-format.md.

    .venv/bin/python scripts/key_docs.py --write   # rewrite both files
    .venv/bin/python scripts/key_docs.py --check   # exit 1 and name the files that differ
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archrules_lsp.engine.loading import keys

REPO = Path(__file__).resolve().parents[1]


def generated() -> dict[Path, str]:
    docs = REPO / keys.DOCS_PATH
    return {
        REPO / keys.SCHEMA_PATH: keys.schema_json(),
        docs: keys.with_tables(docs.read_text(encoding="utf-8")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="rewrite the generated files")
    action.add_argument("--check", action="store_true", help="fail if a generated file differs")
    args = parser.parse_args()
    stale = [path for path, text in generated().items() if path.read_text(encoding="utf-8") != text]
    if args.write:
        for path in stale:
            path.write_text(generated()[path], encoding="utf-8", newline="\n")
        print(f"rewrote {len(stale)} file(s)")
        return 0
    for path in stale:
        print(f"{path.relative_to(REPO)} differs from keys.py: run scripts/key_docs.py --write", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
