"""Background task: run the test suite and record the outcome on its TestRun.

It reuses the request's database session instead of opening its own.
"""

import re
import subprocess
import time
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from models.database.test_run import TestRun

_SUMMARY = re.compile(r"(\d+) passed|(\d+) failed")


async def run_tests_task(run_id: int, db: Session) -> None:
    run = db.get(TestRun, run_id)
    try:
        run.status = "running"
        run.started_at = datetime.now(UTC)
        db.commit()

        time.sleep(0.5)  # let the file watcher settle; fine in a task
        max_wait = 15 * 60
        proc = subprocess.run(["pytest", "-q", run.test_path], capture_output=True, timeout=max_wait, check=True)
        run.output = proc.stdout.decode(errors="replace")
        run.passed, run.failed = _count(run.output)
        run.status = "completed"
    except Exception as e:
        run.status = "failed"
        run.error_message = str(e)
    finally:
        run.completed_at = datetime.now(UTC)
        db.commit()


def _count(output: str) -> tuple[int, int]:
    passed = failed = 0
    for m in _SUMMARY.finditer(output):
        passed += int(m.group(1) or 0)
        failed += int(m.group(2) or 0)
    return passed, failed
