"""The other direction of tests/live/test_live_cross_daemon.py: a docker-py client of the newest live daemon
(Docker 29.7), wrapped with ``ne.wrap(client, target="1.41")``, reads attrs of the same structure as an
unwrapped client of Docker 20.10 (API 1.41) for the same objects made the same way on both: code written
for 20.10 keeps working on 29.7."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from tests.live.test_live_cross_daemon import _clean, _populate
from tests.live.test_live_docker_py import base_image
from tests.oracle import diff, lost_paths, prune
from tests.test_cross_daemon import reconcile, reviewed_differences, structure

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

PREFIX = "ne-pin-"


@pytest.fixture(scope="module")
def pair(daemons: list[dict[str, Any]]) -> Iterator[tuple[Any, Any, dict[str, Any], dict[str, Any], str]]:
    ordered = sorted(daemons, key=lambda d: Version(d["api_version"]))
    if len(ordered) < 2:
        pytest.skip("needs two live daemons of different versions")
    old_d, new_d = ordered[0], ordered[-1]
    target = old_d["api_version"]
    ours = ne.wrap(docker.DockerClient(base_url=new_d["socket"], timeout=30), target=target)
    theirs = docker.DockerClient(base_url=old_d["socket"], timeout=30)
    our_ids, their_ids = _populate(ours, PREFIX), _populate(theirs, PREFIX)
    try:
        yield ours, theirs, our_ids, their_ids, old_d["version"]
    finally:
        _clean(ours, PREFIX)
        _clean(theirs, PREFIX)
        ours.close()
        theirs.close()


# What Docker 29.7 itself sends at API 1.41 where Docker 20.10 sent otherwise: the library brings 29.7's
# answers down to 29.7's own 1.41 answers (tests/test_downgrade_oracle.py), and where two releases disagree
# at one API version the newest decides. Paths are those of one container.
RELEASE_DIFFERENCES: dict[str, str] = {
    "NetworkSettings.Bridge": "29.x adds back below 1.52 only the default bridge's address fields "
    "(daemon/server/router/container/inspect.go), not the sandbox fields 20.10 sent",
    "NetworkSettings.HairpinMode": "as NetworkSettings.Bridge",
    "NetworkSettings.LinkLocalIPv6Address": "as NetworkSettings.Bridge",
    "NetworkSettings.LinkLocalIPv6PrefixLen": "as NetworkSettings.Bridge",
    "NetworkSettings.SecondaryIPAddresses": "as NetworkSettings.Bridge",
    "NetworkSettings.SecondaryIPv6Addresses": "as NetworkSettings.Bridge",
    "HostConfig.KernelMemory": "gone from Docker 29's types: no version of its answers has it",
    "HostConfig.KernelMemoryTCP": "as HostConfig.KernelMemory",
    "Config.OnBuild": "29.x leaves an empty OnBuild out at every version (omitempty)",
    "NetworkSettings.Networks.*.DNSNames": "29.x sends it at every API version (not versioned)",
    "NetworkSettings.Networks.*.GwPriority": "29.x sends it at every API version (not versioned)",
}


def _same_structure(ours: Any, theirs: Any, reference_version: str, endpoint: str) -> None:
    # the reviewed build, state and release differences, and what cannot come back down
    excused = reviewed_differences(reference_version) + lost_paths(endpoint, ne.LATEST, "1.41")
    excused += tuple(RELEASE_DIFFERENCES) + tuple(f"*.{p}" for p in RELEASE_DIFFERENCES)
    want = structure(prune(theirs, excused))
    differences = diff(want, reconcile(want, structure(prune(ours, excused))))
    assert not differences, "\n".join(str(d) for d in differences[:15])


def test_container_attrs_in_the_pinned_shape(pair: Any) -> None:
    ours, theirs, our_ids, their_ids, reference = pair
    for key in ("running", "done"):
        mine = ours.containers.get(our_ids[key])
        old = theirs.containers.get(their_ids[key])
        _same_structure(mine.attrs, old.attrs, reference, "containers.inspect")
        assert mine.status == old.status
    settings = ours.containers.get(our_ids["running"]).attrs["NetworkSettings"]
    assert "IPAddress" in settings  # what 1.41 code reads, gone from 29.7's own 1.52+ answers


def test_lists_and_images_in_the_pinned_shape(pair: Any) -> None:
    ours, theirs, _, _, reference = pair
    mine = ours.api.containers(all=True, filters={"name": PREFIX})
    old = theirs.api.containers(all=True, filters={"name": PREFIX})
    _same_structure(mine, old, reference, "containers.list")
    image = ours.images.get(base_image(ours, recorded=False)).attrs
    _same_structure(
        image, theirs.images.get(base_image(theirs, recorded=False)).attrs, reference, "images.inspect"
    )
    assert "VirtualSize" in ours.api.images()[0]  # 1.41 still had it
