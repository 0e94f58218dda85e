"""docker-py against a live Podman socket (tools/podman.sh start; podmans.json), plain and wrapped.

CI starts one Podman (tools/test.sh). docker-py lists containers and images and inspects a container it
created itself on each Podman listed: a busybox image imported through the compat API (Podman stores it
`docker.io/library/...`) and a sleeping container, both named `ne-live-podman-*` and removed afterwards.
Skipped without podmans.json outside CI; a failure under CI.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import normalize_engine as ne

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

PODMAN_ROOT = Path(os.environ.get("NE_PODMAN_ROOT", "/tmp/ne-podman"))
NAME = "ne-live-podman"
# Podman 4.3's compat import ignores `tag`: `latest` is the tag every version stores
IMAGE = f"{NAME}-base:latest"


def live_podmans() -> list[dict[str, Any]]:
    index = PODMAN_ROOT / "podmans.json"
    if not index.exists():
        return []
    return list(json.loads(index.read_text()))


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
        for applet in ("sh", "sleep"):
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
    return buf.getvalue()


@pytest.fixture(scope="module")
def podman(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    found = {p["version"]: p for p in live_podmans()}
    if request.param not in found:
        message = (
            "no live Podman: run `tools/podman.sh install && tools/podman.sh start` "
            f"({PODMAN_ROOT}/podmans.json)"
        )
        if os.environ.get("CI"):
            pytest.fail("CI must start a Podman before the tests: " + message)
        pytest.skip(message)
    entry = found[request.param]
    client = docker.DockerClient(base_url=entry["socket"], version="auto", timeout=60)
    _cleanup(client)
    client.api.import_image_from_data(
        _rootfs(), repository=f"{NAME}-base", tag="latest", changes=['CMD ["/bin/sh"]']
    )
    container = client.containers.create(
        IMAGE, ["sleep", "1000"], name=f"{NAME}-sleeper", labels={"ne.live": "1"}
    )
    container.start()
    entry = {**entry, "client": client, "container": container.id}
    try:
        yield entry
    finally:
        _cleanup(client)
        client.close()


def _cleanup(client: Any) -> None:
    for c in client.containers.list(all=True, filters={"name": NAME}):
        if c.status == "running":
            c.kill()  # busybox sleep as PID 1 ignores SIGTERM: a forced remove would wait out its timeout
        c.remove(force=True)
    for image in client.images.list(name=f"{NAME}-base"):
        client.images.remove(image.id, force=True)


def test_docker_py_lists_and_inspects_on_podman(podman: dict[str, Any]) -> None:
    client = podman["client"]
    assert client.version()["Components"][0]["Name"] == "Podman Engine"
    names = {c.name for c in client.containers.list(all=True)}
    assert f"{NAME}-sleeper" in names
    tags = {t for image in client.images.list() for t in image.tags}
    assert f"docker.io/library/{IMAGE}" in tags, tags  # Podman's own, fully qualified name
    container = client.containers.get(podman["container"])
    assert container.id == podman["container"]
    assert container.status == "running"
    assert container.attrs["Config"]["Cmd"] == ["sleep", "1000"]


def test_wrapped_docker_py_lists_and_inspects_on_podman(podman: dict[str, Any]) -> None:
    wrapped = ne.wrap(docker.DockerClient(base_url=podman["socket"], version="auto", timeout=60))
    try:
        listed = wrapped.api.containers(all=True, filters={"name": f"{NAME}-sleeper"})
        assert [c["Id"] for c in listed] == [podman["container"]]
        assert wrapped.images.list(name=f"{NAME}-base")
        attrs = wrapped.api.inspect_container(podman["container"])
        assert attrs["Id"] == podman["container"]
        assert attrs["State"]["Running"] is True
    finally:
        wrapped.close()
