"""API 1.31 (Docker 17.07)."""
