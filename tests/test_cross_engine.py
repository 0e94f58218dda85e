"""Cross-engine test: each recorded Podman's answers, normalised to the library's target, have the structure
(keys and value types) of Docker 29.7's normalised answers for the same requests, apart from a reviewed list
of real differences and underivable facts, each with its reason.

The Podmans (tests/fixtures/podman/) and the Docker daemons (tests/fixtures/recorded/) were given the same
state (tools/populate.py), so the same request names the same objects on each. Podman answers are normalised
as a user gets them: the source version is the `Api-Version` header, the engine is told by the headers
(`Libpod-Api-Version`, `Server: Libpod/...`). Requests that one engine answers with another status (swarm,
plugins: Podman has none; builds and loads that fail differently) are counted apart, never compared.

The structure comparison is tests/test_cross_daemon.py's (`structure`, `reconcile`) with tests/oracle.py's
`diff` and `prune`. Second passes and Podman-only keys are checked in tests/test_podman_recorded.py; here
also: the figure of alike exchanges per Podman may only grow (`ALIKE_AT_LEAST`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine._endpoints import Kind, route
from normalize_engine._versions import split_path
from tests.oracle import diff, prune, underivable_paths
from tests.recorded import Answer, Daemon, Exchange, load_podman, load_recorded
from tests.test_cross_daemon import reconcile, structure

PODMANS = load_podman()
DOCKER = max(load_recorded(), key=lambda d: Version(d.api_version))


@dataclass(frozen=True)
class Kept:
    """A reviewed difference: ``kind`` is "real" (Podman's answer says something true Docker's does not, or
    says it its own way, and it stays) or "underivable" (Docker sends a fact Podman's answer does not hold);
    ``endpoints``: where it applies (empty: everywhere); ``versions``: the Podman versions (empty: all)."""

    kind: str
    reason: str
    endpoints: frozenset[str] = frozenset()
    versions: frozenset[str] = frozenset()

    def applies(self, endpoint: str, version: str) -> bool:
        return (not self.endpoints or endpoint in self.endpoints) and (
            not self.versions or version in self.versions
        )


def _at(*endpoints: str) -> frozenset[str]:
    return frozenset(endpoints)


_INSPECT = _at("containers.inspect")
_LIST = _at("containers.list")
_STATS = _at("containers.stats")
_DF = _at("system.df")
_INFO = _at("system.info")

#: The reviewed list, by key path (list items as ``*``; for list endpoints and streams the path inside one
#: item). Everything else Podman sends differently is carried to Docker's form by the dialect
#: (normalize_engine/schemas_podman/).
REVIEWED: dict[str, Kept] = {
    # --- real: Podman's facts, or its own keys, which stay
    "Config.Env": Kept(
        "real",
        "Podman adds `container=podman`, `HOME` and `HOSTNAME` to the environment it "
        "really gives the process",
        _INSPECT,
    ),
    "HostConfig.Binds": Kept(
        "real",
        "Podman lists every mount (named and anonymous volumes too) as a bind "
        "string with its options; Docker lists only what was asked for as binds",
        _INSPECT,
    ),
    "HostConfig.Ulimits": Kept(
        "real",
        "Podman applies and reports default ulimits (RLIMIT_NOFILE, "
        "RLIMIT_NPROC); Docker reports only those asked for",
        _INSPECT,
    ),
    "HostConfig.PidsLimit": Kept(
        "real",
        "Podman applies containers.conf's default pids limit (2048) and "
        "reports it; 6.1 sends 0 for none, which becomes null",
        _INSPECT,
    ),
    "HostConfig.Annotations": Kept(
        "real",
        "Podman 5.4 on annotates every container (io.container.manager, "
        "the stop signal for systemd): its own data",
        _INSPECT | _LIST,
    ),
    "NetworkSettings.Networks.*.Aliases": Kept(
        "real",
        "Podman's container list carries the aliases asked "
        "for (the appended short ID is taken off); Docker's list "
        "carries none",
        _LIST,
    ),
    "AdjustCPUShares": Kept(
        "real", "a Podman-only key of 4.3's list items (kept, as every unknown key)", _LIST
    ),
    "DefaultReadOnlyNonRecursive": Kept("real", "a Podman-only key of 5.4 and 5.8's list items", _LIST),
    "cpu_stats.cpu": Kept("real", "Podman's own CPU percentage in stats", _STATS),
    "precpu_stats.cpu": Kept("real", "Podman's own CPU percentage in stats", _STATS),
    "networks": Kept(
        "real",
        "Podman 4.3 reports one network entry named `network`, not one per interface",
        _STATS,
        frozenset({"4.3.1"}),
    ),
    "id": Kept("real", "the pull stream: Podman's last message carries the image id", _at("images.create")),
    "progressDetail": Kept(
        "real", "the pull stream: Podman sends `progressDetail: {}` on status lines", _at("images.create")
    ),
    "Dangling": Kept("real", "Podman-only image list key", _at("images.list")),
    "Digest": Kept("real", "Podman-only image list key", _at("images.list")),
    "History": Kept("real", "Podman-only image list key", _at("images.list")),
    "Names": Kept(
        "real", "Podman-only image list key (the fully qualified names it stores)", _at("images.list")
    ),
    "BuildahVersion": Kept("real", "Podman-only /info key", _INFO),
    "CPURealtimePeriod": Kept("real", "Podman-only /info key", _INFO),
    "CPURealtimeRuntime": Kept("real", "Podman-only /info key", _INFO),
    "ProductLicense": Kept("real", "Podman-only /info key", _INFO),
    "Rootless": Kept("real", "Podman-only /info key", _INFO),
    "SwapFree": Kept("real", "Podman-only /info key", _INFO),
    "SwapTotal": Kept("real", "Podman-only /info key", _INFO),
    "Uptime": Kept("real", "Podman-only /info key", _INFO),
    "Components": Kept(
        "real",
        "Podman's one component, `Podman Engine`, has its own details (APIVersion "
        "is the libpod version, Package) and Docker's components other ones",
        _at("system.version"),
    ),
    "ContainerUsage.Reclaimable": Kept("real", "Podman-only /system/df key", _DF),
    "ImageUsage.Reclaimable": Kept("real", "Podman-only /system/df key", _DF),
    # --- underivable: Docker's facts that Podman's answer does not hold
    "HostConfig.MaskedPaths": Kept(
        "underivable",
        "Docker's default masked paths are Docker's; Podman sends null and masks its own set",
        _INSPECT,
    ),
    "HostConfig.ReadonlyPaths": Kept(
        "underivable", "Docker's default read-only paths, as MaskedPaths", _INSPECT
    ),
    "ExitCode": Kept(
        "underivable",
        "Podman sends 0 with Pid 0 for an exec never started and for one that "
        "finished (5.x): which it is cannot be told",
        _at("exec.inspect"),
    ),
    "GitCommit": Kept("underivable", "Podman's /version has no Git commit", _at("system.version")),
    "DefaultAddressPools": Kept("underivable", "Podman 4.3 and 5.4 do not report address pools", _INFO),
    "Runtimes.*.status": Kept("underivable", "Podman sends no runtime feature report", _INFO),
    "memory_stats": Kept(
        "underivable",
        "cgroup figures Podman does not report (max_usage, stats; 6.1: usage and limit too)",
        _STATS,
    ),
    "pids_stats": Kept("underivable", "Podman 6.1 reports no pids count", _STATS),
    "cpu_stats.cpu_usage.percpu_usage": Kept("underivable", "Podman 6.1 sends no per-CPU figures", _STATS),
    "precpu_stats": Kept("underivable", "Podman's first sample has no previous CPU figures", _STATS),
    "Tags": Kept(
        "underivable", "Podman 4.3's history names no tags", _at("images.history"), frozenset({"4.3.1"})
    ),
    "Containers.*.Mounts": Kept("underivable", "Podman's /system/df sends `Mounts: null`", _DF),
    "Containers.*.NetworkSettings": Kept(
        "underivable", "Podman's /system/df sends `NetworkSettings: null`", _DF
    ),
    "Containers.*.HostConfig": Kept(
        "underivable", "Podman's /system/df sends `HostConfig: {}` and no networks to read the mode from", _DF
    ),
    "ContainerUsage.Items": Kept("underivable", "as `Containers` (the same items, Docker 29's form)", _DF),
    "Volumes.*.CreatedAt": Kept("underivable", "Podman's /system/df volumes carry no creation time", _DF),
    "VolumeUsage.Items": Kept("underivable", "as `Volumes` (Docker 29's form)", _DF),
    "ImageUsage.TotalSize": Kept(
        "underivable", "Podman 4.3 reports no layer total", _DF, frozenset({"4.3.1"})
    ),
    "LayersSize": Kept("underivable", "Podman 4.3 reports no layer total", _DF, frozenset({"4.3.1"})),
    "errorDetail.code": Kept("underivable", "Podman's build errors carry no code", _at("build")),
}

#: Alike exchanges per Podman version (before the dialect: 30 of 82, 32, 31, 31 of 83); may only grow.
ALIKE_AT_LEAST = {"4.3.1": 39, "5.4.2": 41, "5.8.6": 41, "6.1.1": 41}


def api_version(answer: Answer) -> str | None:
    return next((v for k, v in answer.headers.items() if k.lower() == "api-version"), None)


def normalised(exchange: Exchange, answer: Answer, *, podman: bool) -> Any:
    headers = answer.headers if podman else None
    version = api_version(answer) if podman else str(answer.version)
    if exchange.stream:
        return list(
            ne.normalize_stream(
                [answer.text], exchange.path, method=exchange.method, version=version, headers=headers
            )
        )
    return ne.normalize(
        answer.text,
        exchange.path,
        method=exchange.method,
        status=answer.status,
        version=version,
        headers=headers,
    )


def _endpoint(exchange: Exchange) -> str | None:
    endpoint = route(exchange.method, split_path(exchange.path)[1])
    return None if endpoint is None or endpoint.kind is Kind.RAW else endpoint.name


def _comparable(exchange: Exchange) -> bool:
    if _endpoint(exchange) is None:
        return False
    try:
        theirs = DOCKER.exchange(exchange.key).newest()
    except KeyError:
        return False
    ours = exchange.newest()
    return ours.status == theirs.status and bool(ours.text.strip() and theirs.text.strip())


def differences(podman: Daemon, exchange: Exchange, *, reviewed: bool = True) -> list[str]:
    endpoint = _endpoint(exchange)
    assert endpoint is not None
    ours, theirs_ex = exchange.newest(), DOCKER.exchange(exchange.key)
    got = normalised(exchange, ours, podman=True)
    want = normalised(theirs_ex, theirs_ex.newest(), podman=False)
    excused = underivable_paths(endpoint, api_version(ours) or ne.VERSIONS[0], ne.LATEST)
    if reviewed:
        version = str(podman.info["Version"])
        excused += tuple(p for p, why in REVIEWED.items() if why.applies(endpoint, version))
    if route(exchange.method, split_path(exchange.path)[1]).many or exchange.stream:  # type: ignore[union-attr]
        excused = tuple(f"*.{p}" for p in excused)
    want_shape = structure(prune(want, excused))
    return [str(d) for d in diff(want_shape, reconcile(want_shape, structure(prune(got, excused))))]


def _cases() -> list[Any]:
    return [
        pytest.param(p, e, id=f"{p.name}:{e.key}") for p in PODMANS for e in p.exchanges if _comparable(e)
    ]


@pytest.mark.parametrize(("podman", "exchange"), _cases())
def test_podman_normalised_has_docker_structure(podman: Daemon, exchange: Exchange) -> None:
    found = differences(podman, exchange)
    assert not found, "\n".join(found[:15])


@pytest.mark.parametrize("podman", PODMANS, ids=[p.name for p in PODMANS])
def test_the_alike_figure_only_grows(podman: Daemon) -> None:
    """Without the reviewed list: how many exchanges come out alike as they are (the issue's figure)."""
    alike = sum(1 for e in podman.exchanges if _comparable(e) and not differences(podman, e, reviewed=False))
    assert alike >= ALIKE_AT_LEAST[str(podman.info["Version"])]


def test_every_reviewed_difference_is_still_seen() -> None:
    """The list holds no stale entry: each excuses a difference of at least one recorded Podman."""
    used: set[str] = set()
    for podman in PODMANS:
        for exchange in podman.exchanges:
            if not _comparable(exchange):
                continue
            before = set(differences(podman, exchange, reviewed=False))
            if not before:
                continue
            for path in REVIEWED:
                if any(_hit(line, path) for line in before):
                    used.add(path)
    assert set(REVIEWED) - used == set()


def _hit(line: str, path: str) -> bool:
    where = line.split(":", 1)[0].split(" ", 1)[0]
    parts = [p for p in where.split(".") if not p.isdigit() and p != "*"]
    general = ".".join(parts)
    want = ".".join(p for p in path.split(".") if p != "*")
    return (
        general == want
        or general.startswith(want + ".")
        or general.endswith("." + want)
        or ("." + want + "." in "." + general + ".")
    )


def test_aliases_and_dns_names_lose_nothing() -> None:
    """Every name Podman answers to on a user-defined network (its aliases, short ID, hostname) is in
    `DNSNames` after normalising, at every target; `Aliases` holds only what was asked for at 1.45 on."""
    for podman in PODMANS:
        exchange = podman.exchange("containers.inspect.netted")
        answer = exchange.newest()
        raw = json.loads(answer.text)
        short = raw["Id"][:12]
        for target in ("1.44", "1.45", ne.LATEST):
            doc = ne.normalize(answer.text, exchange.path, headers=answer.headers, target=target)
            for net, endpoint in raw["NetworkSettings"]["Networks"].items():
                names = set(endpoint["Aliases"] or []) | {short, raw["Config"]["Hostname"]}
                got = doc["NetworkSettings"]["Networks"][net]
                assert names <= set(got["DNSNames"]), (podman.name, target, net, got)
                if Version(target) >= Version("1.45"):
                    assert short not in (got["Aliases"] or []), (podman.name, got)
                    assert got["DNSNames"][0] == "ne-netted"
