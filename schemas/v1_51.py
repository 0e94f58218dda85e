"""API 1.51 (Docker 28.3 to 28.5)."""
