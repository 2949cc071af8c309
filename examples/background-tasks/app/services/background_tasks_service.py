"""BackgroundTasksService: the one place that knows every background task type.

The admin "Background tasks" page lists the recent jobs of every type, and the
pages that start tasks ask it for the one still active.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.test_runner import TestRunner, TestRunStatus
from models.database.architecture_scan import ArchitectureScan
from models.database.letzshop import LetzshopHistoricalImportJob
from models.database.marketplace_import_job import MarketplaceImportJob

ACTIVE_STATUSES = ("pending", "running")

# Rows written before the migration still hold legacy values; map them when read.
# archrules: ignore[BG-010]
_legacy_status = {"processing": "running", "fetching": "running", "passed": "completed", "error": "failed"}


class BackgroundTasksService:
    """Lists and summarises the background tasks of every registered type."""

    TASK_MODELS = {
        "product_import": MarketplaceImportJob,
        "order_import": LetzshopHistoricalImportJob,
        "code_quality_scan": ArchitectureScan,
    }

    def __init__(self, db: Session) -> None:
        self.db = db
        # Test runs are still summarised by TestRunner (TestRunStatus values).
        self.test_runner = TestRunner()

    @staticmethod
    def normalise(value: str) -> str:
        return _legacy_status.get(value, value)

    def recent(self, task_type: str, limit: int = 20) -> list:
        model = self.TASK_MODELS[task_type]
        query = select(model).order_by(model.created_at.desc()).limit(limit)
        return list(self.db.scalars(query))

    def active(self, task_type: str):
        """The newest task of this type that is still pending or running, if any."""
        for job in self.recent(task_type, limit=5):
            if self.normalise(job.status) in ACTIVE_STATUSES:
                return job
        return None
