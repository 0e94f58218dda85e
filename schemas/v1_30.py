"""API 1.30 (Docker 17.06)."""
