"""The response changes of API 1.52 to 1.55 (Docker 29.x), test by test, on recorded real answers.

Docker 29.7 (API 1.55) is recorded (tests/fixtures/recorded/docker-29.7.2.json): the oracle checks that its
own older answers normalise to its 1.55 answers, and the cross-daemon test that 20.10, 26.1 and 28.5
normalised to 1.55 have the structure of its 1.55 answers. This module looks at each 1.52+ change on its
own. Each test takes one of the 28.5 daemon's real 1.51 answers, writes out what a 1.55 daemon sends for the
same state (a small explicit transformation that follows the moby source named in the test's docstring;
moby paths are at tag docker-v29.7.2), and requires that normalising the 1.51 answer gives exactly that,
apart from the fields the schemas declare underivable, that normalising it once more changes nothing, and
that the input is not mutated. Where the 1.51 answer is one as recorded, the written-out 1.55 answer must
also have the structure of the 29.7 daemon's recorded 1.55 answer to the same request (``check``): the
transformation is checked against the real daemon, not only against our reading of its source.

Where the recorded state does not exercise a change (no plugin installed, no containerd image store, no
Docker 29.0 daemon, a kernel-memory limit), the 1.51 answer is first adjusted by hand to what the 28.5
daemon would send in such a state, and the docstring says so: those answers are hand-derived only, since no
recording covers them. The tests at the end check the changes found by comparing with 29.7 on its own
recordings, exactly.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine._endpoints import route
from normalize_engine._registry import REGISTRY
from normalize_engine._versions import split_path
from normalize_engine.schema import Change
from tests.oracle import diff, prune, underivable_paths
from tests.recorded import Daemon, load_recorded
from tests.test_cross_daemon import reconcile, reviewed_differences, structure

NEWEST = next(d for d in load_recorded() if d.api_version == "1.51")  # the 28.5 daemon: the 1.51 answers
OLDEST = min(load_recorded(), key=lambda d: Version(d.api_version))
REFERENCE = max(load_recorded(), key=lambda d: Version(d.api_version))  # the 29.7 daemon, API 1.55

# Answers handed out by recorded(), by id, with a copy as recorded: check() compares a derivation from one of
# these, if still as recorded (not adjusted to a state no recording covers), with the 29.7 daemon's recorded
# answer to the same request.
_AS_RECORDED: dict[int, tuple[str, Any, Any]] = {}


# --------------------------------------------------------------------------------------------- helpers


def recorded(key: str, version: str = "1.51", daemon: Daemon = NEWEST) -> tuple[Any, str]:
    """A recorded answer (parsed) and its URL."""
    exchange = daemon.exchange(key)
    answer = exchange.at(version)
    assert answer is not None and answer.status < 300, f"{daemon.name} {key} at {version}"
    body = answer.json()
    _AS_RECORDED[id(body)] = (key, body, answer.json())
    return body, exchange.url(version)


def has_the_reference_structure(key: str, url: str, derived: Any) -> None:
    """``derived`` (a 1.55 answer written out from the 28.5 daemon's) has the structure of the 29.7
    daemon's recorded 1.55 answer to the same request, apart from the reviewed daemon differences and the
    fields the changes declare underivable (tests/test_cross_daemon.py)."""
    theirs = REFERENCE.exchange(key).at(ne.LATEST)
    assert theirs is not None and theirs.status < 300, f"{REFERENCE.name} {key}"
    _, bare, _ = split_path(url)
    endpoint = route("GET", bare)
    assert endpoint is not None
    excused = reviewed_differences(str(REFERENCE.info["Version"])) + underivable_paths(
        endpoint.name, "1.51", ne.LATEST
    )
    if endpoint.many:
        excused = tuple(f"*.{p}" for p in excused)
    want = structure(prune(theirs.json(), excused))
    differences = diff(want, reconcile(want, structure(prune(derived, excused))))
    assert not differences, "\n".join(str(d) for d in differences[:15])


def recorded_stream(key: str, version: str = "1.51") -> tuple[list[Any], str, str]:
    """A recorded stream's documents, its URL and its method."""
    exchange = NEWEST.exchange(key)
    answer = exchange.at(version)
    assert answer is not None and answer.status < 300
    documents = [json.loads(line) for line in answer.text.splitlines() if line.strip()]
    return documents, exchange.url(version), exchange.method


def at(url: str, version: str) -> str:
    """The same request at another API version."""
    return url.replace("/v1.51/", f"/v{version}/", 1)


def normalize(body: Any, url: str) -> Any:
    before = copy.deepcopy(body)
    out = ne.normalize(body, url)
    assert body == before, "the input was mutated"
    return out


def normalize_stream(documents: list[Any], url: str, method: str = "GET") -> list[Any]:
    raw = "".join(json.dumps(d) + "\n" for d in documents).encode()
    return list(ne.normalize_stream([raw], url, method=method))


def check(old: Any, url: str, derived: Any) -> Any:
    """``old`` (a 1.51 answer) normalises to ``derived``, and ``derived`` is a fixed point; where ``old`` is
    a recorded answer as it was recorded, ``derived`` also has the 29.7 daemon's structure."""
    recorded_as = _AS_RECORDED.get(id(old))
    if recorded_as is not None and recorded_as[1] is old and old == recorded_as[2]:
        has_the_reference_structure(recorded_as[0], url, derived)
    got = normalize(old, url)
    assert got == derived
    assert normalize(derived, url) == derived  # every 1.52+ step again, on the new shape
    assert normalize(derived, at(url, "1.55")) == derived
    return got


def declared(endpoint: str, field: str, since: str = "1.51") -> bool:
    """Whether a change after ``since`` declares ``field`` underivable for ``endpoint``."""
    return any(
        field in change.underivable
        for change in REGISTRY.changes_between(endpoint, Version(since), Version(ne.LATEST))
    )


def drop(document: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in keys}


# --------------------------------------------------------------------------------- container inspect

INSPECTED = ["running", "netted", "hostnet", "created", "exited", "healthy", "paused", "mounts", "internal"]


def container_inspect_1_55(old: dict[str, Any]) -> dict[str, Any]:
    """Derived by hand from the 28.5 daemon's 1.51 answer following daemon/server/router/container/
    inspect.go (below 1.52 it adds the bridge network's addresses to `NetworkSettings` and the create-time
    `Config.MacAddress`: a 1.55 answer has neither), api/types/container/network_settings.go (the type has
    only `SandboxID`, `SandboxKey`, `Ports` and `Networks`), config.go (`OnBuild` omitempty) and
    hostconfig.go (no `KernelMemory`, `KernelMemoryTCP`). The 28.5 daemon uses the vfs graph driver, so
    `GraphDriver` stays (daemon/inspect.go getInspectData)."""
    new = copy.deepcopy(old)
    settings = new["NetworkSettings"]
    new["NetworkSettings"] = {k: settings[k] for k in ("SandboxID", "SandboxKey", "Ports", "Networks")}
    new["Config"].pop("MacAddress", None)
    if new["Config"].get("OnBuild") in (None, []):
        new["Config"].pop("OnBuild", None)
    new["HostConfig"].pop("KernelMemory", None)
    new["HostConfig"].pop("KernelMemoryTCP", None)
    return new


@pytest.mark.parametrize("name", INSPECTED)
def test_container_inspect(name: str) -> None:
    old, url = recorded(f"containers.inspect.{name}")
    check(old, url, container_inspect_1_55(old))


def test_container_inspect_really_changes() -> None:
    """The recorded answer has what 1.52 took away, so the test above is not vacuous."""
    old, _ = recorded("containers.inspect.running")
    assert old["NetworkSettings"]["IPAddress"] and "Bridge" in old["NetworkSettings"]
    assert "OnBuild" in old["Config"]


def test_container_inspect_config_mac_address() -> None:
    """A container created with a MAC address: the 28.5 daemon adds it as `Config.MacAddress` below 1.52
    (inspect.go:62-73, from the endpoint's desired address) and has the same address in the network's
    `MacAddress`; the 1.55 answer has it there only. Derived from the recorded `running` answer by setting
    `Config.MacAddress` to its bridge network's address."""
    old, url = recorded("containers.inspect.running")
    old["Config"]["MacAddress"] = old["NetworkSettings"]["Networks"]["bridge"]["MacAddress"]
    got = check(old, url, container_inspect_1_55(old))
    assert got["NetworkSettings"]["Networks"]["bridge"]["MacAddress"] == old["Config"]["MacAddress"]


def test_container_inspect_on_the_containerd_store() -> None:
    """A daemon on the containerd image store: below 1.52 it shows the snapshotter as `GraphDriver {Name}`
    (inspect.go:75-82), at 1.55 as `Storage.RootFS.Snapshot.Name` without `GraphDriver` (daemon/inspect.go
    getInspectData: `Storage`, with the container's `Driver`, when `UsesSnapshotter()`). Derived from the
    recorded `running` answer as a vfs daemon moved to the containerd store would send it: `native` is the
    snapshotter it picks (daemon/daemon.go), and its `GraphDriver` has no `Data`."""
    old, url = recorded("containers.inspect.running")
    old["Driver"] = "native"
    old["GraphDriver"] = {"Data": None, "Name": "native"}
    derived = container_inspect_1_55(old)
    del derived["GraphDriver"]
    derived["Storage"] = {"RootFS": {"Snapshot": {"Name": "native"}}}
    check(old, url, derived)


def test_container_inspect_ambiguous_snapshotter_name() -> None:
    """`btrfs` is a graph driver and a snapshotter: without an `ImageManifestDescriptor` (which only the
    containerd store sets, daemon/create.go) nothing tells, `GraphDriver` stays and `Storage` is declared
    underivable; with one, the containerd store is certain."""
    old, url = recorded("containers.inspect.running")
    old["Driver"] = "btrfs"
    old["GraphDriver"] = {"Data": None, "Name": "btrfs"}
    check(old, url, container_inspect_1_55(old))
    assert declared("containers.inspect", "Storage")
    descriptor = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + "0" * 64}
    old["ImageManifestDescriptor"] = descriptor
    derived = container_inspect_1_55(old)
    del derived["GraphDriver"]
    derived["Storage"] = {"RootFS": {"Snapshot": {"Name": "btrfs"}}}
    check(old, url, derived)


