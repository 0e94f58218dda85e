"""Small pieces of the daemon's (moby's) own logic that content may use: each names where it comes from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "PRE_1_24",
    "ZERO_TIME",
    "container_dns_names",
    "container_state",
    "daemon_release",
    "dedup",
    "health_from_status_text",
    "is_user_defined_network",
    "is_zero_time",
    "only_builtin_networks",
    "short_id",
    "state_from_status_text",
]

ZERO_TIME = "0001-01-01T00:00:00Z"


def dedup(items: list[Any]) -> list[Any]:
    """Keep the first occurrence of each item, as moby's ``sliceutil.Dedup``."""
    return list(dict.fromkeys(items))  # a dict keeps the order its keys came in


def short_id(container_id: str) -> str:
    """moby's ``stringid.TruncateID``: the first 12 characters, after any ``algo:`` prefix."""
    return container_id.rpartition(":")[2][:12]


def container_dns_names(data: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The names a container inspect answer says the container answers to on every user-defined network,
    as the daemon builds ``DNSNames`` (daemon/container_operations.go): those before its aliases there (its
    name) and those after (its short ID and hostname), the ones the answer has."""
    name, cid, config = data.get("Name"), data.get("Id"), data.get("Config")
    hostname = config.get("Hostname") if type(config) is dict else None
    before = [name.removeprefix("/")] if type(name) is str and name else []
    after = [short_id(cid)] if type(cid) is str and cid else []
    if type(hostname) is str and hostname:
        after.append(hostname)
    return before, after


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


_BUILTIN_NETWORKS = frozenset({"bridge", "host", "none", "default"})


def is_user_defined_network(name: str) -> bool:
    """As the daemon's ``NetworkMode.IsUserDefined()`` on Linux: no built-in mode, no ``container:``."""
    return name not in _BUILTIN_NETWORKS and not name.startswith("container:")


def only_builtin_networks(networks: Mapping[str, Any]) -> bool:
    """Whether every network of a ``Networks`` map is a built-in one (``bridge``, ``host``, ...), as for
    most containers: one C-level test, before looking at the networks one by one."""
    return networks.keys() <= _BUILTIN_NETWORKS


def daemon_release(info: Mapping[str, Any]) -> int | None:
    """The major release of the daemon an `/info` answer comes from (`ServerVersion` "28.5.2" -> 28), or
    None when it does not say. Some ways back depend on it: what a daemon builds for old clients changed
    between releases (server-gates.md §2), and an `/info` answer names its daemon."""
    version = info.get("ServerVersion")
    if type(version) is not str:
        return None
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


#: Why the changes of the versions before 1.24 do not go back: no daemon of today builds those shapes
#: (Docker 26 removed them, server-gates.md §2), docker-py does not speak them, and the downgrade oracle
#: has nothing to check them against: going down stops at the 1.24 shape.
PRE_1_24 = (
    "daemons since Docker 26 no longer build the shapes before API 1.24 for old clients, and no client "
    "in use asks for them: an answer brought below 1.24 keeps the 1.24 shape here"
)
