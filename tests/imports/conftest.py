"""The differential tests' helpers: the bench's corpus generator and its reader of both
tools' reports (bench/imports/), loaded from their files (bench/ is not a package)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "imports"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_imports_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


tools = _load("tools")
corpus_tools = _load("make_corpus")


def make_corpus(out: Path, modules: int, *extra: str) -> dict:
    """The generator run as a user runs it; its manifest (what was planted)."""
    subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), "--out", str(out), "--modules", str(modules),
                    *extra], check=True, capture_output=True, timeout=300)
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("corpus") / "project"
    return root, make_corpus(root, 300)
