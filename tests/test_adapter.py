"""NormalizingAdapter: what it rewrites, what it never touches, streams, failing open, threads."""

from __future__ import annotations

import copy
import http.client
import io
import json
import logging
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import requests
import responses
import urllib3
from requests.adapters import BaseAdapter, HTTPAdapter

import normalize_engine as ne
from normalize_engine import _normalize
from normalize_engine._adapter import StreamingRaw
from normalize_engine._decoding import use_decoder
from normalize_engine._stream import SKIP, StreamSplitter

BASE = "http://docker.test"
HEX = "4f2a" * 16
IMAGE_ID = "sha256:" + "ab" * 32

OLD_IMAGES = [
    {
        "Id": IMAGE_ID,
        "ParentId": "",
        "RepoTags": ["<none>:<none>"],
        "RepoDigests": ["<none>@<none>"],
        "Created": 1700000000,
        "Size": 4_400_000,
        "VirtualSize": 4_400_000,
        "SharedSize": -1,
        "Labels": None,
        "Containers": -1,
    }
]
OLD_EVENTS = [
    {"status": "create", "id": HEX, "from": "busybox", "time": 1700000000},
    {"status": "start", "id": HEX, "from": "busybox", "time": 1700000001},
    {"status": "die", "id": HEX, "from": "busybox", "time": 1700000002},
]


