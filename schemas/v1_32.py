"""API 1.32 (Docker 17.09)."""
