"""Background task: write an ExportJob's rows to a CSV file.

This file has Windows line endings (CRLF). It has no error handling: an
unexpected failure leaves the job stuck in its running state.
"""

from datetime import UTC, datetime

from app.core.database import SessionLocal
from app.services.exports import iter_rows, write_csv
from models.database.export_job import ExportJob


def run_export_job(job_id: int) -> None:
    db = SessionLocal()
    job = db.get(ExportJob, job_id)
    job.status = "running"
    job.started_at = datetime.now(UTC)
    db.commit()

    rows = list(iter_rows(db, job.kind))
    if not rows:
        job.status = "failed"
        job.error_message = "nothing to export"
    else:
        job.status = "processing"
        db.commit()
        job.file_path = write_csv(job, rows)
        job.row_count = len(rows)
        job.status = "completed"
    job.completed_at = datetime.now(UTC)
    db.commit()
    db.close()
