"""API 1.25 (Docker 1.13)."""

from __future__ import annotations

import copy
from typing import Any

from normalize_engine.changes import Added, Change, Convert, Each, Nested, Removed, Shape, edit, own
from normalize_engine.changes.moby import daemon_release


def _security_option(entry: Any) -> Any:
    if not isinstance(entry, str) or "=" in entry:
        return entry
    if entry == "seccomp":
        return "name=seccomp,profile=builtin"
    return "name=" + entry


def _security_options(value: Any) -> Any:
    if not isinstance(value, list) or all(not isinstance(e, str) or "=" in e for e in value):
        return value
    return [_security_option(e) for e in value]


class InfoSecurityOptions(Change):
    """`/info` `SecurityOptions` entries are `key=value` lists: `seccomp` becomes
    `name=seccomp,profile=builtin` (the built-in profile, which daemons run unless started with
    `--seccomp-profile`) and any other bare name `NAME` becomes `name=NAME`."""

    endpoint = "system.info"
    underivable = {
        "SecurityOptions": "answers before 1.25 name no seccomp profile: daemons since 23.0 call the "
        "built-in one `builtin` (what this change assumes), older ones `default`, and a custom one is a "
        "file path",
    }
    SecurityOptions = Convert(_security_options)

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        # Below 1.25 Docker 28 and before send the names only (`name=seccomp,profile=builtin` ->
        # `seccomp`, v28.5.0:api/server/router/system/system_routes.go); Docker 29 sends them as they are.
        release = daemon_release(data)
        options = data.get("SecurityOptions")
        if release is None or release >= 29 or type(options) is not list:
            return data
        names = [_security_name(e) for e in options]
        if names == options:
            return data
        data = own(data)
        data["SecurityOptions"] = names
        return data


def _security_name(entry: Any) -> Any:
    if not isinstance(entry, str) or not entry.startswith("name="):
        return entry
    return entry.split(",", 1)[0].removeprefix("name=")


class ImageListSharedSize(Change):
    """Image list items carry `SharedSize` and `Containers`; `-1` means "not computed", which is what the
    daemon sends unless asked to count."""

    endpoint = "images.list"
    versioned = False
    SharedSize = Added(-1)
    Containers = Added(-1)


class ImageRootFSBaseLayer(Change):
    """Image inspect's `RootFS` no longer has `BaseLayer` (a Windows-only field of Docker 1.12)."""

    endpoint = "images.inspect"
    versioned = False
    RootFS = Nested(BaseLayer=Removed())


class InfoExecutionDriver(Change):
    """`/info` no longer sends `ExecutionDriver`, which daemons since Docker 1.12 filled with
    `<not supported>` for older clients."""

    endpoint = "system.info"
    ExecutionDriver = Removed()

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        # Below 1.25 daemons before Docker 28.0 send `"<not supported>"` (the field left the type in 28.0)
        release = daemon_release(data)
        if release is None or release >= 28 or "ExecutionDriver" in data:
            return data
        data = own(data)
        data["ExecutionDriver"] = "<not supported>"
        return data


class _MountType(Shape):
    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Type" in data:
            return data
        return {"Type": "volume" if data.get("Name") else "bind", **data}


class ContainerMountType(Change):
    """Each mount of container inspect says its `Type`: `volume` for a named volume, else `bind`."""

    endpoint = "containers.inspect"
    versioned = False
    Mounts = Each(_MountType)


class StatsReadsAndStorage(Change):
    """Stats carry `preread` (the time of the previous read; Go's zero time for the first), `num_procs`
    and `storage_stats`."""

    endpoint = "containers.stats"
    versioned = False
    underivable = {
        "preread": "an older answer does not say when the previous read was",
        "storage_stats": "older answers do not carry storage counters (Windows only)",
    }
    preread = Added("0001-01-01T00:00:00Z")
    num_procs = Added(0)
    storage_stats = Added({})


class ExecInspectPid(Change):
    """Exec inspect carries the process's `Pid` (`0` when unknown)."""

    endpoint = "exec.inspect"
    versioned = False
    underivable = {"Pid": "older answers do not say; `0` is sent"}
    Pid = Added(0)


class InfoIsolation(Change):
    """`/info` names the default `Isolation` technology (`""` on Linux, where there is no choice)."""

    endpoint = "system.info"
    versioned = False
    Isolation = Added("")


class NetworkCreated(Change):
    """Networks say when they were `Created` (Go's zero time when unknown)."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    underivable = {"Created": "older answers do not say when the network was made"}
    Created = Added("0001-01-01T00:00:00Z")


class VolumeOptions(Change):
    """Volumes carry the driver `Options` they were made with (`null` when none)."""

    endpoint = "volumes.inspect"
    versioned = False
    Options = Added(None)


class VolumeListOptions(Change):
    """Volumes of the volume list carry their driver `Options`."""

    endpoint = "volumes.list"
    versioned = False
    Volumes = Each(Options=Added(None))


class ImagePublishService(Change):
    """Image inspect's `Config` no longer has `PublishService` (an experimental field of Docker 1.9)."""

    endpoint = "images.inspect"
    versioned = False
    Config = Nested(PublishService=Removed())


def _networks_into_task_template(spec: Any) -> Any:
    if not isinstance(spec, dict) or "Networks" not in spec:
        return spec
    out = own(spec)
    networks = out.pop("Networks")
    template = out.get("TaskTemplate")
    if isinstance(template, dict) and not template.get("Networks") and networks:
        edit(out, "TaskTemplate")["Networks"] = networks
    return out


class ServiceSpecNetworks(Change):
    """A service's networks are in `Spec.TaskTemplate.Networks`; the `Spec.Networks` (and
    `PreviousSpec.Networks`) that daemons send to older clients move there."""

    endpoint = ("services.list", "services.inspect")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        spec = _networks_into_task_template(data.get("Spec"))
        previous = _networks_into_task_template(data.get("PreviousSpec"))
        if spec is data.get("Spec") and previous is data.get("PreviousSpec"):
            return data
        out = own(data)
        out["Spec"] = spec
        if "PreviousSpec" in out:
            out["PreviousSpec"] = previous
        return out

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        # below 1.25 the daemon adds `Spec.Networks` (and `PreviousSpec.Networks`) = the task template's
        # networks when it has some (daemon/server/router/swarm/cluster_routes.go, compat.WithExtraFields)
        keys = [k for k in ("Spec", "PreviousSpec") if _template_networks(data.get(k))]
        if not keys:
            return data
        out = own(data)
        for key in keys:
            spec = edit(out, key)
            if spec.get("Networks") is None:
                spec["Networks"] = copy.deepcopy(spec["TaskTemplate"]["Networks"])
        return out


def _template_networks(spec: Any) -> bool:
    template = spec.get("TaskTemplate") if type(spec) is dict else None
    networks = template.get("Networks") if type(template) is dict else None
    return type(networks) is list and bool(networks)


class ServiceCreateWarnings(Change):
    """Creating or updating a service answers with `Warnings` (`null` when there are none)."""

    endpoint = ("services.create", "services.update")
    versioned = False
    Warnings = Added(None)


class HostConfigCpuRealtime(Change):
    """`HostConfig` carries `AutoRemove`, `NanoCpus`, `CpuCount`, `CpuRealtimePeriod` and
    `CpuRealtimeRuntime`; an older answer gets what a daemon sends for a container created without them."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(
        AutoRemove=Added(False),
        NanoCpus=Added(0),
        CpuCount=Added(0),
        CpuRealtimePeriod=Added(0),
        CpuRealtimeRuntime=Added(0),
    )
