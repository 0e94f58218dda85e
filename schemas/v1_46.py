"""API 1.46 (Docker 27.0 and 27.1)."""
