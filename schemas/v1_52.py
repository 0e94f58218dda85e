"""API 1.52 (Docker 29.0 and 29.1)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from normalize_engine.changes import (
    MISSING,
    Added,
    Change,
    Derived,
    Each,
    Nested,
    OmittedWhen,
    Removed,
    Replaced,
    Shape,
    current_request,
    own,
    typed,
)
from normalize_engine.changes.moby import health_from_status_text

# Names of containerd snapshotters that no graph driver ever had (moby's graph drivers were aufs, btrfs,
# devicemapper, fuse-overlayfs, overlay, overlay2, vfs, zfs, windowsfilter). `overlayfs`, `native` and
# `windows` are what a daemon picks when it moves from overlay2, vfs and windowsfilter to the containerd
# store (daemon/daemon.go); the rest are containerd's other built-in and the common proxy snapshotters.
# `btrfs`, `zfs` and `fuse-overlayfs` name both a graph driver and a snapshotter, so they say nothing.
_MOVED_TO = ("overlayfs", "native", "windows")
_SNAPSHOTTERS = frozenset(
    (*_MOVED_TO, "devmapper", "blockfile", "erofs", "stargz", "nydus", "soci", "overlaybd")
)


def _snapshotter_name(graph_driver: Any, containerd_store: bool) -> str | None:
    """The snapshotter an old answer's `GraphDriver` stands for, or None when it is a graph driver's.

    A daemon on the containerd image store sends `GraphDriver {Name: <snapshotter>, Data: null}` below API
    1.52 (daemon/server/router/container/inspect.go, image/image_routes.go: `GraphDriverLegacy`); a graph
    driver may send `Data: null` too (vfs did before Docker 23), so the name or another sign of the
    containerd store (`containerd_store`) decides.
    """
    if type(graph_driver) is not dict or graph_driver.get("Data"):
        return None
    name = graph_driver.get("Name")
    if type(name) is not str or not name:
        return None
    return name if containerd_store or name in _SNAPSHOTTERS else None


_SNAPSHOTTER_UNDERIVABLE = (
    "below 1.52 a containerd-store daemon shows its snapshotter as `GraphDriver {{Name}}`, as a graph driver "
    "is shown; a snapshotter-only name (`overlayfs`, `native`, ...) or {sign} (API 1.48 and up) tells them "
    "apart, but `btrfs`, `zfs` and `fuse-overlayfs` name both, so such an answer without {sign} keeps "
    "`GraphDriver`"
)

# ------------------------------------------------------------------------------------------------ images


class ImageConfigOmitEmpty(Change):
    """Image inspect's `Config` leaves out `Cmd`, `Entrypoint`, `Env`, `Labels`, `OnBuild`, `User`,
    `Volumes` and `WorkingDir` when they are empty."""

    endpoint = "images.inspect"
    Config = Nested(
        Cmd=OmittedWhen(None, []),
        Entrypoint=OmittedWhen(None, []),
        Env=OmittedWhen(None, []),
        Labels=OmittedWhen(None, {}),
        OnBuild=OmittedWhen(None, []),
        User=OmittedWhen(None, "", back=Added("")),
        Volumes=OmittedWhen(None, {}),
        WorkingDir=OmittedWhen(None, "", back=Added("")),
    )


class ImageLegacyFieldsOmitEmpty(Change):
    """Image inspect leaves out `Parent`, `Comment`, `DockerVersion` and `Author` when they are empty."""

    endpoint = "images.inspect"
    Parent = OmittedWhen("")
    Comment = OmittedWhen("")
    DockerVersion = OmittedWhen("")
    Author = OmittedWhen("")


class ImageGraphDriverSnapshotter(Change):
    """Image inspect on a daemon that uses the containerd image store no longer sends `GraphDriver` (it
    named the snapshotter, with no `Data`); on a graph-driver daemon `GraphDriver` stays."""

    endpoint = "images.inspect"
    underivable = {"GraphDriver": _SNAPSHOTTER_UNDERIVABLE.format(sign="`Descriptor`")}
    lost = {
        "GraphDriver": "below 1.52 a containerd-store daemon names its snapshotter in `GraphDriver`; a "
        "newer image inspect answer does not say which snapshotter holds the image",
    }

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        containerd_store = data.get("Descriptor") is not None  # only the containerd store sets it
        if _snapshotter_name(data.get("GraphDriver"), containerd_store) is None:
            return data
        out = own(data)
        del out["GraphDriver"]
        return out


# -------------------------------------------------------------------------------------- container inspect


def _from_bridge(key: str) -> Callable[[dict[str, Any]], Any]:
    """Going down: the top-level address ``key`` as the daemon copies it from `Networks.bridge` below 1.52
    (daemon/server/router/container/inspect.go); a container not on `bridge` has none."""

    def derive(settings: dict[str, Any]) -> Any:
        networks = settings.get("Networks")
        bridge = networks.get("bridge") if type(networks) is dict else None
        if type(bridge) is not dict or key not in bridge:
            return MISSING
        return bridge[key]

    derive.__name__ = f"bridge_{key}"
    return derive


class ContainerNetworkSettingsDefaultNetwork(Change):
    """Container inspect's `NetworkSettings` no longer repeats the default network's addresses at its top
    level (`IPAddress`, `Gateway`, `MacAddress`, `EndpointID`, `IPPrefixLen`, `IPv6Gateway`,
    `GlobalIPv6Address`, `GlobalIPv6PrefixLen`): read them from `NetworkSettings.Networks.bridge`."""

    endpoint = "containers.inspect"
    NetworkSettings = Nested(
        {
            key: Removed(back=Derived(_from_bridge(key), reads=("Networks",)))
            for key in (
                "EndpointID",
                "Gateway",
                "GlobalIPv6Address",
                "GlobalIPv6PrefixLen",
                "IPAddress",
                "IPPrefixLen",
                "IPv6Gateway",
                "MacAddress",
            )
        }
    )



class ContainerNetworkSettingsLegacy(Change):
    """Container inspect's `NetworkSettings` no longer has `Bridge`, `HairpinMode`, `LinkLocalIPv6Address`,
    `LinkLocalIPv6PrefixLen`, `SecondaryIPAddresses` and `SecondaryIPv6Addresses` (unused since Docker
    1.9)."""

    endpoint = "containers.inspect"
    versioned = False
    NetworkSettings = Nested(
        Bridge=Removed(),
        HairpinMode=Removed(),
        LinkLocalIPv6Address=Removed(),
        LinkLocalIPv6PrefixLen=Removed(),
        SecondaryIPAddresses=Removed(),
        SecondaryIPv6Addresses=Removed(),
    )


class ContainerConfigMacAddress(Change):
    """Container inspect no longer sends `Config.MacAddress`, the address asked for when the container was
    created: each network's `MacAddress` in `NetworkSettings.Networks` has it."""

    endpoint = "containers.inspect"
    Config = Nested(MacAddress=Removed())


