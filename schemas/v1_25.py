"""API 1.25 (Docker 1.13)."""
