"""API 1.39 (Docker 18.09)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import KEPT, Added, Change, Replaced, own
from normalize_engine.changes.moby import daemon_release


class InfoUnknownStrings(Change):
    """`/info` sends an empty `KernelVersion` or `OperatingSystem` as `""` instead of `"<unknown>"`."""

    endpoint = "system.info"
    KernelVersion = Replaced("<unknown>", "", back=KEPT)
    OperatingSystem = Replaced("<unknown>", "", back=KEPT)

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        # Below 1.39 Docker 28 and before send an empty one as "<unknown>"; Docker 29 sends "" (v28.5.0:
        # api/server/router/system/system_routes.go, gone in 29.0)
        release = daemon_release(data)
        if release is None or release >= 29:
            return data
        empty = [k for k in ("KernelVersion", "OperatingSystem") if data.get(k) == ""]
        if not empty:
            return data
        data = own(data)
        for key in empty:
            data[key] = "<unknown>"
        return data


class InfoWarnings(Change):
    """`/info` carries the daemon's `Warnings` (`null` when there are none)."""

    endpoint = "system.info"
    versioned = False
    underivable = {"Warnings": "older answers do not carry the daemon's warnings"}
    Warnings = Added(None)
