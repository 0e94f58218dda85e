"""API 1.28 (Docker 17.04)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Added, Change, Convert, Nested


def _emptied(value: Any) -> Any:
    return {} if isinstance(value, dict) and value else value


class NetworkListContainers(Change):
    """The network list no longer says which containers are attached: `Containers` is an empty object
    (inspect the network for its containers)."""

    endpoint = "networks.list"
    Containers = Convert(_emptied)
    lost = {
        "Containers": "below 1.28 the daemon lists each network with its attached containers, which a "
        "newer list does not hold (inspect each network for them)",
    }


class HostConfigDeviceCgroupRules(Change):
    """`HostConfig` carries `DeviceCgroupRules` (`null` when there are none)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(DeviceCgroupRules=Added(None))
