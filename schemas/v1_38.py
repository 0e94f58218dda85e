"""API 1.38 (Docker 18.06)."""
