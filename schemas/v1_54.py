"""API 1.54 (Docker 29.3 to 29.5)."""
