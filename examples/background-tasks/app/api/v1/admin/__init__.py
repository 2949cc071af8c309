"""Admin-only endpoints (mounted under /api/v1/admin)."""