def compact(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()


def ndjson(documents: Iterable[Any]) -> bytes:
    return b"".join(compact(d) + b"\n" for d in documents)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.mount("http://", ne.NormalizingAdapter())
        yield s


@pytest.fixture
def strict_session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.mount("http://", ne.NormalizingAdapter(strict=True))
        yield s


# ------------------------------------------------------------------------------------------ plain JSON


@responses.activate
def test_json_body_is_replaced_and_the_rest_of_the_response_kept(session: requests.Session) -> None:
    body = json.dumps(OLD_IMAGES).encode()
    responses.get(
        f"{BASE}/v1.41/images/json",
        body=body,
        headers={"Api-Version": "1.41", "Docker-Experimental": "false", "Content-Length": str(len(body))},
        content_type="application/json",
    )
    r = session.get(f"{BASE}/v1.41/images/json")

    expected = ne.normalize(body, "/v1.41/images/json")
    assert expected[0]["RepoTags"] == [] and "VirtualSize" not in expected[0]
    assert r.json() == expected
    assert r.content == compact(expected)
    assert r.headers["Content-Length"] == str(len(r.content))
    assert r.status_code == 200 and r.reason == "OK"
    assert r.url == f"{BASE}/v1.41/images/json"
    assert r.headers["Api-Version"] == "1.41" and r.headers["Docker-Experimental"] == "false"
    assert r.headers["Content-Type"] == "application/json"
    assert r.encoding == "utf-8"
    assert r.request.path_url == "/v1.41/images/json"


@responses.activate
def test_an_answer_with_nothing_to_change_keeps_its_bytes(session: requests.Session) -> None:
    pretty = json.dumps(OLD_IMAGES, indent=2).encode()
    responses.get(f"{BASE}/v1.55/images/json", body=pretty, content_type="application/json")
    assert session.get(f"{BASE}/v1.55/images/json").content == pretty

    already_new = json.dumps(ne.normalize(OLD_IMAGES, "/v1.41/images/json"), indent=1).encode()
    responses.get(f"{BASE}/v1.41/images/json", body=already_new, content_type="application/json")
    assert session.get(f"{BASE}/v1.41/images/json").content == already_new


@responses.activate
def test_the_api_version_header_is_the_source_without_a_path_prefix(session: requests.Session) -> None:
    body = json.dumps(OLD_IMAGES).encode()
    responses.get(
        f"{BASE}/images/json", body=body, headers={"Api-Version": "1.41"}, content_type="application/json"
    )
    r = session.get(f"{BASE}/images/json")
    assert r.json() == ne.normalize(body, "/images/json", version="1.41")
    assert r.json()[0]["RepoTags"] == []

    responses.replace(
        responses.GET,
        f"{BASE}/images/json",
        body=body,
        headers={"Api-Version": "1.55"},
        content_type="application/json",
    )
    assert session.get(f"{BASE}/images/json").content == body  # a 1.55 answer: nothing to do


@responses.activate
def test_stream_endpoint_without_stream_flag_gives_all_documents_newline_joined(
    session: requests.Session,
) -> None:
    progress = [
        {
            "status": "Downloading",
            "progressDetail": {"current": 1, "total": 2},
            "progress": "[=> ]",
            "id": "ab",
        },
        {"status": "Download complete", "progressDetail": {}, "id": "ab"},
    ]
    responses.post(f"{BASE}/v1.41/images/create", body=ndjson(progress), content_type="application/json")
    r = session.post(f"{BASE}/v1.41/images/create?fromImage=busybox&tag=latest")
    expected = [ne.normalize(p, "/v1.41/images/create", method="POST") for p in progress]
    assert r.content == ndjson(expected)

    stats = {"read": "2024-01-01T00:00:00Z", "cpu_stats": {"cpu_usage": {"percpu_usage": [1, 2]}}}
    responses.get(
        f"{BASE}/v1.24/containers/{HEX}/stats", body=json.dumps(stats), content_type="application/json"
    )
    r = session.get(f"{BASE}/v1.24/containers/{HEX}/stats?stream=0")
    assert r.json() == ne.normalize(stats, f"/v1.24/containers/{HEX}/stats")


# ------------------------------------------------------------------------------------------ errors


@responses.activate
def test_plain_text_errors_become_message_objects_with_their_wording(session: requests.Session) -> None:
    docker_errors = pytest.importorskip("docker.errors")
    responses.get(
        f"{BASE}/v1.24/images/nope/json", body="No such image: nope\n", status=404, content_type="text/plain"
    )
    r = session.get(f"{BASE}/v1.24/images/nope/json")
    assert r.status_code == 404 and r.reason == "Not Found"
    assert r.json() == {"message": "No such image: nope"}
    assert r.headers["Content-Type"] == "text/plain"
    with pytest.raises(docker_errors.ImageNotFound) as caught:
        docker_errors.create_api_error_from_http_exception(requests.HTTPError(response=r))
    assert caught.value.explanation == "No such image: nope"


@responses.activate
def test_json_errors_keep_or_gain_a_message(session: requests.Session) -> None:
    good = b'{"message":"conflict: unable to remove repository reference"}'
    responses.delete(f"{BASE}/v1.41/images/busybox", body=good, status=409, content_type="application/json")
    assert session.delete(f"{BASE}/v1.41/images/busybox").content == good

    responses.get(f"{BASE}/v1.41/containers/x/json", body=b'{"error":"boom"}', status=500)
    r = session.get(f"{BASE}/v1.41/containers/x/json")
    assert r.json()["message"] == "boom"
    assert r.json() == ne.normalize(b'{"error":"boom"}', "/v1.41/containers/x/json", status=500)


@responses.activate
def test_errors_of_streams_asked_for_as_streams_are_wrapped_too(session: requests.Session) -> None:
    responses.post(f"{BASE}/v1.30/images/create", body="repository nope not found\n", status=404)
    r = session.post(f"{BASE}/v1.30/images/create?fromImage=nope", stream=True)
    assert r.json() == {"message": "repository nope not found"}


# ------------------------------------------------------------------------------------------ never touched


UNTOUCHED = [
    pytest.param(
        "POST", f"/v1.41/containers/{HEX}/attach?stream=1", 101, {"Upgrade": "tcp"}, b"", id="101-attach"
    ),
    pytest.param("GET", "/v1.41/_ping", 200, {"Content-Type": "text/plain"}, b"OK", id="ping"),
    pytest.param(
        "GET",
        f"/v1.41/containers/{HEX}/logs?stdout=1",
        200,
        {"Content-Type": "application/vnd.docker.multiplexed-stream"},
        b"\x01\x00\x00\x00\x00\x00\x00\x03hi\n",
        id="logs",
    ),
    pytest.param(
        "GET",
        f"/v1.41/containers/{HEX}/export",
        200,
        {"Content-Type": "application/x-tar"},
        b"tar" * 100,
        id="export",
    ),
    pytest.param(
        "GET", "/v1.41/images/busybox/get", 200, {"Content-Type": "application/x-tar"}, b"t" * 9, id="save"
    ),
    pytest.param("POST", f"/v1.41/containers/{HEX}/start", 204, {}, b"", id="204"),
    pytest.param("GET", "/v1.41/containers/json", 304, {}, b"", id="304"),
    pytest.param("GET", "/v1.41/info", 307, {"Location": "/v1.41/info"}, b'{"a":1}', id="redirect"),
    pytest.param(
        "GET",
        "/v1.41/containers/json",
        200,
        {"Content-Type": "application/json", "Content-Length": "0"},
        b"",
        id="empty",
    ),
    pytest.param("GET", "/v1.41/info", 200, {"Content-Type": "text/html"}, b"<html>proxy</html>", id="html"),
    pytest.param(
        "GET", "/v1.41/not/an/endpoint", 200, {"Content-Type": "application/json"}, b'{"a":1}', id="unknown"
    ),
    pytest.param(
        "POST",
        f"/v1.41/exec/{HEX}/start",
        200,
        {"Content-Type": "application/vnd.docker.raw-stream"},
        b"raw output",
        id="exec-200",
    ),
]


@pytest.mark.parametrize(("method", "path", "status", "headers", "body"), UNTOUCHED)
@responses.activate
def test_raw_upgraded_and_empty_answers_are_never_read(
    session: requests.Session, method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> None:
    responses.add(method, BASE + path.partition("?")[0], body=body, status=status, headers=headers)
    request_headers = {"Connection": "Upgrade", "Upgrade": "tcp"} if "attach" in path else {}
    r = session.request(method, BASE + path, headers=request_headers, stream=True, allow_redirects=False)
    assert r._content_consumed is ("Location" in headers)  # requests itself drains a redirect
    assert isinstance(r.raw, urllib3.HTTPResponse)
    assert r.status_code == status
    assert r.content == body


@responses.activate
def test_head_requests_are_not_read(session: requests.Session) -> None:
    responses.head(f"{BASE}/v1.41/containers/{HEX}/archive", headers={"X-Docker-Container-Path-Stat": "e30="})
    r = session.head(f"{BASE}/v1.41/containers/{HEX}/archive?path=/", stream=True)
    assert not r._content_consumed and r.headers["X-Docker-Container-Path-Stat"] == "e30="


# ------------------------------------------------------------------------------------------ failing open


@responses.activate
def test_a_body_that_cannot_be_normalised_passes_through_with_a_warning(session: requests.Session) -> None:
    body = b'{"not": "a list"}'
    responses.get(f"{BASE}/v1.41/images/json", body=body, content_type="application/json")
    with pytest.warns(ne.NormalizeWarning, match="image list"):
        r = session.get(f"{BASE}/v1.41/images/json")
    assert r.content == body

    responses.get(f"{BASE}/v1.41/info", body=b"{not json", content_type="application/json")
    with pytest.warns(ne.NormalizeWarning, match="not JSON"):
        assert session.get(f"{BASE}/v1.41/info").content == b"{not json"


@responses.activate
def test_strict_raises_instead(strict_session: requests.Session) -> None:
    responses.get(f"{BASE}/v1.41/images/json", body=b'{"not": "a list"}', content_type="application/json")
    with pytest.raises(ne.InvalidBodyError, match="image list"):
        strict_session.get(f"{BASE}/v1.41/images/json")


@responses.activate
def test_unexpected_failures_fail_open_or_raise_normalize_error(
    session: requests.Session, strict_session: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, document: Any) -> Any:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(_normalize.Plan, "apply", broken)
    body = json.dumps(OLD_IMAGES).encode()
    responses.get(f"{BASE}/v1.41/images/json", body=body, content_type="application/json")
    with pytest.warns(ne.NormalizeWarning, match="ZeroDivisionError"):
        assert session.get(f"{BASE}/v1.41/images/json").content == body
    with pytest.raises(ne.NormalizeError) as caught:
        strict_session.get(f"{BASE}/v1.41/images/json")
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


@responses.activate
def test_an_unplaceable_version_passes_through_with_a_warning(session: requests.Session) -> None:
    responses.get(f"{BASE}/containers/json", body=b"[]", headers={"Api-Version": "banana"})
    with pytest.warns(ne.NormalizeWarning, match="banana"):
        assert session.get(f"{BASE}/containers/json").content == b"[]"


@responses.activate
def test_a_source_newer_than_the_target_is_brought_down() -> None:
    new = ne.normalize(OLD_IMAGES, "/v1.41/images/json")
    responses.get(f"{BASE}/v1.51/images/json", body=json.dumps(new), content_type="application/json")
    with requests.Session() as s:
        s.mount("http://", ne.NormalizingAdapter(target="1.41"))
        got = s.get(f"{BASE}/v1.51/images/json").json()
    assert got == OLD_IMAGES  # VirtualSize, `<none>` markers and Containers -1 as a 1.41 daemon sends them


# ------------------------------------------------------------------------------------------ streams


class GeneratorIO(io.RawIOBase):
    """A body that produces its chunks one at a time, only when the reader asks for more."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._rest:
            self._rest = next(self._chunks, b"")
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


def stream_body(chunks: Iterable[bytes]) -> io.BufferedReader:
    return io.BufferedReader(GeneratorIO(chunks))


@responses.activate
def test_stream_documents_are_delivered_one_by_one_as_they_arrive(session: requests.Session) -> None:
    produced: list[int] = []

    def chunks() -> Iterator[bytes]:
        for index, event in enumerate(OLD_EVENTS):
            produced.append(index)
            yield compact(event) + b"\n"

    responses.get(f"{BASE}/v1.21/events", body=stream_body(chunks()), content_type="application/json")
    r = session.get(f"{BASE}/v1.21/events", stream=True)
    assert isinstance(r.raw, StreamingRaw)
    assert produced == []  # nothing read before the caller asks

    lines = r.iter_lines()
    first = json.loads(next(lines))
    assert first == ne.normalize(OLD_EVENTS[0], "/v1.21/events")
    assert first["Action"] == "create" and first["Actor"]["ID"] == HEX
    assert produced == [0]  # the second event has not even been produced yet
    rest = [json.loads(line) for line in lines]
    assert rest == [ne.normalize(e, "/v1.21/events") for e in OLD_EVENTS[1:]]
    assert produced == [0, 1, 2]


@pytest.mark.parametrize("size", [1, 2, 7, 64, 10_000])
@responses.activate
def test_chunks_may_split_documents_anywhere(session: requests.Session, size: int) -> None:
    wire = ndjson(OLD_EVENTS)
    pieces = [wire[i : i + size] for i in range(0, len(wire), size)]
    responses.get(f"{BASE}/v1.21/events", body=stream_body(pieces), content_type="application/json")
    r = session.get(f"{BASE}/v1.21/events", stream=True)
    expected = list(ne.normalize_stream([wire], "/v1.21/events"))
    assert [json.loads(line) for line in r.iter_lines()] == expected
    assert r.raw.closed


@responses.activate
def test_json_seq_comes_out_as_newline_delimited_json(session: requests.Session) -> None:
    wire = b"".join(b"\x1e" + compact(e) + b"\n" for e in OLD_EVENTS)
    responses.get(
        f"{BASE}/v1.21/events", body=stream_body([wire[:30], wire[30:]]), content_type="application/json-seq"
    )
    r = session.get(f"{BASE}/v1.21/events", stream=True)
    assert r.headers["Content-Type"] == "application/x-ndjson"
    assert r.content == ndjson(ne.normalize(e, "/v1.21/events") for e in OLD_EVENTS)

    # also when there is nothing to change: the framing is always newline-delimited JSON
    responses.get(f"{BASE}/v1.55/events", body=wire, content_type="application/json-seq")
    r = session.get(f"{BASE}/v1.55/events", stream=True)
    assert r.content == ndjson(OLD_EVENTS)


@responses.activate
def test_a_stream_with_nothing_to_change_is_not_proxied(session: requests.Session) -> None:
    responses.get(f"{BASE}/v1.55/events", body=ndjson(OLD_EVENTS), content_type="application/jsonl")
    r = session.get(f"{BASE}/v1.55/events", stream=True)
    assert isinstance(r.raw, urllib3.HTTPResponse)


@responses.activate
def test_a_document_that_fails_mid_stream_passes_through_with_a_warning(
    session: requests.Session, strict_session: requests.Session
) -> None:
    wire = compact(OLD_EVENTS[0]) + b"\n[1,2]\n" + compact(OLD_EVENTS[1]) + b"\n"
    responses.get(f"{BASE}/v1.21/events", body=wire, content_type="application/json")
    r = session.get(f"{BASE}/v1.21/events", stream=True)
    with pytest.warns(ne.NormalizeWarning, match="stream document"):
        lines = list(r.iter_lines())
    assert lines == [
        compact(ne.normalize(OLD_EVENTS[0], "/v1.21/events")),
        b"[1,2]",
        compact(ne.normalize(OLD_EVENTS[1], "/v1.21/events")),
    ]

    r = strict_session.get(f"{BASE}/v1.21/events", stream=True)
    lines_iter = r.iter_lines()
    assert json.loads(next(lines_iter))["Action"] == "create"  # what came before is delivered
    with pytest.raises(ne.InvalidBodyError, match="events"):
        next(lines_iter)


@responses.activate
def test_garbage_mid_stream_passes_the_rest_through(session: requests.Session) -> None:
    wire = compact(OLD_EVENTS[0]) + b"\nthis is not json\n" + compact(OLD_EVENTS[1]) + b"\n"
    responses.get(f"{BASE}/v1.21/events", body=stream_body([wire]), content_type="application/json")
    r = session.get(f"{BASE}/v1.21/events", stream=True)
    with pytest.warns(ne.NormalizeWarning, match="not JSON"):
        body = r.content
    first = compact(ne.normalize(OLD_EVENTS[0], "/v1.21/events")) + b"\n"
    assert body == first + b"this is not json\n" + compact(OLD_EVENTS[1]) + b"\n"


@responses.activate
def test_a_truncated_stream_passes_its_tail_through(
    session: requests.Session, strict_session: requests.Session
) -> None:
    wire = compact(OLD_EVENTS[0]) + b'\n{"status":"st'
    responses.get(f"{BASE}/v1.21/events", body=wire, content_type="application/json")
    r = session.get(f"{BASE}/v1.21/events", stream=True)
    with pytest.warns(ne.NormalizeWarning, match="ended inside a document"):
        assert r.content.endswith(b'\n{"status":"st')
    with pytest.raises(ne.TruncatedStreamError):
        strict_session.get(f"{BASE}/v1.21/events", stream=True).content  # noqa: B018


@responses.activate
def test_docker_py_stream_helper_reads_the_proxy_document_by_document(session: requests.Session) -> None:
    docker = pytest.importorskip("docker")
    progress = [
        {"status": "Pulling fs layer", "progressDetail": {}, "id": "ab"},
        {"status": "Done", "id": "ab"},
    ]
    responses.post(
        f"{BASE}/v1.41/images/create", body=stream_body([ndjson(progress)]), content_type="application/json"
    )
    api = docker.APIClient(base_url="tcp://127.0.0.1:1", version="1.41")
    r = session.post(f"{BASE}/v1.41/images/create?fromImage=busybox", stream=True)
    chunks = list(api._stream_helper(r, decode=False))
    assert chunks == [
        compact(ne.normalize(p, "/v1.41/images/create", method="POST")) + b"\n" for p in progress
    ]
    api.close()


# ------------------------------------------------------------------------------------------ a real socket


def chunked(*documents: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(d), d) for d in documents)


class SocketInner(BaseAdapter):
    """An inner adapter answering from one end of a socket pair, as urllib3 would over a real connection."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        native = http.client.HTTPResponse(self.sock, method=request.method)
        native.begin()
        raw = urllib3.HTTPResponse(
            body=native,
            headers=dict(native.getheaders()),
            status=native.status,
            reason=native.reason,
            preload_content=False,
            decode_content=False,
            original_response=native,
        )
        return HTTPAdapter().build_response(request, raw)

    def close(self) -> None:
        pass


def test_the_raw_proxy_over_a_socket_keeps_what_docker_py_reads() -> None:
    client, server = socket.socketpair()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    server.sendall(head + chunked(compact(OLD_EVENTS[0]) + b"\n", compact(OLD_EVENTS[1]) + b"\n"))
    with requests.Session() as s:
        s.mount("http://", ne.NormalizingAdapter(SocketInner(client)))
        r = s.get(f"{BASE}/v1.21/events", stream=True)
    native_fp = r.raw._raw._fp.fp
    assert r.raw._fp.chunked is True
    assert r.raw._fp.fp is native_fp and native_fp is not None
    assert r.raw._fp.chunk_left is None and not r.raw.closed

    # docker-py's _stream_helper, verbatim
    got = []
    reader = r.raw
    while not reader.closed:
        data = reader.read(1)
        if not data:
            break
        if reader._fp.chunk_left:
            data += reader.read(reader._fp.chunk_left)
        got.append(data)
        if len(got) == 2:
            break
    assert got == [compact(ne.normalize(e, "/v1.21/events")) + b"\n" for e in OLD_EVENTS[:2]]

    # a third event arrives later; meanwhile the caller cancels from another thread (CancellableStream.close)
    docker_types = pytest.importorskip("docker.types.daemon")
    stream = docker_types.CancellableStream(iter(lambda: r.raw.read(1 << 16), b""), r)
    timer = threading.Timer(0.2, stream.close)
    timer.start()
    assert list(stream) == []  # the shut-down socket ends the iteration
    timer.join()
    assert r.raw.closed or r.raw.read(1) == b""
    server.close()
    client.close()


def test_the_raw_proxy_ends_with_the_stream() -> None:
    client, server = socket.socketpair()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    server.sendall(head + chunked(ndjson(OLD_EVENTS)) + b"0\r\n\r\n")
    with requests.Session() as s:
        s.mount("http://", ne.NormalizingAdapter(SocketInner(client)))
        r = s.get(f"{BASE}/v1.21/events", stream=True)
        lines = list(r.iter_lines())
    assert [json.loads(line) for line in lines] == [ne.normalize(e, "/v1.21/events") for e in OLD_EVENTS]
    assert r.raw.closed and r.raw.read(10) == b"" and r.raw.read() == b""
    server.close()
    client.close()


# ------------------------------------------------------------------------------------------ threads


class TableInner(BaseAdapter):
    """A test double answering every request from a function of its path."""

    def __init__(self, answer: Callable[[str], tuple[int, dict[str, str], bytes]]) -> None:
        super().__init__()
        self.answer = answer
        self.closed = False

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        status, headers, body = self.answer(request.path_url)
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(body), headers=headers, status=status, preload_content=False
        )
        return HTTPAdapter().build_response(request, raw)

    def close(self) -> None:
        self.closed = True

    def extra(self) -> str:
        return "inner"


def answer_for(path: str) -> tuple[int, dict[str, str], bytes]:
    # Each answer says which request it answers, so a mix-up between threads would show.
    if "/events" in path:
        return 200, {"Content-Type": "application/json"}, ndjson({**e, "from": path} for e in OLD_EVENTS)
    return (
        200,
        {"Content-Type": "application/json"},
        json.dumps([{**OLD_IMAGES[0], "Labels": {"p": path}}]).encode(),
    )


def test_one_adapter_serves_many_threads_over_mixed_versions() -> None:
    versions = ["1.21", "1.24", "1.30", "1.41", "1.43", "1.44", "1.45", "1.51", "1.55"]
    adapter = ne.NormalizingAdapter(TableInner(answer_for))
    checked: list[str] = []
    failures: list[str] = []

    def worker(n: int) -> None:
        with requests.Session() as s:
            s.mount("http://", adapter)
            for i in range(30):
                version = versions[(n + i) % len(versions)]
                path = f"/v{version}/images/json?t={n}-{i}"
                if s.get(BASE + path).json() != ne.normalize(answer_for(path)[2], path):
                    failures.append(path)
                path = f"/v{version}/events?t={n}-{i}"
                got = [json.loads(line) for line in s.get(BASE + path, stream=True).iter_lines()]
                if got != list(ne.normalize_stream([answer_for(path)[2]], path)):
                    failures.append(path)
                checked.append(path)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(checked) == 16 * 30


# -------------------------------------------------------------------------------------- the adapter itself


def test_unknown_attributes_are_the_inner_adapters_and_close_closes_it() -> None:
    inner = TableInner(lambda path: (200, {}, b""))
    adapter = ne.NormalizingAdapter(inner, target="1.44", strict=True)
    assert adapter.extra() == "inner"
    assert adapter.target == "1.44" and adapter.strict is True
    assert "target=1.44" in repr(adapter)
    with pytest.raises(AttributeError):
        adapter.no_such_thing  # noqa: B018
    adapter.close()
    assert inner.closed
    assert isinstance(ne.NormalizingAdapter().inner, HTTPAdapter)


def test_an_impossible_target_is_refused_at_once() -> None:
    with pytest.raises(ne.UnknownVersionError):
        ne.NormalizingAdapter(target="1.99")


def test_debug_logs_hold_neither_headers_nor_bodies(caplog: pytest.LogCaptureFixture) -> None:
    secret = "c2VjcmV0LWF1dGg="
    body = json.dumps([{**OLD_IMAGES[0], "Labels": {"token": secret}}]).encode()
    with requests.Session() as s:
        s.mount("http://", ne.NormalizingAdapter(TableInner(lambda path: (200, {}, body))))
        with caplog.at_level(logging.DEBUG, logger="normalize_engine"):
            s.get(f"{BASE}/v1.41/images/json", headers={"X-Registry-Auth": secret})
    assert any("images/json" in rec.getMessage() for rec in caplog.records)
    assert secret not in caplog.text


def test_the_splitter_keeps_each_documents_text() -> None:
    splitter = StreamSplitter()
    out = [*splitter.feed(b'{"a": 1}\n\x1e{"b":'), *splitter.feed(b' "\xc3'), *splitter.feed(b'\xa9"}\n  [')]
    assert out == [('{"a": 1}', {"a": 1}), ('{"b": "\u00e9"}', {"b": "\u00e9"})]
    assert splitter.leftover() == b"["
    with pytest.raises(ne.TruncatedStreamError):
        list(splitter.finish())


def test_the_splitter_waits_for_bare_numbers_and_concatenated_documents() -> None:
    splitter = StreamSplitter()
    assert list(splitter.feed(b'{"a":1}{"b":2')) == [('{"a":1}', {"a": 1})]
    assert list(splitter.feed(b"}")) == [('{"b":2}', {"b": 2})]
    assert list(splitter.feed(b"12")) == list(splitter.feed(b"3")) == []  # a number may go on
    assert list(splitter.finish()) == [("123", 123)]


def _fed(chunks: list[bytes], *, whole: bool) -> list[Any]:
    """What a splitter gives for ``chunks``: documents, then the error's class if it raised."""
    splitter, out = StreamSplitter(), []
    try:
        for chunk in chunks:
            document = splitter.whole(chunk) if whole else None
            if document is not None:
                out.append((chunk.decode().strip(SKIP), document))
                continue
            out.extend(splitter.feed(chunk))
        out.extend(splitter.finish())
    except ne.NormalizeError as exc:
        out.append(type(exc).__name__)
    return out


WHOLE_CASES = [
    [b'{"a": 1}\n', b"[1, 2]\n", b'  {"b": 2}\r\n'],
    [b'{"a": 1}{"b": 2}\n', b'{"c":\n', b"3}\n"],
    [b'\x1e{"a": 1}\n', b'{"a": 1} x}\n', b"{}\n"],
    [b'{"a": "\xc3', b'\xa9"}\n', b'{"b": 1}\n'],
    [b'{"a": "\xff"}\n', b'{"b": 1}\n'],
    [b"12", b'3}\n'],
    [b'{"a": NaN}\n', b'{"big": 123456789012345678901234}\n', b'"x"\n{"y": 1}\n'],
    [b"\xef\xbb\xbf{}\n", b"{}\n"],
    [b'{"a": 1}\n\n', b'{"a": 1}\n{"b"', b': 2}\n'],
]


@pytest.mark.parametrize("chunks", WHOLE_CASES, ids=range(len(WHOLE_CASES)))
@pytest.mark.parametrize("decoder", ["json", "orjson"])
def test_a_whole_chunk_gives_what_feeding_it_gives(chunks: list[bytes], decoder: str) -> None:
    """The fast path of a chunk that is one document and a newline decodes as feed() does, and steps
    aside (None) for anything else, whatever the decoder in effect."""
    pytest.importorskip(decoder)
    previous = use_decoder(decoder)
    try:
        assert _fed(chunks, whole=True) == _fed(chunks, whole=False)
    finally:
        use_decoder(previous)


def test_the_whole_chunk_path_is_taken_for_one_line_documents_only() -> None:
    previous = use_decoder("json")
    try:
        # the third ends in \r\n: fed
        assert [StreamSplitter().whole(chunk) for chunk in WHOLE_CASES[0]] == [{"a": 1}, [1, 2], None]
        assert [StreamSplitter().whole(chunk) for chunk in WHOLE_CASES[1]] == [None, None, None]
        held = StreamSplitter()
        assert list(held.feed(b'{"a":')) == [] and held.whole(b"{}\n") is None  # something is held
    finally:
        use_decoder(previous)


# ------------------------------------------------------------------------------------------ json() and bytes

OLD_CONTAINER = {
    "Id": HEX,
    "Name": "/café",
    "Config": {"Hostname": "h", "Labels": {"émoji": "☃"}, "MacAddress": ""},
    "HostConfig": {"NetworkMode": "default", "KernelMemory": 0},
    "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2"}}},
}
INSPECT = "/v1.41/containers/" + HEX + "/json"


