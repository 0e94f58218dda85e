"""mount() and wrap(): which adapters get wrapped, idempotence, and docker-py over a fake daemon socket."""

from __future__ import annotations

import json
import os
import socketserver
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

import normalize_engine as ne
from normalize_engine._wrap import UnsupportedClientError

docker = pytest.importorskip("docker")

HEX = "9c" * 32
IMAGE_ID = "sha256:" + "5e" * 32


# ------------------------------------------------------------------------------------------ mount


def test_mount_wraps_every_adapter_in_place_and_keeps_the_order() -> None:
    session = requests.Session()
    extra = HTTPAdapter()
    session.mount("http://docker.test:2375/", extra)
    before = list(session.adapters.items())
    assert ne.mount(session) is session
    after = list(session.adapters.items())
    assert [prefix for prefix, _ in after] == [prefix for prefix, _ in before]
    for (_, old), (_, new) in zip(before, after, strict=True):
        assert isinstance(new, ne.NormalizingAdapter) and new.inner is old
        assert new.target == ne.LATEST and new.strict is False
    assert session.get_adapter("http://docker.test:2375/v1.41/info").inner is extra


def test_mount_twice_does_not_wrap_twice_and_settings_can_be_changed() -> None:
    session = ne.mount(requests.Session(), target="1.44", strict=True)
    first = session.adapters["https://"]
    ne.mount(session)
    assert session.adapters["https://"] is first  # None keeps what is there
    ne.mount(session, target="1.44", strict=True)
    assert session.adapters["https://"] is first
    ne.mount(session, target="1.52")
    second = session.adapters["https://"]
    assert isinstance(second, ne.NormalizingAdapter) and not isinstance(second.inner, ne.NormalizingAdapter)
    assert second.inner is first.inner and second.target == "1.52" and second.strict is True


def test_mount_refuses_an_impossible_target_before_touching_anything() -> None:
    session = requests.Session()
    with pytest.raises(ne.UnknownVersionError):
        ne.mount(session, target="2.0")
    assert not any(isinstance(a, ne.NormalizingAdapter) for a in session.adapters.values())


# ------------------------------------------------------------------------------------------ wrap


def test_wrap_an_api_client_on_a_unix_socket() -> None:
    api = docker.APIClient(base_url="unix:///nowhere/docker.sock", version="1.41")
    transport = api._custom_adapter
    assert ne.wrap(api) is api
    wrapped = api.adapters["http+docker://"]
    assert isinstance(wrapped, ne.NormalizingAdapter) and wrapped.inner is transport
    assert api._custom_adapter is wrapped  # one wrapper, shared as docker-py shares its adapter
    assert api.get_adapter("http+docker://localhost/v1.41/info") is wrapped
    # docker-py's transport methods stay reachable through the wrapper
    assert wrapped.socket_path == transport.socket_path
    ne.wrap(api)
    assert api.adapters["http+docker://"] is wrapped and api._custom_adapter is wrapped
    api.close()


def test_wrap_a_docker_client_returns_the_same_client() -> None:
    client = docker.DockerClient(base_url="unix:///nowhere/docker.sock", version="1.41")
    assert ne.wrap(client, target="1.45") is client
    assert client.api.adapters["http+docker://"].target == "1.45"
    client.close()


def test_wrap_a_tcp_client_without_custom_adapter() -> None:
    api = docker.APIClient(base_url="tcp://127.0.0.1:2375", version="1.41")
    assert not hasattr(api, "_custom_adapter")
    ne.wrap(api)
    assert not hasattr(api, "_custom_adapter")
    assert isinstance(api.get_adapter("http://127.0.0.1:2375/v1.41/info"), ne.NormalizingAdapter)

    tls = docker.APIClient(base_url="tcp://127.0.0.1:2376", version="1.41", tls=True)
    ne.wrap(tls)
    assert tls._custom_adapter is tls.adapters["https://"]
    assert tls._custom_adapter.inner.__class__ is HTTPAdapter


def test_wrap_refuses_what_is_not_a_client() -> None:
    with pytest.raises(UnsupportedClientError, match="DockerClient") as caught:
        ne.wrap(object())
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, ne.NormalizeError)


# ------------------------------------------------------------------------------------------ a fake daemon


