"""Export endpoints: CSV files written in the background."""

from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.orm import Session

from app.api.deps import get_db
from app.tasks.export_tasks import run_export_job
from models.database.export_job import ExportJob

router = APIRouter(prefix="/exports", tags=["exports"])


@router.post("/{kind}")
def start_export(kind: str, background_tasks: BackgroundTasks, db: Session = Depends(get_db)) -> dict:
    job = ExportJob(kind=kind, triggered_by="manual:vendor")
    db.add(job)
    db.commit()
    background_tasks.add_task(run_export_job, job.id)
    return {"job_id": job.id, "status": job.status}