def _inspect_answer(body: bytes, content_type: str = "application/json") -> None:
    headers = {"Content-Length": str(len(body))}
    responses.get(f"{BASE}{INSPECT}", body=body, content_type=content_type, headers=headers)


@responses.activate
def test_the_first_json_call_gets_the_normalised_document_later_calls_a_fresh_one(
    session: requests.Session,
) -> None:
    _inspect_answer(json.dumps(OLD_CONTAINER).encode())
    expected = ne.normalize(OLD_CONTAINER, INSPECT)
    r = session.get(f"{BASE}{INSPECT}")
    assert isinstance(r, requests.Response) and repr(r) == "<Response [200]>"
    first = r.json()
    assert first == expected == json.loads(r.content)
    second = r.json()
    assert second == first and second is not first
    first["Config"]["Labels"]["x"] = "y"  # the caller owns what it got
    assert "x" not in r.json()["Config"]["Labels"]

    # Arguments are requests' (and json.loads'): they are honoured on the first call too.
    r = session.get(f"{BASE}{INSPECT}")
    assert r.json(object_pairs_hook=lambda pairs: dict(pairs, hooked=True))["hooked"] is True
    assert r.json() == expected


@responses.activate
def test_json_decodes_a_body_replaced_after_the_adapter(session: requests.Session) -> None:
    _inspect_answer(json.dumps(OLD_CONTAINER).encode())
    r = session.get(f"{BASE}{INSPECT}")
    r._content = b'{"replaced": true}'
    assert r.json() == {"replaced": True}
    # The chained form: the response is gone before json() runs, the document is still handed over.
    assert session.get(f"{BASE}{INSPECT}").json() == ne.normalize(OLD_CONTAINER, INSPECT)