OLD_IMAGE = {
    "Id": IMAGE_ID,
    "RepoTags": [],
    "RepoDigests": [],
    "Parent": "",
    "Comment": "",
    "Created": "2024-01-01T00:00:00Z",
    "Container": "",
    "ContainerConfig": {"Hostname": "", "Cmd": None, "Image": "", "Labels": None},
    "DockerVersion": "20.10.24",
    "Author": "",
    "Config": {"Cmd": ["/bin/sh"], "Image": "", "Labels": {"a": "b"}},
    "Architecture": "amd64",
    "Os": "linux",
    "Size": 1000,
    "VirtualSize": 1000,
    "GraphDriver": {"Name": "overlay2", "Data": {}},
    "RootFS": {"Type": "layers", "Layers": ["sha256:" + "11" * 32]},
    "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
}
OLD_IMAGE_SUMMARY = {
    "Id": IMAGE_ID,
    "ParentId": "",
    "RepoTags": ["<none>:<none>"],
    "RepoDigests": ["<none>@<none>"],
    "Created": 1704067200,
    "Size": 1000,
    "VirtualSize": 1000,
    "SharedSize": -1,
    "Labels": None,
    "Containers": -1,
}
OLD_CONTAINER = {
    "Id": HEX,
    "Name": "/ne-fake",
    "Image": IMAGE_ID,
    "State": {"Status": "running", "Running": True, "Pid": 42, "ExitCode": 0},
    "Config": {"Tty": False, "Labels": {}, "Image": "busybox"},
    "HostConfig": {"NetworkMode": "default", "LogConfig": {"Type": "json-file", "Config": {}}},
    "NetworkSettings": {
        "IPAddress": "172.17.0.2",
        "Networks": {
            "bridge": {"IPAddress": "172.17.0.2", "Aliases": None, "NetworkID": "n1", "EndpointID": "e1"}
        },
    },
}
OLD_EVENTS = [
    {
        "status": action,
        "id": HEX,
        "from": "busybox",
        "Type": "container",
        "Action": action,
        "Actor": {"ID": HEX, "Attributes": {"image": "busybox", "name": "ne-fake"}},
        "scope": "local",
        "time": 1700000000 + n,
        "timeNano": (1700000000 + n) * 10**9,
    }
    for n, action in enumerate(["start", "die"])
]


