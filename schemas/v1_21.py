"""API 1.21 (Docker 1.9)."""
