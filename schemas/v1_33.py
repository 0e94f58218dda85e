"""API 1.33 (Docker 17.10)."""
