"""API 1.19 (Docker 1.7)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Added, Change, Convert, Nested

_INT_FLAGS = ("Debug", "IPv4Forwarding", "MemoryLimit", "SwapLimit")


def _flag(value: Any) -> Any:
    return bool(value) if isinstance(value, int) and not isinstance(value, bool) else value


class InfoFlagsBoolean(Change):
    """`/info` sends `Debug`, `IPv4Forwarding`, `MemoryLimit` and `SwapLimit` as booleans, where Docker 1.6
    sent 0 or 1."""

    endpoint = "system.info"
    versioned = False
    Debug = Convert(_flag)
    IPv4Forwarding = Convert(_flag)
    MemoryLimit = Convert(_flag)
    SwapLimit = Convert(_flag)


class InfoCgroupFeatures(Change):
    """`/info` says whether CFS period and quota, OOM-kill disabling and experimental builds are available;
    older answers get `false`."""

    endpoint = "system.info"
    versioned = False
    underivable = {
        "CpuCfsPeriod": "`false` is assumed: an older answer does not say",
        "CpuCfsQuota": "`false` is assumed: an older answer does not say",
        "OomKillDisable": "`false` is assumed: an older answer does not say",
    }
    CpuCfsPeriod = Added(False)
    CpuCfsQuota = Added(False)
    OomKillDisable = Added(False)
    ExperimentalBuild = Added(False)


class ImageListLabels(Change):
    """Image list items carry the image's `Labels` (`null` when it has none)."""

    endpoint = "images.list"
    versioned = False
    Labels = Added(None)


class ImageHistoryFields(Change):
    """Image history entries carry `Tags`, `Size` and `Comment`."""

    endpoint = "images.history"
    versioned = False
    Tags = Added(None)
    Size = Added(0)
    Comment = Added("")


class StatsPreCPU(Change):
    """Stats carry `precpu_stats`, the CPU counters of the previous read (empty for an answer without)."""

    endpoint = "containers.stats"
    versioned = False
    precpu_stats = Added({})


class HostConfigCpuAndBlkio(Change):
    """`HostConfig` carries `CpuPeriod`, `CpuQuota`, `CpusetMems`, `BlkioWeight` and `OomKillDisable`; an
    older answer gets what a daemon sends for a container created without them."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(
        CpuPeriod=Added(0),
        CpuQuota=Added(0),
        CpusetMems=Added(""),
        BlkioWeight=Added(0),
        OomKillDisable=Added(False),
    )
