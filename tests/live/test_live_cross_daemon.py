"""One line, and an old daemon looks like a new one: a docker-py client of the oldest live daemon (20.10),
wrapped with ``ne.wrap(client, target=<the newest daemon's API version>)``, reads attrs of the same structure
as an unwrapped client of the newest live daemon (29.7, API 1.55), for the same objects made the same way on
both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from tests.live.test_live_docker_py import base_image
from tests.oracle import diff, prune, underivable_paths
from tests.test_cross_daemon import reconcile, reviewed_differences, structure

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

PREFIX = "ne-cross-"
OLDEST_SOURCE = "1.24"  # what docker-py speaks at the least: every change from there on may apply


def _clean(client: Any, prefix: str = PREFIX) -> None:
    for container in client.containers.list(all=True, filters={"name": prefix}):
        container.remove(force=True)
    for network in client.networks.list(names=[prefix]):
        if network.name.startswith(prefix):
            network.remove()
    for volume in client.volumes.list(filters={"name": prefix}):
        volume.remove(force=True)


def _populate(client: Any, prefix: str = PREFIX) -> dict[str, Any]:
    """The same objects on every daemon: a network, a volume, a running and an exited container."""
    _clean(client, prefix)
    image = base_image(client, recorded=False)
    network = client.networks.create(f"{prefix}net", labels={"ne-cross": "1"})
    volume = client.volumes.create(f"{prefix}vol", labels={"ne-cross": "1"})
    running = client.containers.create(
        image,
        ["sleep", "300"],
        name=f"{prefix}run",
        labels={"ne-cross": "1"},
        hostname="cross",
        volumes={volume.name: {"bind": "/data", "mode": "rw"}},
    )
    network.connect(running, aliases=["alias-one"])
    running.start()
    done = client.containers.run(image, ["true"], name=f"{prefix}done", detach=True, labels={"ne-cross": "1"})
    done.wait(timeout=20)
    return {"network": network.id, "volume": volume.name, "running": running.id, "done": done.id}


@pytest.fixture(scope="module")
def pair(daemons: list[dict[str, Any]]) -> Iterator[tuple[Any, Any, dict[str, Any], dict[str, Any], str]]:
    ordered = sorted(daemons, key=lambda d: Version(d["api_version"]))
    if len(ordered) < 2:
        pytest.skip("needs two live daemons of different versions")
    old_d, new_d = ordered[0], ordered[-1]
    target = new_d["api_version"]
    old = ne.wrap(docker.DockerClient(base_url=old_d["socket"], timeout=30), target=target)
    new = docker.DockerClient(base_url=new_d["socket"], timeout=30)
    old_ids, new_ids = _populate(old), _populate(new)
    try:
        yield old, new, old_ids, new_ids, new_d["version"]
    finally:
        _clean(old)
        _clean(new)
        old.close()
        new.close()


def _same_structure(ours: Any, theirs: Any, reference_version: str, endpoint: str = "") -> None:
    excused = reviewed_differences(reference_version)
    if endpoint:  # what the changes between the two versions declare underivable
        excused += underivable_paths(endpoint, OLDEST_SOURCE, ne.LATEST)
    want = structure(prune(theirs, excused))
    differences = diff(want, reconcile(want, structure(prune(ours, excused))))
    assert not differences, "\n".join(str(d) for d in differences[:15])


def test_container_attrs(pair: Any) -> None:
    old, new, old_ids, new_ids, reference = pair
    for key in ("running", "done"):
        ours = old.containers.get(old_ids[key])
        theirs = new.containers.get(new_ids[key])
        _same_structure(ours.attrs, theirs.attrs, reference)
        assert ours.status == theirs.status
        endpoint = ours.attrs["NetworkSettings"]["Networks"].get(f"{PREFIX}net")
        if endpoint is not None:
            assert (
                endpoint["Aliases"] == theirs.attrs["NetworkSettings"]["Networks"][f"{PREFIX}net"]["Aliases"]
            )
            assert "cross" in endpoint["DNSNames"] and "alias-one" in endpoint["DNSNames"]


def test_container_list(pair: Any) -> None:
    old, new, _, _, reference = pair
    ours = old.api.containers(all=True, filters={"label": "ne-cross=1"})
    theirs = new.api.containers(all=True, filters={"label": "ne-cross=1"})
    _same_structure(ours, theirs, reference)


def test_images_networks_volumes(pair: Any) -> None:
    old, new, old_ids, new_ids, reference = pair
    for image in old.images.list():
        assert "<none>:<none>" not in image.tags and "VirtualSize" not in image.attrs
    base = base_image(old, recorded=False)
    theirs = new.images.get(base_image(new, recorded=False)).attrs
    _same_structure(old.images.get(base).attrs, theirs, reference)
    _same_structure(
        old.networks.get(old_ids["network"]).attrs,
        new.networks.get(new_ids["network"]).attrs,
        reference,
        "networks.inspect",
    )
    _same_structure(
        old.volumes.get(old_ids["volume"]).attrs, new.volumes.get(new_ids["volume"]).attrs, reference
    )
    # every key but `Status` (a 1.52 daemon counts the addresses in use, which no older answer holds)
    ours, theirs = old.networks.get(old_ids["network"]).attrs, new.networks.get(new_ids["network"]).attrs
    assert set(ours) == set(theirs) - ({"Status"} if Version(ne.LATEST) >= Version("1.52") else set())
