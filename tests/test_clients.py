"""Every Python Docker client (issue 16), offline: install(), the autoinstall recipe, wrap() of
testcontainers' and aiodocker's clients, the httpx and aiohttp transports, OpenTelemetry's requests
instrumentor in either order, anormalize_stream(). Against a fake daemon on a unix socket that answers as
Docker 20.10 does (API 1.41); tests/live/test_live_clients.py does the same against the real daemons.

Tests needing an optional package skip with the reason when it is missing, except under CI (then they fail:
the ``test`` extra installs them all)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import normalize_engine as ne
from normalize_engine import _install, autoinstall

docker = pytest.importorskip("docker")

REPO = Path(__file__).resolve().parent.parent
HEX = "9c" * 32


def optional(name: str) -> ModuleType:
    """The optional package ``name``; skipped with the reason when it is missing, a failure under CI."""
    if os.environ.get("CI"):
        return __import__(name, fromlist=["_"])
    return pytest.importorskip(name, reason=f"{name} is not installed (pip install -e '.[test]')")


OLD_CONTAINER = {
    "Id": HEX,
    "Name": "/ne-cl-fake",
    "Image": "sha256:" + "5e" * 32,
    "State": {"Status": "running", "Running": True, "Pid": 42, "ExitCode": 0},
    "Config": {"Tty": False, "Labels": {}, "Image": "busybox"},
    "HostConfig": {"NetworkMode": "default"},
    "NetworkSettings": {
        "IPAddress": "172.17.0.2",
        "Networks": {"bridge": {"IPAddress": "172.17.0.2", "Aliases": None, "NetworkID": "n1"}},
    },
}
OLD_IMAGES = [{"Id": "sha256:" + "5e" * 32, "RepoTags": ["<none>:<none>"], "Size": 10, "VirtualSize": 10}]
OLD_EVENTS = [
    {"status": action, "id": HEX, "from": "busybox", "time": 1700000000 + n} for n, action in enumerate("ab")
]
OLD_STATS = {
    "read": "2024-01-01T00:00:00Z",
    "cpu_stats": {"cpu_usage": {"total_usage": 10, "percpu_usage": [5, 5]}, "system_cpu_usage": 100},
    "precpu_stats": {"cpu_usage": {"total_usage": 0, "percpu_usage": [0, 0]}},
    "memory_stats": {"usage": 1},
}
LOGS = b"\x01\x00\x00\x00\x00\x00\x00\x06hello\n"


def path_of(path: str, version: str = "1.41") -> str:
    return f"/v{version}{path}"


def bare(path: str) -> str:
    """The fake answers every version prefix alike (as Podman does), so that old ones can be asked for."""
    return "/v1.41" + re.sub(r"^/v1\.\d+", "", path)


class Daemon(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str) -> None:
        super().__init__(path, Handler)
        self.seen: list[str] = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Daemon

    def log_message(self, *args: Any) -> None:
        pass

    def address_string(self) -> str:
        return "unix"

    def send(self, data: bytes, status: int = 200, media: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def chunked(self, documents: list[Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Api-Version", "1.41")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for document in documents:
            data = json.dumps(document).encode() + b"\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        self.server.seen.append(path)
        path = bare(path)
        if path in ("/version", "/v1.41/version"):
            self.send(
                json.dumps({"ApiVersion": "1.41", "Version": "20.10.24", "MinAPIVersion": "1.12"}).encode()
            )
        elif path == path_of(f"/containers/{HEX}/json"):
            self.send(json.dumps(OLD_CONTAINER).encode())
        elif path == path_of("/containers/json"):
            self.send(json.dumps([{"Id": HEX, "Names": ["/ne-cl-fake"], "Status": "Up 1 second"}]).encode())
        elif path == path_of("/images/json"):
            self.send(json.dumps(OLD_IMAGES).encode())
        elif path == path_of("/events"):
            self.chunked(OLD_EVENTS)
        elif path == path_of(f"/containers/{HEX}/stats"):
            self.chunked([OLD_STATS] if "stream=0" in query or "stream=false" in query else [OLD_STATS] * 2)
        elif path == path_of(f"/containers/{HEX}/logs"):
            self.send(LOGS, media="application/vnd.docker.multiplexed-stream")
        elif path == path_of("/containers/broken/json"):
            self.send(b'{"Id": 1')  # not JSON: the transports fail open
        elif path == path_of("/images/nope/json"):
            self.send(b"No such image: nope\n", 404, "text/plain; charset=utf-8")
        else:
            self.send(json.dumps({"message": f"page not found: {path}"}).encode(), 404)


@pytest.fixture
def fake() -> Iterator[tuple[str, Daemon]]:
    folder = tempfile.mkdtemp(prefix="ne-cl-")
    sock = os.path.join(folder, "docker.sock")
    server = Daemon(sock)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sock, server
    finally:
        server.shutdown()
        server.server_close()
        os.unlink(sock)
        os.rmdir(folder)


@pytest.fixture(autouse=True)
def _never_left_installed() -> Iterator[None]:
    yield
    ne.uninstall()


def normalising(api: Any) -> bool:
    return type(api.adapters["http+docker://"]).__name__ == "NormalizingAdapter"


# ------------------------------------------------------------------------------------------ install()


def test_install_wraps_every_client_created_afterwards_and_uninstall_undoes_it() -> None:
    before = docker.APIClient(base_url="unix:///nowhere/docker.sock", version="1.41")
    with ne.installed(target="1.44"):
        api = docker.APIClient(base_url="unix:///nowhere/docker.sock", version="1.41")
        client = docker.DockerClient(base_url="unix:///nowhere/docker.sock", version="1.41")
        assert normalising(api) and normalising(client.api)
        assert api.adapters["http+docker://"].target == "1.44"
        assert not normalising(before)  # created before: untouched
    after = docker.APIClient(base_url="unix:///nowhere/docker.sock", version="1.41")
    assert not normalising(after) and normalising(api)  # wrapped meanwhile: stays wrapped
    assert docker.APIClient.__init__.__name__ == "__init__" and not hasattr(
        docker.APIClient.__init__, "_ne_installed"
    )
    for c in (before, api, client, after):
        c.close()


def test_install_is_idempotent_and_keeps_or_replaces_its_settings() -> None:
    original = docker.APIClient.__init__
    ne.install(target="1.44", strict=True)
    patched = docker.APIClient.__init__
    ne.install()
    assert docker.APIClient.__init__ is patched and patched.__wrapped__ is original
    api = docker.APIClient(base_url="unix:///nowhere/docker.sock", version="1.41")
    adapter = api.adapters["http+docker://"]
    assert (adapter.target, adapter.strict) == ("1.44", True)
    assert not isinstance(adapter.inner, type(adapter))  # wrapped once, not twice
    ne.install(target="1.50")
    assert docker.APIClient(base_url="unix:///x", version="1.41").adapters["http+docker://"].target == "1.50"
    ne.uninstall()
    ne.uninstall()  # twice: nothing to do
    assert docker.APIClient.__init__ is original
    api.close()


def test_install_refuses_an_impossible_target_and_stays_off() -> None:
    with pytest.raises(ne.UnknownVersionError):
        ne.install(target="9.99")
    assert not _install.is_installed()
    assert not normalising(docker.APIClient(base_url="unix:///x", version="1.41"))


def run(code: str, env: dict[str, str] | None = None) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NORMALIZE_ENGINE_")}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**environ, **(env or {})},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_install_is_never_on_by_default_and_patches_docker_when_it_is_imported_later() -> None:
    check = "import docker; c = docker.APIClient(base_url='unix:///x', version='1.41'); "
    check += "print(type(c.adapters['http+docker://']).__name__)"
    assert run("import normalize_engine; " + check) == "UnixHTTPAdapter"  # imported, not installed: off
    out = run(
        "import sys, normalize_engine as ne; ne.install(); "
        "print('docker' in sys.modules, 'requests' in sys.modules); " + check
    )
    assert out.splitlines() == ["False False", "NormalizingAdapter"]


def test_the_autoinstall_line_costs_nothing_unset_and_installs_when_set(tmp_path: Path) -> None:
    assert autoinstall.main(["--site", str(tmp_path)]) == 0
    assert (tmp_path / autoinstall.PTH_NAME).read_text() == autoinstall.PTH_LINE
    code = (
        f"import site, sys; site.addsitedir({str(tmp_path)!r}); "
        "print('normalize_engine' in sys.modules, 'docker' in sys.modules); "
        "import docker; c = docker.DockerClient(base_url='unix:///x', version='1.41'); "
        "print(type(c.api.adapters['http+docker://']).__name__)"
    )
    assert run(code).splitlines() == ["False False", "UnixHTTPAdapter"]
    assert run(code, {"NORMALIZE_ENGINE_INSTALL": "0"}).splitlines() == ["False False", "UnixHTTPAdapter"]
    assert run(code, {"NORMALIZE_ENGINE_INSTALL": "1"}).splitlines() == ["True False", "NormalizingAdapter"]
    target = code.replace("__name__)", "__name__, c.api.adapters['http+docker://'].target)")
    out = run(target, {"NORMALIZE_ENGINE_INSTALL": "1", "NORMALIZE_ENGINE_TARGET": "1.44"})
    assert out.splitlines()[1] == "NormalizingAdapter 1.44"
    bad = run(code, {"NORMALIZE_ENGINE_INSTALL": "1", "NORMALIZE_ENGINE_TARGET": "9.99"})
    assert bad.splitlines()[1] == "UnixHTTPAdapter"  # said on stderr, and the interpreter still starts
    assert autoinstall.main(["--site", str(tmp_path), "--remove"]) == 0
    assert not (tmp_path / autoinstall.PTH_NAME).exists()


def test_a_sitecustomize_holding_the_line_works_too(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(autoinstall.PTH_LINE)
    code = "import docker; c = docker.APIClient(base_url='unix:///x', version='1.41'); "
    code += "print(type(c.adapters['http+docker://']).__name__)"
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    assert run(code, env) == "UnixHTTPAdapter"
    assert run(code, {**env, "NORMALIZE_ENGINE_INSTALL": "1"}) == "NormalizingAdapter"


# ------------------------------------------------------------------------------------------ wrap()


class Holder:
    """What testcontainers' DockerClient is made of: a docker-py client as ``.client``."""

    def __init__(self, client: Any) -> None:
        self.client = client


