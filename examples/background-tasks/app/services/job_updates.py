"""Helpers the task modules use to record progress on a job row."""


def mark(job, **fields) -> None:
    """Set several columns of a job at once."""
    for name, value in fields.items():
        setattr(job, name, value)


def resume_feed(job) -> None:
    """Resume a paused feed import; the note is shown verbatim in the admin UI."""
    mark(job, note="Reprise du flux ☕ — étape 2/3 🚀", status="processing")


def pause_feed(job) -> None:
    """Pause a feed import; the v1 dashboard still expects the legacy value."""
    mark(job, status="fetching")  # archrules: ignore[BG-010] until the v1 dashboard is gone
