"""One line, and an old daemon looks like a new one: a docker-py client of the oldest live daemon, wrapped
with ``ne.wrap(client, target=<the newest daemon's API version>)``, reads attrs of the same structure as an
unwrapped client of the newest live daemon, for the same objects made the same way on both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from tests.live.test_live_docker_py import base_image
from tests.oracle import diff, prune
from tests.test_cross_daemon import DAEMON_DIFFERENCES, reconcile, structure

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

PREFIX = "ne-cross-"


def _clean(client: Any) -> None:
    for container in client.containers.list(all=True, filters={"name": PREFIX}):
        container.remove(force=True)
    for network in client.networks.list(names=[PREFIX]):
        if network.name.startswith(PREFIX):
            network.remove()
    for volume in client.volumes.list(filters={"name": PREFIX}):
        volume.remove(force=True)


def _populate(client: Any) -> dict[str, Any]:
    """The same objects on every daemon: a network, a volume, a running and an exited container."""
    _clean(client)
    image = base_image(client)
    network = client.networks.create(f"{PREFIX}net", labels={"ne-cross": "1"})
    volume = client.volumes.create(f"{PREFIX}vol", labels={"ne-cross": "1"})
    running = client.containers.create(
        image,
        ["sleep", "300"],
        name=f"{PREFIX}run",
        labels={"ne-cross": "1"},
        hostname="cross",
        volumes={volume.name: {"bind": "/data", "mode": "rw"}},
    )
    network.connect(running, aliases=["alias-one"])
    running.start()
    done = client.containers.run(image, ["true"], name=f"{PREFIX}done", detach=True, labels={"ne-cross": "1"})
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
        yield old, new, old_ids, new_ids, target
    finally:
        _clean(old)
        _clean(new)
        old.close()
        new.close()


def _same_structure(ours: Any, theirs: Any, excused: tuple[str, ...] = ()) -> None:
    excused = tuple(DAEMON_DIFFERENCES) + excused
    want = structure(prune(theirs, excused))
    differences = diff(want, reconcile(want, structure(prune(ours, excused))))
    assert not differences, "\n".join(str(d) for d in differences[:15])


def test_container_attrs(pair: Any) -> None:
    old, new, old_ids, new_ids, _ = pair
    for key in ("running", "done"):
        ours = old.containers.get(old_ids[key])
        theirs = new.containers.get(new_ids[key])
        _same_structure(ours.attrs, theirs.attrs)
        assert ours.status == theirs.status
        endpoint = ours.attrs["NetworkSettings"]["Networks"].get(f"{PREFIX}net")
        if endpoint is not None:
            assert (
                endpoint["Aliases"] == theirs.attrs["NetworkSettings"]["Networks"][f"{PREFIX}net"]["Aliases"]
            )
            assert "cross" in endpoint["DNSNames"] and "alias-one" in endpoint["DNSNames"]


def test_container_list(pair: Any) -> None:
    old, new, _, _, _ = pair
    ours = old.api.containers(all=True, filters={"label": "ne-cross=1"})
    theirs = new.api.containers(all=True, filters={"label": "ne-cross=1"})
    _same_structure(ours, theirs)


def test_images_networks_volumes(pair: Any) -> None:
    old, new, old_ids, new_ids, _ = pair
    for image in old.images.list():
        assert "<none>:<none>" not in image.tags and "VirtualSize" not in image.attrs
    base = base_image(old)
    _same_structure(old.images.get(base).attrs, new.images.get(base_image(new)).attrs)
    _same_structure(old.networks.get(old_ids["network"]).attrs, new.networks.get(new_ids["network"]).attrs)
    _same_structure(old.volumes.get(old_ids["volume"]).attrs, new.volumes.get(new_ids["volume"]).attrs)
    assert set(old.networks.get(old_ids["network"]).attrs) == set(new.networks.get(new_ids["network"]).attrs)
