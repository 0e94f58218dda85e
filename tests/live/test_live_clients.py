"""Every Python Docker client against every live daemon (issue 16): testcontainers after ``ne.install()``,
aiodocker through ``ne.wrap()``, httpx sync and async through the normalising transports, and the requests
instrumentor counting spans. Each answer must equal ``ne.normalize()`` of the same answer fetched plainly.

Everything created here is named ``ne-cl-*`` and removed afterwards; the image is imported here from
busybox-static (no registry), the testcontainers reaper is off."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine import autoinstall
from tests.conftest import live_daemons
from tests.live.test_live_docker_py import APPLETS, tar_of

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

PREFIX = "ne-cl-"


def optional(name: str) -> Any:
    if os.environ.get("CI"):
        return __import__(name, fromlist=["_"])
    return pytest.importorskip(name, reason=f"{name} is not installed (pip install -e '.[test]')")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "world" in metafunc.fixturenames:
        suites = [d["suite"] for d in live_daemons()] or ["none"]
        metafunc.parametrize("world", suites, indirect=True, scope="module")


@dataclass
class World:
    suite: str
    socket: str  # unix:///...
    plain: Any
    image: str
    container: Any  # ne-cl-run-<suite>: sleeps, printed "hello" first
    started: int

    @property
    def version(self) -> str:
        return str(self.plain.api._version)

    @property
    def uds(self) -> str:
        return self.socket.removeprefix("unix://")

    def path(self, path: str) -> str:
        return f"/v{self.version}{path}"


def clean(client: Any) -> None:
    for container in client.containers.list(all=True, filters={"name": PREFIX}):
        container.remove(force=True)
    for image in client.images.list():
        for tag in image.tags:
            if tag.startswith(PREFIX):
                client.images.remove(tag, force=True)


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest, daemons: list[dict[str, Any]]) -> Iterator[World]:
    found = [d for d in daemons if d["suite"] == request.param]
    if not found:
        pytest.skip(f"daemon {request.param} is not running")
    d = found[0]
    plain = docker.DockerClient(base_url=d["socket"], timeout=60)
    clean(plain)
    busybox = next((p for p in ("/bin/busybox", "/usr/bin/busybox") if os.path.exists(p)), None)
    if busybox is None:
        pytest.skip("busybox-static is not installed to import an image")
    with open(busybox, "rb") as f:
        data = tar_of({"bin/busybox": f.read()}, {f"bin/{a}": "busybox" for a in APPLETS})
    plain.api.import_image_from_data(data, repository=f"{PREFIX}base", tag="1")
    image = f"{PREFIX}base:1"
    started = int(time.time()) - 1
    container = plain.containers.run(
        image, ["sh", "-c", "echo hello; sleep 300"], name=f"{PREFIX}run-{d['suite']}", detach=True
    )
    deadline = time.time() + 20
    while b"hello" not in container.logs() and time.time() < deadline:
        time.sleep(0.1)
    try:
        yield World(d["suite"], d["socket"], plain, image, container, started)
    finally:
        clean(plain)
        plain.close()


def canonical(world: World, path: str) -> Any:
    """The daemon's own answer, fetched plainly, normalised."""
    response = world.plain.api.get(world.plain.api.base_url + path)
    response.raise_for_status()
    return ne.normalize(response.json(), path)


def stable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("State",)}


# ------------------------------------------------------------------------------------------ testcontainers


