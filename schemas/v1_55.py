"""API 1.55 (Docker 29.6 and 29.7)."""
