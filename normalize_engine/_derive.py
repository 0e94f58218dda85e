"""Compatibility: the moby helpers content may use live in :mod:`normalize_engine.changes.moby`."""

from __future__ import annotations

from .changes.moby import ZERO_TIME as ZERO_TIME
from .changes.moby import container_state as container_state
from .changes.moby import dedup as dedup
from .changes.moby import health_from_status_text as health_from_status_text
from .changes.moby import is_user_defined_network as is_user_defined_network
from .changes.moby import is_zero_time as is_zero_time
from .changes.moby import only_builtin_networks as only_builtin_networks
from .changes.moby import short_id as short_id
from .changes.moby import state_from_status_text as state_from_status_text
