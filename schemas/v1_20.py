"""API 1.20 (Docker 1.8)."""
