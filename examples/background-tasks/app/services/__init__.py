"""Services used by the API handlers and the task modules."""
