"""`archrules init`: write a starter `.architecture-rules/starter.yaml` fitted to the project.

One commented rule per check kind, each with `examples:` that pass, scoped to the folders
that exist (Python under `backend/app/`, `app/`, `src/<pkg>/`; JavaScript under `static/`).
`--pyproject` appends a commented `[tool.archrules]` table to an existing pyproject.toml.
Nothing is ever overwritten: every target is checked before anything is written (exit 2).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ...project.files import DEFAULT_EXCLUDED_DIRS
from ..console import display_path, err, printable
from ..exit_codes import EXIT_OK, EXIT_USAGE

STARTER = Path(".architecture-rules") / "starter.yaml"


class InitError(Exception):
    """Nothing was written: message on stderr, exit status 2."""


@dataclass(frozen=True)
class Layout:
    python_roots: tuple[str, ...]  # root-relative folders ("app", "src/pkg"); ("",) = Python files anywhere
    js_root: str | None  # "static" when it holds .js files

    @property
    def python_glob(self) -> str:
        roots = self.python_roots
        if roots == ("",):
            return "**/*.py"
        return f"{roots[0]}/**/*.py" if len(roots) == 1 else "{" + ",".join(roots) + "}/**/*.py"

    @property
    def python_example(self) -> str:
        """A path inside `python_glob` for the examples."""
        return f"{self.python_roots[0]}/example.py" if self.python_roots[0] else "example.py"


def run(args: argparse.Namespace) -> int:
    root = Path(os.path.abspath(args.root or "."))
    try:
        if not root.is_dir():
            raise InitError(f"--root {args.root}: not a folder")
        layout = detect_layout(root)
        if not layout.python_roots and layout.js_root is None:
            raise InitError(f"no Python or JavaScript files under {display_path(str(root))}: nothing to fit "
                            "starter rules to (run it in the project's root, or pass --root)")
        written = _write_all(root, layout, args.pyproject)
    except InitError as e:
        err(f"archrules: error: {printable(str(e))}")
        return EXIT_USAGE
    _report(written, layout)
    return EXIT_OK


def detect_layout(root: Path) -> Layout:
    candidates = ["backend/app", "app"]
    src = root / "src"
    if src.is_dir():  # src/<pkg>/: packages only (their names go into globs unquoted)
        candidates += [f"src/{d.name}" for d in sorted(src.iterdir())
                       if d.name.isidentifier() and d.is_dir() and not d.is_symlink()]
    roots = tuple(c for c in candidates if _has_file(root / c, ".py"))
    if not roots and _has_file(root, ".py"):
        roots = ("",)
    return Layout(roots, "static" if _has_file(root / "static", ".js") else None)


def _has_file(folder: Path, suffix: str) -> bool:
    """Some file ending in `suffix` under `folder` (tool folders and symlinked folders left out)."""
    if not folder.is_dir() or folder.is_symlink():
        return False
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in DEFAULT_EXCLUDED_DIRS and not d.startswith(".")
                   and not d.endswith(".egg-info") and not os.path.islink(os.path.join(parent, d))]
        if any(f.endswith(suffix) for f in files):
            return True
    return False


def _write_all(root: Path, layout: Layout, pyproject: bool) -> list[str]:
    """Check every target first, then write: a refusal leaves the project as it was."""
    starter = root / STARTER
    if starter.exists() or starter.is_symlink():
        raise InitError(f"{display_path(str(starter))} already exists; not overwritten")
    folder = root / STARTER.parent
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{display_path(str(folder))} exists and is not a folder; not overwritten")
    if folder.is_symlink() and not folder.resolve().is_relative_to(root.resolve()):
        # discovery would not load rules from there either
        raise InitError(f"{display_path(str(folder))} is a symlink to outside the project; nothing written")
    pyproject_text = _pyproject_with_table(root / "pyproject.toml") if pyproject else None
    starter.parent.mkdir(exist_ok=True)
    try:
        with open(starter, "x", encoding="utf-8", newline="\n") as f:  # "x": never replace a file
            f.write(starter_rules(layout))
    except FileExistsError:
        raise InitError(f"{display_path(str(starter))} already exists; not overwritten") from None
    written = [str(starter)]
    if pyproject_text is not None:
        (root / "pyproject.toml").write_bytes(pyproject_text.encode("utf-8"))
        written.append(str(root / "pyproject.toml"))
    return written


def _pyproject_with_table(path: Path) -> str:
    from ...project.config import load_toml

    shown = display_path(str(path))
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InitError(f"--pyproject: {shown} does not exist (it is only added to, never created)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InitError(f"--pyproject: cannot read {shown}: {getattr(e, 'strerror', None) or e}") from None
    try:
        tool = load_toml(text).get("tool", {})
    except Exception as e:  # tomllib.TOMLDecodeError: appending to a broken file would hide the problem
        raise InitError(f"--pyproject: {shown} is not valid TOML ({e}); not changed") from None
    if isinstance(tool, dict) and "archrules" in tool:
        raise InitError(f"--pyproject: {shown} already has a [tool.archrules] table; not changed")
    newline = "\r\n" if "\r\n" in text else "\n"
    separator = "" if not text or text.endswith(("\n", "\r")) else newline
    return text + separator + newline + PYPROJECT_TABLE.replace("\n", newline)


PYPROJECT_TABLE = """\
[tool.archrules]
# Every key is optional; the defaults are shown or described (docs/cli.md).
# rules = [".architecture-rules/"]          # rule files or folders, relative to this file
# include = ["app/**"]                       # only these files are checked (default: all)
# exclude = ["legacy/**", "*.min.js"]        # on top of .gitignore
# select = ["ST-"]                           # rule ids or id prefixes (default: all)
# ignore = ["ST-001"]
# severity-overrides = { "ST-007" = "error" }
# max-file-size = "1MB"
# baseline = ".archrules-baseline.json"
# docs-url = "https://example.com/rules/"    # rules without `url:` link to <docs-url><ID>.md (archrules docs)
"""


def _report(written: list[str], layout: Layout) -> None:
    out = sys.stdout
    for path in written:
        out.write(f"wrote {printable(display_path(path))}\n")
    if layout.python_roots:
        out.write(f"  Python rules: scoped to {layout.python_glob}\n")
    else:
        out.write("  Python rules: left out (no Python files found)\n")
    js = f"scoped to {layout.js_root}/**/*.js" if layout.js_root else "left out (no static/ with .js files)"
    out.write(f"  JavaScript rule: {js}\n")
    out.write("next:\n  archrules validate   # the rule files load, every glob matches a file\n"
              "  archrules test       # the rules' examples pass\n"
              "  archrules check      # check the project (the starter rules report at info/warning)\n")


# ---------------------------------------------------------------- the starter rule file


def starter_rules(layout: Layout) -> str:
    parts = [_HEADER]
    if layout.python_roots:
        parts.append(_PYTHON_RULES.format(py=layout.python_glob, example=layout.python_example))
    if layout.js_root:
        parts.append(_JS_RULES.format(js=f"{layout.js_root}/**/*.js", example=f"{layout.js_root}/js/example.js"))
    return "".join(parts)


_HEADER = """\
# Starter architecture rules, written by `archrules init` for this project's layout.
# One rule per kind of check, each with `examples:` (its own tests: `archrules test`).
# Edit them into your own rules, or delete the ones you do not want.
# Reference: docs/rule-format.md. Globs: `*` stays in a folder, `**` spans folders.

