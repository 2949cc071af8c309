"""Marketplace product imports: one row per feed pulled from a marketplace.

Compliant with BG-001, BG-002, BG-003 and BG-004.
"""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, String, Text

from models.database.base import Base


class MarketplaceImportJob(Base):
    """One import of a marketplace product feed (CSV or XML)."""

    __tablename__ = "marketplace_import_jobs"

    id = Column(Integer, primary_key=True)
    marketplace = Column(String(50), nullable=False)
    source_url = Column(String(500), nullable=False)
    status = Column(String(30), nullable=False, default="pending", index=True)
    triggered_by = Column(String(100), nullable=True)
    imported_count = Column(Integer, nullable=False, default=0)
    error_message = Column(Text, nullable=True)
    created_at = Column(DateTime, default=lambda: datetime.now(UTC))
    started_at = Column(DateTime, nullable=True)
    completed_at = Column(DateTime, nullable=True)

    def __repr__(self) -> str:
        return f"<MarketplaceImportJob {self.id} {self.marketplace} {self.status}>"
