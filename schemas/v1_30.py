"""API 1.30 (Docker 17.06)."""

from __future__ import annotations

from typing import Any

from normalize_engine.schema import Change

_SWARM_TYPES = frozenset({"service", "node", "secret", "config"})


class EventScope(Change):
    """Events carry `scope`: `swarm` for service, node, secret and config events, `local` for the rest."""

    endpoint = "system.events"
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "scope" in data or "Type" not in data:
            return data
        return {**data, "scope": "swarm" if data["Type"] in _SWARM_TYPES else "local"}


class BuildImageID(Change):
    """A build reports the ID of the image it made in an `aux` message (`{"aux": {"ID": "sha256:..."}}`),
    besides the `Successfully built` line."""

    endpoint = "build"
    underivable = {
        "aux": "builds before 1.30 send no `aux` message, and a normaliser that maps each document to one "
        "document cannot add it; read the ID from the `Successfully built` line",
    }


class InfoLogPlugins(Change):
    """`/info` `Plugins` lists the logging drivers in `Log`."""

    endpoint = "system.info"
    versioned = False
    underivable = {"Plugins.Log": "older answers do not list the logging drivers"}