@responses.activate
def test_a_normalised_response_copies_and_pickles_as_a_plain_response(session: requests.Session) -> None:
    import pickle

    _inspect_answer(json.dumps(OLD_CONTAINER).encode())
    r = session.get(f"{BASE}{INSPECT}")
    for other in (copy.copy(r), pickle.loads(pickle.dumps(r))):
        assert type(other) is requests.Response
        assert other.content == r.content and other.json() == r.json()


@responses.activate
def test_a_response_subclass_of_the_inner_adapter_is_kept() -> None:
    class Mine(requests.Response):
        pass

    class Inner(BaseAdapter):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            response = Mine()
            response.status_code = 200
            response._content = json.dumps(OLD_CONTAINER).encode()
            response.headers["Content-Type"] = "application/json"
            response.encoding = "utf-8"
            response.request = request
            return response

        def close(self) -> None:
            pass

    with requests.Session() as s:
        s.mount("http://", ne.NormalizingAdapter(Inner()))
        r = s.get(f"{BASE}{INSPECT}")
    assert type(r) is Mine
    assert r.json() == ne.normalize(OLD_CONTAINER, INSPECT)


@responses.activate
def test_new_bodies_are_utf8_when_read_as_utf8_and_ascii_otherwise(session: requests.Session) -> None:
    expected = ne.normalize(OLD_CONTAINER, INSPECT)
    _inspect_answer(json.dumps(OLD_CONTAINER, ensure_ascii=False).encode())
    r = session.get(f"{BASE}{INSPECT}")
    assert r.encoding == "utf-8"
    assert r.content == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode()
    assert "café" in r.text and json.loads(r.text) == expected
    assert r.headers["Content-Length"] == str(len(r.content))

    # text/plain without a charset is read as ISO-8859-1: the new body is ASCII, which reads the same.
    responses.replace(
        responses.GET,
        f"{BASE}{INSPECT}",
        body=json.dumps(OLD_CONTAINER, ensure_ascii=False).encode(),
        content_type="text/plain",
    )
    r = session.get(f"{BASE}{INSPECT}")
    assert r.encoding == "ISO-8859-1"
    assert r.content == compact(expected) and r.content.isascii()
    assert json.loads(r.text) == expected and r.json() == expected


