"""API 1.47 (Docker 27.2 to 27.5)."""
