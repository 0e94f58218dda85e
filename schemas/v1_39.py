"""API 1.39 (Docker 18.09)."""