def test_testcontainers_starts_a_container_after_install(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
    monkeypatch.setenv("DOCKER_HOST", world.socket)
    optional("testcontainers")
    from testcontainers.core.config import testcontainers_config
    from testcontainers.core.container import DockerContainer

    monkeypatch.setattr(testcontainers_config, "ryuk_disabled", True)
    with ne.installed():
        container = (
            DockerContainer(world.image).with_command("sleep 60").with_name(f"{PREFIX}tc-{world.suite}")
        )
        with container:
            api = container.get_docker_client().client.api
            assert type(api.adapters["http+docker://"]).__name__ == "NormalizingAdapter"
            wrapped = container.get_wrapped_container()
            wrapped.reload()
            path = f"/v{api._version}/containers/{wrapped.id}/json"
            assert stable(wrapped.attrs) == stable(canonical(world, path))
            assert wrapped.status == "running"
            assert "IPAddress" not in wrapped.attrs["NetworkSettings"]  # gone in 1.52
    assert (
        type(docker.APIClient(base_url=world.socket).adapters["http+docker://"]).__name__
        != "NormalizingAdapter"
    )


# ------------------------------------------------------------------------------------------ aiodocker


def test_aiodocker(world: World) -> None:
    aiodocker = optional("aiodocker")

    async def main() -> None:
        client = ne.wrap(aiodocker.Docker(url=world.socket))
        try:
            container = await client.containers.get(world.container.id)
            version = client.api_version.removeprefix("v")
            path = f"/v{version}/containers/{world.container.id}/json"
            assert stable(container._container) == stable(canonical(world, path))
            listed = await client.containers.list(filters={"name": [f"{PREFIX}run-{world.suite}"]})
            assert [c.id for c in listed] == [world.container.id]
            images = await client.images.list(filters={"reference": [world.image]})
            assert images and all("VirtualSize" not in i and i["RepoTags"] == [world.image] for i in images)
            stats = await container.stats(stream=False)
            assert stats and "cpu_stats" in stats[0] and "online_cpus" in stats[0]["cpu_stats"]
            assert await container.log(stdout=True) == ["hello\n"]
            params = {"since": str(world.started), "until": str(int(time.time()) + 1),
                      "filters": json.dumps({"container": [world.container.id]})}  # fmt: skip
            async with client._query("events", params=params) as response:
                events = [json.loads(line) async for line in response.content]
            assert [e["Action"] for e in events][:2] == ["create", "start"]
            assert all("status" not in e and e["Type"] == "container" for e in events)  # gone in 1.52
            with pytest.raises(aiodocker.DockerError) as caught:
                await client.containers.get(f"{PREFIX}nope")
            assert caught.value.status == 404 and f"{PREFIX}nope" in caught.value.message
        finally:
            await client.close()

    asyncio.run(main())


# ------------------------------------------------------------------------------------------ httpx


def test_httpx_sync(world: World) -> None:
    httpx = optional("httpx")
    from normalize_engine.httpx import NormalizingTransport

    transport = NormalizingTransport(httpx.HTTPTransport(uds=world.uds))
    cid = world.container.id
    with httpx.Client(transport=transport, base_url="http://docker", timeout=60) as client:
        path = world.path(f"/containers/{cid}/json")
        assert stable(client.get(path).json()) == stable(canonical(world, path))
        params = {"since": str(world.started), "until": str(int(time.time()) + 1),
                  "filters": json.dumps({"container": [cid]})}  # fmt: skip
        with client.stream("GET", world.path("/events"), params=params) as response:
            events = [json.loads(line) for line in response.iter_lines() if line]
        assert [e["Action"] for e in events][:2] == ["create", "start"]
        assert all("status" not in e for e in events)
        stats = client.get(world.path(f"/containers/{cid}/stats"), params={"stream": "0"}).json()
        assert "online_cpus" in stats["cpu_stats"]
        logs = client.get(world.path(f"/containers/{cid}/logs"), params={"stdout": "1"}).content
        assert logs == world.plain.api.logs(cid, stdout=True, stderr=False) or logs.endswith(b"hello\n")
        missing = client.get(world.path(f"/containers/{PREFIX}nope/json"))
        assert missing.status_code == 404 and f"{PREFIX}nope" in missing.json()["message"]


def test_httpx_async(world: World) -> None:
    httpx = optional("httpx")
    from normalize_engine.httpx import AsyncNormalizingTransport

    cid = world.container.id

    async def main() -> None:
        transport = AsyncNormalizingTransport(httpx.AsyncHTTPTransport(uds=world.uds))
        async with httpx.AsyncClient(transport=transport, base_url="http://docker", timeout=60) as client:
            path = world.path(f"/containers/{cid}/json")
            assert stable((await client.get(path)).json()) == stable(canonical(world, path))
            async with client.stream("GET", world.path(f"/containers/{cid}/stats")) as response:
                async for line in response.aiter_lines():
                    if line:
                        assert "online_cpus" in json.loads(line)["cpu_stats"]
                        break  # an endless stream: the first document came as it arrived
            logs = (await client.get(world.path(f"/containers/{cid}/logs"), params={"stdout": "1"})).content
            assert logs.endswith(b"hello\n")

    asyncio.run(main())


# ------------------------------------------------------------------------------------------ OpenTelemetry


@pytest.mark.parametrize("order", ["wrap-then-instrument", "instrument-then-wrap"])
def test_the_requests_instrumentor_counts_every_span(world: World, order: str) -> None:
    optional("opentelemetry.sdk")
    instrumentation = optional("opentelemetry.instrumentation.requests")
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = instrumentation.RequestsInstrumentor()
    client = docker.DockerClient(base_url=world.socket, version=world.version)
    try:
        if order == "wrap-then-instrument":
            ne.wrap(client)
            instrumentor.instrument(tracer_provider=provider)
        else:
            instrumentor.instrument(tracer_provider=provider)
            ne.wrap(client)
        client.containers.get(world.container.id)  # one request
        assert "VirtualSize" not in client.api.images(name=world.image)[0]  # one request
        spans = exporter.get_finished_spans()
        assert len(spans) == 2, [s.name for s in spans]
        print(f"{world.suite} {order}: {len(spans)} spans")
    finally:
        instrumentor.uninstrument()
        client.close()


# ------------------------------------------------------------------------------------------ community.docker


def _playbook() -> str:
    """ansible-playbook of the `ansible` package (it bundles community.docker), beside this interpreter."""
    found = os.environ.get("NE_ANSIBLE_PLAYBOOK") or shutil.which(
        "ansible-playbook", path=str(Path(sys.executable).parent)
    )
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("ansible-playbook is missing (the test extra installs the `ansible` package)")
    pytest.skip("ansible-playbook is not installed (pip install ansible)")


PLAY = """
- hosts: localhost
  connection: local
  gather_facts: false
  environment:
    NORMALIZE_ENGINE_INSTALL: "{switch}"
    DOCKER_HOST: "{socket}"
  tasks:
    - community.docker.docker_container:
        name: "{name}"
        image: "{image}"
        command: ["sleep", "300"]
        state: started
      register: run
    - community.docker.docker_container_info:
        name: "{name}"
      register: info
    - ansible.builtin.copy:
        content: "{{{{ {{'changed': run.changed, 'container': info.container}} | to_json }}}}"
        dest: "{out}"
"""


def _ansible(world: World, tmp_path: Path, switch: str, out: Path) -> dict[str, Any]:
    play = tmp_path / "play.yml"
    name = f"{PREFIX}ans-{world.suite}"
    play.write_text(PLAY.format(switch=switch, socket=world.socket, name=name, image=world.image, out=out))
    env = {
        **os.environ,
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,  # the interpreter whose site-packages has the line
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        "ANSIBLE_HOME": str(tmp_path / "ansible"),
    }
    proc = subprocess.run(
        [_playbook(), "-i", "localhost,", str(play)], capture_output=True, text=True, timeout=300, env=env
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return dict(json.loads(out.read_text()))


def test_community_docker_through_ansible_with_the_interpreter_recipe(world: World, tmp_path: Path) -> None:
    """docker_container (idempotent reruns) and docker_container_info run by ansible in an interpreter
    whose site-packages holds the autoinstall line, switched on by the play's environment."""
    _playbook()
    site = Path(sysconfig.get_paths()["purelib"])
    pth = site / autoinstall.PTH_NAME
    if pth.exists() or not os.access(site, os.W_OK):
        pytest.skip(f"cannot put {pth} in place for the test")
    autoinstall.main(["--site", str(site)])
    try:
        first = _ansible(world, tmp_path, "1", tmp_path / "first.json")
        again = _ansible(world, tmp_path, "1", tmp_path / "again.json")
        off = _ansible(world, tmp_path, "0", tmp_path / "off.json")
    finally:
        pth.unlink()
    assert first["changed"] is True and again["changed"] is False and off["changed"] is False  # idempotent
    container = again["container"]
    assert container["State"]["Status"] == "running"
    assert "IPAddress" not in container["NetworkSettings"]  # normalised: gone in 1.52
    if Version(world.version) < Version("1.52"):  # the daemon's own answer (switch off) still has it
        assert "IPAddress" in off["container"]["NetworkSettings"]
    path = world.path(f"/containers/{container['Id']}/json")
    assert stable(container) == stable(canonical(world, path))
