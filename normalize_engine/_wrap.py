"""Compatibility: :func:`mount` and :func:`wrap` live in :mod:`normalize_engine.transports.docker_py`."""

from __future__ import annotations

from .transports.docker_py import UnsupportedClientError, mount, wrap

__all__ = ["UnsupportedClientError", "mount", "wrap"]
