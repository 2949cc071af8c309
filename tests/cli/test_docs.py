"""`archrules docs --out DIR` and `[tool.archrules] docs-url`, through the installed console script."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path
from urllib.parse import unquote

import yaml

from .conftest import run, write_files

REPO = Path(__file__).resolve().parents[2]

ODD_IDS = r'''
rules:
  - id: "../escape"
    name: Dots and a slash
    anti_patterns:
      - pattern: 'print\('
        message: no print
  - id: "a/b\\c"
    name: Slashes
    anti_patterns:
      - pattern: 'x'
        message: x
  - id: ".hidden"
    name: Leading dot
    anti_patterns:
      - pattern: 'y'
        message: y
  - id: index
    name: Named like the index
    anti_patterns:
      - pattern: 'z'
        message: z
  - id: "Ünï `tick`"
    name: "<script>alert(1)</script> [link](javascript:x) **bold** | pipe"
    description: "- not a list\n1. not numbered\n\x1b[31m"
    anti_patterns:
      - pattern: 'w'
        message: "a `code` message"
'''


def _example_copy(tmp_path: Path) -> Path:
    root = tmp_path / "background-tasks"
    shutil.copytree(REPO / "examples" / "background-tasks", root)
    (root / ".git").mkdir()
    return root


def _rule_ids(root: Path) -> list[str]:
    return [r["id"] for r in json.loads(run(["rules", "--format", "json"], root).stdout)["rules"]]


def test_docs_writes_a_page_per_rule_of_the_example_project_and_an_index(tmp_path):
    root = _example_copy(tmp_path)
    proc = run(["docs", "--out", "site/rules"], root)
    assert proc.returncode == 0, proc.stderr
    ids = _rule_ids(root)
    assert f"wrote {len(ids)} rule pages and index.md to site/rules" in proc.stdout
    out = root / "site" / "rules"
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{i}.md" for i in ids] + ["index.md"])
    page = (out / "BG-001.md").read_text(encoding="utf-8")
    assert page.startswith("# BG-001: Background task models must have status field\n")
    assert "| severity | error |" in page
    assert "| defined in | `.architecture-rules/background-tasks.yaml:11` |" in page
    assert "- Files matching `models/database/letzshop.py` must contain `status = Column` (plain text)." in page
    assert "## Suggestion\n\n```\nAdd: status = Column(String(30)" in page
    assert "## Fix" in page  # must_contain with a suggestion line: the class insertion
    bg021 = (out / "BG-021.md").read_text(encoding="utf-8")
    assert ("Files matching `app/api/v1/**/*.py` that contain `import_` or `export_` or `run_scan` or "
            "`execute_` must contain `BackgroundTasks`") in bg021
    bg020 = (out / "BG-020.md").read_text(encoding="utf-8")
    assert "every function with a decorator line matching `@router.post.*import` must return `job_id`" in bg020
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "## background\\_task\\_rules" in index
    assert all(f"]({i}.md)" in index for i in ids)


def test_docs_pages_hold_examples_and_fixes(tmp_path):
    root = tmp_path / "p"
    write_files(root, {".git/HEAD": "", "app/a.py": "x = 1\n"})
    assert run(["init"], root).returncode == 0
    assert run(["docs", "--out", "docs/rules"], root).returncode == 0
    page = (root / "docs" / "rules" / "ST-007.md").read_text(encoding="utf-8")
    assert "- A line matching `\\bprint\\(` gets its match replaced by `log.info(`" in page
    assert '### Flagged: `app/example.py`, 1 finding\n\n```python\nprint("started")\n```' in page
    assert 'After the fix:\n\n```python\nlog.info("started")\n```' in page


def test_ids_with_path_characters_stay_inside_the_folder_and_the_index_links_them(tmp_path):
    root = tmp_path / "odd"
    write_files(root, {".git/HEAD": "", "a.py": "print(1)\n",
                       ".architecture-rules.yaml": textwrap.dedent(ODD_IDS).lstrip()})
    out = root / "deep" / "out"
    proc = run(["docs", "--out", out], root)
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(["%2E.%2Fescape.md", "a%2Fb%5Cc.md", "%2Ehidden.md", "%69ndex.md",
                              "%C3%9Cn%C3%AF%20%60tick%60.md", "index.md"])
    assert sorted(p.name for p in (root / "deep").iterdir()) == ["out"]  # nothing beside the folder
    assert not (root / "escape.md").exists() and not (root / "deep" / "escape.md").exists()
    index = (out / "index.md").read_text(encoding="utf-8")
    links = re.findall(r"(?<!\\)\]\(([^)]+)\)", index)  # an escaped `\](` is text, not a link
    assert len(links) == 5 and all((out / unquote(link)).is_file() for link in links)
    page = (out / "%C3%9Cn%C3%AF%20%60tick%60.md").read_text(encoding="utf-8")
    assert "<script>" not in page and "[link](" not in page and "\x1b" not in page
    assert "\\<script\\>" in page and "\\*\\*bold\\*\\*" in page
    assert "\\- not a list" in page and "1\\. not numbered" in page and "\\x1b" in page
    assert "| id | `` Ünï `tick` `` |" in page  # CommonMark strips one space each side
    assert "`` a `code` message ``" not in page and "a \\`code\\` message" in page


def test_docs_url_links_rules_without_url_in_sarif_and_json(tmp_path):
    root = _example_copy(tmp_path)
    rules_file = root / ".architecture-rules" / "background-tasks.yaml"
    text = rules_file.read_text(encoding="utf-8")
    rules_file.write_text(text.replace("  - id: BG-010\n", "  - id: BG-010\n    url: https://own.example/bg10\n"),
                          encoding="utf-8")
    write_files(root, {"pyproject.toml": '[tool.archrules]\ndocs-url = "https://example.com/rules"\n'})
    listed = json.loads(run(["rules", "--format", "json"], root).stdout)["rules"]
    urls = {r["id"]: r["url"] for r in listed}
    assert urls["BG-001"] == "https://example.com/rules/BG-001.md"
    assert urls["BG-010"] == "https://own.example/bg10"  # a rule's own url wins
    sarif = json.loads(run(["check", "--format", "sarif"], root).stdout)
    help_uris = {r["id"]: r.get("helpUri") for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert help_uris == urls
    # each link names the page `archrules docs` writes
    assert run(["docs", "--out", "site"], root).returncode == 0
    assert all((root / "site" / unquote(u.rsplit("/", 1)[1])).is_file() for i, u in urls.items() if i != "BG-010")


def test_docs_url_is_percent_encoded_for_odd_ids(tmp_path):
    root = tmp_path / "odd"
    write_files(root, {".git/HEAD": "", "a.py": "print(1)\n",
                       ".architecture-rules.yaml": textwrap.dedent(ODD_IDS).lstrip(),
                       "pyproject.toml": '[tool.archrules]\ndocs_url = "https://example.com/r/"\n'})
    urls = {r["id"]: r["url"] for r in json.loads(run(["rules", "--format", "json"], root).stdout)["rules"]}
    assert urls["../escape"] == "https://example.com/r/%252E.%252Fescape.md"
    assert urls["index"] == "https://example.com/r/%2569ndex.md"


def test_a_bad_docs_url_is_a_configuration_error(tmp_path):
    root = tmp_path / "bad"
    write_files(root, {".git/HEAD": "", "a.py": "print(1)\n",
                       ".architecture-rules.yaml": yaml.safe_dump({"g": [{"id": "A", "name": "a", "anti_patterns": [
                           {"pattern": "print", "message": "m"}]}]}),
                       "pyproject.toml": '[tool.archrules]\ndocs-url = ["x"]\n'})
    proc = run(["validate"], root)
    assert proc.returncode == 2
    assert "'docs-url' must be a URL" in proc.stderr


def test_docs_with_rule_file_errors_writes_what_loaded_and_exits_2(tmp_path):
    root = tmp_path / "broken"
    rules = "g:\n  - id: OK\n    name: ok\n    anti_patterns: [{pattern: x, message: m}]\n  - name: no id\n"
    write_files(root, {".git/HEAD": "", "a.py": "x\n", ".architecture-rules.yaml": rules})
    proc = run(["docs", "--out", "out"], root)
    assert proc.returncode == 2
    assert "rule has no `id`" in proc.stderr
    assert (root / "out" / "OK.md").is_file()


def test_a_long_id_gets_a_short_unique_page_name(tmp_path):
    root = tmp_path / "long"
    ids = ["L" * 300, "L" * 299 + "M"]
    rules = {"g": [{"id": i, "name": "n", "anti_patterns": [{"pattern": "x", "message": "m"}]} for i in ids]}
    write_files(root, {".git/HEAD": "", "a.py": "x\n", ".architecture-rules.yaml": yaml.safe_dump(rules)})
    proc = run(["docs", "--out", "out"], root)
    assert proc.returncode == 0, proc.stderr
    pages = [p.name for p in (root / "out").iterdir() if p.name != "index.md"]
    assert len(pages) == 2 and all(len(name) <= 160 for name in pages)
