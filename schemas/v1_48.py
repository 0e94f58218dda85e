"""API 1.48 (Docker 28.0)."""
