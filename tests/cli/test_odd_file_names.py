"""A file name that is not valid UTF-8 (possible on Linux) must not crash any output format."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ARCHRULES, make_project, run

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path, {"app/ok.py": "x = 1\n"})
    name = os.path.join(os.fsencode(root), b"app", b"bad\xff name.py")
    with open(name, "wb") as fh:
        fh.write(b'job.status = "processing"\n')
    return root


STRICT = {"PYTHONIOENCODING": "utf-8:strict"}  # what a UTF-8 terminal locale gives


def test_text_and_github_show_the_byte_that_is_not_utf8_escaped(project):
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env.update(STRICT)
    for fmt in ("text", "github"):
        proc = subprocess.run([str(ARCHRULES), "check", "--format", fmt], cwd=project, env=env, capture_output=True)
        assert proc.returncode == 0, proc.stderr
        assert b"Traceback" not in proc.stderr and b"BG-010" in proc.stdout
        assert b"app/bad\\xff name.py" in proc.stdout  # `\xff` as four characters: the output stays UTF-8
        proc.stdout.decode("utf-8")


def test_json_formats_stay_valid(project):
    proc = run(["check", "--format", "json"], project, env=STRICT)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [f["path"] for f in doc["findings"]] == ["app/bad\ufffd name.py"]
    proc = run(["check", "--format", "jsonl"], project, env=STRICT)
    assert [json.loads(line)["path"] for line in proc.stdout.splitlines()] == ["app/bad\ufffd name.py"]
    proc = run(["check", "--format", "sarif"], project, env=STRICT)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/bad%FF%20name.py"
