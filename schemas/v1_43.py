"""API 1.43 (Docker 24.0)."""
