"""API 1.19 (Docker 1.7)."""
