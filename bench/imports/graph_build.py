#!/usr/bin/env python3
"""One import-graph build of a project, in this process, timed: grimp's (what
lint-imports builds before checking) or archrules' (`project.import_graph`).

    python bench/imports/graph_build.py grimp|archrules ROOT [PACKAGE]   # prints seconds

run.py starts it once per sample, so every build starts cold (no module cache).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def grimp_build(root: Path, package: str) -> float:
    import grimp

    sys.path.insert(0, str(root))
    start = time.perf_counter()
    graph = grimp.build_graph(package, include_external_packages=True, exclude_type_checking_imports=True,
                              cache_dir=None)
    elapsed = time.perf_counter() - start
    assert len(graph.modules) > 1
    return elapsed


def archrules_build(root: Path) -> float:
    from archrules_lsp.project.config import read_project_config
    from archrules_lsp.project.files import FileSelector
    from archrules_lsp.project.import_graph import import_context

    config, _ = read_project_config(root)
    start = time.perf_counter()
    rels = list(FileSelector(root, config, []).walk())  # the files a check of the whole project reads
    context = import_context(root, rels, config)
    elapsed = time.perf_counter() - start
    assert len(context.graph) > 1
    return elapsed


if __name__ == "__main__":
    tool, root = sys.argv[1], Path(sys.argv[2]).resolve()
    seconds = grimp_build(root, sys.argv[3] if len(sys.argv) > 3 else "corp") if tool == "grimp" \
        else archrules_build(root)
    print(f"{seconds:.4f}")