class ContainerOnBuildOmitEmpty(Change):
    """Container inspect leaves out `Config.OnBuild` when it is empty."""

    endpoint = "containers.inspect"
    versioned = False
    Config = Nested(OnBuild=OmittedWhen(None, []))


class ContainerKernelMemoryRemoved(Change):
    """Container inspect no longer sends `HostConfig.KernelMemory` and `HostConfig.KernelMemoryTCP`
    (kernel memory limits are not supported any more)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(KernelMemory=Removed(), KernelMemoryTCP=Removed())


class ContainerStorage(Change):
    """Container inspect on a daemon that uses the containerd image store names the container's snapshotter
    in `Storage.RootFS.Snapshot.Name` instead of in `GraphDriver.Name`, and sends no `GraphDriver`; on a
    graph-driver daemon `GraphDriver` stays."""

    endpoint = "containers.inspect"
    underivable = {"Storage": _SNAPSHOTTER_UNDERIVABLE.format(sign="`ImageManifestDescriptor`")}

    touches = ("Storage", "ImageManifestDescriptor", "GraphDriver")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Storage" in data:
            return data
        containerd_store = data.get("ImageManifestDescriptor") is not None  # only the containerd store
        name = _snapshotter_name(data.get("GraphDriver"), containerd_store)
        if name is None:
            return data
        data = own(data)
        del data["GraphDriver"]
        data["Storage"] = {"RootFS": {"Snapshot": {"Name": name}}}
        return data

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        # below 1.52 the daemon shows the snapshotter as `GraphDriver {Name}` and drops `Storage`
        storage = data.get("Storage")
        rootfs = storage.get("RootFS") if type(storage) is dict else None
        snapshot = rootfs.get("Snapshot") if type(rootfs) is dict else None
        name = snapshot.get("Name") if type(snapshot) is dict else None
        if type(name) is not str or "GraphDriver" in data:
            return data
        data = own(data)
        del data["Storage"]
        data["GraphDriver"] = {"Data": None, "Name": name}
        return data


# ------------------------------------------------------------------------------------------------ events


class EventLegacyFields(Change):
    """Events no longer carry the legacy `status`, `id` and `from`: read `Action`, `Actor.ID` and
    `Actor.Attributes.image`. (Docker 29.x adds them back below 1.52 by re-encoding container and image
    events through a generic map, `compat.Wrap` in daemon/internal/compat/compat.go: their keys come
    sorted and their `timeNano` rounded to float64 precision, digits no normaliser can restore.)"""

    endpoint = "system.events"
    status = Removed(back=Derived(lambda e: _legacy_event(e, "status"), reads=("Type", "Action")))
    id = Removed(back=Derived(lambda e: _legacy_event(e, "id"), reads=("Type", "Actor")))
    from_ = Removed(data_key="from", back=Derived(lambda e: _legacy_event(e, "from"), reads=("Type", "Actor")))


def _legacy_event(event: dict[str, Any], key: str) -> Any:
    """What Docker 29 adds back below 1.52 (`backFillLegacy`, daemon/server/router/system/system_routes.go):
    container events get `id` (`Actor.ID`), `status` (`Action`) and `from` (`Actor.Attributes.image`, `""`
    without it), image events `id` and `status`; other types nothing."""
    kind = event.get("Type")
    if kind not in ("container", "image") or (key == "from" and kind != "container"):
        return MISSING
    if key == "status":
        return event.get("Action", MISSING)
    actor = event.get("Actor")
    if type(actor) is not dict:
        return MISSING
    if key == "id":
        return actor.get("ID", MISSING)
    attributes = actor.get("Attributes")
    image = attributes.get("image") if type(attributes) is dict else None
    return image if type(image) is str else ""


# ---------------------------------------------------------------------------------------- container list


def _health(data: dict[str, Any]) -> Any:
    """A container summary's `Health`, read from its `Status` text (daemon/container/view.go)."""
    status = data.get("Status")
    if type(status) is not str:
        return MISSING
    return {"Status": health_from_status_text(status), "FailingStreak": 0}


