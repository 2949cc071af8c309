"""Reads the state of test runs for the admin "Tests" page."""

from enum import Enum


class TestRunStatus(str, Enum):
    __test__ = False

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class TestRunner:
    """Knows where the test suite lives and how recent runs went."""

    __test__ = False

    def __init__(self, test_path: str = "tests") -> None:
        self.test_path = test_path

    def summary(self, runs) -> dict:
        counts = {s.value: 0 for s in TestRunStatus}
        for run in runs:
            counts[run.status] = counts.get(run.status, 0) + 1
        return counts
