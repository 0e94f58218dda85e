"""Cross-daemon test: a daemon's answers, normalised to a newer daemon's API version, have the same structure
(keys and value types) as that daemon's own answers for the same populated state.

Two sets of pairs: the oldest daemon (20.10) against each newer one at its version (1.45, 1.51, 1.55), and
every older daemon against the newest (Docker 29.7, the only one here that speaks the library's target
version, 1.55): 20.10, 26.1 and 28.5 normalised to 1.55 must have 29.7's structure. The daemons were given
the same state by ``tools/populate.py``, so the same request names the same objects on each; only IDs, times
and sizes differ, which a structure comparison ignores. Maps whose keys are data (labels, options, IDs) are
compared by the structure of their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine._endpoints import Kind, route
from normalize_engine._versions import split_path
from tests.oracle import diff, prune, underivable_paths
from tests.recorded import Daemon, Exchange, load_recorded

# Objects whose keys are data, not fields: their values are compared as one merged structure.
FREE_MAPS = frozenset(
    {
        "Labels",
        "Options",
        "DriverOpts",
        "Attributes",
        "Containers",
        "Ports",
        "ExposedPorts",
        "Volumes",
        "Runtimes",
        "Networks",
        "Peers",
        "Services",
        "Sysctls",
        "Tmpfs",
        "Annotations",
        "Data",
        "Env",
        "PortBindings",
        "RegistryConfig.IndexConfigs",
        "IndexConfigs",
        "Plugins",
        "Status",
    }
)


@dataclass(frozen=True)
class Difference:
    """A reviewed difference between two daemons that is not the API version's: how each daemon was built
    or configured, or a fact of the state it was given. ``against``: the reference daemons' major versions
    it applies to (empty: every pair)."""

    reason: str
    against: frozenset[str] = frozenset()

    def applies(self, reference_version: str) -> bool:
        """Whether it applies against a reference daemon of this engine version ("29.7.2")."""
        return not self.against or reference_version.split(".")[0] in self.against


def reviewed_differences(reference_version: str) -> tuple[str, ...]:
    return tuple(path for path, why in DAEMON_DIFFERENCES.items() if why.applies(reference_version))


DAEMON_DIFFERENCES: dict[str, Difference] = {
    "GraphDriver.Data": Difference("the vfs storage driver reports its layer ID only since Docker 23"),
    "CDISpecDirs": Difference("CDI is enabled by default since Docker 27, so newer daemons list its folders"),
    "ExecIDs": Difference(
        "a container with a health check has an exec running or not, depending on the moment"
    ),
    "RegistryConfig.Mirrors": Difference(
        "26.1 and 28.5 send `null` at every version where 20.10 and 29.7 send `[]`; the newest daemon "
        "decides (schemas/v1_52.py InfoRegistryMirrorsList), so against 26.1 and 28.5 the normalised "
        "20.10 answer keeps 29.7's form",
        frozenset({"26", "28"}),
    ),
    "DockerVersion": Difference(
        "a fact of the image: Docker 29's classic builder leaves `DockerVersion` empty, and from 1.52 an "
        "empty one is left out (daemon/server/router/image/image_routes.go adds it back only when "
        "present); the images of the older daemons were built by them and carry their version, which stays",
        frozenset({"29"}),
    ),
    "ImageUsage.Reclaimable": Difference(
        "from 1.52 a zero is left out of the usage summaries; 29.7's unused image shares all its layers "
        "(nothing to reclaim), 20.10's does not: the value is data, and the oracle checks it on 29.7's own "
        "answers",
        frozenset({"29"}),
    ),
    "FirewallBackend.Info": Difference(
        "Docker 29 lists its userland-proxy settings in `FirewallBackend.Info` "
        "(daemon/libnetwork/controller_linux.go); 28.5 sends the driver alone",
        frozenset({"29"}),
    ),
    "Components.*.Details.Module": Difference(
        "Docker 29 reports the Go module it was built from; older daemons have no such detail to send",
        frozenset({"29"}),
    ),
    "Components.*.Details.ModuleVersion": Difference(
        "Docker 29 reports the Go module it was built from; older daemons have no such detail to send",
        frozenset({"29"}),
    ),
}


def structure(document: Any, path: str = "") -> Any:
    if isinstance(document, dict):
        last = path.rsplit(".", 1)[-1]
        if last in FREE_MAPS or path in FREE_MAPS:
            merged: dict[str, Any] = {}
            for value in document.values():
                _merge(merged, structure(value, path + ".*"))
            if not merged or set(merged) == {"(value)"}:
                return "map"  # a map of plain values: which entries it holds is data, not structure
            return {"*": merged}
        return {k: structure(v, f"{path}.{k}" if path else k) for k, v in document.items()}
    if isinstance(document, list):
        merged_item: dict[str, Any] = {}
        kinds = set()
        for item in document:
            shape = structure(item, path + ".*")
            if isinstance(shape, dict):
                _merge(merged_item, shape)
            else:
                kinds.add(str(shape))
        if merged_item:
            return [merged_item]
        return sorted(kinds)[:1]
    if document is None:
        last = path.rsplit(".", 1)[-1]
        return "map" if last in FREE_MAPS or path in FREE_MAPS else "null"  # a map with no entries
    if isinstance(document, bool):
        return "bool"
    if isinstance(document, int | float):
        return "number"
    return "str"


def _merge(into: dict[str, Any], shape: Any) -> None:
    """Fold ``shape`` into ``into``: the union of keys; where both hold objects or arrays, merged too."""
    if not isinstance(shape, dict):
        into.setdefault("(value)", shape)
        return
    for key, value in shape.items():
        held = into.get(key)
        if isinstance(value, dict) and isinstance(held, dict):
            _merge(held, value)
        elif isinstance(value, list) and isinstance(held, list):
            if value and isinstance(value[0], dict):
                if held and isinstance(held[0], dict):
                    _merge(held[0], value[0])
                else:
                    into[key] = value
        elif key not in into or held in ([], {}, "null", "map"):
            into[key] = value


def reconcile(want: Any, got: Any) -> Any:
    """``got`` with every map that is empty where ``want`` has entries (or the reverse) made equal to
    ``want``: which entries a map holds is data (one daemon's network has containers, the other's none)."""
    if isinstance(want, dict) and isinstance(got, dict):
        return {k: reconcile(want[k], v) if k in want else v for k, v in got.items()}
    if isinstance(want, list) and isinstance(got, list):
        if want and got:
            return [reconcile(want[0], got[0])]
        return want  # an empty array and a full one: how many items there are is data (warnings, say)
    if (want == "map" and isinstance(got, dict) and set(got) == {"*"}) or (
        got == "map" and isinstance(want, dict) and set(want) == {"*"}
    ):
        return want
    return got


def _pairs() -> list[tuple[Daemon, Daemon]]:
    """The oldest daemon against each newer one, and each older daemon against the newest."""
    daemons = sorted(load_recorded(), key=lambda d: Version(d.api_version))
    oldest, newest = daemons[0], daemons[-1]
    return [(oldest, newer) for newer in daemons[1:]] + [(older, newest) for older in daemons[1:-1]]


def _cases() -> list[Any]:
    cases = []
    for old, new in _pairs():
        keys = {e.key for e in new.exchanges}
        for exchange in old.exchanges:
            if exchange.key in keys and _comparable(exchange):
                cases.append(pytest.param(old, new, exchange, id=f"{old.name}>{new.name}:{exchange.key}"))
    return cases


def _comparable(exchange: Exchange) -> bool:
    _, bare, _ = split_path(exchange.path)
    endpoint = route(exchange.method, bare)
    return endpoint is not None and endpoint.kind is not Kind.RAW


def _documents(answer_text: str, url: str, method: str, status: int, stream: bool, target: str) -> Any:
    if stream:
        return list(ne.normalize_stream([answer_text], url, method=method, target=target))
    return ne.normalize(answer_text, url, method=method, status=status, target=target)


@pytest.mark.parametrize(("old", "new", "exchange"), _cases())
def test_oldest_daemon_normalised_has_the_newer_daemons_structure(
    old: Daemon, new: Daemon, exchange: Exchange
) -> None:
    theirs = new.exchange(exchange.key).newest()
    ours = exchange.newest()
    if ours.status != theirs.status or not (ours.text.strip() and theirs.text.strip()):
        pytest.skip(f"the daemons answer this request differently ({ours.status} vs {theirs.status})")
    target = str(theirs.version)
    _, bare, _ = split_path(exchange.path)
    endpoint = route(exchange.method, bare)
    assert endpoint is not None
    got = _documents(
        ours.text, exchange.url(ours.version), exchange.method, ours.status, exchange.stream, target
    )
    want = _documents(
        theirs.text, exchange.url(theirs.version), exchange.method, theirs.status, exchange.stream, target
    )
    excused = reviewed_differences(str(new.info["Version"])) + underivable_paths(
        endpoint.name, str(ours.version), target
    )
    if endpoint.many or exchange.stream:
        excused = tuple(f"*.{p}" for p in excused)
    want_shape = structure(prune(want, excused))
    differences = diff(want_shape, reconcile(want_shape, structure(prune(got, excused))))
    assert not differences, "\n".join(str(d) for d in differences[:15])


def test_the_newest_daemon_is_the_reference_for_the_newest_version() -> None:
    """The newest recorded daemon speaks ``ne.LATEST``, and every older daemon is compared with it."""
    pairs = _pairs()
    newest = max(load_recorded(), key=lambda d: Version(d.api_version))
    assert newest.api_version == ne.LATEST
    assert {old.name for old, new in pairs if new is newest} == {
        d.name for d in load_recorded() if d is not newest
    }
