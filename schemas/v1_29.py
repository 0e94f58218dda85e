"""API 1.29 (Docker 17.05)."""
