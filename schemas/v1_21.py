"""API 1.21 (Docker 1.9)."""

from __future__ import annotations

import re
from typing import Any

from normalize_engine.changes.moby import PRE_1_24
from normalize_engine.changes import (
    MISSING,
    Added,
    Change,
    Derived,
    Nested,
    OmittedWhen,
    Removed,
    current_request,
    edit,
    own,
    typed,
)
from normalize_engine.changes.moby import container_state


class ContainerStateStatus(Change):
    """`State.Status` (`created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`) is derived
    from the `Running`, `Paused`, `Restarting`, `Dead` and `StartedAt` fields, as the daemon does."""

    endpoint = "containers.inspect"
    versioned = False
    State = Nested(
        Status=Derived(
            container_state,
            reads=("Running", "Paused", "Restarting", "RemovalInProgress", "Dead", "StartedAt"),
        ),
    )


def _time_nano(data: dict[str, Any]) -> Any:
    time = data.get("time")
    return time * 1_000_000_000 if isinstance(time, int) and not isinstance(time, bool) else MISSING


class EventTimeNano(Change):
    """`timeNano` is added to events that only have `time` (seconds), as `time` × 10⁹."""

    endpoint = "system.events"
    versioned = False
    timeNano = Derived(_time_nano, reads=("time",))


class ContainerNetworks(Change):
    """Container inspect lists the container's networks in `NetworkSettings.Networks`. For older answers the
    entry of the container's network (`HostConfig.NetworkMode`, `default` meaning `bridge`) is built from the
    top-level address fields; `Ports` is `{}` rather than `null`."""

    endpoint = "containers.inspect"
    kept = PRE_1_24
    underivable = {
        "NetworkSettings.Networks": "answers before 1.21 describe one network only, by the default bridge's "
        "top-level fields: the networks a container joined later, network IDs, and aliases and addresses on "
        "user-defined networks are not in them",
    }

    touches = ("NetworkSettings", "HostConfig.NetworkMode")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = data.get("NetworkSettings")
        if type(settings) is not dict or ("Networks" in settings and settings.get("Ports") is not None):
            return data
        data = own(data)
        settings = edit(data, "NetworkSettings")
        if settings.get("Ports") is None:
            settings["Ports"] = {}
        if "Networks" not in settings:
            host = data.get("HostConfig")
            mode = typed(host, "NetworkMode", str, at=("HostConfig",)) if type(host) is dict else None
            mode = mode or "default"
            name = "bridge" if mode == "default" else mode
            if name.startswith("container:"):
                settings["Networks"] = {}
            else:
                settings["Networks"] = {name: _default_network_entry(settings)}
        return data


def _default_network_entry(settings: dict[str, Any]) -> dict[str, Any]:
    """The entry of the container's one network, from the top-level fields of an old `NetworkSettings` (the
    empty values for those it lacks)."""
    get = settings.get
    return {
        "IPAMConfig": None,
        "Links": None,
        "Aliases": None,
        "NetworkID": "",
        "EndpointID": get("EndpointID", ""),
        "Gateway": get("Gateway", ""),
        "IPAddress": get("IPAddress", ""),
        "IPPrefixLen": get("IPPrefixLen", 0),
        "IPv6Gateway": get("IPv6Gateway", ""),
        "GlobalIPv6Address": get("GlobalIPv6Address", ""),
        "GlobalIPv6PrefixLen": get("GlobalIPv6PrefixLen", 0),
        "MacAddress": get("MacAddress", ""),
        "DriverOpts": None,
    }


def _move_volume_driver(data: dict[str, Any]) -> dict[str, Any]:
    config = data.get("Config")
    if type(config) is not dict or "VolumeDriver" not in config or type(data.get("HostConfig")) is not dict:
        return data
    data = own(data)
    driver = edit(data, "Config").pop("VolumeDriver")
    edit(data, "HostConfig").setdefault("VolumeDriver", driver)
    return data


class ContainerConfigOmitEmpty(Change):
    """Container inspect's `Config.VolumeDriver` moves to `HostConfig.VolumeDriver` (when there is a
    `HostConfig` object), and `Config` leaves out an empty `MacAddress`, a false `NetworkDisabled` and a
    null `ExposedPorts`."""

    endpoint = "containers.inspect"
    kept = PRE_1_24
    Config = Nested(
        MacAddress=OmittedWhen(""),
        NetworkDisabled=OmittedWhen(False),
        ExposedPorts=OmittedWhen(None),
    )

    touches = ("Config.VolumeDriver", "HostConfig.VolumeDriver")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        return _move_volume_driver(data)


class ContainerSizes(Change):
    """Container inspect with `?size=1` reports `SizeRw` and `SizeRootFs`."""

    endpoint = "containers.inspect"
    underivable = {
        "SizeRw": "daemons ignored `size=1` before 1.21, so the old answer has no sizes",
        "SizeRootFs": "daemons ignored `size=1` before 1.21, so the old answer has no sizes",
    }


_FULL_ID = re.compile(r"^[0-9a-f]{64}$")


class StatsNetworks(Change):
    """Stats count network traffic per interface in `networks`; the single `network` object of older answers
    becomes the entry of `eth0`. `id` is added when the request named the container by its full ID."""

    endpoint = "containers.stats"
    kept = PRE_1_24
    underivable = {
        "name": "older stats answers do not carry the container's name",
        "networks": "older stats answers add every interface up into one `network`, given here as `eth0`",
        "id": "older stats answers do not carry the container's ID; it is filled only when the request path "
        "holds the full ID",
    }

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "network" not in data and "id" in data:
            return data
        out = own(data)
        if "network" in out:
            network = out.pop("network")
            out.setdefault("networks", {"eth0": network} if isinstance(network, dict) else None)
        params = current_request().params
        if "id" not in out and params and _FULL_ID.match(params[0]):
            out["id"] = params[0]
        return out


class ContainerSandbox(Change):
    """Container inspect's `NetworkSettings` names the container's network sandbox in `SandboxID` and
    `SandboxKey` (empty for answers that predate sandboxes), and drops the long-unused `PortMapping`."""

    endpoint = "containers.inspect"
    versioned = False
    NetworkSettings = Nested(PortMapping=Removed(), SandboxID=Added(""), SandboxKey=Added(""))


class ContainerListImageID(Change):
    """Container list items carry `ImageID`, the ID of the container's image."""

    endpoint = "containers.list"
    versioned = False
    underivable = {"ImageID": "older lists name the image only; inspect the image named by `Image` for it"}


class ImageInspectRepoLists(Change):
    """Image inspect carries the image's `RepoTags` and `RepoDigests`."""

    endpoint = "images.inspect"
    versioned = False
    underivable = {
        "RepoTags": "older answers do not list them; the image list does",
        "RepoDigests": "older answers do not list them; the image list does",
    }
    RepoTags = Added([])
    RepoDigests = Added([])


class InfoServerVersion(Change):
    """`/info` carries `ServerVersion`, `CPUShares` and `CPUSet`."""

    endpoint = "system.info"
    versioned = False
    underivable = {
        "ServerVersion": "older answers do not say; `/version` `Version` does",
        "CPUShares": "`false` is assumed: an older answer does not say",
        "CPUSet": "`false` is assumed: an older answer does not say",
    }
    CPUShares = Added(False)
    CPUSet = Added(False)


class HostConfigMemoryReservation(Change):
    """`HostConfig` carries `MemoryReservation`, `DnsOptions` and `OomScoreAdj`; an older answer gets what
    a daemon sends for a container created without them."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(MemoryReservation=Added(0), DnsOptions=Added(None), OomScoreAdj=Added(0))
