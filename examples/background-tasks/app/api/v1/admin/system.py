"""Admin "System" page: version information."""

import subprocess

from fastapi import APIRouter

router = APIRouter(prefix="/system", tags=["admin"])


@router.get("/version")
def version(max_wait: float = 2.0) -> dict:
    """The deployed commit, asked from git on every call."""
    result = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, timeout=max_wait, check=True)
    return {"commit": result.stdout.decode().strip()}
