"""Code quality scans: the architecture validator run over the code base."""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, String, Text

from models.database.base import Base


class ArchitectureScan(Base):
    """One run of the architecture validator.

    The scan's lifecycle has no column of its own yet.
    """

    __tablename__ = "architecture_scans"

    id = Column(Integer, primary_key=True)
    commit_sha = Column(String(40), nullable=True)
    violations_count = Column(Integer, nullable=True)
    report = Column(Text, nullable=True)
    triggered_by = Column(String(100), nullable=True)
    created_at = Column(DateTime, default=lambda: datetime.now(UTC))
    started_at = Column(DateTime, nullable=True)
    completed_at = Column(DateTime, nullable=True)
