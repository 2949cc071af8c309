"""Admin marketplace endpoints: retry one import, re-import every marketplace."""

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException
from sqlalchemy.orm import Session

from app.api.deps import get_db
from app.tasks.marketplace_import import process_marketplace_import
from models.database.marketplace_import_job import MarketplaceImportJob

router = APIRouter(prefix="/marketplace", tags=["admin"])

MARKETPLACES = ("amazon", "ebay", "letzshop")


@router.post("/imports/{job_id}/retry")
def retry_import(job_id: int, background_tasks: BackgroundTasks, db: Session = Depends(get_db)):
    """Start a fresh import of the same feed as a failed one."""
    old = db.get(MarketplaceImportJob, job_id)
    if old is None:
        raise HTTPException(status_code=404, detail="no such import")
    job = MarketplaceImportJob(marketplace=old.marketplace, source_url=old.source_url, triggered_by="manual:admin")
    db.add(job)
    db.commit()
    background_tasks.add_task(process_marketplace_import, job.id)
    response = {"job_id": job.id, "status": job.status, "retry_of": old.id}
    return response


@router.post("/import-all")
def import_all(background_tasks: BackgroundTasks, db: Session = Depends(get_db)):
    """Re-import every marketplace feed (nightly button on the admin page)."""
    jobs = []
    for name in MARKETPLACES:
        job = MarketplaceImportJob(marketplace=name, source_url=f"https://feeds.example.com/{name}.xml", triggered_by="manual:admin")
        db.add(job)
        jobs.append(job)
    db.commit()
    for job in jobs:
        background_tasks.add_task(process_marketplace_import, job.id)
    return {"job_ids": [job.id for job in jobs], "queued": len(jobs)}


@router.post("/settings")
def update_settings(settings: dict) -> dict:
    """Not a task trigger: its decorator does not match BG-020's endpoint_pattern."""
    return {"saved": sorted(settings)}
