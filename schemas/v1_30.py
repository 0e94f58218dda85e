"""API 1.30 (Docker 17.06)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import MISSING, Change, Derived, typed

_SWARM_TYPES = frozenset({"service", "node", "secret", "config"})


def _scope(data: dict[str, Any]) -> Any:
    if "Type" not in data:
        return MISSING
    return "swarm" if typed(data, "Type", str) in _SWARM_TYPES else "local"


class EventScope(Change):
    """Events carry `scope`: `swarm` for service, node, secret and config events, `local` for the rest."""

    endpoint = "system.events"
    versioned = False
    scope = Derived(_scope, reads=("Type",))


class BuildImageID(Change):
    """A build reports the ID of the image it made in an `aux` message (`{"aux": {"ID": "sha256:..."}}`),
    besides the `Successfully built` line."""

    endpoint = "build"
    underivable = {
        "aux": "builds before 1.30 send no `aux` message, and a normaliser that maps each document to one "
        "document cannot add it; read the ID from the `Successfully built` line",
    }
    lost = {
        "aux": "going down the `aux` document stays: the daemon sends no such document below 1.30, and a "
        "chain maps each document to one document; older code ignores unknown keys",
    }


class InfoLogPlugins(Change):
    """`/info` `Plugins` lists the logging drivers in `Log`."""

    endpoint = "system.info"
    versioned = False
    underivable = {"Plugins.Log": "older answers do not list the logging drivers"}
