"""API 1.49 (Docker 28.1)."""