def test_wrap_takes_anything_holding_a_docker_py_client_as_client(fake: tuple[str, Daemon]) -> None:
    sock, _ = fake
    holder = Holder(docker.DockerClient(base_url="unix://" + sock, version="1.41"))
    assert ne.wrap(holder) is holder and normalising(holder.client.api)
    assert holder.client.containers.get(HEX).attrs == ne.normalize(
        OLD_CONTAINER, path_of(f"/containers/{HEX}/json")
    )
    with pytest.raises(ne.UnsupportedClientError, match="testcontainers"):
        ne.wrap(Holder(object()))
    holder.client.close()


def test_wrap_takes_testcontainers_docker_client(
    fake: tuple[str, Daemon], monkeypatch: pytest.MonkeyPatch
) -> None:
    optional("testcontainers")
    from testcontainers.core.docker_client import DockerClient

    monkeypatch.setenv("DOCKER_HOST", "unix://" + fake[0])
    tc = DockerClient()
    assert ne.wrap(tc) is tc and normalising(tc.client.api)
    assert tc.client.api.inspect_container(HEX) == ne.normalize(
        OLD_CONTAINER, path_of(f"/containers/{HEX}/json")
    )
    tc.client.close()


def test_testcontainers_clients_are_wrapped_after_install(
    fake: tuple[str, Daemon], monkeypatch: pytest.MonkeyPatch
) -> None:
    optional("testcontainers")
    from testcontainers.core.docker_client import DockerClient

    monkeypatch.setenv("DOCKER_HOST", "unix://" + fake[0])
    with ne.installed():
        tc = DockerClient()
    assert normalising(tc.client.api)
    assert "VirtualSize" not in tc.client.api.images()[0]
    tc.client.close()


