"""Rows of the CSV exports and the file writer."""

import csv
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

EXPORT_DIR = Path("var/exports")
QUERIES = {
    "products": "SELECT sku, name, price FROM products ORDER BY sku",
    "orders": "SELECT id, created_at, total FROM orders ORDER BY id",
}


def iter_rows(db: Session, kind: str) -> Iterator[dict]:
    for row in db.execute(text(QUERIES[kind])).mappings():
        yield dict(row)


def write_csv(job, rows: list[dict]) -> str:
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = EXPORT_DIR / f"{job.kind}-{job.id}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)
