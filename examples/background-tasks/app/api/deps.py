"""Dependencies shared by the API handlers."""

import logging
import time
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core.database import SessionLocal, engine

logger = logging.getLogger(__name__)


def get_db() -> Iterator[Session]:
    """One session per request, closed after the response."""
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def wait_for_database(attempts: int = 5) -> None:
    """Block until the database answers (called once at startup)."""
    for attempt in range(attempts):
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return
        except OperationalError:
            logger.warning("database not ready (attempt %d/%d)", attempt + 1, attempts)
            time.sleep(2**attempt)
    raise RuntimeError("database unreachable")
