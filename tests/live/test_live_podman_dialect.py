"""docker-py wrapped by normalize-engine against live Podman sockets reads Docker's forms (issue 15).

For each Podman of podmans.json (tools/podman.sh; CI starts one, NE_CI_PODMAN): a busybox image imported
through the compat API and two containers, all named `ne-pd-*` and removed afterwards. The wrapped client
lists, inspects, reads events, stats, logs and runs an exec, and docker-py's own properties
(`Container.image`, `Image.tags`, `Container.health`) read what Docker would send. Each check is one the
unwrapped client fails on some Podman (the dialect is what makes it pass), or a form it must keep.
Skipped without podmans.json outside CI; a failure under CI.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import normalize_engine as ne

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

PODMAN_ROOT = Path(os.environ.get("NE_PODMAN_ROOT", "/tmp/ne-podman"))
NAME = "ne-pd"
IMAGE = f"{NAME}-base:latest"  # Podman 4.3's compat import ignores `tag`: `latest` is stored by every version


def live_podmans() -> list[dict[str, Any]]:
    index = PODMAN_ROOT / "podmans.json"
    return list(json.loads(index.read_text())) if index.exists() else []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "podman" in metafunc.fixturenames:
        versions = [p["version"] for p in live_podmans()] or ["none"]
        metafunc.parametrize("podman", versions, indirect=True, scope="module")


def _rootfs() -> bytes:
    busybox = next((p for p in ("/bin/busybox", "/usr/bin/busybox") if os.path.exists(p)), None)
    if busybox is None:
        pytest.skip("no busybox (apt-get install busybox-static)")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = Path(busybox).read_bytes()
        info = tarfile.TarInfo("bin/busybox")
        info.size, info.mode = len(data), 0o755
        tar.addfile(info, io.BytesIO(data))
        for applet in ("sh", "sleep", "echo", "true"):
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
    return buf.getvalue()


def _cleanup(client: Any) -> None:
    for c in client.containers.list(all=True, filters={"name": f"{NAME}-"}):
        if not c.name.startswith(f"{NAME}-"):
            continue
        if c.status == "running":
            c.kill()  # busybox sleep as PID 1 ignores SIGTERM
        c.remove(force=True)
    for image in client.images.list(name=f"{NAME}-base"):
        client.images.remove(image.id, force=True)


@pytest.fixture(scope="module")
def podman(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    found = {p["version"]: p for p in live_podmans()}
    if request.param not in found:
        message = f"no live Podman: run `tools/podman.sh install && tools/podman.sh start` ({PODMAN_ROOT})"
        if os.environ.get("CI"):
            pytest.fail("CI must start a Podman before the tests: " + message)
        pytest.skip(message)
    entry = found[request.param]
    plain = docker.DockerClient(base_url=entry["socket"], version="auto", timeout=60)
    _cleanup(plain)
    since = int(time.time()) - 1
    plain.api.import_image_from_data(
        _rootfs(), repository=f"{NAME}-base", tag="latest", changes=['CMD ["/bin/sh"]']
    )
    sleeper = plain.containers.create(IMAGE, ["sleep", "1000"], name=f"{NAME}-sleeper")
    sleeper.start()
    echo = plain.containers.create(IMAGE, ["echo", "hello from ne-pd"], name=f"{NAME}-echo")
    echo.start()
    plain.api.wait(echo.id, timeout=60)
    wrapped = docker.DockerClient(base_url=entry["socket"], version="auto", timeout=60)
    if not os.environ.get("NE_PD_UNWRAPPED"):  # the unwrapped client must fail these tests
        wrapped = ne.wrap(wrapped)
    try:
        yield {
            **entry,
            "plain": plain,
            "client": wrapped,
            "sleeper": sleeper.id,
            "echo": echo.id,
            "since": since,
        }
    finally:
        wrapped.close()
        _cleanup(plain)
        plain.close()


def test_lists(podman: dict[str, Any]) -> None:
    client = podman["client"]
    listed = client.api.containers(all=True, filters={"name": f"{NAME}-sleeper"})
    assert [c["Id"] for c in listed] == [podman["sleeper"]]
    (item,) = listed
    assert item["Names"] == [f"/{NAME}-sleeper"]
    assert item["HostConfig"]["NetworkMode"] == "bridge"  # Podman 4.3 to 5.8 send no HostConfig
    assert "bridge" in item["NetworkSettings"]["Networks"]  # Podman keys it `podman`
    assert item["NetworkSettings"]["Networks"]["bridge"]["Aliases"] is None  # Podman: [short id]
    assert all(k not in item for k in ("Platform", "NetworkingConfig"))
    images = client.api.images(name=f"{NAME}-base")
    assert images and all(i["Id"].startswith("sha256:") for i in images)
    assert "Names" in images[0]  # a Podman-only key, kept


def test_inspect(podman: dict[str, Any]) -> None:
    attrs = podman["client"].api.inspect_container(podman["sleeper"])
    assert attrs["Id"] == podman["sleeper"] and attrs["State"]["Running"] is True
    host = attrs["HostConfig"]
    assert host["CapAdd"] is None and host["SecurityOpt"] is None  # Podman: []
    assert host["LogConfig"]["Config"] == {}  # Podman: null
    assert attrs["Config"]["Entrypoint"] is None  # Podman: []
    assert "StopSignal" not in attrs["Config"]  # Podman: 15, always
    assert "SizeRootFs" not in attrs  # Podman: 0 without size=1
    assert "bridge" in attrs["NetworkSettings"]["Networks"]
    plain = podman["plain"].api.inspect_container(podman["sleeper"])
    assert plain["Config"]["StopSignal"] in (15, "15", "SIGTERM")  # what the dialect removes is there


def test_container_image_tags_and_health(podman: dict[str, Any]) -> None:
    container = podman["client"].containers.get(podman["sleeper"])
    image = container.image  # docker-py reads attrs["Image"]
    assert image.id.startswith("sha256:")
    assert f"docker.io/library/{IMAGE}" in image.tags  # the fully qualified name Podman stores: kept
    # No health check: Docker sends no State.Health, docker-py says "unknown" (Podman 4.3 sent Status "")
    assert container.health == "unknown"


def test_events(podman: dict[str, Any]) -> None:
    stream = podman["client"].events(
        since=podman["since"],
        until=int(time.time()) + 1,
        decode=True,
        filters={"container": podman["echo"]},
    )
    events = list(stream)
    assert events, "no events of the echo container"
    for event in events:
        assert event["Type"] == "container" and event["Actor"]["ID"] == podman["echo"]
        assert event["Action"] and "time" in event
    assert "start" in {e["Action"] for e in events}


def test_stats(podman: dict[str, Any]) -> None:
    stats = podman["client"].containers.get(podman["sleeper"]).stats(stream=False)
    assert stats["id"] == podman["sleeper"] and "Id" not in stats  # Podman 4.3 sends `Id`
    assert stats["name"] == f"/{NAME}-sleeper"  # Podman sends it without the `/`
    assert stats["blkio_stats"]["io_serviced_recursive"] == []  # Podman: null
    assert "cpu" in stats["cpu_stats"]  # Podman's own figure: kept


def test_logs(podman: dict[str, Any]) -> None:
    logs = podman["client"].containers.get(podman["echo"]).logs()
    assert b"hello from ne-pd" in logs


def test_exec(podman: dict[str, Any]) -> None:
    client = podman["client"]
    result = client.containers.get(podman["sleeper"]).exec_run(["echo", "in exec"])
    assert result.exit_code == 0 and b"in exec" in result.output
    attrs = client.api.inspect_container(podman["sleeper"])
    assert attrs["ExecIDs"] is None or all(isinstance(i, str) for i in attrs["ExecIDs"])


def test_errors(podman: dict[str, Any]) -> None:
    with pytest.raises(docker.errors.NotFound) as raised:
        podman["client"].api.inspect_container(f"{NAME}-missing")
    body = raised.value.response.json()
    assert set(body) == {"message"}, body  # Podman adds `cause` and `response`
