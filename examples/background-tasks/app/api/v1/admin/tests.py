"""Admin "Tests" page endpoints: run the test suite in the background."""

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException
from sqlalchemy.orm import Session

from app.api.deps import get_db
from app.tasks.test_runner import run_tests_task
from models.database.test_run import TestRun

router = APIRouter(prefix="/tests", tags=["admin"])


@router.post("/run")
async def start_test_run(background_tasks: BackgroundTasks, db: Session = Depends(get_db)) -> dict:
    """Queue a run of the whole suite; the page polls GET /tests/runs/{run_id}."""
    run = TestRun(test_path="tests")
    db.add(run)
    db.commit()
    background_tasks.add_task(run_tests_task, run.id, db)
    return {"run_id": run.id, "status": run.status}


@router.post("/runs/{run_id}/cancel")
def cancel_test_run(run_id: int, db: Session = Depends(get_db)) -> dict:
    """Matches `@router.post.*run` too, so it must (and does) return run_id."""
    run = db.get(TestRun, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail="no such run")
    run.status = "failed"
    run.error_message = "cancelled by an admin"
    db.commit()
    return {"run_id": run.id, "status": run.status}


@router.get("/runs/{run_id}")
def get_test_run(run_id: int, db: Session = Depends(get_db)) -> dict:
    run = db.get(TestRun, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail="no such run")
    return {"run_id": run.id, "status": run.status, "passed": run.passed, "failed": run.failed}
