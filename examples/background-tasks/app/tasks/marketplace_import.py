"""Background task: import a marketplace product feed.

The reference task module: compliant with BG-030, BG-031, BG-032 and BG-033.
"""

import logging
from datetime import UTC, datetime

from app.core.database import SessionLocal
from app.services.feeds import download_feed, upsert_products
from models.database.marketplace_import_job import MarketplaceImportJob

logger = logging.getLogger(__name__)


async def process_marketplace_import(job_id: int) -> None:
    """Download the feed of a MarketplaceImportJob and upsert its products."""
    db = SessionLocal()
    job = db.get(MarketplaceImportJob, job_id)
    try:
        job.status = "running"
        job.started_at = datetime.now(UTC)
        db.commit()

        rows = await download_feed(job.source_url)
        job.imported_count = upsert_products(db, job.marketplace, rows)
        job.status = "completed"
    except Exception as e:
        logger.exception("marketplace import %s failed", job_id)
        job.status = "failed"
        job.error_message = str(e)
    finally:
        job.completed_at = datetime.now(UTC)
        db.commit()
        db.close()
