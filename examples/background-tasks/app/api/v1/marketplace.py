"""Marketplace endpoints: start a product import and follow it.

Both trigger endpoints return the job id (BG-020): one as a dict literal, one as
a response model built with the `job_id=` keyword.
"""

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException
from sqlalchemy.orm import Session

from app.api.deps import get_db
from app.schemas.marketplace import HistoryImportRequest, ImportJobResponse, ImportRequest
from app.tasks.letzshop_tasks import import_letzshop_history
from app.tasks.marketplace_import import process_marketplace_import
from models.database.letzshop import LetzshopHistoricalImportJob
from models.database.marketplace_import_job import MarketplaceImportJob

router = APIRouter(prefix="/marketplace", tags=["marketplace"])


@router.post("/import")
async def start_import(payload: ImportRequest, background_tasks: BackgroundTasks, db: Session = Depends(get_db)):
    """Queue a product import; the page polls GET /imports/{job_id}."""
    job = MarketplaceImportJob(
        marketplace=payload.marketplace,
        source_url=str(payload.source_url),
        triggered_by="manual:vendor",
    )
    db.add(job)
    db.commit()
    background_tasks.add_task(process_marketplace_import, job.id)
    return {"job_id": job.id, "status": job.status, "message": "Import queued"}


@router.post("/letzshop/import-history", response_model=ImportJobResponse)
async def start_history_import(
    payload: HistoryImportRequest,
    background_tasks: BackgroundTasks,
    db: Session = Depends(get_db),
):
    """Backfill the orders of the last `days` days from Letzshop."""
    job = LetzshopHistoricalImportJob(
        credentials_id=payload.credentials_id,
        since=datetime.now(UTC) - timedelta(days=payload.days),
        triggered_by="manual:vendor",
    )
    db.add(job)
    db.commit()
    background_tasks.add_task(import_letzshop_history, job.id)
    return ImportJobResponse(job_id=job.id, status=job.status)


@router.get("/imports/{job_id}")
def get_import(job_id: int, db: Session = Depends(get_db)) -> dict:
    job = db.get(MarketplaceImportJob, job_id)
    if job is None:
        raise HTTPException(status_code=404, detail="no such import")
    return {"job_id": job.id, "status": job.status, "imported": job.imported_count}
