"""docker-py clients wrapped with ne.wrap() against every live daemon (tools/daemons.sh start).

Each answer of a wrapped client must equal ``ne.normalize()`` of the same answer fetched by an unwrapped
client; streams, hijacked connections and raw bodies must keep working, and the connection pool with them.
Everything created here is named ``ne-live-*`` and removed afterwards.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

import normalize_engine as ne
from tests.conftest import live_daemons

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

PREFIX = "ne-live-"
BASE_IMAGE = "ne-base:1"
APPLETS = ("sh", "sleep", "echo", "cat", "true")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "daemon" in metafunc.fixturenames:
        suites = [d["suite"] for d in live_daemons()] or ["none"]
        metafunc.parametrize("daemon", suites, indirect=True, scope="module")


# ------------------------------------------------------------------------------------------ set-up


@dataclass
class World:
    suite: str
    plain: Any  # docker.DockerClient, unwrapped
    wrapped: Any  # docker.DockerClient, wrapped
    image: str
    running: Any = None  # a container that sleeps, attached to `network`
    done: Any = None  # a container that printed "hello" and exited
    network: Any = None
    volume: Any = None
    created_images: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return str(self.plain.api._version)

    def path(self, path: str) -> str:
        return f"/v{self.version}{path}"


def tar_of(files: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o755, 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.mtime = tarfile.SYMTYPE, target, 1_700_000_000
            tar.addfile(info)
    return buffer.getvalue()


def base_image(client: Any, *, recorded: bool = True) -> str:
    """ne-base:1 when the recorder made it (and ``recorded``), else one imported here from busybox-static:
    the same image on every daemon, whichever of them were populated."""
    if recorded:
        try:
            client.images.get(BASE_IMAGE)
            return BASE_IMAGE
        except docker.errors.ImageNotFound:
            pass
    try:
        client.images.get(f"{PREFIX}base:1")
        return f"{PREFIX}base:1"
    except docker.errors.ImageNotFound:
        pass
    busybox = next((p for p in ("/bin/busybox", "/usr/bin/busybox") if os.path.exists(p)), None)
    if busybox is None:
        pytest.skip(f"{BASE_IMAGE} is missing and busybox-static is not installed to import one")
    with open(busybox, "rb") as f:
        data = tar_of({"bin/busybox": f.read()}, {f"bin/{a}": "busybox" for a in APPLETS})
    client.api.import_image_from_data(data, repository=f"{PREFIX}base", tag="1")
    return f"{PREFIX}base:1"


def clean(client: Any, *, base_too: bool = False) -> None:
    for container in client.containers.list(all=True, filters={"name": PREFIX}):
        container.remove(force=True)
    for network in client.networks.list(names=[PREFIX]):
        if network.name.startswith(PREFIX):
            network.remove()
    for volume in client.volumes.list(filters={"name": PREFIX}):
        volume.remove(force=True)
    for image in client.images.list():
        for tag in image.tags:  # only our tags: an image may also carry someone else's
            if tag.startswith(PREFIX) and (base_too or not tag.startswith(f"{PREFIX}base:")):
                client.images.remove(tag, force=True)


@pytest.fixture(scope="module")
def daemon(request: pytest.FixtureRequest, daemons: list[dict[str, Any]]) -> Iterator[World]:
    found = [d for d in daemons if d["suite"] == request.param]
    if not found:
        pytest.skip(f"daemon {request.param} is not running")
    d = found[0]
    plain = docker.DockerClient(base_url=d["socket"], timeout=30)
    wrapped = ne.wrap(docker.DockerClient(base_url=d["socket"], timeout=30))
    clean(plain)
    world = World(d["suite"], plain, wrapped, base_image(plain))
    world.network = plain.networks.create(f"{PREFIX}net", labels={"ne-live": "1"})
    world.volume = plain.volumes.create(f"{PREFIX}vol", labels={"ne-live": "1"})
    world.running = plain.containers.run(
        world.image,
        ["sleep", "300"],
        name=f"{PREFIX}run",
        detach=True,
        labels={"ne-live": "1"},
        volumes={world.volume.name: {"bind": "/data", "mode": "rw"}},
        network=world.network.name,
    )
    world.done = plain.containers.run(world.image, ["echo", "hello"], name=f"{PREFIX}done", detach=True)
    world.done.wait(timeout=20)
    try:
        yield world
    finally:
        clean(plain, base_too=True)
        plain.close()
        wrapped.close()


def without(document: Any, *keys: str) -> Any:
    """A container list with its human-readable, ever-changing ``Status`` texts masked."""
    if isinstance(document, list):
        return [without(item, *keys) for item in document]
    return {k: v for k, v in document.items() if k not in keys}


def shape(document: Any) -> Any:
    """The keys of a document, recursively (stats values change from one read to the next)."""
    if isinstance(document, dict):
        return {k: shape(v) for k, v in document.items()}
    return type(document).__name__


# ------------------------------------------------------------------------------------------ JSON answers


def test_containers_equal_normalize(daemon: World) -> None:
    plain, wrapped = daemon.plain.api, daemon.wrapped.api
    filters = {"label": "ne-live=1"}
    got = wrapped.containers(all=True, filters=filters)
    expected = ne.normalize(plain.containers(all=True, filters=filters), daemon.path("/containers/json"))
    assert without(got, "Status") == without(expected, "Status")
    assert [c["Id"] for c in got] == [daemon.running.id]

    for container in (daemon.running, daemon.done):
        model = daemon.wrapped.containers.get(container.id)
        assert model.attrs == ne.normalize(
            plain.inspect_container(container.id), daemon.path(f"/containers/{container.id}/json")
        )
        assert model.image.id == daemon.plain.images.get(daemon.image).id
    assert daemon.wrapped.containers.get(daemon.running.id).status == "running"
    assert daemon.wrapped.containers.get(daemon.done.id).status == "exited"
    assert daemon.wrapped.containers.get(daemon.running.id).health == "unknown"


def test_images_equal_normalize(daemon: World) -> None:
    plain, wrapped = daemon.plain.api, daemon.wrapped.api
    got = {i["Id"]: i for i in wrapped.images(all=True)}
    expected = {i["Id"]: i for i in ne.normalize(plain.images(all=True), daemon.path("/images/json?all=1"))}
    common = got.keys() & expected.keys()  # other tests may add or remove images meanwhile
    assert common and all(got[i] == expected[i] for i in common)
    assert all("<none>:<none>" not in (i.get("RepoTags") or []) for i in got.values())
    assert all("VirtualSize" not in i for i in got.values())

    for image in daemon.wrapped.images.list():
        assert "<none>:<none>" not in image.tags
        assert "VirtualSize" not in image.attrs
        assert isinstance(image.labels, dict)
        if image.id in common:
            assert image.attrs == ne.normalize(
                plain.inspect_image(image.id), daemon.path(f"/images/{image.id}/json")
            )


def test_networks_and_volumes_equal_normalize(daemon: World) -> None:
    plain, wrapped = daemon.plain.api, daemon.wrapped.api
    net = daemon.network.id
    assert wrapped.networks(names=[f"{PREFIX}net"]) == ne.normalize(
        plain.networks(names=[f"{PREFIX}net"]), daemon.path("/networks")
    )
    model = daemon.wrapped.networks.get(net)
    assert model.attrs == ne.normalize(plain.inspect_network(net), daemon.path(f"/networks/{net}"))
    assert [c.id for c in model.containers] == [daemon.running.id]

    filters = {"name": PREFIX}
    assert wrapped.volumes(filters=filters) == ne.normalize(
        plain.volumes(filters=filters), daemon.path("/volumes")
    )
    name = daemon.volume.name
    assert daemon.wrapped.volumes.get(name).attrs == ne.normalize(
        plain.inspect_volume(name), daemon.path(f"/volumes/{name}")
    )
    assert wrapped.version() == ne.normalize(plain.version(), daemon.path("/version"))


def test_an_error_keeps_its_message_and_exception_class(daemon: World) -> None:
    with pytest.raises(docker.errors.ImageNotFound) as wrapped_error:
        daemon.wrapped.images.get(f"{PREFIX}missing:1")
    with pytest.raises(docker.errors.ImageNotFound) as plain_error:
        daemon.plain.images.get(f"{PREFIX}missing:1")
    assert wrapped_error.value.explanation == plain_error.value.explanation
    with pytest.raises(docker.errors.NotFound):
        daemon.wrapped.containers.get(f"{PREFIX}missing")


# ------------------------------------------------------------------------------------------ streams


def test_events_between_since_and_until_equal_normalize(daemon: World) -> None:
    since = int(time.time()) - 1
    container = daemon.wrapped.containers.run(daemon.image, ["true"], name=f"{PREFIX}ev", detach=True)
    container.wait(timeout=20)
    container.remove()
    until = int(time.time()) + 1
    time.sleep(max(0.0, until - time.time()) + 0.05)
    filters = {"container": container.id}
    got = list(daemon.wrapped.events(since=since, until=until, filters=filters, decode=True))
    raw = list(daemon.plain.events(since=since, until=until, filters=filters, decode=True))
    assert got == [ne.normalize(e, daemon.path("/events")) for e in raw]
    actions = [e["Action"] for e in got]
    assert {"create", "start", "die", "destroy"} <= set(actions)
    assert all(e["Type"] == "container" and e["Actor"]["ID"] == container.id for e in got)
    assert all("status" not in e and "from" not in e for e in got)


def test_a_live_event_stream_is_normalised_and_cancelled_from_another_thread(daemon: World) -> None:
    since = int(time.time()) - 1
    stream = daemon.wrapped.events(decode=True, filters={"label": "ne-live-ev=1"})
    got: list[dict[str, Any]] = []
    reader = threading.Thread(target=lambda: got.extend(stream), daemon=True)
    reader.start()
    container = daemon.plain.containers.run(
        daemon.image, ["true"], name=f"{PREFIX}ev2", detach=True, labels={"ne-live-ev": "1"}
    )
    container.wait(timeout=20)
    deadline = time.monotonic() + 10
    while not any(e.get("Action") == "die" for e in got) and time.monotonic() < deadline:
        time.sleep(0.05)
    stream.close()
    reader.join(10)
    assert not reader.is_alive(), "close() did not end the event stream"
    container.remove()
    assert any(e["Action"] == "start" for e in got) and any(e["Action"] == "die" for e in got)

    until = int(time.time()) + 1
    time.sleep(max(0.0, until - time.time()) + 0.05)
    filters = {"container": container.id}
    raw = [e for e in daemon.plain.events(since=since, until=until, filters=filters, decode=True)]
    by_nano = {e["timeNano"]: ne.normalize(e, daemon.path("/events")) for e in raw}
    assert got and all(by_nano[e["timeNano"]] == e for e in got)
    assert daemon.wrapped.containers.get(daemon.running.id).status == "running"  # the pool is intact


def stats_stream(api: Any, container_id: str, count: int) -> list[dict[str, Any]]:
    """``count`` documents of a stats stream read as docker-py's ``stats(stream=True)`` reads them."""
    response = api._get(api._url("/containers/{0}/stats", container_id), stream=True)
    try:
        stream = api._stream_helper(response, decode=True)
        return [next(stream) for _ in range(count)]
    finally:
        response.close()


