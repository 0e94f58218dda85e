"""API 1.37 (Docker 18.03)."""
