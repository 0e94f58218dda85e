"""API 1.53 (Docker 29.2)."""