def test_stats_stream_and_one_shot(daemon: World) -> None:
    api = daemon.wrapped.api
    path = daemon.path(f"/containers/{daemon.running.id}/stats")
    documents = stats_stream(api, daemon.running.id, 2)
    reference = ne.normalize(stats_stream(daemon.plain.api, daemon.running.id, 1)[0], path)
    for document in documents:
        assert shape(document).keys() == shape(reference).keys()
        assert shape(document["cpu_stats"]) == shape(reference["cpu_stats"])
        assert document == ne.normalize(document, path)  # already canonical

    one_shot = api.stats(daemon.running.id, stream=False, one_shot=True)
    plain_one_shot = daemon.plain.api.stats(daemon.running.id, stream=False, one_shot=True)
    assert shape(one_shot).keys() == shape(ne.normalize(plain_one_shot, path)).keys()
    assert daemon.wrapped.containers.get(daemon.running.id).status == "running"


def test_import_and_build_progress(daemon: World) -> None:
    data = tar_of({"data.bin": os.urandom(3 * 1024 * 1024)})
    path = daemon.path("/images/create")
    got_text = daemon.wrapped.api.import_image_from_data(data, repository=f"{PREFIX}imp", tag="1")
    raw_text = daemon.plain.api.import_image_from_data(data, repository=f"{PREFIX}imp", tag="2")
    got = [json.loads(line) for line in got_text.splitlines() if line.strip()]
    expected = list(ne.normalize_stream([raw_text.encode()], path, method="POST"))
    # the two imports differ only in the new image's ID, the last document's status
    assert got[:-1] == expected[:-1] and got[-1].keys() == expected[-1].keys()
    assert got[-1]["status"].startswith("sha256:")
    assert f"{PREFIX}imp:1" in daemon.wrapped.images.get(f"{PREFIX}imp:1").tags

    context = tar_of({"Dockerfile": f"FROM {daemon.image}\nLABEL ne-live=build\n".encode()})
    build = daemon.path("/build")
    warm = daemon.plain.api.build(
        fileobj=io.BytesIO(context), custom_context=True, tag=f"{PREFIX}build:1", rm=True
    )
    list(warm)  # a first build fills the cache, so the two compared builds say the same
    raw = list(
        daemon.plain.api.build(
            fileobj=io.BytesIO(context), custom_context=True, tag=f"{PREFIX}build:1", decode=True
        )
    )
    got = list(
        daemon.wrapped.api.build(
            fileobj=io.BytesIO(context), custom_context=True, tag=f"{PREFIX}build:1", decode=True
        )
    )
    assert got == [ne.normalize(d, build, method="POST") for d in raw]
    assert daemon.wrapped.images.get(f"{PREFIX}build:1").labels == {"ne-live": "build"}