_FAILING_STREAK = (
    "the `Status` text does not count failed checks; inspect the container (`State.Health.FailingStreak`) "
    "for it"
)


class ContainerListHealth(Change):
    """Container list items carry `Health {Status, FailingStreak}` for every container: the status is read
    from the `Status` text (`(healthy)`, `(unhealthy)`, `(health: starting)`, else `none`)."""

    endpoint = "containers.list"
    underivable = {"Health.FailingStreak": _FAILING_STREAK}
    Health = Derived(_health, reads=("Status",))


class _PortIP(Shape):
    IP = Added("")


class ContainerListPortIP(Change):
    """Every entry of a container list item's `Ports` has `IP`: a port that is exposed but not published
    gets `"IP": ""` (it had no `IP` key)."""

    endpoint = "containers.list"
    versioned = False
    Ports = Each(_PortIP)


# ------------------------------------------------------------------------------------------- /system/df


class DiskUsageContainers(Change):
    """`/system/df` lists its `Containers` as the container list does: each has `Health` (read from the
    `Status` text) and each port has `IP` (`""` when not published)."""

    endpoint = "system.df"
    versioned = False
    underivable = {"Containers.*.Health.FailingStreak": _FAILING_STREAK}
    Containers = Each(Health=Derived(_health, reads=("Status",)), Ports=Each(_PortIP))


def _int(value: Any, default: int = 0) -> int:
    return value if type(value) is int else default


def _image_usage(images: list[Any], body: dict[str, Any]) -> dict[str, int]:
    # daemon/disk_usage.go imageDiskUsage; TotalSize is the layer store's size, which LayersSize was
    usage = {"ActiveCount": 0, "Reclaimable": 0, "TotalCount": len(images)}
    usage["TotalSize"] = _int(body.get("LayersSize"))
    for image in images:
        if type(image) is not dict:
            continue
        containers = _int(image.get("Containers"), -1)
        size, shared = _int(image.get("Size"), -1), _int(image.get("SharedSize"), -1)
        if containers > 0:
            usage["ActiveCount"] += 1
        elif containers == 0 and size != -1 and shared != -1:
            usage["Reclaimable"] += size - shared
    return usage


