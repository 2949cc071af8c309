"""Liveness and session keep-alive endpoints.

No background work here, so BG-021's check does not apply to this file.
"""

from fastapi import APIRouter, Request

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
def health() -> dict:
    return {"ok": True}


@router.post("/session")
def keep_session_alive(request: Request) -> dict:
    request.session["seen"] = True
    return {"ok": True}
