"""API 1.41 (Docker 20.10)."""