# ------------------------------------------------------------------------------------------ OpenTelemetry


@pytest.mark.parametrize("order", ["wrap-then-instrument", "instrument-then-wrap"])
def test_the_requests_instrumentor_sees_every_request_whatever_the_order(
    fake: tuple[str, Daemon], order: str
) -> None:
    optional("opentelemetry.sdk")
    instrumentation = optional("opentelemetry.instrumentation.requests")
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = instrumentation.RequestsInstrumentor()
    client = docker.DockerClient(base_url="unix://" + fake[0], version="1.41")
    try:
        if order == "wrap-then-instrument":
            ne.wrap(client)
            instrumentor.instrument(tracer_provider=provider)
        else:
            instrumentor.instrument(tracer_provider=provider)
            ne.wrap(client)
        client.containers.get(HEX)
        client.api.images()
        spans = exporter.get_finished_spans()
        assert len(spans) == 2, [s.name for s in spans]
        assert "VirtualSize" not in client.api.images()[0]
        assert len(exporter.get_finished_spans()) == 3
    finally:
        instrumentor.uninstrument()
        client.close()


# ------------------------------------------------------------------------------------------ httpx


def test_httpx_sync_transport(fake: tuple[str, Daemon]) -> None:
    httpx = optional("httpx")
    from normalize_engine.httpx import NormalizingTransport

    transport = NormalizingTransport(httpx.HTTPTransport(uds=fake[0]))
    with httpx.Client(transport=transport, base_url="http://docker") as client:
        got = client.get(path_of(f"/containers/{HEX}/json"))
        assert got.json() == ne.normalize(OLD_CONTAINER, path_of(f"/containers/{HEX}/json"))
        assert got.headers["Content-Length"] == str(len(got.content))
        with client.stream("GET", path_of("/events")) as events:
            lines = [json.loads(line) for line in events.iter_lines() if line]
        assert lines == [ne.normalize(e, path_of("/events")) for e in OLD_EVENTS]
        stats = client.get(path_of(f"/containers/{HEX}/stats", "1.26"), params={"stream": "0"}).json()
        assert stats["cpu_stats"]["online_cpus"] == 2  # derived from percpu_usage (API 1.27)
        assert client.get(path_of(f"/containers/{HEX}/logs")).content == LOGS  # raw: untouched
        error = client.get(path_of("/images/nope/json"))
        assert error.status_code == 404 and error.json() == {"message": "No such image: nope"}


