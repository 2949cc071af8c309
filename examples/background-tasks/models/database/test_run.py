"""Test suite runs started from the admin "Tests" page: each run is one row of the
class below, with its outcome and the captured pytest output.
"""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, String, Text

from models.database.base import Base


class TestRun(Base):
    """One run of the project's test suite.

    Nobody records who started a run yet (no audit column).
    """

    __tablename__ = "test_runs"
    __test__ = False  # not a pytest test class

    id = Column(Integer, primary_key=True)
    test_path = Column(String(255), nullable=False, default="tests")
    status = Column(String(30), nullable=False, default="pending", index=True)
    passed = Column(Integer, nullable=False, default=0)
    failed = Column(Integer, nullable=False, default=0)
    output = Column(Text, nullable=True)
    error_message = Column(Text, nullable=True)
    created_at = Column(DateTime, default=lambda: datetime.now(UTC))
    started_at = Column(DateTime, nullable=True)
    completed_at = Column(DateTime, nullable=True)
