"""API 1.44 (Docker 25.0)."""
