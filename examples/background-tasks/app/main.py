"""FastAPI application: routers and startup hooks."""

from fastapi import FastAPI

from app.api.deps import wait_for_database
from app.api.v1 import api_router

app = FastAPI(title="Shop back office")
app.include_router(api_router, prefix="/api/v1")


@app.on_event("startup")
def check_database() -> None:
    wait_for_database()
