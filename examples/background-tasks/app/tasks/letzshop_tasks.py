"""Background task: backfill a shop's order history from Letzshop.

Written before the status migration: it still uses the legacy values.
"""

import logging
from datetime import UTC, datetime

from app.core.database import SessionLocal
from app.services.letzshop_client import fetch_order_history, store_orders
from models.database.letzshop import LetzshopHistoricalImportJob

logger = logging.getLogger(__name__)


async def import_letzshop_history(job_id: int) -> None:
    db = SessionLocal()
    job = db.get(LetzshopHistoricalImportJob, job_id)
    try:
        job.status = "running"
        job.started_at = datetime.now(UTC)
        db.commit()

        job.status = "fetching"
        db.commit()
        orders = await fetch_order_history(job.credentials_id, since=job.since)
        job.imported_orders = store_orders(db, orders)
        job.status = "done"
    except Exception as e:
        error_message = str(e)
        logger.error("letzshop history import %s failed: %s", job_id, error_message)
        job.status = "error"
        job.last_error = error_message
    finally:
        job.completed_at = datetime.now(UTC)
        db.commit()
        db.close()
