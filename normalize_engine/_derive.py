"""Small pieces of the daemon's own logic, replayed by the migrations (each names where it comes from)."""

from __future__ import annotations

import re
from typing import Any

ZERO_TIME = "0001-01-01T00:00:00Z"


def dedup(items: list[Any]) -> list[Any]:
    """Keep the first occurrence of each item, as moby's ``sliceutil.Dedup``."""
    seen: set[Any] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def short_id(container_id: str) -> str:
    """moby's ``stringid.TruncateID``: the first 12 characters, after any ``algo:`` prefix."""
    return container_id.rpartition(":")[2][:12]


def is_zero_time(value: Any) -> bool:
    """Go's zero ``time.Time`` as JSON (``0001-01-01T00:00:00Z``), or nothing at all."""
    return value in (None, "") or (isinstance(value, str) and value.startswith("0001-01-01T00:00:00"))


def container_state(state: dict[str, Any]) -> str:
    """``State.Status`` from the booleans, as the daemon's ``State.StateString()``."""
    if state.get("Running"):
        if state.get("Paused"):
            return "paused"
        if state.get("Restarting"):
            return "restarting"
        return "running"
    if state.get("RemovalInProgress"):
        return "removing"
    if state.get("Dead"):
        return "dead"
    if is_zero_time(state.get("StartedAt")):
        return "created"
    return "exited"


_STATUS_STATES = (
    (re.compile(r"^Up .*\(Paused\)$"), "paused"),
    (re.compile(r"^Up "), "running"),
    (re.compile(r"^Restarting "), "restarting"),
    (re.compile(r"^Removal In Progress"), "removing"),
    (re.compile(r"^Dead"), "dead"),
    (re.compile(r"^Created"), "created"),
)


def state_from_status_text(status: str) -> str:
    """A container list item's ``State`` from its human ``Status`` text (daemon/container/state.go)."""
    for pattern, state in _STATUS_STATES:
        if pattern.search(status):
            return state
    return "exited"


def health_from_status_text(status: str) -> str:
    """A container list item's ``Health.Status`` from its ``Status`` text (``Up 5 minutes (healthy)``)."""
    if not status.endswith(")"):
        return "none"
    if status.endswith("(healthy)"):
        return "healthy"
    if status.endswith("(unhealthy)"):
        return "unhealthy"
    if status.endswith("(health: starting)"):
        return "starting"
    return "none"
