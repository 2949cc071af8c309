#!/usr/bin/env python3
"""One import-graph build of a project, in this process, timed: grimp's (what
lint-imports builds before checking) or archrules' (`project.import_graph`).

    python bench/imports/graph_build.py grimp|archrules|archrules-in-process ROOT [PACKAGE]
    # prints wall and CPU seconds; archrules: its default jobs (one per core), archrules-in-process: -j 1

run.py starts it once per sample, so every build starts cold (no module cache).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path


def cpu_seconds() -> float:
    """This process's CPU, every thread (grimp parses on a thread pool), plus its waited
    children's (a forked pool of archrules workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def grimp_build(root: Path, package: str) -> int:
    import grimp

    sys.path.insert(0, str(root))
    graph = grimp.build_graph(package, include_external_packages=True, exclude_type_checking_imports=True,
                              cache_dir=None)
    return len(graph.modules)


def archrules_build(root: Path, jobs: int = 0) -> int:
    from archrules_lsp.project.config import read_project_config
    from archrules_lsp.project.files import FileSelector
    from archrules_lsp.project.import_graph import import_context

    config, _ = read_project_config(root)
    rels = list(FileSelector(root, config, []).walk())  # the files a check of the whole project reads
    return len(import_context(root, rels, config, jobs=jobs).graph)


if __name__ == "__main__":
    tool, root = sys.argv[1], Path(sys.argv[2]).resolve()
    if tool == "grimp":
        import grimp  # noqa: F401  (its import is not part of the build)
    else:
        import archrules_lsp.project.import_graph  # noqa: F401
    wall, cpu = time.perf_counter(), cpu_seconds()
    modules = grimp_build(root, sys.argv[3] if len(sys.argv) > 3 else "corp") if tool == "grimp" \
        else archrules_build(root, 1 if tool == "archrules-in-process" else 0)
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    assert modules > 1
    print(f"{wall:.4f} {cpu:.4f}")
