"""Background task: run the architecture validator and store an ArchitectureScan.

Called synchronously by the admin endpoint today. It never marks the scan as
started and never records when it ended.
"""

import logging
from datetime import UTC, datetime

from app.core.database import SessionLocal
from app.services.architecture import scan_codebase
from models.database.architecture_scan import ArchitectureScan

logger = logging.getLogger(__name__)


def run_scan(scan_id: int) -> None:
    db = SessionLocal()
    scan = db.get(ArchitectureScan, scan_id)
    scan.started_at = datetime.now(UTC)
    try:
        report = scan_codebase()
        scan.violations_count = len(report.violations)
        scan.report = report.to_json()
        scan.status = "completed"
    except Exception as e:
        logger.exception("architecture scan %s failed", scan_id)
        scan.status = "failed"
        scan.error_message = str(e)
    finally:
        db.commit()
        db.close()