def test_container_inspect_kernel_memory() -> None:
    """A 28.5 daemon sends `HostConfig.KernelMemoryTCP` when it is set (hostconfig.go at v28.5.2,
    omitempty); Docker 29 removed it from the type (commit c5991341eb). Derived from the `running` answer
    with a limit set."""
    old, url = recorded("containers.inspect.running")
    old["HostConfig"]["KernelMemoryTCP"] = 1 << 20
    check(old, url, container_inspect_1_55(old))


# ------------------------------------------------------------------------------------ container list


def _health_of_inspected() -> dict[str, dict[str, Any]]:
    """`{container id: Health}` as a 1.55 list sends it, read from the recorded inspect answers
    (daemon/container/view.go transform: `State.Health.Status` and `FailingStreak`, or `none` and 0)."""
    out = {}
    for exchange in NEWEST.exchanges:
        if exchange.key.startswith("containers.inspect.") and exchange.key.count(".") == 2:
            answer = exchange.at("1.51")
            if answer is None or answer.status >= 300:
                continue
            body = answer.json()
            health = body["State"].get("Health")
            out[body["Id"]] = (
                {"Status": health["Status"], "FailingStreak": health["FailingStreak"]}
                if health
                else {"Status": "none", "FailingStreak": 0}
            )
    return out


