"""Hostile input through the installed `archrules` console script.

Odd file names, binary and huge files, broken and hostile rule files, bad flags, sizes
and settings: whatever comes in, the exit status is one docs/cli.md documents (0, 1 or
2), stderr never holds a Python traceback, and text output never holds a raw control
character. Every run has a time limit (a hang fails the test instead of stalling CI).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ARCHRULES = Path(sys.executable).parent / "archrules"
TIME_LIMIT = 60  # seconds for one run; the cases here take well under one each

pytestmark = [
    pytest.mark.skipif(not ARCHRULES.exists(), reason=f"console script not installed at {ARCHRULES}"),
    pytest.mark.skipif(sys.platform != "linux", reason="odd file names need a Linux file system"),
]

RULES = (
    "rules:\n"
    "  - id: R-1\n    name: no processing\n    severity: error\n    anti_patterns:\n"
    "      - pattern: 'processing'\n        message: use running\n        fix: 'running'\n"
    "  - id: R-2\n    name: models have status\n    patterns:\n"
    "      - file: 'models/*.py'\n        must_contain: 'status = Column'\n"
)
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")  # tab and newline are ours
FORMATS = ("text", "json", "jsonl", "sarif", "github", "gitlab", "junit", "rdjson")


def archrules(args, cwd, timeout: float = TIME_LIMIT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "PYTHONPATH")}
    env["PYTHONIOENCODING"] = "utf-8:strict"  # what a UTF-8 terminal gives: nothing unencodable may slip out
    return subprocess.run([str(ARCHRULES), *[os.fsencode(a) if isinstance(a, bytes) else str(a) for a in args]],
                          cwd=cwd, env=env, capture_output=True, timeout=timeout)


def assert_survived(proc: subprocess.CompletedProcess, fmt: str = "text") -> None:
    assert proc.returncode in (0, 1, 2), (proc.returncode, proc.stderr[-2000:])
    assert b"Traceback" not in proc.stderr, proc.stderr[-2000:].decode("utf-8", "replace")
    assert not RAW_CONTROL.search(proc.stderr), proc.stderr[-500:]
    if fmt in ("text", "github"):
        assert not RAW_CONTROL.search(proc.stdout), proc.stdout[-500:]
    elif fmt in ("json", "sarif") and proc.stdout:
        json.loads(proc.stdout)
    elif fmt == "jsonl":
        for line in proc.stdout.splitlines():
            json.loads(line)


def project(tmp_path: Path, files: dict, rules: str | None = RULES) -> Path:
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    if rules is not None:
        (root / ".architecture-rules.yaml").write_text(rules)
    for rel, content in files.items():
        path = os.path.join(os.fsencode(root), rel if isinstance(rel, bytes) else os.fsencode(rel))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


# ---------------------------------------------------------------- odd file names

ODD_NAMES = [
    "a.py\n::error file=x,line=1::forged",
    "b\x1b[2J\x1b]0;title\x07.py",
    b"c\xff\xfe.py",
    b"d\x9b31m.py",
    "-rf.py",
    "e\u202efdp.py",
    "f %25 : , = .py",
    "g" * 250 + ".py",
    "\r.py",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_odd_file_names(tmp_path, fmt):
    files = {(b"app/" + n if isinstance(n, bytes) else f"app/{n}"): "status = 'processing'\n" for n in ODD_NAMES}
    files["models/m.py"] = "status = Column(String)\n"  # every rule's glob matches a file: no glob warning
    root = project(tmp_path, files)
    proc = archrules(["check", "--format", fmt, "--color", "never"], root)
    assert_survived(proc, fmt)
    assert proc.returncode == 1  # every file was checked: R-1 (an error) found in each
    if fmt == "github":
        assert proc.stdout.count(b"\n") == len(ODD_NAMES)
        assert all(line.startswith(b"::error file=app/") for line in proc.stdout.splitlines())


def test_odd_names_fixed_and_named_on_the_command_line(tmp_path):
    names = [n for n in ODD_NAMES if not isinstance(n, bytes)]
    root = project(tmp_path, {f"app/{n}": "x = 'processing'\n" for n in names})
    proc = archrules(["check", "--fix", *[f"app/{n}" for n in names]], root)
    assert_survived(proc)
    assert proc.returncode == 0 and f"Fixed {len(names)} findings".encode() in proc.stdout


# ---------------------------------------------------------------- binary and huge files


def test_binary_huge_and_special_files(tmp_path):
    root = project(tmp_path, {
        "app/bin.py": b"\0\x01\x02" * 1000,
        "app/latin1.py": "caf\xe9 = 'processing'\n".encode("latin-1"),
        "app/bom.py": b"\xef\xbb\xbfstatus = 'processing'\r\n",
        "app/one_line.py": ("processing " * 80_000).encode(),  # 880 KB on one line
        "app/many_lines.py": b"processing\n" * 80_000,
        "app/empty.py": b"",
        "app/lone_cr.py": b"a\rprocessing\r",
    })
    with open(root / "app" / "sparse.py", "wb") as fh:  # 3 GB on paper, nothing on disk: never read
        fh.truncate(3_000_000_000)
    os.mkfifo(root / "app" / "fifo.py")
    (root / "app" / "dangling.py").symlink_to(root / "nowhere.py")
    (root / "app" / "loop.py").symlink_to(root / "app" / "loop.py")
    for fmt in FORMATS:
        proc = archrules(["check", "--format", fmt], root)
        assert_survived(proc, fmt)
        assert proc.returncode == 1
    proc = archrules(["check", "app/fifo.py", "app/sparse.py", "app/dangling.py"], root)
    assert_survived(proc)
    fixed = archrules(["check", "--fix", "-q"], root)
    assert_survived(fixed)
    assert (root / "app" / "latin1.py").read_bytes() == "caf\xe9 = 'processing'\n".encode("latin-1")


# ---------------------------------------------------------------- broken and hostile rule files

HOSTILE_RULES = {
    "yaml syntax error": "rules:\n  - id: X\n    name: [unclosed\n",
    "python tag": "rules:\n  - !!python/object/apply:os.system ['echo pwned']\n",
    "billion laughs": "a: &a ['x','x','x','x','x','x','x','x','x']\n"
                      + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                                for p, c in zip("abcdefgh", "bcdefghi", strict=True))
                      + "rules: *i\n",
    "recursive alias": "rules: &r\n  - *r\n",
    "deep nesting": "rules: " + "[" * 5000 + "]" * 5000 + "\n",
    "bad regex": "rules:\n  - id: X\n    name: x\n    anti_patterns:\n"
                 "      - pattern: '(unclosed'\n        message: m\n",
    "backtracking regex": "rules:\n  - id: X\n    name: x\n    anti_patterns:\n"
                          "      - pattern: '(a+)+$'\n        message: m\n",
    "backreference": "rules:\n  - id: X\n    name: x\n    anti_patterns:\n"
                     "      - pattern: '(a)\\1'\n        message: m\n",
    "huge repetition": "rules:\n  - id: X\n    name: x\n    anti_patterns:\n"
                       "      - pattern: 'a{1000}{1000}'\n        message: m\n",
    "bad fix group": "rules:\n  - id: X\n    name: x\n    anti_patterns:\n"
                     "      - pattern: 'processing'\n        message: m\n        fix: '\\9 \\g<nope>'\n",
    "control characters": "rules:\n  - id: \"X\\e[2J\"\n    name: \"\\a\\e]0;t\\a\"\n    \"k\\e\": 1\n"
                          "    anti_patterns:\n      - pattern: 'processing'\n        message: \"\\e[31m\"\n",
    "wrong types": "rules:\n  - id: [1]\n    name: {a: b}\n    severity: 7\n    patterns: 3\n    anti_patterns: x\n",
    "not a mapping": "- just\n- a list\n",
    "empty": "",
    "nul bytes": "rules:\n  - id: X\0\n",
    "not utf-8": b"rules:\n  - id: X\xff\n    name: \xfe\n",
    "duplicate ids": "rules:\n  - id: X\n    name: a\n  - id: X\n    name: b\n",
    "bad glob": "rules:\n  - id: X\n    name: x\n    patterns:\n      - file: '[z-a]**{'\n        must_contain: a\n",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_RULES))
def test_hostile_rule_files(tmp_path, case):
    content = HOSTILE_RULES[case]
    root = project(tmp_path, {"app/a.py": "processing aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n",
                              "models/m.py": "class M:\n    pass\n"}, rules=None)
    (root / ".architecture-rules.yaml").write_bytes(content if isinstance(content, bytes) else content.encode())
    for args in (["check"], ["check", "--format", "sarif"], ["check", "--fix"], ["explain", "X"], ["validate"]):
        proc = archrules(args, root)
        assert_survived(proc, args[-1] if "--format" in args else "text")
    assert not (tmp_path / "pwned").exists()


def test_rule_file_that_is_a_fifo_or_a_folder(tmp_path):
    root = project(tmp_path, {"app/a.py": "processing\n"}, rules=None)
    (root / ".architecture-rules").mkdir()
    os.mkfifo(root / ".architecture-rules" / "a.yaml")
    (root / ".architecture-rules" / "b.yaml").mkdir()
    proc = archrules(["check"], root)
    assert_survived(proc)
    fifo = archrules(["check", "--rules", root / ".architecture-rules" / "a.yaml"], root)
    assert_survived(fifo)
    assert fifo.returncode == 2


# ---------------------------------------------------------------- bad flags, sizes and settings

BAD_ARGS = [
    ["check", "--max-file-size", "1e400"], ["check", "--max-file-size", "-1"], ["check", "--max-file-size", "0"],
    ["check", "--max-file-size", "nan"], ["check", "--max-file-size", "99999999999999999999999"],
    ["check", "--max-file-size", ""], ["check", "--max-file-size", "1.5.5MB"], ["check", "--jobs", "-5"],
    ["check", "--jobs", "abc"], ["check", "--jobs", "100000"], ["check", "--select", ""], ["check", "--select", ",,,"],
    ["check", "--ignore", "ALL"], ["check", "--fail-on", "bogus"], ["check", "--format", "bogus"],
    ["check", "--color", "bogus"], ["check", "--root", "nope"], ["check", "--root", "app/a.py"],
    ["check", "--rules", "nope.yaml"], ["check", "--rules", "app"], ["check", "/"], ["check", "nope.py"],
    ["check", "../"], ["explain"], ["explain", ""], ["explain", "\x1b[2J"], ["rules", "--format", "xml"],
    ["validate", "--rules", "/dev/null"], ["--bogus"], ["check", "--", "-rf"], ["check", "--rules", "/etc/passwd"],
]


@pytest.mark.parametrize("args", BAD_ARGS, ids=lambda a: " ".join(a).encode("unicode_escape").decode() or "none")
def test_bad_flags(tmp_path, args):
    root = project(tmp_path, {"app/a.py": "processing\n"})
    proc = archrules(args, root)
    assert_survived(proc)


BAD_PYPROJECTS = [
    "[tool.archrules]\nmax-file-size = 100000000000000000000\n",
    "[tool.archrules]\nmax-file-size = 1e400\n",
    "[tool.archrules]\nmax-file-size = nan\n",
    "[tool.archrules]\nmax-file-size = -3\n",
    "[tool.archrules]\nmax-file-size = \"lots\"\n",
    "[tool.archrules]\nmax-file-size = true\n",
    "[tool]\narchrules = 3\n",
    "[tool.archrules]\nrules = 5\nselect = [1, 2]\ninclude = [\"\"]\nexclude = [\"[\"]\n",
    "[tool.archrules]\nseverity-overrides = { R-1 = \"loud\", R-2 = 3 }\n",
    "[tool.archrules]\nseverity-overrides = \"off\"\n",
    "[tool.archrules]\n\"\\u001b[2J\" = 1\n",
    "[tool.archrules\n",
    "\xff\xfe[tool.archrules]\n",
    "[tool.archrules]\nrules = [\"/dev/zero\"]\n",
]


@pytest.mark.parametrize("index", range(len(BAD_PYPROJECTS)))
def test_bad_pyproject_settings(tmp_path, index):
    root = project(tmp_path, {"app/a.py": "processing\n",
                              "pyproject.toml": BAD_PYPROJECTS[index].encode("latin-1")})
    for fmt in ("text", "github", "json"):
        proc = archrules(["check", "--format", fmt], root)
        assert_survived(proc, fmt)
        assert proc.returncode == 2  # every one of these is a configuration error


def test_special_pyproject_and_gitignore(tmp_path):
    root = project(tmp_path, {"app/a.py": "processing\n", ".gitignore": b"\0\xff[\n!\n" + b"**/" * 5000 + b"\n"})
    os.mkfifo(root / "pyproject.toml")
    proc = archrules(["check"], root)
    assert_survived(proc)
    assert proc.returncode == 2


def test_closed_and_broken_stdout(tmp_path):
    root = project(tmp_path, {f"app/f{i}.py": "processing\n" * 50 for i in range(60)})
    closed = subprocess.run([str(ARCHRULES), "check"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            timeout=TIME_LIMIT)
    assert closed.returncode == 1 and b"Traceback" not in closed.stderr
    piped = subprocess.run(f'"{ARCHRULES}" check | head -c 10 > /dev/null; exit ${{PIPESTATUS[0]}}', shell=True,
                           executable="/bin/bash", cwd=root, stderr=subprocess.PIPE, timeout=TIME_LIMIT)
    assert piped.returncode in (0, 1, 2) and b"Traceback" not in piped.stderr
