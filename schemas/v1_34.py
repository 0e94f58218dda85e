"""API 1.34 (Docker 17.11)."""
