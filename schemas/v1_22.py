"""API 1.22 (Docker 1.10)."""