def test_httpx_async_transport(fake: tuple[str, Daemon]) -> None:
    httpx = optional("httpx")
    from normalize_engine.httpx import AsyncNormalizingTransport

    async def main() -> None:
        transport = AsyncNormalizingTransport(httpx.AsyncHTTPTransport(uds=fake[0]), target="1.44")
        async with httpx.AsyncClient(transport=transport, base_url="http://docker") as client:
            got = await client.get(path_of(f"/containers/{HEX}/json"))
            assert got.json() == ne.normalize(
                OLD_CONTAINER, path_of(f"/containers/{HEX}/json"), target="1.44"
            )
            async with client.stream("GET", path_of("/events")) as events:
                lines = [json.loads(line) async for line in events.aiter_lines() if line]
            assert lines == [ne.normalize(e, path_of("/events"), target="1.44") for e in OLD_EVENTS]
            assert (await client.get(path_of(f"/containers/{HEX}/logs"))).content == LOGS

    asyncio.run(main())


def test_httpx_fails_open_on_a_body_it_cannot_normalise(fake: tuple[str, Daemon]) -> None:
    httpx = optional("httpx")
    from normalize_engine.httpx import NormalizingTransport

    def broken(request: Any) -> Any:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, content=b'{"Id": 1')

    transport = NormalizingTransport(httpx.MockTransport(broken))
    with (
        httpx.Client(transport=transport, base_url="http://docker") as client,
        pytest.warns(ne.NormalizeWarning),
    ):
        assert client.get(path_of(f"/containers/{HEX}/json")).content == b'{"Id": 1'
    strict = NormalizingTransport(httpx.MockTransport(broken), strict=True)
    with httpx.Client(transport=strict, base_url="http://docker") as client, pytest.raises(ne.NormalizeError):
        client.get(path_of(f"/containers/{HEX}/json"))


# ------------------------------------------------------------------------------------------ aiohttp


def test_aiohttp_response_class_replaces_every_json_content(fake: tuple[str, Daemon]) -> None:
    aiohttp = optional("aiohttp")
    from normalize_engine.aiohttp import NormalizingResponse

    async def main() -> None:
        connector = aiohttp.UnixConnector(fake[0])
        async with aiohttp.ClientSession(connector=connector, response_class=NormalizingResponse) as session:
            url = "http://docker" + path_of(f"/containers/{HEX}/json")
            async with session.get(url) as response:
                line = await response.content.readline()  # a readline() reader gets the new body too
            assert json.loads(line) == ne.normalize(OLD_CONTAINER, path_of(f"/containers/{HEX}/json"))
            async with session.get(url) as response:
                assert await response.json() == json.loads(line)
                assert response.headers["Content-Length"] == str(len(line))
            async with session.get("http://docker" + path_of("/events")) as response:
                lines = [json.loads(raw) async for raw in response.content]
            assert lines == [ne.normalize(e, path_of("/events")) for e in OLD_EVENTS]
            async with session.get("http://docker" + path_of(f"/containers/{HEX}/logs")) as response:
                assert await response.read() == LOGS
            async with session.get("http://docker" + path_of("/images/nope/json")) as response:
                assert response.status == 404 and await response.json() == {"message": "No such image: nope"}

    asyncio.run(main())


