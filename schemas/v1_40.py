"""API 1.40 (Docker 19.03)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change, Nested


class InfoPidsLimit(Change):
    """`/info` says whether the kernel supports limiting a container's processes (`PidsLimit`)."""

    endpoint = "system.info"
    versioned = False
    underivable = {"PidsLimit": "`false` is assumed: an older answer does not say"}
    PidsLimit = Added(False)


class HostConfigDeviceRequests(Change):
    """`HostConfig` carries `DeviceRequests` (`null` when the container asks for no GPUs or other
    devices)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(DeviceRequests=Added(None))