def _container_summary_1_55(item: dict[str, Any], health: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Derived by hand following daemon/container/view.go (every summary gets `Health`; containers that
    were not inspected run `ne-base`, whose image has no health check: `none`) and
    api/types/container/port_summary.go (`IP` is a `netip.Addr`: `omitempty` does not omit a struct, so an
    unpublished port has `"IP": ""`)."""
    new = copy.deepcopy(item)
    new["Health"] = health.get(item["Id"], {"Status": "none", "FailingStreak": 0})
    for port in new["Ports"] or []:
        port.setdefault("IP", "")
    return new


def _without_failing_streak(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**i, "Health": drop(i["Health"], "FailingStreak")} if "Health" in i else i for i in items]


@pytest.mark.parametrize(
    "key", ["containers.list.all", "containers.list.all_size", "containers.list.running"]
)
def test_container_list(key: str) -> None:
    """`Health` for every container (container_routes.go:147-151 drops it below 1.52) and `IP` on every
    port. `FailingStreak` is not in the list's text: it is declared underivable, and compared apart."""
    old, url = recorded(key)
    derived = [_container_summary_1_55(item, _health_of_inspected()) for item in old]
    got = normalize(old, url)
    assert _without_failing_streak(got) == _without_failing_streak(derived)
    assert declared("containers.list", "Health.FailingStreak")
    for item in got:
        assert item["Health"]["FailingStreak"] == 0  # what the list can say
    assert normalize(derived, url) == derived
    assert any(p == {"IP": "", "PrivatePort": 8080, "Type": "tcp"} for i in derived for p in i["Ports"])
    statuses = {i["Health"]["Status"] for i in derived}
    assert "none" in statuses and len(statuses) > 1


# -------------------------------------------------------------------------------------------- images


def image_inspect_1_55(old: dict[str, Any]) -> dict[str, Any]:
    """Derived by hand following daemon/server/router/image/image_routes.go getImagesByName (below 1.52 it
    adds `Parent`, `Comment`, `DockerVersion`, `Author` and the `v1.50-v1.51` legacy `Config` keys even when
    empty; from 1.52 `Parent` and `DockerVersion` only when set) and api/types/image/image_inspect.go
    (`Comment`, `Author` omitempty) with the OCI image config (`Cmd`, `Entrypoint`, `Env`, `Labels`,
    `OnBuild`, `User`, `Volumes`, `WorkingDir` omitempty). Graph-driver store: no `Identity` (only the
    containerd store computes it, daemon/containerd/image_inspect.go), `GraphDriver` stays."""
    new = copy.deepcopy(old)
    for key in ("Parent", "Comment", "DockerVersion", "Author"):
        if new.get(key) == "":
            del new[key]
    config = new["Config"]
    for key in ("Cmd", "Entrypoint", "Env", "Labels", "OnBuild", "User", "Volumes", "WorkingDir"):
        if key in config and not config[key]:  # null, "", [] or {}
            del config[key]
    return new


@pytest.mark.parametrize("name", ["base", "app", "app_by_id", "untagged", "intermediate"])
def test_image_inspect(name: str) -> None:
    old, url = recorded(f"images.inspect.{name}")
    check(old, url, image_inspect_1_55(old))
    assert declared("images.inspect", "Identity")


def test_image_inspect_on_the_containerd_store() -> None:
    """On the containerd store, below 1.52 `GraphDriver` is `{Name: <snapshotter>}` with no `Data`
    (`GraphDriverLegacy`, daemon/containerd/image_inspect.go), and a 1.55 answer has no `GraphDriver`
    (image_routes.go restores it only below 1.52). Derived from the recorded `base` answer as such a daemon
    would send it: snapshotter `overlayfs`, and a `Descriptor` (set by the containerd store only). Its
    `Identity` is declared underivable (and so absent here)."""
    old, url = recorded("images.inspect.base")
    old["GraphDriver"] = {"Data": None, "Name": "overlayfs"}
    derived = drop(image_inspect_1_55(old), "GraphDriver")
    check(old, url, derived)
    old["GraphDriver"] = {"Data": None, "Name": "zfs"}  # a graph driver's name too: only a Descriptor tells
    check(old, url, image_inspect_1_55(old))
    old["Descriptor"] = {
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "digest": "sha256:" + "1" * 64,
    }
    check(old, url, drop(image_inspect_1_55(old), "GraphDriver"))


@pytest.mark.parametrize("key", ["images.list", "images.list.all", "images.list.dangling"])
def test_image_list_is_the_same_at_1_55(key: str) -> None:
    """The image list did not change from 1.51 to 1.55 (api/types/image/summary.go); `Manifests[].ImageData.
    Identity` only comes with `identity=1` and `manifests=1` from 1.54 (image_routes.go getImagesJSON) and
    is declared underivable."""
    old, url = recorded(key)
    check(old, url, copy.deepcopy(old))
    assert declared("images.list", "Manifests.*.ImageData.Identity")


# ----------------------------------------------------------------------------------------- /system/df


def _usage(counts: dict[str, int], items: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in counts.items() if v != 0}  # every field is omitempty
    if items:
        out["Items"] = copy.deepcopy(items)
    return out


def disk_usage_1_55(old: dict[str, Any], health: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Derived by hand following daemon/server/router/system/system_routes.go getDiskUsage (1.52 and up,
    without `verbose`: the legacy keys are still sent, and the usage objects are computed with `Items`,
    since the backend is asked for them), daemon/disk_usage.go and daemon/internal/builder-next/builder.go
    (the formulas), api/types/{image,container,volume,build}/disk_usage.go (every field omitempty). The
    sums are written here plainly, independently of the library's code."""
    new = copy.deepcopy(old)
    new["Containers"] = [_container_summary_1_55(c, health) for c in old["Containers"]]
    images, containers, volumes = old["Images"], new["Containers"], old["Volumes"]
    build_cache = old.get("BuildCache") or []

    unused_images = [i for i in images if i["Containers"] == 0]
    new["ImageUsage"] = _usage(
        {
            "TotalCount": len(images),
            "TotalSize": old["LayersSize"],
            "ActiveCount": len([i for i in images if i["Containers"] > 0]),
            "Reclaimable": sum(i["Size"] - i["SharedSize"] for i in unused_images),
        },
        images,
    )
    stopped = [c for c in containers if c["State"] not in ("running", "paused", "restarting")]
    new["ContainerUsage"] = _usage(
        {
            "TotalCount": len(containers),
            "TotalSize": sum(c.get("SizeRw", 0) for c in containers),
            "ActiveCount": len(containers) - len(stopped),
            "Reclaimable": sum(c.get("SizeRw", 0) for c in stopped),
        },
        containers,
    )
    assert all(v["UsageData"]["Size"] >= 0 for v in volumes)
    unused_volumes = [v for v in volumes if v["UsageData"]["RefCount"] == 0]
    new["VolumeUsage"] = _usage(
        {
            "TotalCount": len(volumes),
            "TotalSize": sum(v["UsageData"]["Size"] for v in volumes),
            "ActiveCount": len(volumes) - len(unused_volumes),
            "Reclaimable": sum(v["UsageData"]["Size"] for v in unused_volumes),
        },
        volumes,
    )
    new["BuildCacheUsage"] = _usage(
        {
            "TotalCount": len(build_cache),
            "TotalSize": sum(r["Size"] for r in build_cache),
            "ActiveCount": len([r for r in build_cache if r["InUse"]]),
            "Reclaimable": sum(r["Size"] for r in build_cache if not r["InUse"] and not r["Shared"]),
        },
        build_cache,
    )
    new["BuildCache"] = build_cache
    return new


def _df_without_failing_streak(document: dict[str, Any]) -> dict[str, Any]:
    out = dict(document)
    if "Containers" in out:
        out["Containers"] = _without_failing_streak(out["Containers"])
    if "Items" in out.get("ContainerUsage", {}):
        out["ContainerUsage"] = {
            **out["ContainerUsage"],
            "Items": _without_failing_streak(out["ContainerUsage"]["Items"]),
        }
    return out


def check_df(old: dict[str, Any], url: str, derived: dict[str, Any]) -> dict[str, Any]:
    got: dict[str, Any] = normalize(old, url)
    assert _df_without_failing_streak(got) == _df_without_failing_streak(derived)
    assert normalize(derived, url) == derived
    assert normalize(derived, at(url, "1.55")) == derived
    return got


def test_disk_usage() -> None:
    old, url = recorded("system.df")
    derived = disk_usage_1_55(old, _health_of_inspected())
    got = check_df(old, url, derived)
    assert got["ImageUsage"]["TotalCount"] == len(old["Images"]) > 0
    assert got["ContainerUsage"]["ActiveCount"] > 0 and got["VolumeUsage"]["TotalCount"] > 0
    if not old["BuildCache"]:
        assert got["BuildCacheUsage"] == {}  # nothing cached: every count is zero, so omitted
    assert declared("system.df", "Containers.*.Health.FailingStreak")


def test_disk_usage_with_sizes_and_build_cache() -> None:
    """Numbers that are not zero: the 1.51 answer as the 28.5 daemon would send it if the exited container
    had written 7 bytes (`SizeRw`), the unused volume held 100 bytes, the unused image had 18 bytes of its
    own, and BuildKit had three cache records (one in use, one shared, one neither; api/types/build/cache.go
    at v28.5.2, no parents)."""
    old, url = recorded("system.df")
    for container in old["Containers"]:
        if container["Names"] == ["/ne-exited"]:
            container["SizeRw"] = 7
    for volume in old["Volumes"]:
        if volume["UsageData"]["RefCount"] == 0:
            volume["UsageData"]["Size"] = 100
    for image in old["Images"]:
        if image["Containers"] == 0:
            image["SharedSize"] = image["Size"] - 18
    record = {"Type": "regular", "Description": "", "CreatedAt": "2026-01-01T00:00:00Z", "UsageCount": 1}
    old["BuildCache"] = [
        {**record, "ID": "a", "InUse": True, "Shared": False, "Size": 1000},
        {**record, "ID": "b", "InUse": False, "Shared": True, "Size": 200},
        {**record, "ID": "c", "InUse": False, "Shared": False, "Size": 30},
    ]
    derived = disk_usage_1_55(old, _health_of_inspected())
    got = check_df(old, url, derived)
    assert got["BuildCacheUsage"] == {
        "TotalCount": 3,
        "TotalSize": 1230,
        "ActiveCount": 1,
        "Reclaimable": 30,
        "Items": old["BuildCache"],
    }
    assert got["VolumeUsage"]["Reclaimable"] == 100 and got["ImageUsage"]["Reclaimable"] == 18
    assert got["ContainerUsage"]["Reclaimable"] >= 7


def test_disk_usage_of_the_oldest_daemon() -> None:
    """The same summaries for the 20.10 daemon's 1.41 answer (where `SharedSize` differs from `Size`): the
    expected answer is its normalisation to 1.51 (checked by the oracle) with the 1.52 summaries derived
    by hand as above."""
    old, url = recorded("system.df", OLDEST.api_version, OLDEST)
    at_1_51 = ne.normalize(old, url, target="1.51")
    health = {
        c["Id"]: {"Status": _status_health(c["Status"]), "FailingStreak": 0} for c in at_1_51["Containers"]
    }
    derived = disk_usage_1_55(at_1_51, health)
    check_df(old, url, derived)


def _status_health(status: str) -> str:
    for text, health in (
        ("(healthy)", "healthy"),
        ("(unhealthy)", "unhealthy"),
        ("(health: starting)", "starting"),
    ):
        if status.endswith(text):
            return health
    return "none"


def test_disk_usage_verbose_and_type() -> None:
    """With `verbose=1` a 1.55 daemon sends no legacy keys (system_routes.go: `legacyFields = !verbose`);
    with `type=image` only the images are computed, and the 28.5 daemon sent `null` lists and `LayersSize`
    0 for the rest (v28.5.2 system_routes.go, types.DiskUsage without omitempty), which a 1.55 daemon
    leaves out (`omitzero`, daemon/server/router/system/disk_usage.go). Both derived from the full answer."""
    old, url = recorded("system.df")
    full = disk_usage_1_55(old, _health_of_inspected())
    verbose = {k: v for k, v in full.items() if k.endswith("Usage")}
    check_df(old, url + "?verbose=1", verbose)

    only_images = {**old, "Containers": None, "Volumes": None, "BuildCache": None}
    derived = {k: full[k] for k in ("LayersSize", "Images", "ImageUsage")}
    check_df(only_images, url + "?type=image", derived)
    only_containers = {**old, "LayersSize": 0, "Images": None, "Volumes": None, "BuildCache": None}
    derived = {k: full[k] for k in ("Containers", "ContainerUsage")}
    check_df(only_containers, url + "?type=container", derived)


# ----------------------------------------------------------------------------------- system endpoints


def test_info() -> None:
    """`KernelMemoryTCP` is gone from the type in Docker 29 (commit c5991341eb; the recorded daemon runs on
    cgroup v1 and sends it); `NRI` comes from 1.53 only when NRI is enabled (api/types/system/info.go
    omitempty, system_routes.go:121-124) and is declared underivable."""
    old, url = recorded("system.info")
    old.setdefault("KernelMemoryTCP", True)  # as on a cgroup v1 host (the recorded one is)
    derived = drop(old, "KernelMemoryTCP")
    # no mirror configured: `[]`, as the 29.7 daemon sends (schemas/v1_52.py InfoRegistryMirrorsList)
    derived["RegistryConfig"] = {**old["RegistryConfig"], "Mirrors": []}
    check(old, url, derived)
    assert declared("system.info", "NRI")


def test_version() -> None:
    """`GitCommit` and `GoVersion` are omitempty from Docker 29 (api/types/system/version_response.go). The
    recorded build has both; derived without a commit too, as a build from a source tarball sends it."""
    old, url = recorded("system.version")
    check(old, url, copy.deepcopy(old))
    old["GitCommit"] = ""
    check(old, url, drop(old, "GitCommit"))


def test_events() -> None:
    """Events lose `status`, `id` and `from` (system_routes.go backFillLegacy adds them below 1.52 only)."""
    old, url, _ = recorded_stream("events.populate")
    derived = [drop(event, "status", "id", "from") for event in old]
    assert any("status" in event for event in old)
    assert normalize_stream(old, url) == derived
    assert normalize_stream(derived, url) == derived


def test_stats() -> None:
    """A 1.55 daemon adds `"os_type": "linux"` (daemon/stats_unix.go); the old answer does not say, so it
    is declared underivable and not added."""
    old, url, _ = recorded_stream("containers.stats.running")
    derived = [{**frame, "os_type": "linux"} for frame in old]
    got = normalize_stream(old, url)
    assert got == [drop(frame, "os_type") for frame in derived]
    assert declared("containers.stats", "os_type")
    assert normalize_stream(derived, url) == derived


@pytest.mark.parametrize("key", ["images.push.refused", "images.load.garbage", "images.build.failing"])
def test_progress_streams_keep_error(key: str) -> None:
    """`error` is still sent beside `errorDetail` (streamformatter.go FormatError adds it to every
    version): recorded 1.51 progress streams are already canonical."""
    old, url, method = recorded_stream(key)
    assert method == "POST" and any("error" in d and "errorDetail" in d for d in old)
    assert normalize_stream(old, url, method) == old
    with_bar = [{**d, "progress": "[==>   ]"} for d in old]
    assert normalize_stream(with_bar, url, method) == old


def test_progress_bar() -> None:
    """A pull progress line as the 28.5 daemon writes it (pkg/jsonmessage at v28.5.2: `progress` is the
    rendered bar) and as Docker 29 writes it (daemon/internal/streamformatter formatProgress: `status`,
    `progressDetail`, `id` only). Derived from the recorded push stream's first line, with progress."""
    old, _, _ = recorded_stream("images.push.refused")
    line = {**old[0], "id": "4f2a", "progressDetail": {"current": 1024, "total": 4096}}
    legacy = {**line, "progress": "[============>          ]  1.024kB/4.096kB"}
    url = "/v1.51/images/create?fromImage=busybox&tag=latest"
    assert normalize_stream([legacy], url, "POST") == [line]
    assert normalize_stream([line], url, "POST") == [line]


# ------------------------------------------------------------------------------------------- networks


@pytest.mark.parametrize("key", ["networks.list", "networks.list.filter_label"])
def test_network_list(key: str) -> None:
    """List items are `network.Summary` in Docker 29 (api/types/network/summary.go): no `Containers`."""
    old, url = recorded(key)
    assert all("Containers" in n for n in old)
    check(old, url, [drop(n, "Containers") for n in old])


@pytest.mark.parametrize("name", ["bridge", "host", "none", "net-a", "net-internal"])
def test_network_inspect(name: str) -> None:
    """A 1.55 inspect adds `Status` (IPAM allocation counts, network_routes.go `withStatus`), which the
    old answer cannot give for a network with address pools: declared underivable, so left out. The `host`
    and `null` drivers assign no addresses (`Network.IPAMStatus`, daemon/libnetwork/network.go, returns an
    empty status for `hasSpecialDriver()`): their `Status` is `{"IPAM": {}}`."""
    old, url = recorded(f"networks.inspect.{name}")
    derived = copy.deepcopy(old)
    if old["Driver"] in ("host", "null"):
        derived["Status"] = {"IPAM": {}}
    check(old, url, derived)
    assert declared("networks.inspect", "Status")


# ---------------------------------------------------------------- found by the recorded Docker 29.7 daemon


def _recorded_exactly(daemon: Daemon, key: str, version: str) -> tuple[Any, str]:
    exchange = daemon.exchange(key)
    answer = exchange.at(version)
    assert answer is not None and answer.status < 300
    return answer.json(), exchange.url(version)


@pytest.mark.parametrize("name", ["host", "none"])
def test_network_status_of_drivers_without_addresses(name: str) -> None:
    """Docker 29.7's own 1.51 answer for `host` and `none` normalises to its 1.55 answer exactly, `Status`
    included (no field set aside); and every recorded daemon's answer gets the same `Status`."""
    old, url = _recorded_exactly(REFERENCE, f"networks.inspect.{name}", "1.51")
    new, _ = _recorded_exactly(REFERENCE, f"networks.inspect.{name}", ne.LATEST)
    assert "Status" not in old and new["Status"] == {"IPAM": {}}
    assert normalize(old, url) == new
    for daemon in load_recorded():
        exchange = daemon.exchange(f"networks.inspect.{name}")
        for answer in exchange.versioned():
            got = normalize(answer.json(), exchange.url(answer.version))
            assert got["Status"] == {"IPAM": {}}, (daemon.name, answer.version)


def test_registry_mirrors_are_an_empty_list() -> None:
    """`RegistryConfig.Mirrors` with no mirror configured: Docker 29.7 sends `[]` at every version, as 20.10
    did, where 26.1 and 28.5 send `null`. Every recorded `/info` of every daemon normalises to `[]`."""
    forms = {}
    for daemon in load_recorded():
        exchange = daemon.exchange("system.info")
        forms[daemon.name] = {json.dumps(a.json()["RegistryConfig"]["Mirrors"]) for a in exchange.versioned()}
        for answer in exchange.versioned():
            got = normalize(answer.json(), exchange.url(answer.version))
            assert got["RegistryConfig"]["Mirrors"] == [], (daemon.name, answer.version)
    assert forms[REFERENCE.name] == {"[]"}
    assert forms[NEWEST.name] == {"null"}  # so the test above is not vacuous


def test_network_empty_addresses_of_29_0() -> None:
    """Docker 29.0 and 29.1 (API 1.52) sent `"IPRange": ""` for a subnet without a range (netip types with
    `omitempty`, moby/moby#51890); 29.2 (commit 62c1a719b3) left it out again, as 28.5 did. Derived from
    the recorded `net-a` answer: the 29.0 answer at 1.52 adds `"IPRange": ""`, the 1.55 answer is the
    1.51 one."""
    old, url = recorded("networks.inspect.net-a")
    v29_0 = copy.deepcopy(old)
    for config in v29_0["IPAM"]["Config"]:
        config.setdefault("IPRange", "")
    assert normalize(v29_0, at(url, "1.52")) == old


def test_container_empty_addresses_of_29_0() -> None:
    """The same bug in a container's endpoint `IPAMConfig`: derived from the recorded `netted` answer as if
    the container had been given `--ip` on `ne-net-a` (the address it has): 29.0 sends `IPv6Address: ""`
    beside it, 28.5 and 29.2 do not."""
    old, url = recorded("containers.inspect.netted")
    endpoint = old["NetworkSettings"]["Networks"]["ne-net-a"]
    endpoint["IPAMConfig"] = {"IPv4Address": endpoint["IPAddress"]}
    derived = container_inspect_1_55(old)
    check(old, url, derived)
    v29_0 = copy.deepcopy(derived)
    v29_0["NetworkSettings"]["Networks"]["ne-net-a"]["IPAMConfig"]["IPv6Address"] = ""
    assert normalize(v29_0, at(url, "1.52")) == derived


# ---------------------------------------------------------------------------------------- swarm, plugins


def test_service_memory_swappiness_null_of_29_0() -> None:
    """Docker 29.0 and 29.1 sent `"MemorySwappiness": null` in `TaskTemplate.Resources` (a broken struct
    tag, fixed by commit 6c845ded18 in 29.2). Derived from the recorded service as if it had a memory limit
    (the 1.51 and 1.55 answers are the same: `SwapBytes` and `MemorySwappiness` are omitzero)."""
    old, url = recorded("swarm.services.inspect")
    check(old, url, copy.deepcopy(old))
    old["Spec"]["TaskTemplate"]["Resources"] = {"Limits": {"MemoryBytes": 1 << 26}, "Reservations": {}}
    v29_0 = copy.deepcopy(old)
    v29_0["Spec"]["TaskTemplate"]["Resources"]["MemorySwappiness"] = None
    assert normalize(v29_0, at(url, "1.52")) == old


def test_task_memory_swappiness_and_addresses_of_29_0() -> None:
    """The same in a task's `Spec.Resources`, and an empty `Range` in its network attachment's IPAM
    configuration (swarm IPAMConfig netip fields, commit 62c1a719b3). Derived from the recorded task."""
    old, url = recorded("swarm.tasks.inspect")
    check(old, url, copy.deepcopy(old))
    old["Spec"]["Resources"] = {"Limits": {"MemoryBytes": 1 << 26}}
    config = {"Subnet": "10.0.9.0/24", "Gateway": "10.0.9.1"}
    old["NetworksAttachments"] = [
        {
            "Network": {
                "ID": "n1",
                "Spec": {"IPAMOptions": {"Configs": [config]}},
                "IPAMOptions": {"Configs": [config]},
            },
            "Addresses": ["10.0.9.3/24"],
        }
    ]
    v29_0 = copy.deepcopy(old)
    v29_0["Spec"]["Resources"]["MemorySwappiness"] = None
    for where in (
        v29_0["NetworksAttachments"][0]["Network"]["Spec"],
        v29_0["NetworksAttachments"][0]["Network"],
    ):
        where["IPAMOptions"]["Configs"][0]["Range"] = ""
    assert normalize(v29_0, at(url, "1.52")) == old
    assert normalize(old, url) == old


def test_plugin_docker_version() -> None:
    """Docker 29 removed `Config.DockerVersion` from the plugin type (commit e8f156110a); 28.5 sent it when
    set (api/types/plugin.go at v28.5.2, omitempty). No plugin was installed when recording (the recorded
    list is `[]`, unchanged), so the plugin is written by hand after that type."""
    old, url = recorded("plugins.list")
    check(old, url, copy.deepcopy(old))
    config = {"Description": "a volume plugin", "Documentation": "", "Entrypoint": ["/plugin"], "Env": []}
    plugin = {
        "Id": "5ee1",
        "Name": "ne/plugin:1",
        "Enabled": True,
        "Settings": {"Args": [], "Devices": [], "Env": [], "Mounts": []},
        "Config": {**config, "DockerVersion": "28.5.2"},
    }
    derived = {**plugin, "Config": config}
    check([plugin], url, [derived])
    check(plugin, "/v1.51/plugins/ne/plugin:1/json", derived)


# -------------------------------------------------------------------------------- mechanics of the changes


def _recent_changes() -> list[type[Change]]:
    return [
        change
        for entry in REGISTRY.entries
        if str(entry.version) in ("1.52", "1.53", "1.54", "1.55")
        for change in entry.changes
    ]


def _samples(endpoint: str) -> list[Any]:
    out: list[Any] = []
    for exchange in NEWEST.exchanges:
        answer = exchange.at("1.51")
        if answer is None or answer.status >= 300 or exchange.stream:
            continue
        _, bare, _ = split_path(exchange.path)
        found = route(exchange.method, bare)
        if found is not None and found.name == endpoint:
            body = answer.json()
            out += body if found.many else [body]
    return out


@pytest.mark.parametrize("change", _recent_changes(), ids=lambda c: f"{c.version}:{c.__name__}")
def test_marshmallow_load_equals_the_compiled_change(change: type[Change]) -> None:
    """Each recent change, as a marshmallow schema, gives what its compiled form gives, on every recorded
    1.51 answer of its endpoints, and is idempotent there."""
    compiled: Callable[[Any], Any] = change.compiled()
    for endpoint in change.endpoints():
        for sample in _samples(endpoint):
            once = compiled(sample)
            assert change().load(copy.deepcopy(sample)) == once
            assert compiled(once) == once
