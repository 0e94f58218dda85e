"""API 1.21 (Docker 1.9)."""

from __future__ import annotations

from typing import Any

from normalize_engine._derive import container_state
from normalize_engine.schema import Change, Nested, Shape


class _StateWithStatus(Shape):
    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Status" in data:
            return data
        return {**data, "Status": container_state(data)}


class ContainerStateStatus(Change):
    """`State.Status` (`created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`) is derived
    from the `Running`, `Paused`, `Restarting`, `Dead` and `StartedAt` fields, as the daemon does."""

    endpoint = "containers.inspect"
    versioned = False
    State = Nested(_StateWithStatus)


class EventTimeNano(Change):
    """`timeNano` is added to events that only have `time` (seconds), as `time` × 10⁹."""

    endpoint = "system.events"
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "timeNano" in data or not isinstance(data.get("time"), int):
            return data
        return {**data, "timeNano": data["time"] * 1_000_000_000}