# ------------------------------------------------------------------------------------------ raw and hijacked


def test_logs_pass_through(daemon: World) -> None:
    wrapped = daemon.wrapped.containers.get(daemon.done.id)
    assert wrapped.logs() == daemon.done.logs() == b"hello\n"
    assert b"".join(wrapped.logs(stream=True)) == b"hello\n"
    assert daemon.wrapped.api.version()["ApiVersion"] == daemon.version


def test_exec_run_and_attach_keep_the_pool_intact(daemon: World) -> None:
    container = daemon.wrapped.containers.get(daemon.running.id)
    for n in range(3):
        result = container.exec_run(["echo", f"hi {n}"])
        assert (result.exit_code, result.output) == (0, f"hi {n}\n".encode())
        assert daemon.wrapped.containers.get(daemon.running.id).status == "running"

    # docker-py itself loses what the daemon sends in the same packet as the 101 (it reads the socket, not
    # http.client's buffer), so the logs of a finished container come back whole or empty, wrapped or not.
    done = daemon.wrapped.containers.get(daemon.done.id)
    assert done.attach(stream=False, logs=True) in (b"", b"hello\n")
    assert daemon.wrapped.containers.get(daemon.done.id).status == "exited"

    # attached before it starts, as `docker run` does: everything arrives after the 101
    created = daemon.wrapped.containers.create(daemon.image, ["echo", "attached"], name=f"{PREFIX}att")
    frames = created.attach(stream=True, stdout=True, stderr=True)
    created.start()
    assert b"".join(frames) == b"attached\n"
    frames._response.close()  # docker-py leaves a finished attach stream's connection open
    created.remove(force=True)
    socket_exec = daemon.wrapped.api.exec_create(daemon.running.id, ["cat", "/proc/self/cmdline"])
    assert daemon.wrapped.api.exec_start(socket_exec["Id"]) == b"cat\x00/proc/self/cmdline\x00"
    assert daemon.wrapped.api.exec_inspect(socket_exec["Id"])["ExitCode"] == 0
    assert daemon.wrapped.ping() is True


def test_archives_pass_through(daemon: World) -> None:
    bits, stat = daemon.wrapped.containers.get(daemon.running.id).get_archive("/bin/sh")
    plain_bits, plain_stat = daemon.running.get_archive("/bin/sh")
    assert b"".join(bits) == b"".join(plain_bits) and stat == plain_stat
    assert daemon.wrapped.api.version()["ApiVersion"] == daemon.version