@responses.activate
def test_a_lone_surrogate_is_written_as_an_escape(session: requests.Session) -> None:
    old = dict(OLD_CONTAINER, Name="/\ud800")
    _inspect_answer(json.dumps(old).encode())  # "\\ud800" in the body: valid JSON, not valid UTF-8 text
    r = session.get(f"{BASE}{INSPECT}")
    assert r.json()["Name"] == "/\ud800"
    assert b'"/\\ud800"' in r.content and r.headers["Content-Length"] == str(len(r.content))


@responses.activate
def test_an_unchanged_body_still_hands_over_its_document(session: requests.Session) -> None:
    already_new = json.dumps(ne.normalize(OLD_CONTAINER, INSPECT), indent=1, ensure_ascii=False).encode()
    _inspect_answer(already_new)
    r = session.get(f"{BASE}{INSPECT}")
    assert r.content == already_new
    assert type(r).__name__ == "_NormalisedResponse"
    assert r.json() == json.loads(already_new)

    # Read as ISO-8859-1, non-ASCII bytes decode differently than as UTF-8: requests' own json() decides.
    responses.replace(responses.GET, f"{BASE}{INSPECT}", body=already_new, content_type="text/plain")
    r = session.get(f"{BASE}{INSPECT}")
    assert type(r) is requests.Response
    assert r.json() == json.loads(already_new.decode("iso-8859-1"))


