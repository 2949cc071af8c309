"""`in_class` and `exclude` through the installed console script: findings on the right
class, `--fix` inserting into that class, excluded files left alone, a note for other languages."""

from __future__ import annotations

import ast

from .conftest import make_project, run

RULES = r"""
models:
  - id: DB-001
    name: Table models have an id
    severity: error
    patterns:
      - file: "app/**/*.py"
        exclude: ["app/routes/__init__.py"]
        in_class: 'table\s*=\s*True'
        must_contain: "id: int"
      - file: "web/*.ts"
        in_class: Model
        must_contain: id
    suggestion: "Add: id: int | None = Field(default=None, primary_key=True)"
"""

MODELS = '''from sqlmodel import Field, SQLModel


class UserBase(SQLModel):
    email: str = Field(unique=True)


class User(UserBase, table=True):
    hashed_password: str = Field()


class UserCreate(UserBase):
    password: str


class Item(SQLModel,
           table=True):
    title: str = Field()

    def label(self) -> str:
        return self.title
'''

FILES = {
    "app/models.py": MODELS,
    "app/routes/__init__.py": "class Hidden(SQLModel, table=True):\n    name: str = Field()\n",
    "web/user.ts": "class User extends Model {}\n",
}


def test_check_reports_each_table_class_and_fix_inserts_into_it(tmp_path):
    root = make_project(tmp_path / "proj", FILES, RULES)
    proc = run(["check"], root)
    findings = [ln for ln in proc.stdout.splitlines() if "DB-001" in ln and ": note: " not in ln]
    assert findings == [
        "app/models.py:8:7: DB-001 [error] User: missing `id: int` (DB-001: Table models have an id)",
        "app/models.py:16:7: DB-001 [error] Item: missing `id: int` (DB-001: Table models have an id)",
    ]
    assert "app/routes/__init__.py" not in proc.stdout  # excluded from that entry
    assert ("web/user.ts:1:1: note: rule DB-001: `in_class` checks Python classes, and this file is not Python: "
            "its `in_class` entries are skipped here") in proc.stdout
    assert proc.returncode == 1

    fixed = run(["check", "--fix"], root)
    assert "Fixed 2 findings in 1 file." in fixed.stdout
    text = (root / "app/models.py").read_text(encoding="utf-8")
    added = "    id: int | None = Field(default=None, primary_key=True)\n"
    assert text == MODELS.replace(
        "    hashed_password: str = Field()\n", "    hashed_password: str = Field()\n" + added
    ).replace("    title: str = Field()\n", "    title: str = Field()\n" + added)
    ast.parse(text)
    assert (root / "app/routes/__init__.py").read_text(encoding="utf-8") == FILES["app/routes/__init__.py"]
    assert run(["check"], root).returncode == 0
