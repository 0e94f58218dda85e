"""API 1.42 (Docker 23.0)."""
