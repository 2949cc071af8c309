"""CSV exports of products and orders, produced in the background."""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, String, Text

from models.database.base import Base


class ExportJob(Base):
    """One export file being written.

    It stores when it started and the file it produced, not when it ended.
    """

    __tablename__ = "export_jobs"

    id = Column(Integer, primary_key=True)
    kind = Column(String(30), nullable=False)  # "products" | "orders"
    status = Column(String(30), nullable=False, default="pending", index=True)
    triggered_by = Column(String(100), nullable=True)
    file_path = Column(String(500), nullable=True)
    row_count = Column(Integer, nullable=True)
    error_message = Column(Text, nullable=True)
    created_at = Column(DateTime, default=lambda: datetime.now(UTC))
    started_at = Column(DateTime, nullable=True)