starter_rules:
"""

_PYTHON_RULES = """\
  # must_contain: every string must occur in each matching file (plain text, case-sensitive).
  - id: ST-001
    name: Modules start with a docstring
    description: Every module says what it is for.
    severity: info
    patterns:
      - file: "{py}"
        must_contain: '\"\"\"'
    suggestion: Add a module docstring at the top of the file.
    examples:
      - path: {example}
        valid: |
          \"\"\"Orders: the order model and its queries.\"\"\"
      - path: {example}
        invalid: |
          x = 1

  # when_contains: a gate; the entry's checks run only on files containing one of the strings.
  - id: ST-002
    name: Subprocess calls have a timeout
    severity: info
    patterns:
      - file: "{py}"
        when_contains: ["subprocess.run(", "subprocess.check_output("]
        must_contain: "timeout="
    suggestion: "Pass timeout=... so a stuck child process cannot hang the caller."
    examples:
      - path: {example}
        valid: |
          import os
      - path: {example}
        invalid: |
          subprocess.run(["ls"], check=True)

  # must_contain_one_of: at least one of the strings must occur (here behind a gate too).
  - id: ST-003
    name: HTTP clients set a timeout
    severity: info
    patterns:
      - file: "{py}"
        when_contains: ["requests.", "httpx."]
        must_contain_one_of: ["timeout=", "Timeout("]
    suggestion: "Pass timeout=... (requests) or a httpx.Timeout(...) to every client."
    examples:
      - path: {example}
        valid: |
          requests.get(url, timeout=10)
      - path: {example}
        invalid: |
          requests.get(url)

  # must_reference: each name must occur as a whole identifier (`TestRunner` does not count for `TestRun`).
  - id: ST-004
    name: SQLAlchemy models name their table
    severity: info
    patterns:
      - file: "{py}"
        when_contains: "= Column("
        must_reference: ["__tablename__"]
    suggestion: Add __tablename__ = "..." to the model class.
    examples:
      - path: {example}
        valid: |
          class Order(Base):
              __tablename__ = "orders"
              id = Column(Integer, primary_key=True)
      - path: {example}
        invalid: |
          class Order(Base):
              id = Column(Integer, primary_key=True)

  # should_match: the regex (RE2, per line) must match at least one line of the file.
  - id: ST-005
    name: Loggers are named after their module
    severity: info
    patterns:
      - file: "{py}"
        when_contains: "getLogger("
        should_match: 'getLogger\\(__name__\\)'
    suggestion: "log = logging.getLogger(__name__)"
    examples:
      - path: {example}
        valid: |
          log = logging.getLogger(__name__)
      - path: {example}
        invalid: |
          log = logging.getLogger("app")

  # endpoint_pattern + must_return: every function with a decorator line matching the
  # regex must return each key (a dict key or a keyword argument of the returned call).
  - id: ST-006
    name: Create endpoints return the new id
    severity: info
    patterns:
      - file: "{py}"
        endpoint_pattern: '@(router|app)\\.post\\('
        must_return: "id"
    suggestion: "Return the created object's id: return {{\\"id\\": item.id}}"
    examples:
      - path: {example}
        valid: |
          @router.post("/items")
          def create_item():
              return {{"id": 1}}
      - path: {example}
        invalid: |
          @router.post("/items")
          def create_item():
              return {{"name": "x"}}

  # anti_patterns: no line may match; `fix` replaces the matched text (quick fix, `check --fix`).
  - id: ST-007
    name: Log, do not print
    severity: warning
    anti_patterns:
      - pattern: '\\bprint\\('
        file: "{py}"
        message: Use the module's logger instead of print
        fix: "log.info("
    examples:
      - path: {example}
        valid: |
          log.info("started")
      - path: {example}
        invalid: |
          print("started")
        count: 1
        fixed: |
          log.info("started")
"""

_JS_RULES = """\

  # anti_patterns for JavaScript: the same checks work on any text file.
  - id: ST-008
    name: No console.log in shipped JavaScript
    severity: warning
    anti_patterns:
      - pattern: '\\bconsole\\.log\\('
        file: "{js}"
        message: Remove console.log, or use console.debug while developing
        fix: "console.debug("
    examples:
      - path: {example}
        valid: |
          console.error("failed", err);
      - path: {example}
        invalid: |
          console.log("loaded");
        fixed: |
          console.debug("loaded");
"""