_ACTIVE_STATES = frozenset({"running", "paused", "restarting"})


def _container_usage(containers: list[Any], body: dict[str, Any]) -> dict[str, int]:
    # daemon/disk_usage.go containerDiskUsage
    usage = {"ActiveCount": len(containers), "Reclaimable": 0, "TotalCount": len(containers), "TotalSize": 0}
    for index, container in enumerate(containers):
        if type(container) is not dict:
            continue
        size = _int(container.get("SizeRw"))
        usage["TotalSize"] += size
        if typed(container, "State", str, at=("Containers", index)) not in _ACTIVE_STATES:
            usage["Reclaimable"] += size
            usage["ActiveCount"] -= 1
    return usage


def _volume_usage(volumes: list[Any], body: dict[str, Any]) -> dict[str, int]:
    # daemon/disk_usage.go localVolumesSize: a volume of unknown size (-1) counts as active
    usage = {"ActiveCount": len(volumes), "Reclaimable": 0, "TotalCount": len(volumes), "TotalSize": 0}
    for volume in volumes:
        data = volume.get("UsageData") if type(volume) is dict else None
        if type(data) is not dict:
            continue
        size = _int(data.get("Size"), -1)
        if size == -1:
            continue
        usage["TotalSize"] += size
        if _int(data.get("RefCount"), -1) == 0:
            usage["Reclaimable"] += size
            usage["ActiveCount"] -= 1
    return usage


def _build_cache_usage(records: list[Any], body: dict[str, Any]) -> dict[str, int]:
    # daemon/internal/builder-next/builder.go DiskUsage
    usage = {"ActiveCount": 0, "Reclaimable": 0, "TotalCount": len(records), "TotalSize": 0}
    for record in records:
        if type(record) is not dict:
            continue
        size = _int(record.get("Size"))
        usage["TotalSize"] += size
        if record.get("InUse") is True:
            usage["ActiveCount"] += 1
        elif record.get("Shared") is not True:
            usage["Reclaimable"] += size
    return usage


_Summarise = Callable[[list[Any], dict[str, Any]], dict[str, int]]
_DISK_USAGE: tuple[tuple[str, str, str, _Summarise], ...] = (
    ("Images", "ImageUsage", "image", _image_usage),
    ("Containers", "ContainerUsage", "container", _container_usage),
    ("Volumes", "VolumeUsage", "volume", _volume_usage),
    ("BuildCache", "BuildCacheUsage", "build-cache", _build_cache_usage),
)
_LEGACY_DISK_USAGE = ("LayersSize", "Images", "Containers", "Volumes", "BuildCache")


def _bool_param(values: list[str] | None) -> bool:
    """As the daemon's ``httputils.BoolValue``: set, and not one of "", 0, no, false, none."""
    if not values:
        return False
    return values[0].strip().lower() not in ("", "0", "no", "false", "none")


class DiskUsageSummaries(Change):
    """`/system/df` adds `ImageUsage`, `ContainerUsage`, `VolumeUsage` and `BuildCacheUsage`, each
    `{ActiveCount, Reclaimable, TotalCount, TotalSize, Items}`, computed from the lists as the daemon does
    (zero counts and sizes are left out; `Items` repeats the list). The lists (`LayersSize`, `Images`,
    `Containers`, `Volumes`, `BuildCache`) are still sent, except with `verbose=1`; with `type=` only the
    types asked for are there."""

    endpoint = "system.df"
    underivable = {"ContainerUsage.Items.*.Health.FailingStreak": _FAILING_STREAK}

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if any(usage in data for _, usage, _, _ in _DISK_USAGE):
            return data  # already the new shape
        query = parse_qs(current_request().query, keep_blank_values=True)
        asked = set(query["type"]) if "type" in query else None  # daemons before 1.42 ignored `type`
        out = own(data)  # data itself when the library owns it: what the loop reads stays as it was
        for key, usage_key, kind, summarise in _DISK_USAGE:
            if asked is not None and kind not in asked:
                out.pop(key, None)  # below 1.52 an unrequested type was `null` (or computed anyway)
                if key == "Images":
                    out.pop("LayersSize", None)
                continue
            if key not in data:
                continue
            items = data[key]
            if items is None:
                items = []
            elif type(items) is not list:
                continue
            out[key] = items
            usage: dict[str, Any] = {k: v for k, v in summarise(items, data).items() if v}
            if items:
                usage["Items"] = copy.deepcopy(items)
            out[usage_key] = usage
        if out.get("LayersSize") == 0:
            del out["LayersSize"]
        if _bool_param(query.get("verbose")):
            for key in _LEGACY_DISK_USAGE:
                out.pop(key, None)
        return out

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        if not any(usage in data for _, usage, _, _ in _DISK_USAGE):
            return data
        out = own(data)
        for _, usage, _, _ in _DISK_USAGE:
            out.pop(usage, None)
        return out


