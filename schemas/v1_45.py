"""API 1.45 (Docker 26.0 and 26.1)."""
