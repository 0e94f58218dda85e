"""API 1.28 (Docker 17.04)."""
