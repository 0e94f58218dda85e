"""Compatibility: the moby helpers content may use live in :mod:`normalize_engine.changes.moby`."""

from __future__ import annotations

from .changes import moby as _moby
from .changes.moby import (
    ZERO_TIME,
    container_state,
    dedup,
    health_from_status_text,
    is_user_defined_network,
    is_zero_time,
    only_builtin_networks,
    short_id,
    state_from_status_text,
)

__all__ = list(_moby.__all__)
