"""API 1.35 (Docker 17.12)."""