class FakeDaemon(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str) -> None:
        super().__init__(path, Handler)
        self.stop = threading.Event()
        self.seen: list[str] = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeDaemon

    def log_message(self, *args: Any) -> None:
        pass

    def address_string(self) -> str:
        return "unix"

    def json(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = self.path.partition("?")[0]
        self.server.seen.append(f"GET {path}")
        if path == "/v1.41/images/json":
            self.json([OLD_IMAGE_SUMMARY])
        elif path == f"/v1.41/images/{IMAGE_ID}/json" or path == f"/v1.41/images/{IMAGE_ID[7:]}/json":
            self.json(OLD_IMAGE)
        elif path == f"/v1.41/containers/{HEX}/json":
            self.json(OLD_CONTAINER)
        elif path == "/v1.41/events":
            self.events()
        elif path == "/v1.41/exec/e1/json":
            self.json({"ID": "e1", "Running": False, "ExitCode": 0, "ContainerID": HEX})
        elif path == "/v1.41/images/nope/json":
            data = b"No such image: nope\n"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self.json({"message": f"page not found: {path}"}, 404)

    def do_POST(self) -> None:
        path = self.path.partition("?")[0]
        self.server.seen.append(f"POST {path}")
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if path == f"/v1.41/containers/{HEX}/exec":
            self.json({"Id": "e1"}, 201)
        elif path == "/v1.41/exec/e1/start":
            # a hijacked connection: 101, then raw multiplexed frames, then the daemon closes it
            self.send_response(101)
            self.send_header("Content-Type", "application/vnd.docker.multiplexed-stream")
            self.send_header("Connection", "Upgrade")
            self.send_header("Upgrade", "tcp")
            self.end_headers()
            self.wfile.flush()
            time.sleep(0.1)  # the process answers later; docker-py reads the socket itself meanwhile
            payload = b"hello stdout\n"
            self.wfile.write(b"\x01\x00\x00\x00" + len(payload).to_bytes(4, "big") + payload)
            self.wfile.flush()
            self.close_connection = True
        else:
            self.json({"message": f"page not found: {path}"}, 404)

    def events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for event in OLD_EVENTS:
            data = json.dumps(event).encode() + b"\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            time.sleep(0.05)
        self.server.stop.wait(10)  # an endless stream, until the client cancels
        self.close_connection = True


@pytest.fixture
def fake_daemon() -> Iterator[tuple[str, FakeDaemon]]:
    folder = tempfile.mkdtemp(prefix="ne-fake-")
    path = os.path.join(folder, "docker.sock")
    server = FakeDaemon(path)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "unix://" + path, server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        os.unlink(path)
        os.rmdir(folder)


def test_docker_py_models_read_canonical_attributes(fake_daemon: tuple[str, FakeDaemon]) -> None:
    url, _ = fake_daemon
    client = ne.wrap(docker.DockerClient(base_url=url, version="1.41"))
    try:
        images = client.images.list()
        assert [i.attrs for i in images] == [ne.normalize(OLD_IMAGE, f"/v1.41/images/{IMAGE_ID}/json")]
        image = images[0]
        assert image.tags == [] and image.attrs["RepoTags"] == []
        assert "VirtualSize" not in image.attrs and "ContainerConfig" not in image.attrs
        assert image.labels == {"a": "b"}
        assert client.api.images() == ne.normalize([OLD_IMAGE_SUMMARY], "/v1.41/images/json")

        container = client.containers.get(HEX)
        assert container.attrs == ne.normalize(OLD_CONTAINER, f"/v1.41/containers/{HEX}/json")
        assert container.status == "running"
        assert container.image.id == IMAGE_ID

        with pytest.raises(docker.errors.ImageNotFound, match="No such image: nope"):
            client.images.get("nope")
    finally:
        client.close()


def test_docker_py_hijacked_exec_then_the_pool_still_works(fake_daemon: tuple[str, FakeDaemon]) -> None:
    url, server = fake_daemon
    client = ne.wrap(docker.DockerClient(base_url=url, version="1.41"))
    try:
        container = client.containers.get(HEX)
        result = container.exec_run(["echo", "hello"])
        assert result.output == b"hello stdout\n" and result.exit_code == 0
        assert client.containers.get(HEX).status == "running"  # a normal call after the 101
    finally:
        client.close()
    assert "POST /v1.41/exec/e1/start" in server.seen


def test_docker_py_events_are_normalised_and_cancellable(fake_daemon: tuple[str, FakeDaemon]) -> None:
    url, _ = fake_daemon
    client = ne.wrap(docker.DockerClient(base_url=url, version="1.41"))
    try:
        stream = client.events(decode=True)
        got: list[dict[str, Any]] = []
        reader = threading.Thread(target=lambda: got.extend(stream))
        reader.start()
        deadline = time.monotonic() + 5
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        stream.close()  # from another thread than the reader, as docker-py documents
        reader.join(5)
        assert not reader.is_alive()
        assert got == [ne.normalize(e, "/v1.41/events") for e in OLD_EVENTS]
        assert [e["Action"] for e in got] == ["start", "die"]
        assert all("status" not in e for e in got)  # gone since API 1.52
        assert client.containers.get(HEX).status == "running"
    finally:
        client.close()


# ---------------------------------------------------------------------------- bodies written when read


def _deferred_client(url: str) -> Any:
    return ne.wrap(docker.APIClient(base_url=url, version="1.41"))


def test_wrap_writes_a_normalised_body_only_when_something_reads_it(
    fake_daemon: tuple[str, FakeDaemon],
) -> None:
    url, _ = fake_daemon
    api = _deferred_client(url)
    expected = ne.normalize(OLD_CONTAINER, f"/v1.41/containers/{HEX}/json")
    try:
        response = api._get(api._url("/containers/{0}/json", HEX))
        assert "_ne_body" in response.__dict__  # nothing encoded yet: docker-py only asks for json()
        assert "Content-Length" not in response.headers  # set when the body is written
        document = response.json()
        assert document == expected
        document["Name"] = "/changed by the caller"
        body = response.content  # written now, from the daemon's answer, not from the caller's object
        assert json.loads(body) == expected
        assert response.headers["Content-Length"] == str(len(body))
        assert response.text == body.decode()
        assert b"".join(response.iter_content(7)) == body
        assert response.json() == expected and response.json() is not document

        again = api._get(api._url("/containers/{0}/json", HEX))
        assert b"".join(again.iter_content(64)) == json.dumps(expected, separators=(",", ":")).encode()
        third = api._get(api._url("/containers/{0}/json", HEX))
        import pickle

        assert json.loads(pickle.loads(pickle.dumps(third)).content) == expected
        # what docker-py itself reads, and a model built from it
        assert api.inspect_container(HEX) == expected
    finally:
        api.close()


def test_wrap_reads_every_other_answer_as_requests_would(fake_daemon: tuple[str, FakeDaemon]) -> None:
    url, daemon = fake_daemon
    api = _deferred_client(url)
    try:
        # an error (normalised at once) and an answer with nothing to change: read before send returns
        missing = api._get(api._url("/images/{0}/json", "nope"))
        assert missing.status_code == 404 and missing._content_consumed
        assert missing.json() == {"message": "No such image: nope"}
        exec_inspect = api._get(api._url("/exec/{0}/json", "e1"))
        assert exec_inspect._content_consumed and "_ne_body" not in exec_inspect.__dict__
        # the connection went back to the pool each time: the next requests reuse it
        for _ in range(3):
            assert api.inspect_container(HEX)["Id"] == HEX
        assert daemon.seen.count(f"GET /v1.41/containers/{HEX}/json") == 3
    finally:
        api.close()


def test_wrap_installs_its_send_once() -> None:
    api = docker.APIClient(base_url="unix:///nowhere/docker.sock", version="1.41")
    ne.wrap(api)
    send = api.send
    ne.wrap(api)
    ne.wrap(api, target="1.44")
    assert api.send is send
    api.close()


def test_a_body_that_cannot_be_written_falls_back_to_the_daemons(
    fake_daemon: tuple[str, FakeDaemon], monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalize_engine.transports import core

    def broken(document: Any) -> bytes:
        raise ValueError("cannot encode")

    monkeypatch.setattr(core, "_dumps_utf8", broken)
    monkeypatch.setattr(core, "_dumps", broken)
    url, _ = fake_daemon
    api = _deferred_client(url)
    try:
        response = api._get(api._url("/containers/{0}/json", HEX))
        with pytest.warns(ne.NormalizeWarning, match="cannot encode"):
            body = response.content
        assert json.loads(body) == OLD_CONTAINER  # the answer as it came, for content and json() alike
        assert response.json() == OLD_CONTAINER
    finally:
        api.close()
