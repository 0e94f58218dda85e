"""API 1.22 (Docker 1.10)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Added, Change, Each, Nested, Removed, Values, own


class EventTypeActionActor(Change):
    """Events get `Type`, `Action` and `Actor {ID, Attributes}` from the legacy `status`, `id` and `from`:
    an event with `from` is a container event whose image goes to `Actor.Attributes.image`, one without is
    an image event."""

    endpoint = "system.events"
    versioned = False
    underivable = {
        "Actor.Attributes": "old events carry only the image of a container event; names and labels are lost",
    }

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Type" in data or "status" not in data:
            return data
        attributes = {} if data.get("from") is None else {"image": data["from"]}
        derived = {
            "Type": "container" if "from" in data else "image",
            "Action": data["status"],
            "Actor": {"ID": data.get("id", ""), "Attributes": attributes},
        }
        return {**derived, **data}  # what the answer already holds wins


class ExecInspectContainerID(Change):
    """Exec inspect names its container by `ContainerID` instead of embedding the whole container as
    `Container`; `CanRemove` and `DetachKeys` are added; `ExitCode` is `null` while the process runs."""

    endpoint = "exec.inspect"
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "ContainerID" in data and "CanRemove" in data and "DetachKeys" in data:
            return data
        out = own(data)
        container = out.pop("Container", None)
        if "ContainerID" not in out:
            cid = ""
            if isinstance(container, dict):
                cid = container.get("ID") or container.get("Id") or ""
            out["ContainerID"] = cid
        out.setdefault("CanRemove", False)
        out.setdefault("DetachKeys", "")
        if out.get("Running") is True and out.get("ExitCode") == 0:
            out["ExitCode"] = None
        return out


class ContainerInspectFields(Change):
    """Container inspect gains `State.Dead`, each network's `NetworkID`, `IPAMConfig`, `Links` and
    `Aliases` (empty when unknown), each mount's `Propagation`; `ExecDriver` and `HostConfig.LxcConf` (LXC
    support is gone) are dropped."""

    endpoint = "containers.inspect"
    versioned = False
    underivable = {
        "NetworkSettings.Networks.*.NetworkID": "older answers name networks, not their IDs; inspect the "
        "network by name for it",
    }
    State = Nested(Dead=Added(False))
    NetworkSettings = Nested(
        Networks=Values(IPAMConfig=Added(None), Links=Added(None), Aliases=Added(None), NetworkID=Added("")),
    )
    Mounts = Each(Propagation=Added(""))
    ExecDriver = Removed()
    HostConfig = Nested(LxcConf=Removed())


class ContainerListHostConfig(Change):
    """Container list items carry `HostConfig {NetworkMode}` and `NetworkSettings {Networks}`."""

    endpoint = "containers.list"
    versioned = False
    underivable = {
        "HostConfig.NetworkMode": "older lists do not say; inspect the container for it",
        "NetworkSettings.Networks": "older lists do not say; inspect the container for them",
    }
    HostConfig = Added({})
    NetworkSettings = Added({"Networks": {}})


class InfoCounts(Change):
    """`/info` counts running, paused and stopped containers, and names the architecture, the OS type and
    the volume and network plugins."""

    endpoint = "system.info"
    versioned = False
    underivable = {
        "ContainersRunning": "older answers give the total only",
        "ContainersPaused": "older answers give the total only",
        "ContainersStopped": "older answers give the total only",
        "Architecture": "older answers do not say; `/version` `Arch` does",
        "OSType": "older answers do not say; `/version` `Os` does",
        "Plugins": "older answers do not list plugins",
    }


class NetworkInspectContainerNames(Change):
    """Network inspect names each attached container in `Containers.*.Name`."""

    endpoint = "networks.inspect"
    versioned = False
    underivable = {"Containers.*.Name": "older answers give container IDs only"}
    Containers = Values(Name=Added(""))


class VolumeListWarnings(Change):
    """The volume list carries `Warnings` (`null` when there are none)."""

    endpoint = "volumes.list"
    versioned = False
    Warnings = Added(None)


class HostConfigBlkioDevices(Change):
    """`HostConfig` carries the per-device block I/O limits (`BlkioWeightDevice`, `BlkioDeviceReadBps`,
    `BlkioDeviceWriteBps`, `BlkioDeviceReadIOps`, `BlkioDeviceWriteIOps`; `null` when unset) and
    `ShmSize`."""

    endpoint = "containers.inspect"
    versioned = False
    underivable = {
        "HostConfig.ShmSize": "the size of /dev/shm is the daemon's default (64 MiB unless "
        "configured), which an older answer does not say",
    }
    HostConfig = Nested(
        BlkioWeightDevice=Added(None),
        BlkioDeviceReadBps=Added(None),
        BlkioDeviceWriteBps=Added(None),
        BlkioDeviceReadIOps=Added(None),
        BlkioDeviceWriteIOps=Added(None),
    )