# ------------------------------------------------------------------------------------------ nothing to change

NEWEST_INSPECT = f"/v{ne.LATEST}/containers/{HEX}/json"


@responses.activate
@pytest.mark.parametrize("decoder", ["json", "orjson"])
def test_an_answer_with_nothing_to_change_is_decoded_by_the_librarys_decoder(
    session: requests.Session, decoder: str
) -> None:
    """Its body is the daemon's; the first json() decodes it with the decoder in effect (orjson: less
    than requests' own json()), equal to what requests gives, and every later call is requests' own."""
    pytest.importorskip(decoder)
    body = b'{"Id": "' + HEX.encode() + b'", "Big": 18446744073709551616, "Name": "/caf\xc3\xa9"}'
    responses.get(f"{BASE}{NEWEST_INSPECT}", body=body, content_type="application/json")
    previous = use_decoder(decoder)
    try:
        r = session.get(f"{BASE}{NEWEST_INSPECT}")
        assert r.content == body and "_ne_decode" in r.__dict__
        first = r.json()
        assert first == json.loads(body) and type(first["Big"]) is int
        second = r.json()
        assert second == first and second is not first and "_ne_decode" not in r.__dict__
        assert requests.Response.json(r) == first
    finally:
        use_decoder(previous)


@responses.activate
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"not json", "application/json"),
        (b"[1, 2", "application/json"),
        (b'"a string"', "application/json"),
        (b'{"Name": "caf\xe9"}', "application/json; charset=latin-1"),
        (b'\xef\xbb\xbf{"a": 1}', "application/json"),
        (b'{"a": NaN}', "application/json"),
    ],
)
def test_what_the_library_does_not_decode_requests_decodes(
    session: requests.Session, body: bytes, content_type: str
) -> None:
    """Not JSON, not an object or array, another charset, a BOM: requests' own json(), errors included."""
    responses.get(f"{BASE}{NEWEST_INSPECT}", body=body, content_type=content_type)
    r = session.get(f"{BASE}{NEWEST_INSPECT}")
    plain = requests.Response()
    plain._content, plain.headers, plain.encoding = body, r.headers, r.encoding
    try:
        expected: Any = plain.json()
    except requests.JSONDecodeError as exc:
        with pytest.raises(requests.JSONDecodeError) as raised:
            r.json()
        assert str(raised.value) == str(exc)
    else:
        got = r.json()
        assert got == expected or (got != got and expected != expected)  # NaN is not NaN


