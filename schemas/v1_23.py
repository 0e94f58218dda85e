"""API 1.23 (Docker 1.11)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import MISSING, Added, Change, Derived, Each, Nested, Removed
from normalize_engine.changes.moby import state_from_status_text


class InfoInitPath(Change):
    """`/info` no longer sends `InitPath` and `InitSha1` (the dockerinit binary is gone)."""

    endpoint = "system.info"
    versioned = False
    InitPath = Removed()
    InitSha1 = Removed()


def _state(data: dict[str, Any]) -> Any:
    status = data.get("Status")
    return state_from_status_text(status) if isinstance(status, str) else MISSING


class ContainerListState(Change):
    """Container list items get `State` (`running`, `paused`, `exited`, ...) derived from their `Status`
    text (`Up 5 minutes (Paused)`, `Exited (0) 2 hours ago`), as the daemon writes it."""

    endpoint = "containers.list"
    versioned = False
    State = Derived(_state, reads=("Status",))


class ContainerListMounts(Change):
    """Container list items carry `Mounts`."""

    endpoint = "containers.list"
    versioned = False
    underivable = {"Mounts": "older lists do not say; inspect the container for them"}
    Mounts = Added([])


class StatsPids(Change):
    """Stats carry `pids_stats` (empty where the kernel does not count processes)."""

    endpoint = "containers.stats"
    versioned = False
    underivable = {"pids_stats.current": "older answers do not count the container's processes"}
    pids_stats = Added({})


class InfoCgroupDriver(Change):
    """`/info` names the `CgroupDriver` (`cgroupfs` or `systemd`)."""

    endpoint = "system.info"
    versioned = False
    underivable = {"CgroupDriver": "older answers do not say"}
    CgroupDriver = Added("")


class NetworkFlags(Change):
    """Networks say whether they are `Internal` and have `EnableIPv6`, and carry `Labels`."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    Internal = Added(False)
    EnableIPv6 = Added(False)
    Labels = Added(None)


class VolumeLabels(Change):
    """Volumes carry `Labels` (`null` when they have none)."""

    endpoint = "volumes.inspect"
    versioned = False
    Labels = Added(None)


class VolumeListLabels(Change):
    """Volumes of the volume list carry `Labels` (`null` when they have none)."""

    endpoint = "volumes.list"
    versioned = False
    Volumes = Each(Labels=Added(None))


class ImageRootFS(Change):
    """Image inspect describes the image's layers in `RootFS {Type, Layers}`."""

    endpoint = "images.inspect"
    versioned = False
    underivable = {"RootFS": "older answers do not list the layers; the image history does"}
    RootFS = Added({})


class HostConfigPidsLimit(Change):
    """`HostConfig` carries `PidsLimit` (`null` when the container has no limit)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(PidsLimit=Added(None))