def test_aiodocker_through_wrap(fake: tuple[str, Daemon]) -> None:
    aiodocker = optional("aiodocker")

    async def main() -> None:
        client = aiodocker.Docker(url="unix://" + fake[0], api_version="v1.26")
        try:
            assert ne.wrap(client) is client
            assert ne.wrap(client) is client  # twice: the same response class
            container = await client.containers.get(HEX)
            assert container._container == ne.normalize(
                OLD_CONTAINER, path_of(f"/containers/{HEX}/json", "1.26")
            )
            stats = await container.stats(stream=False)
            assert stats and stats[0]["cpu_stats"]["online_cpus"] == 2  # normalised, not []
            images = await client.images.list()
            assert images == ne.normalize(OLD_IMAGES, path_of("/images/json", "1.26"))
            assert images[0]["RepoTags"] == [] and "VirtualSize" not in images[0]
            with pytest.raises(aiodocker.DockerError) as caught:
                await client.images.inspect("nope")
            assert caught.value.status == 404 and caught.value.message == "No such image: nope"
        finally:
            await client.close()

    asyncio.run(main())


def test_anormalize_stream_yields_documents_as_they_complete() -> None:
    async def chunks() -> Any:
        data = b"".join(json.dumps(e).encode() + b"\n" for e in OLD_EVENTS)
        for i in range(0, len(data), 7):
            yield data[i : i + 7]

    async def main() -> list[Any]:
        return [e async for e in ne.anormalize_stream(chunks(), "/v1.21/events")]

    assert asyncio.run(main()) == [ne.normalize(e, "/v1.21/events") for e in OLD_EVENTS]


@pytest.mark.parametrize("order", ["transport-then-instrument", "instrument-then-transport"])
def test_the_httpx_instrumentor_sees_every_request_whatever_the_order(
    fake: tuple[str, Daemon], order: str
) -> None:
    httpx = optional("httpx")
    optional("opentelemetry.sdk")
    instrumentation = optional("opentelemetry.instrumentation.httpx")
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from normalize_engine.httpx import AsyncNormalizingTransport, NormalizingTransport

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = instrumentation.HTTPXClientInstrumentor()
    try:
        if order == "instrument-then-transport":
            instrumentor.instrument(tracer_provider=provider)
        sync = NormalizingTransport(httpx.HTTPTransport(uds=fake[0]))
        asynchronous = AsyncNormalizingTransport(httpx.AsyncHTTPTransport(uds=fake[0]))
        if order == "transport-then-instrument":
            instrumentor.instrument(tracer_provider=provider)
        with httpx.Client(transport=sync, base_url="http://docker") as client:
            assert "VirtualSize" not in client.get(path_of("/images/json")).json()[0]

        async def main() -> None:
            async with httpx.AsyncClient(transport=asynchronous, base_url="http://docker") as client:
                assert "VirtualSize" not in (await client.get(path_of("/images/json"))).json()[0]

        asyncio.run(main())
        assert len(exporter.get_finished_spans()) == 2
    finally:
        instrumentor.uninstrument()


def test_aiohttp_fails_open_on_a_body_it_cannot_normalise(fake: tuple[str, Daemon]) -> None:
    aiohttp = optional("aiohttp")
    from normalize_engine.aiohttp import NormalizingResponse

    async def get(response_class: Any) -> bytes:
        connector = aiohttp.UnixConnector(fake[0])
        async with (
            aiohttp.ClientSession(connector=connector, response_class=response_class) as session,
            session.get("http://docker" + path_of("/containers/broken/json")) as response,
        ):
            return await response.content.readline()

    with pytest.warns(ne.NormalizeWarning, match="passed through unchanged"):
        assert asyncio.run(get(NormalizingResponse)) == b'{"Id": 1'
    with pytest.raises(ne.NormalizeError):
        asyncio.run(get(NormalizingResponse.configured(strict=True)))
