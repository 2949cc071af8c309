"""Marketplace feed download and product upsert."""

import csv
import io

import httpx
from sqlalchemy.orm import Session


async def download_feed(url: str) -> list[dict]:
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.get(url)
        response.raise_for_status()
    return list(csv.DictReader(io.StringIO(response.text)))


def upsert_products(db: Session, marketplace: str, rows: list[dict]) -> int:
    """Insert or update one product per row; returns how many rows were stored."""
    stored = 0
    for row in rows:
        if row.get("sku"):
            db.merge_product(marketplace=marketplace, sku=row["sku"], data=row)
            stored += 1
    return stored
