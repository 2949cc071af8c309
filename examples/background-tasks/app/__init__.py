"""The shop back office: FastAPI application, background tasks and services."""
