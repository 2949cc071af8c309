"""Order synchronisation of the previous shop system (read-only).

models/database/*_job.py does not reach this file: `*` stays in one folder.
"""

from sqlalchemy import Column, Integer, String

from models.database.base import Base


class LegacyOrderSyncJob(Base):
    """A row imported from the old system; it has none of the lifecycle columns."""

    __tablename__ = "legacy_order_sync_jobs"

    id = Column(Integer, primary_key=True)
    shop = Column(String(64), nullable=False)
    state = Column(String(16), nullable=False)
