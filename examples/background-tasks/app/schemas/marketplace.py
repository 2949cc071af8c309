"""Request and response bodies of the marketplace endpoints."""

from pydantic import BaseModel, HttpUrl


class ImportRequest(BaseModel):
    marketplace: str
    source_url: HttpUrl


class HistoryImportRequest(BaseModel):
    credentials_id: int
    days: int = 365


class ImportJobResponse(BaseModel):
    job_id: int
    status: str
    message: str = "Import queued"
