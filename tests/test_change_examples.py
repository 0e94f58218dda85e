"""Every change is exercised: by the recorded answers (the oracle and cross-daemon tests), or here.

The daemons that run here send the newest shapes of many fields at every API version, so some changes never
meet an old shape in the recordings. Each of those is checked here on an *ablated* real answer: a recorded
answer of the 20.10 daemon taken back to the old shape by hand (the field removed or turned into its old
form, as the catalogue and the daemon's code describe), which the change must carry forward to the real
answer again, or to the documented default where the old shape cannot tell. Where no recorded answer has
the endpoint (search, plugins, service creation), the example is written by hand, and says so.
Changes of 1.52 and later are checked the same way in ``test_recent_versions.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from packaging.version import Version

from normalize_engine._registry import REGISTRY
from normalize_engine.schema import Change
from tests.recorded import load_recorded

OLDEST = min(load_recorded(), key=lambda d: Version(d.api_version))
CHANGES: dict[str, type[Change]] = {c.__name__: c for e in REGISTRY.entries for c in e.changes}


def real(key: str, index: int | None = None) -> Any:
    """The oldest daemon's newest answer to a recorded request (one item of it, for lists)."""
    exchange = OLDEST.exchange(key)
    if exchange.stream:
        from normalize_engine._stream import iter_documents

        body: Any = list(iter_documents([exchange.newest().text]))
    else:
        body = exchange.newest().json()
    return copy.deepcopy(body if index is None else body[index])


def without(doc: dict[str, Any], *paths: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    for path in paths:
        *parents, last = path.split(".")
        node = out
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]
    return out


