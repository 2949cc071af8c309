"""Letzshop integration: shop credentials and historical order imports."""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text

from models.database.base import Base


class LetzshopCredentials(Base):
    """API credentials of one Letzshop shop (the key is stored encrypted)."""

    __tablename__ = "letzshop_credentials"

    id = Column(Integer, primary_key=True)
    shop_id = Column(String(64), nullable=False, unique=True)
    api_key_encrypted = Column(Text, nullable=False)
    created_at = Column(DateTime, default=lambda: datetime.now(UTC))


class LetzshopHistoricalImportJob(Base):
    """Backfill of a shop's past orders.

    It keeps the reason of a failure in `last_error` (an older name).
    """

    __tablename__ = "letzshop_historical_import_jobs"

    id = Column(Integer, primary_key=True)
    credentials_id = Column(Integer, ForeignKey("letzshop_credentials.id"), nullable=False)
    since = Column(DateTime, nullable=False)
    status = Column(String(30), nullable=False, default="pending", index=True)
    triggered_by = Column(String(100), nullable=True)
    imported_orders = Column(Integer, nullable=False, default=0)
    last_error = Column(Text, nullable=True)
    created_at = Column(DateTime, default=lambda: datetime.now(UTC))
    started_at = Column(DateTime, nullable=True)
    completed_at = Column(DateTime, nullable=True)
