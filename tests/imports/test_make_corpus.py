"""The bench's corpus generator: exactly N files, the same corpus for the same seed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .conftest import make_corpus


def digest(root: Path) -> str:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(p.relative_to(root).as_posix().encode() + p.read_bytes() for p in files)).hexdigest()


def test_exactly_n_files_and_the_same_corpus_for_the_same_seed(tmp_path):
    first = make_corpus(tmp_path / "a", 400, "--big-lines", "300")
    make_corpus(tmp_path / "b", 400, "--big-lines", "300")
    assert first["modules"] == len(list((tmp_path / "a").rglob("*.py"))) == 400
    assert len((tmp_path / "a" / first["big_module"]).read_text(encoding="utf-8").splitlines()) == 300
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    other = make_corpus(tmp_path / "c", 400, "--seed", "8")
    assert digest(tmp_path / "c") != digest(tmp_path / "a") and other["modules"] == 400