def replaced(doc: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {**copy.deepcopy(doc), **values}


def volume_list(each: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """The recorded volume list with ``each`` applied to every volume."""
    return {"Volumes": [each(v) for v in real("volumes.list")["Volumes"]], "Warnings": None}


def first_event(kind: str) -> dict[str, Any]:
    return next(e for e in real("events.populate") if e.get("Type") == kind)


Example = tuple[Callable[[], Any], Callable[[], Any]]  # (old shape, expected after the change)

EXAMPLES: dict[str, Example] = {
    "ImageListRepoDigests": (
        lambda: without(real("images.list", 0), "RepoDigests"),
        lambda: replaced(real("images.list", 0), RepoDigests=[]),
    ),
    "InfoProxies": (
        lambda: without(real("system.info"), "HttpProxy", "HttpsProxy", "NoProxy"),
        lambda: real("system.info"),
    ),
    "InfoFlagsBoolean": (
        lambda: replaced(real("system.info"), Debug=0, IPv4Forwarding=1, MemoryLimit=1, SwapLimit=1),
        lambda: replaced(
            real("system.info"), Debug=False, IPv4Forwarding=True, MemoryLimit=True, SwapLimit=True
        ),
    ),
    "InfoCgroupFeatures": (
        lambda: without(
            real("system.info"), "CpuCfsPeriod", "CpuCfsQuota", "OomKillDisable", "ExperimentalBuild"
        ),
        lambda: replaced(
            real("system.info"),
            CpuCfsPeriod=False,
            CpuCfsQuota=False,
            OomKillDisable=False,
            ExperimentalBuild=False,
        ),
    ),
    "ImageListLabels": (
        lambda: without(real("images.list", 0), "Labels"),
        lambda: replaced(real("images.list", 0), Labels=None),
    ),
    "ImageHistoryFields": (
        lambda: without(real("images.history.base", 0), "Tags", "Size", "Comment"),
        lambda: replaced(real("images.history.base", 0), Tags=None, Size=0, Comment=""),
    ),
    "StatsPreCPU": (
        lambda: without(real("containers.stats.running", 0), "precpu_stats"),
        lambda: replaced(real("containers.stats.running", 0), precpu_stats={}),
    ),
    "ContainerStateStatus": (
        lambda: without(real("containers.inspect.paused"), "State.Status"),
        lambda: real("containers.inspect.paused"),
    ),
    "EventTimeNano": (
        lambda: without(first_event("container"), "timeNano"),
        lambda: replaced(first_event("container"), timeNano=first_event("container")["time"] * 1_000_000_000),
    ),
    "ContainerSandbox": (
        lambda: replaced(
            real("containers.inspect.created"),
            NetworkSettings={
                **without(real("containers.inspect.created")["NetworkSettings"], "SandboxID", "SandboxKey"),
                "PortMapping": None,
            },
        ),
        lambda: real("containers.inspect.created"),  # a created container has no sandbox: both are ""
    ),
    "ImageInspectRepoLists": (
        lambda: without(real("images.inspect.untagged"), "RepoTags", "RepoDigests"),
        lambda: real("images.inspect.untagged"),  # untagged: the real lists are empty too
    ),
    "InfoServerVersion": (
        lambda: without(real("system.info"), "CPUShares", "CPUSet"),
        lambda: real("system.info"),  # 20.10 on this machine: both true... see the assertion below
    ),
    "EventTypeActionActor": (
        lambda: without(first_event("container"), "Type", "Action", "Actor"),
        lambda: {
            **first_event("container"),
            "Actor": {
                "ID": first_event("container")["Actor"]["ID"],
                "Attributes": {"image": first_event("container")["from"]},
            },
        },
    ),
    "ExecInspectContainerID": (
        lambda: {
            **without(real("exec.inspect.created"), "ContainerID", "CanRemove", "DetachKeys"),
            "Container": {"ID": real("exec.inspect.created")["ContainerID"]},
        },
        lambda: real("exec.inspect.created"),
    ),
    "ContainerInspectFields": (
        lambda: {
            **without(real("containers.inspect.netted"), "State.Dead"),
            "ExecDriver": "native-0.2",
            "NetworkSettings": {
                **real("containers.inspect.netted")["NetworkSettings"],
                "Networks": {
                    name: without(ep, "IPAMConfig", "Links", "Aliases", "NetworkID")
                    for name, ep in real("containers.inspect.netted")["NetworkSettings"]["Networks"].items()
                },
            },
        },
        lambda: {
            **real("containers.inspect.netted"),
            "NetworkSettings": {
                **real("containers.inspect.netted")["NetworkSettings"],
                "Networks": {
                    name: {**ep, "Aliases": None, "NetworkID": ""}
                    for name, ep in real("containers.inspect.netted")["NetworkSettings"]["Networks"].items()
                },
            },
        },
    ),
    "ContainerListHostConfig": (
        lambda: without(real("containers.list.all", 0), "HostConfig", "NetworkSettings"),
        lambda: replaced(real("containers.list.all", 0), HostConfig={}, NetworkSettings={"Networks": {}}),
    ),
    "NetworkInspectContainerNames": (
        lambda: replaced(
            real("networks.inspect.net-a"),
            Containers={
                k: without(v, "Name") for k, v in real("networks.inspect.net-a")["Containers"].items()
            },
        ),
        lambda: replaced(
            real("networks.inspect.net-a"),
            Containers={
                k: {**v, "Name": ""} for k, v in real("networks.inspect.net-a")["Containers"].items()
            },
        ),
    ),
    "VolumeListWarnings": (lambda: without(real("volumes.list"), "Warnings"), lambda: real("volumes.list")),
    "InfoInitPath": (
        lambda: replaced(real("system.info"), InitPath="/usr/lib/docker/dockerinit", InitSha1=""),
        lambda: real("system.info"),
    ),
    "ContainerListState": (
        lambda: without(real("containers.list.all", 0), "State"),
        lambda: real("containers.list.all", 0),
    ),
    "ContainerListMounts": (
        lambda: without(real("containers.list.all", 0), "Mounts"),
        lambda: replaced(real("containers.list.all", 0), Mounts=[]),
    ),
    "StatsPids": (
        lambda: without(real("containers.stats.running", 0), "pids_stats"),
        lambda: replaced(real("containers.stats.running", 0), pids_stats={}),
    ),
    "InfoCgroupDriver": (
        lambda: without(real("system.info"), "CgroupDriver"),
        lambda: replaced(real("system.info"), CgroupDriver=""),
    ),
    "NetworkFlags": (
        lambda: without(real("networks.inspect.net-a"), "Internal", "EnableIPv6", "Labels"),
        lambda: replaced(real("networks.inspect.net-a"), Labels=None),
    ),
    "VolumeLabels": (
        lambda: without(real("volumes.inspect.vol-unused"), "Labels"),
        lambda: replaced(real("volumes.inspect.vol-unused"), Labels=None),
    ),
    "VolumeListLabels": (
        lambda: volume_list(lambda v: without(v, "Labels")),
        lambda: volume_list(lambda v: {**v, "Labels": None}),
    ),
    "ImageRootFS": (
        lambda: without(real("images.inspect.base"), "RootFS"),
        lambda: replaced(real("images.inspect.base"), RootFS={}),
    ),
    "InfoSecurityOptionsAdded": (
        lambda: without(real("system.info"), "SecurityOptions"),
        lambda: replaced(real("system.info"), SecurityOptions=[]),
    ),
    "VolumeScope": (
        lambda: without(real("volumes.inspect.vol-data"), "Scope"),
        lambda: real("volumes.inspect.vol-data"),
    ),
    "VolumeListScope": (
        lambda: volume_list(lambda v: without(v, "Scope")),
        lambda: volume_list(lambda v: v),
    ),
    "ImageListSharedSize": (
        lambda: without(real("images.list", 0), "SharedSize", "Containers"),
        lambda: real("images.list", 0),  # 20.10 computes neither: -1 both
    ),
    "ImageRootFSBaseLayer": (
        lambda: {
            **real("images.inspect.base"),
            "RootFS": {**real("images.inspect.base")["RootFS"], "BaseLayer": "x"},
        },
        lambda: real("images.inspect.base"),
    ),
    "ContainerMountType": (
        lambda: {
            **real("containers.inspect.mounts"),
            "Mounts": [without(m, "Type") for m in real("containers.inspect.mounts")["Mounts"]],
        },
        lambda: real("containers.inspect.mounts"),
    ),
    "StatsReadsAndStorage": (
        lambda: without(real("containers.stats.running", 0), "preread", "num_procs", "storage_stats"),
        lambda: replaced(real("containers.stats.running", 0), preread="0001-01-01T00:00:00Z"),
    ),
    "ExecInspectPid": (
        lambda: without(real("exec.inspect.finished"), "Pid"),
        lambda: replaced(real("exec.inspect.finished"), Pid=0),
    ),
    "InfoIsolation": (lambda: without(real("system.info"), "Isolation"), lambda: real("system.info")),
    "NetworkCreated": (
        lambda: without(real("networks.inspect.net-a"), "Created"),
        lambda: replaced(real("networks.inspect.net-a"), Created="0001-01-01T00:00:00Z"),
    ),
    "VolumeOptions": (
        lambda: without(real("volumes.inspect.vol-data"), "Options"),
        lambda: real("volumes.inspect.vol-data"),
    ),
    "VolumeListOptions": (
        lambda: volume_list(lambda v: without(v, "Options")),
        lambda: volume_list(lambda v: {**v, "Options": None}),
    ),
    "ImagePublishService": (
        lambda: {
            **real("images.inspect.base"),
            "Config": {**real("images.inspect.base")["Config"], "PublishService": ""},
        },
        lambda: real("images.inspect.base"),
    ),
    "ServiceSpecNetworks": (
        lambda: _service_with_spec_networks(),
        lambda: _service_with_task_template_networks(),
    ),
    "NetworkAttachable": (
        lambda: without(real("networks.inspect.net-a"), "Attachable"),
        lambda: real("networks.inspect.net-a"),
    ),
    "NetworkIngress": (
        lambda: without(real("networks.inspect.net-a"), "Ingress"),
        lambda: real("networks.inspect.net-a"),
    ),
    "EventScope": (lambda: without(first_event("container"), "scope"), lambda: first_event("container")),
    "ImageMetadataLastTagTime": (
        lambda: without(real("images.inspect.untagged"), "Metadata"),
        lambda: replaced(real("images.inspect.untagged"), Metadata={"LastTagTime": "0001-01-01T00:00:00Z"}),
    ),
    "ContainerPlatform": (
        lambda: without(real("containers.inspect.running"), "Platform"),
        lambda: real("containers.inspect.running"),
    ),
    "InfoUnknownStrings": (
        lambda: replaced(real("system.info"), OperatingSystem="<unknown>"),
        lambda: replaced(real("system.info"), OperatingSystem=""),
    ),
    "InfoWarnings": (
        lambda: without(real("system.info"), "Warnings"),
        lambda: replaced(real("system.info"), Warnings=None),
    ),
    "InfoPidsLimit": (
        lambda: without(real("system.info"), "PidsLimit"),
        lambda: replaced(real("system.info"), PidsLimit=False),
    ),
    "NetworkConfigFrom": (
        lambda: without(real("networks.inspect.net-a"), "ConfigFrom", "ConfigOnly"),
        lambda: real("networks.inspect.net-a"),
    ),
    "ImageCreatedOmitted": (
        lambda: replaced(real("images.inspect.base"), Created="0001-01-01T00:00:00Z"),
        lambda: without(real("images.inspect.base"), "Created"),
    ),
    "ImageInspectEmptyLists": (
        lambda: replaced(real("images.inspect.untagged"), RepoTags=None, RepoDigests=None),
        lambda: real("images.inspect.untagged"),
    ),
    **{
        name: (
            lambda keys=keys: {
                **real("containers.inspect.created"),
                "HostConfig": without(real("containers.inspect.created")["HostConfig"], *keys),
            },
            lambda: real("containers.inspect.created"),  # a container made without them: the same values
        )
        for name, keys in {
            "HostConfigCpuAndBlkio": ("CpuPeriod", "CpuQuota", "CpusetMems", "BlkioWeight", "OomKillDisable"),
            "HostConfigGroupAdd": ("GroupAdd",),
            "HostConfigMemoryReservation": ("MemoryReservation", "DnsOptions", "OomScoreAdj"),
            "HostConfigBlkioDevices": (
                "BlkioWeightDevice",
                "BlkioDeviceReadBps",
                "BlkioDeviceWriteBps",
                "BlkioDeviceReadIOps",
                "BlkioDeviceWriteIOps",
            ),
            "HostConfigPidsLimit": ("PidsLimit",),
            "HostConfigIOLimits": ("IOMaximumBandwidth", "IOMaximumIOps", "CpuPercent"),
            "HostConfigCpuRealtime": (
                "AutoRemove",
                "NanoCpus",
                "CpuCount",
                "CpuRealtimePeriod",
                "CpuRealtimeRuntime",
            ),
            "HostConfigDeviceCgroupRules": ("DeviceCgroupRules",),
            "HostConfigDeviceRequests": ("DeviceRequests",),
        }.items()
    },
    # By hand: nothing recorded has these endpoints with content (search needs a registry, no plugin is
    # installed, service creation answers were not recorded).
    "SearchIsAutomated": (
        lambda: {
            "name": "busybox",
            "description": "",
            "star_count": 1,
            "is_official": True,
            "is_trusted": True,
        },
        lambda: {
            "name": "busybox",
            "description": "",
            "star_count": 1,
            "is_official": True,
            "is_automated": True,
        },
    ),
    "SearchNotAutomated": (
        lambda: {"name": "x", "is_automated": True, "is_official": False},
        lambda: {"name": "x", "is_automated": False, "is_official": False},
    ),
    "ServiceCreateWarnings": (lambda: {"ID": "abc"}, lambda: {"ID": "abc", "Warnings": None}),
    "CreateResponseID": (lambda: {"Id": "abc"}, lambda: {"ID": "abc"}),
    "PluginReference": (
        lambda: {"Name": "p", "Enabled": True, "Config": {}},
        lambda: {"Name": "p", "Enabled": True, "Config": {}, "PluginReference": ""},
    ),
    "PluginHostNamespaces": (
        lambda: {"Name": "p", "Config": {"Interface": {}}},
        lambda: {"Name": "p", "Config": {"Interface": {}, "IpcHost": False, "PidHost": False}},
    ),
    "PluginProtocolScheme": (
        lambda: {"Name": "p", "Config": {"Interface": {"Types": []}}},
        lambda: {"Name": "p", "Config": {"Interface": {"Types": [], "ProtocolScheme": ""}}},
    ),
    "StatsOnlineCPUs": (
        lambda: {
            "cpu_stats": {"cpu_usage": {"percpu_usage": [1, 2, 3, 4], "total_usage": 10}},
            "precpu_stats": {},
        },
        lambda: {
            "cpu_stats": {"cpu_usage": {"percpu_usage": [1, 2, 3, 4], "total_usage": 10}, "online_cpus": 4},
            "precpu_stats": {},
        },
    ),
    "VersionComponents": (
        lambda: {
            "Version": "17.09.0-ce",
            "ApiVersion": "1.32",
            "GitCommit": "afdb6d4",
            "GoVersion": "go1.8.3",
            "Os": "linux",
            "Arch": "amd64",
            "KernelVersion": "4.9",
            "Experimental": False,
        },
        lambda: {
            "Version": "17.09.0-ce",
            "ApiVersion": "1.32",
            "GitCommit": "afdb6d4",
            "GoVersion": "go1.8.3",
            "Os": "linux",
            "Arch": "amd64",
            "KernelVersion": "4.9",
            "Experimental": False,
            "Platform": {"Name": ""},
            "Components": [
                {
                    "Name": "Engine",
                    "Version": "17.09.0-ce",
                    "Details": {
                        "ApiVersion": "1.32",
                        "Arch": "amd64",
                        "Experimental": "false",
                        "GitCommit": "afdb6d4",
                        "GoVersion": "go1.8.3",
                        "KernelVersion": "4.9",
                        "Os": "linux",
                    },
                }
            ],
        },
    ),
    "InfoOmitEmpty": (
        lambda: replaced(real("system.info"), SystemStatus=None, ClusterStore="", ClusterAdvertise=""),
        lambda: real("system.info"),
    ),
}


def _service_with_task_template_networks() -> dict[str, Any]:
    service = real("swarm.services.inspect")
    service["Spec"]["TaskTemplate"]["Networks"] = [{"Target": "ingress-like", "Aliases": ["a"]}]
    return service


def _service_with_spec_networks() -> dict[str, Any]:
    service = real("swarm.services.inspect")
    service["Spec"]["Networks"] = [{"Target": "ingress-like", "Aliases": ["a"]}]
    service["Spec"]["TaskTemplate"].pop("Networks", None)
    return service


def _apply(change: type[Change], document: Any) -> Any:
    compiled = change.compiled()(copy.deepcopy(document))
    reference = change().load(copy.deepcopy(document))
    assert compiled == reference, "the compiled change and marshmallow's load disagree"
    return compiled


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_change_carries_an_old_shape_forward(name: str) -> None:
    change = CHANGES[name]
    make_old, make_expected = EXAMPLES[name]
    old = make_old()
    before = copy.deepcopy(old)
    got = _apply(change, old)
    assert old == before
    expected = make_expected()
    if name == "InfoServerVersion":  # whatever 20.10 says, an old answer gets false
        expected = replaced(expected, CPUShares=False, CPUSet=False)
    assert got == expected
    assert _apply(change, got) == got, "a second pass must change nothing"


def _exercised_by_recordings(change: type[Change]) -> bool:
    from normalize_engine._endpoints import route
    from normalize_engine._stream import iter_documents
    from normalize_engine._versions import split_path

    apply = change.compiled()
    for daemon in load_recorded():
        for exchange in daemon.exchanges:
            _, bare, _ = split_path(exchange.path)
            endpoint = route(exchange.method, bare)
            if endpoint is None or endpoint.name not in change.endpoints():
                continue
            for answer in exchange.versioned():
                if (
                    answer.status >= 400
                    or not answer.text.strip()
                    or Version(str(answer.version)) >= Version(change.version)
                ):
                    continue
                docs = list(iter_documents([answer.text])) if exchange.stream else [answer.json()]
                for doc in docs:
                    for item in doc if endpoint.many and isinstance(doc, list) else [doc]:
                        if apply(item) != item:
                            return True
    return False


def test_every_change_is_exercised() -> None:
    unexercised = []
    for entry in REGISTRY.entries:
        if entry.version >= Version("1.52"):
            continue  # tests/test_recent_versions.py
        for change in entry.changes:
            effect = change.declared() or "migrate" in change.__dict__
            if not effect or change.__name__ in EXAMPLES:
                continue  # a change that only declares underivable fields has nothing to run
            if not _exercised_by_recordings(change):
                unexercised.append(f"{entry.version} {change.__name__}")
    assert not unexercised, "no recorded answer nor example exercises: " + ", ".join(unexercised)
