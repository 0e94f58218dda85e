"""API 1.20 (Docker 1.8)."""

from __future__ import annotations

import re
from typing import Any

from normalize_engine.changes.moby import PRE_1_24
from normalize_engine.changes import Added, Change, Nested, edit, own

# A volume's host path: <data-root>/volumes/<name>/_data
_VOLUME_PATH = re.compile(r"/volumes/([^/]+)/_data$")
# Config keys that moved to HostConfig (old name -> new name), and the one that was dropped.
_MOVED_TO_HOST_CONFIG = {
    "Memory": "Memory",
    "MemorySwap": "MemorySwap",
    "CpuShares": "CpuShares",
    "Cpuset": "CpusetCpus",
}
_OLD_CONFIG_KEYS = frozenset({*_MOVED_TO_HOST_CONFIG, "PortSpecs"})


def mounts_from_volumes(volumes: dict[str, Any], writable: Any) -> list[dict[str, Any]]:
    """`Mounts` rebuilt from the `Volumes` and `VolumesRW` maps of answers before API 1.20."""
    if type(writable) is not dict:
        writable = {}
    mounts = []
    for destination, source in volumes.items():
        rw = bool(writable.get(destination, True))
        match = _VOLUME_PATH.search(source) if isinstance(source, str) else None
        if match:
            mounts.append(
                {
                    "Type": "volume",
                    "Name": match.group(1),
                    "Source": source,
                    "Destination": destination,
                    "Driver": "local",
                    "Mode": "",
                    "RW": rw,
                    "Propagation": "",
                }
            )
        else:
            mounts.append(
                {
                    "Type": "bind",
                    "Source": source,
                    "Destination": destination,
                    "Mode": "" if rw else "ro",
                    "RW": rw,
                    "Propagation": "rprivate",
                }
            )
    return mounts


class ContainerMountsFromVolumes(Change):
    """Container inspect describes mounts in `Mounts`, rebuilt from the `Volumes` (destination → host path)
    and `VolumesRW` (destination → writable) maps of older answers, which are dropped. A host path under the
    daemon's `volumes/<name>/_data` is a `local` volume named `<name>`, anything else a bind mount."""

    endpoint = "containers.inspect"
    kept = PRE_1_24
    underivable = {
        "Mounts.*.Mode": "older answers do not keep the mode options (`z`, `ro`, ...) given at creation",
        "Mounts.*.Driver": "older answers do not name a volume's driver; `local` is assumed",
    }

    touches = ("Volumes", "VolumesRW", "Mounts")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Volumes" not in data and "VolumesRW" not in data:
            return data
        data = own(data)
        volumes = data.pop("Volumes", None)
        writable = data.pop("VolumesRW", None)
        if not data.get("Mounts") and type(volumes) is dict:
            data["Mounts"] = mounts_from_volumes(volumes, writable) if volumes else []
        return data


class ContainerConfigResources(Change):
    """Container inspect keeps resource limits in `HostConfig` only: `Config.Memory`, `Config.MemorySwap`,
    `Config.CpuShares` and `Config.Cpuset` (as `HostConfig.CpusetCpus`) move there, and the long-unused
    `Config.PortSpecs` is dropped. (An answer without a `HostConfig` object keeps them where they are.)"""

    endpoint = "containers.inspect"
    kept = PRE_1_24

    touches = (
        *(f"Config.{old}" for old in _OLD_CONFIG_KEYS),
        *(f"HostConfig.{new}" for new in _MOVED_TO_HOST_CONFIG.values()),
    )

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        config = data.get("Config")
        if type(config) is not dict or config.keys().isdisjoint(_OLD_CONFIG_KEYS):
            return data
        data = own(data)
        config = edit(data, "Config")
        config.pop("PortSpecs", None)
        if type(data.get("HostConfig")) is dict:
            host = edit(data, "HostConfig")
            for old, new in _MOVED_TO_HOST_CONFIG.items():
                if old in config:
                    value = config.pop(old)
                    if new not in host:
                        host[new] = value
        return data


class HostConfigGroupAdd(Change):
    """`HostConfig` carries `GroupAdd` (`null` when the container joins no extra groups)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(GroupAdd=Added(None))
