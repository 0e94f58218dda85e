"""API 1.52 (Docker 29.0 and 29.1)."""
