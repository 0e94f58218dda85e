"""API 1.23 (Docker 1.11)."""

from __future__ import annotations

from typing import Any

from normalize_engine._derive import state_from_status_text
from normalize_engine.schema import Change, Removed


class InfoInitPath(Change):
    """`/info` no longer sends `InitPath` and `InitSha1` (the dockerinit binary is gone)."""

    endpoint = "system.info"
    versioned = False
    InitPath = Removed()
    InitSha1 = Removed()


class ContainerListState(Change):
    """Container list items get `State` (`running`, `paused`, `exited`, ...) derived from their `Status`
    text (`Up 5 minutes (Paused)`, `Exited (0) 2 hours ago`), as the daemon writes it."""

    endpoint = "containers.list"
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "State" in data or not isinstance(data.get("Status"), str):
            return data
        return {**data, "State": state_from_status_text(data["Status"])}
