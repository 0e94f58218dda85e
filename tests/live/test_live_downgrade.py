"""A docker-py client pinned to API 1.35 against Docker 29.7 at its default floor (1.40), wrapped with
``target="1.35"``: the floor bridge sends its requests at 1.40 and brings the answers down to the 1.35
shape (``VirtualSize``, event ``status/id/from``); unwrapped, the same client is refused. Names are
prefixed ``ne-dg-`` and removed."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import normalize_engine as ne
from tests.conftest import floor_daemons
from tests.live.test_live_docker_py import base_image

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

IMAGE = "ne-live-base:1"  # what base_image() imports on a daemon the recorder did not populate


@pytest.fixture(scope="module")
def floor() -> dict[str, Any]:
    found = floor_daemons()
    if not found:
        message = "no live daemon at its default floor (tools/daemons.sh start docker29-floor)"
        if os.environ.get("CI"):
            pytest.fail("CI must start it: " + message)
        pytest.skip(message)
    daemon = found[0]
    # A floor daemon starts empty on a new machine: import the image with a client it accepts
    plain = docker.DockerClient(base_url=daemon["socket"], timeout=60)
    try:
        assert base_image(plain, recorded=False) == IMAGE
    finally:
        plain.close()
    return daemon


@pytest.fixture
def pinned(floor: dict[str, Any]) -> Iterator[Any]:
    client = docker.DockerClient(base_url=floor["socket"], version="1.35", timeout=60)
    ne.wrap(client, target="1.35")
    try:
        yield client
    finally:
        for container in client.containers.list(all=True, filters={"name": "ne-dg-"}):
            container.remove(force=True)
        client.close()


def test_unwrapped_the_pinned_client_is_refused(floor: dict[str, Any]) -> None:
    client = docker.DockerClient(base_url=floor["socket"], version="1.35", timeout=20)
    try:
        with pytest.raises(docker.errors.APIError, match="too old"):
            client.containers.list(all=True)
    finally:
        client.close()


def test_lists_and_inspects_in_the_1_35_shape(pinned: Any) -> None:
    api = pinned.api
    images = api.images()
    assert images and all(image["VirtualSize"] == image["Size"] for image in images)
    assert all("Containers" in image and image["Containers"] == -1 for image in images)
    inspected = api.inspect_image(IMAGE)
    assert inspected["VirtualSize"] == inspected["Size"]
    assert "ContainerConfig" not in inspected or isinstance(inspected["ContainerConfig"], dict | None)
    assert inspected["Config"]["Hostname"] == "" and inspected["Config"]["AttachStdin"] is False
    name = f"ne-dg-{uuid.uuid4().hex[:8]}"
    container = pinned.containers.create(IMAGE, ["sleep", "30"], name=name)
    container.start()
    listed = [c for c in api.containers(all=True) if c["Id"] == container.id]
    assert listed and "Health" not in listed[0]
    settings = api.inspect_container(container.id)["NetworkSettings"]
    assert settings["IPAddress"] == settings["Networks"]["bridge"]["IPAddress"] != ""
    container.remove(force=True)


def test_runs_waits_reads_logs_execs(pinned: Any) -> None:
    name = f"ne-dg-{uuid.uuid4().hex[:8]}"
    output = pinned.containers.run(IMAGE, ["echo", "hello from 1.35"], name=name, remove=True)
    assert output == b"hello from 1.35\n"
    container = pinned.containers.create(IMAGE, ["sh", "-c", "echo logged; sleep 30"], name=name + "x")
    container.start()
    exit_code, out = container.exec_run(["echo", "exec ok"])
    assert (exit_code, out) == (0, b"exec ok\n")
    deadline = time.monotonic() + 10
    while b"logged" not in container.logs() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert container.logs() == b"logged\n"
    container.kill()
    assert container.wait(timeout=30)["StatusCode"] == 137
    container.remove()


def test_events_come_in_the_1_35_shape(pinned: Any) -> None:
    since = int(time.time()) - 1
    name = f"ne-dg-{uuid.uuid4().hex[:8]}"
    pinned.containers.run(IMAGE, ["true"], name=name, remove=True)
    events = list(pinned.api.events(since=since, until=int(time.time()) + 1, decode=True))
    mine = [
        e for e in events if e.get("Type") == "container" and e["Actor"]["Attributes"].get("name") == name
    ]
    assert mine, events[-5:]
    for event in mine:
        assert event["status"] == event["Action"]
        assert event["id"] == event["Actor"]["ID"]
        assert event["from"] == event["Actor"]["Attributes"]["image"] == IMAGE
