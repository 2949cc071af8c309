"""Admin "Code quality" page: run the architecture scan.

The scan runs inside the request: the admin's browser waits until it is done.
"""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.api.deps import get_db
from app.tasks.code_quality_scan import run_scan
from models.database.architecture_scan import ArchitectureScan

router = APIRouter(prefix="/code-quality", tags=["admin"])


@router.post("/scans")
def trigger_scan(db: Session = Depends(get_db)) -> dict:
    scan = ArchitectureScan(triggered_by="manual:admin")
    db.add(scan)
    db.commit()
    run_scan(scan.id)
    db.refresh(scan)
    return {"scan_id": scan.id, "violations": scan.violations_count}


@router.get("/scans/latest")
def latest_scan(db: Session = Depends(get_db)) -> dict:
    scan = db.query(ArchitectureScan).order_by(ArchitectureScan.id.desc()).first()
    return {"scan_id": scan.id if scan else None}