@pytest.mark.parametrize(
    "url",
    [
        "http+docker://localhost/v1.41/containers/json?all=1&filters=%7B%7D",
        "http://h", "http://h/", "http://h?x=1", "http://h/a?", "http://h/a#f", "http://u:p@h:80/a/b?c=d/e",
        "http+unix://%2Fvar%2Frun%2Fdocker.sock/v1.41/info", "https://[::1]:2376/x?y", "http://h/a//b?c#d",
    ],
)
def test_the_path_is_requests_path_url(url: str) -> None:
    from normalize_engine.transports.requests_adapter import _path_url, _upgrade

    request = requests.Request("GET", url, headers={"UPGRADE": "tcp"}).prepare()
    assert _path_url(request) == request.path_url
    assert _upgrade(request) and not _upgrade(requests.Request("GET", url).prepare())


@pytest.mark.parametrize("decoder", ["json", "orjson"])
def test_recorded_streams_line_by_line_equal_the_whole_text(decoder: str) -> None:
    """Every recorded stream answer (events, pulls, stats...) of every real daemon, fed as the daemon sends
    it (one line a chunk: the whole-chunk path) and as one piece (the splitter), normalises the same."""
    from tests.recorded import load_recorded

    pytest.importorskip(decoder)
    previous = use_decoder(decoder)
    checked = taken = 0
    try:
        for daemon in load_recorded():
            for exchange in daemon.exchanges:
                if not exchange.stream:
                    continue
                for answer in exchange.answers:
                    if answer.status != 200 or not answer.text.strip():
                        continue
                    path = exchange.url(answer.version)
                    lines = [line.encode() + b"\n" for line in answer.text.splitlines() if line.strip()]
                    method = exchange.method
                    by_line = list(ne.normalize_stream(lines, path, method=method))
                    assert by_line == list(ne.normalize_stream([answer.text.encode()], path, method=method))
                    checked += 1
                    taken += sum(StreamSplitter().whole(line) is not None for line in lines)
    finally:
        use_decoder(previous)
    assert checked > 1000 and taken > 20000, (checked, taken)
