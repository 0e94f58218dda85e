"""API 1.23 (Docker 1.11)."""
