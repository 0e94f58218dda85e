"""API 1.36 (Docker 18.02)."""
