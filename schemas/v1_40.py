"""API 1.40 (Docker 19.03)."""
