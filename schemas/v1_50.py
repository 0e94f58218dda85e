"""API 1.50 (Docker 28.2)."""
