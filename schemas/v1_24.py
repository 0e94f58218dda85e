"""API 1.24 (Docker 1.12)."""