# ---------------------------------------------------------------------------------------------- networks


class NetworkListWithoutContainers(Change):
    """Network list items no longer have a `Containers` key (it was always empty since API 1.28)."""

    endpoint = "networks.list"
    versioned = False
    Containers = Removed()


def _network_status(data: dict[str, Any]) -> Any:
    """A network's `Status` where it can be known without the daemon's allocator: the `host` and `null`
    drivers assign no addresses, so their `Status.IPAM` has no subnets (`Network.IPAMStatus` returns early
    for `hasSpecialDriver()`, daemon/libnetwork/network.go; `Subnets` is omitted when empty)."""
    if data.get("Driver") in ("host", "null"):
        return {"IPAM": {}}
    return MISSING


class NetworkStatus(Change):
    """Network inspect adds `Status.IPAM.Subnets`, how many addresses of each subnet are in use and how many
    are still free for dynamic allocation. The `host` and `null` networks get `{"IPAM": {}}`, as Docker
    29.7 sends for them: they have no subnets to count."""

    endpoint = "networks.inspect"
    underivable = {"Status": "an older answer does not count the addresses allocated in a subnet"}
    Status = Derived(_network_status, reads=("Driver",))


# ------------------------------------------------------------------------------------------------ system


class InfoRegistryMirrorsList(Change):
    """`/info` `RegistryConfig.Mirrors` is `[]` when no mirror is configured. Docker 26.1 and 28.5 send
    `null` at every API version; Docker 20.10 and 29.7 send `[]` at every API version (29.7, the newest
    daemon, decides). It sits at 1.52 (Docker 29.0), the newest version that can have made it, so that
    every older answer gets it."""

    endpoint = "system.info"
    versioned = False
    RegistryConfig = Nested(Mirrors=Replaced(None, []))


class InfoKernelMemoryTCP(Change):
    """`/info` no longer sends `KernelMemoryTCP` (kernel TCP memory limits are not supported any more)."""

    endpoint = "system.info"
    versioned = False
    KernelMemoryTCP = Removed()


class VersionOmitEmpty(Change):
    """`/version` leaves out `GitCommit` and `GoVersion` when they are empty."""

    endpoint = "system.version"
    versioned = False
    GitCommit = OmittedWhen("")
    GoVersion = OmittedWhen("")


class StatsOSType(Change):
    """Stats carry `os_type`, the daemon's operating system (`linux` or `windows`)."""

    endpoint = "containers.stats"
    versioned = False
    underivable = {
        "os_type": "an older stats answer does not say; the `Ostype` response header (or `/version` `Os`) "
        "does"
    }


class ProgressBar(Change):
    """Progress messages (pull, push, build, load, import, plugin pull) no longer carry `progress`, the
    pre-rendered text bar (`progressDetail {current, total}` holds the numbers), nor the unused `from`,
    `time` and `timeNano`. `error` is still sent beside `errorDetail`."""

    endpoint = ("images.create", "images.push", "images.load", "build", "plugins.pull")
    versioned = False
    progress = Removed()
    from_ = Removed(data_key="from")
    time = Removed()
    timeNano = Removed()


# ----------------------------------------------------------------------------------------------- plugins


class PluginDockerVersion(Change):
    """Plugins no longer carry `Config.DockerVersion`, the version of Docker that made the plugin."""

    endpoint = ("plugins.list", "plugins.inspect")
    versioned = False
    Config = Nested(DockerVersion=Removed())
