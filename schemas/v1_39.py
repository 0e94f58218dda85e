"""API 1.39 (Docker 18.09)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change, Replaced


class InfoUnknownStrings(Change):
    """`/info` sends an empty `KernelVersion` or `OperatingSystem` as `""` instead of `"<unknown>"`."""

    endpoint = "system.info"
    KernelVersion = Replaced("<unknown>", "")
    OperatingSystem = Replaced("<unknown>", "")


class InfoWarnings(Change):
    """`/info` carries the daemon's `Warnings` (`null` when there are none)."""

    endpoint = "system.info"
    versioned = False
    underivable = {"Warnings": "older answers do not carry the daemon's warnings"}
    Warnings = Added(None)
