"""Thin client of the Letzshop order API."""

from datetime import datetime

import httpx
from sqlalchemy.orm import Session

API = "https://letzshop.lu/api/v1"


async def fetch_order_history(credentials_id: int, since: datetime) -> list[dict]:
    params = {"credentials": credentials_id, "since": since.isoformat()}
    async with httpx.AsyncClient(base_url=API, timeout=120) as client:
        response = await client.get("/orders", params=params)
        response.raise_for_status()
    return response.json()["orders"]


def store_orders(db: Session, orders: list[dict]) -> int:
    for order in orders:
        db.merge_order(order)
    return len(orders)
