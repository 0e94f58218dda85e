"""Fault injection: docker-py, wrapped and unwrapped, through a proxy that misbehaves in front of a real
daemon (tests/faultproxy.py: unix sockets only, bounded in time, it stops by itself).

For every fault the wrapped client must behave as the unwrapped one: the same result (the wrapped one's
is ``ne.normalize()`` of the unwrapped one's; for streams, document by document), or the same exception
class (and message, for API errors), no hang (every call has a timeout, the test an alarm), the connection
pool intact (a request after the fault gives the daemon's answer), and no growth of file descriptors or
threads over 20 repetitions (3 for the 50 MB and 20 MB answers; ``NE_FI_BIG_REPETITIONS=20`` by hand).
The daemons: Docker 20.10 (suite ``bookworm``) and 29.7 (``docker29``), picked by version from
daemons.json. Nothing is created on the daemons.

The clients speak API 1.30 to both daemons, so that the normaliser has something to do on every answer
(at a daemon's own newest version most answers pass through as they are).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import normalize_engine as ne
from tests.conftest import live_daemons
from tests.faultproxy import LAST_CHUNK, Answer, FaultProxy, Request, json_answer

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live

VERSION = "1.30"
WANTED = {"20.10": ("bookworm",), "29.7": ("docker29",)}  # version -> the suites to prefer
REPETITIONS = int(os.environ.get("NE_FI_REPETITIONS", "20"))
# The 50 MB and 20 MB answers take seconds a round: 3 rounds in the suite, NE_FI_BIG_REPETITIONS=20 by hand.
BIG_REPETITIONS = int(os.environ.get("NE_FI_BIG_REPETITIONS", "3"))
MB = 1024 * 1024
CID = "0123456789ab" * 5 + "cdef"


def _daemon(version: str) -> dict[str, Any] | None:
    found = [d for d in live_daemons() if str(d.get("version", "")).startswith(version)]
    found.sort(key=lambda d: (d.get("suite") not in WANTED[version], str(d.get("suite"))))
    return found[0] if found else None


@pytest.fixture(scope="module", params=sorted(WANTED))
def daemon(request: pytest.FixtureRequest, daemons: list[dict[str, Any]]) -> dict[str, Any]:
    found = _daemon(request.param)
    if found is None:
        message = f"no live Docker {request.param} daemon in daemons.json"
        if os.environ.get("CI"):
            pytest.fail("CI must start it: " + message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def proxy(daemon: dict[str, Any]) -> Iterator[FaultProxy]:
    with FaultProxy(daemon["socket"].removeprefix("unix://"), lifetime=900, stall=3) as running:
        yield running


@pytest.fixture(scope="module")
def clients(proxy: FaultProxy) -> Iterator[tuple[Any, Any]]:
    plain = docker.DockerClient(base_url=proxy.url, version=VERSION, timeout=20)
    wrapped = ne.wrap(docker.DockerClient(base_url=proxy.url, version=VERSION, timeout=20))
    try:
        yield plain, wrapped
    finally:
        plain.close()
        wrapped.close()


@contextlib.contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    """Fail instead of hanging."""

    def fire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"no answer within {seconds} s: the client hangs")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------------------------------ answers


def _old_event(n: int, attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """An event as API 1.30 sends it (status/id/from and Type/Action/Actor)."""
    return {
        "status": "start",
        "id": CID,
        "from": "busybox",
        "Type": "container",
        "Action": "start",
        "Actor": {"ID": CID, "Attributes": {"image": "busybox", "name": f"ne-fi-{n}", **(attributes or {})}},
        "time": 1_700_000_000 + n,
        "timeNano": (1_700_000_000 + n) * 10**9,
        "scope": "local",
    }


def _event_line(n: int, attributes: dict[str, str] | None = None) -> bytes:
    return json.dumps(_old_event(n, attributes)).encode() + b"\n"


def _old_image(n: int) -> dict[str, Any]:
    return {
        "Containers": -1,
        "Created": 1_700_000_000,
        "Id": f"sha256:{n:064x}",
        "Labels": None,
        "ParentId": "",
        "RepoDigests": ["<none>@<none>"],
        "RepoTags": ["<none>:<none>"],
        "SharedSize": -1,
        "Size": 1000 + n,
        "VirtualSize": 1000 + n,
    }


@dataclass(frozen=True)
class Big:
    images: bytes
    event: bytes


_BIG: list[Big] = []


def _big() -> Big:
    if not _BIG:
        per = len(json.dumps(_old_image(10**6))) + 2
        images = json.dumps([_old_image(n) for n in range(50 * MB // per)]).encode()
        event = _event_line(0, {"ne-fi-big": "x" * (20 * MB)})
        _BIG.append(Big(images, event))
    return _BIG[0]


EVENTS_HEAD = Answer(200, "OK", [("Content-Type", "application/json"), ("Api-Version", VERSION)])


# ------------------------------------------------------------------------------------------ behaviours


def cut_json(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    """The daemon's answer, its Content-Length promising the whole body, cut in the middle."""
    answer = proxy.fetch(request)
    proxy.send(conn, answer.head() + answer.body[: len(answer.body) // 2])
    return False


def stream_cut_inside(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    third = _event_line(3)
    pieces = [_event_line(1), _event_line(2), third[: len(third) // 2]]
    proxy.send_chunked(conn, EVENTS_HEAD, pieces, end=False)
    return False


def stream_cut_between(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    proxy.send_chunked(conn, EVENTS_HEAD, [_event_line(1), _event_line(2)], end=False)
    return False


def stream_cut_inside_a_chunk(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    """A chunk that promises more bytes than come: the connection closes inside the chunk."""
    line = _event_line(1) + _event_line(2)
    proxy.send(conn, EVENTS_HEAD.head(chunked=True) + f"{len(line):x}\r\n".encode() + line[:-20])
    return False


def close_when_idle(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    """The daemon's answer, then the keep-alive connection closed after 50 ms without a request."""
    FaultProxy.forward_as_is(proxy, conn, request)
    return not proxy.idle(conn, 0.05)


def drip_json(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    answer = proxy.fetch(request)
    proxy.drip(conn, answer.head() + answer.body)
    return True


def drip_stream(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    """An event stream one byte per HTTP chunk, one byte per send."""
    proxy.send(conn, EVENTS_HEAD.head(chunked=True))
    for byte in (_event_line(1) + _event_line(2)).strip():
        proxy.send(conn, f"1\r\n{chr(byte)}\r\n".encode("latin-1"))
    proxy.send(conn, b"0\r\n\r\n")
    return True


def stall(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    proxy.hold(conn)
    return False


def stall_in_body(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    answer = proxy.fetch(request)
    proxy.send(conn, answer.head() + answer.body[:10])
    proxy.hold(conn)
    return False


def stall_in_stream(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    """An event, then nothing for a second, then the end of the stream: docker-py reads events without a
    timeout (a quiet daemon is no error), so both clients wait, and must get the event."""
    proxy.send_chunked(conn, EVENTS_HEAD, [_event_line(1)], end=False)
    proxy.hold(conn, 1.0)
    proxy.send(conn, LAST_CHUNK)
    return False


def not_json(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    answer = Answer(200, "OK", [("Content-Type", "application/json")], b"<html><body>not json</body></html>")
    proxy.send(conn, answer.head() + answer.body)
    return True


def html_500(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    body = b"<html><head><title>500</title></head><body>Internal Server Error</body></html>\n"
    answer = Answer(500, "Internal Server Error", [("Content-Type", "text/html")], body)
    proxy.send(conn, answer.head() + answer.body)
    return True


def huge_list(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    answer = Answer(200, "OK", [("Content-Type", "application/json")], _big().images)
    proxy.send(conn, answer.head() + answer.body)
    return True


def huge_stream_document(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    big = _big().event
    pieces = [_event_line(1)] + [big[i : i + 64 * 1024] for i in range(0, len(big), 64 * 1024)]
    proxy.send_chunked(conn, EVENTS_HEAD, [*pieces, _event_line(2)], end=True)
    return True


def upgrade_then_close(proxy: FaultProxy, conn: Any, request: Request) -> bool:
    if request.method == "GET":  # docker-py inspects the container first (is it a TTY?)
        answer = json_answer({"Id": CID, "Name": "/ne-fi-none", "Config": {"Tty": False}, "State": {}})
        proxy.send(conn, answer.head() + answer.body)
        return True
    proxy.send(
        conn,
        b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
        b"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n",
    )
    return False


# ------------------------------------------------------------------------------------------ calls


def _events(client: Any) -> Any:
    return client.api.events(since=1_700_000_000, until=1_700_000_100, decode=True)


def _images(client: Any) -> Any:
    return client.api.images()


def _version(client: Any) -> Any:
    return client.api.version()


def _twice_with_a_pause(client: Any) -> Any:
    first = client.api.version()
    time.sleep(0.2)
    return [first, client.api.version()]


def _attach(client: Any) -> Any:
    return client.api.attach("ne-fi-none", stream=False, logs=False)


@dataclass(frozen=True)
class Fault:
    name: str
    behaviour: Callable[[FaultProxy, Any, Request], bool]
    call: Callable[[Any], Any]
    path: str  # what the result is normalised as
    stream: bool = False
    timeout: float | None = None  # the clients' timeout for this fault
    repetitions: int = REPETITIONS


FAULTS = (
    Fault("a JSON body cut mid-way", cut_json, _images, "/images/json"),
    Fault("a chunked stream cut inside a document", stream_cut_inside, _events, "/events", stream=True),
    Fault("a chunked stream cut between documents", stream_cut_between, _events, "/events", stream=True),
    Fault("a chunked stream cut inside an HTTP chunk", stream_cut_inside_a_chunk, _events, "/events", True),
    # (two answers: compared one by one, as a stream's documents)
    Fault("idle keep-alive connections closed", close_when_idle, _twice_with_a_pause, "/version", True),
    # (/version: two image lists of a daemon may order images of the same second differently)
    Fault("a JSON answer dripped byte by byte", drip_json, _version, "/version"),
    Fault("a stream dripped byte by byte", drip_stream, _events, "/events", stream=True),
    Fault("a stall before the answer", stall, _version, "/version", timeout=0.25),
    # 2 s, not 0.25: the proxy first fetches the daemon's answer, which may take longer on a loaded machine
    # (the clients then time out before the head, a ReadTimeout, not the stall this fault is about)
    Fault("a stall inside the body", stall_in_body, _images, "/images/json", timeout=2.0),
    Fault("a stall inside a stream", stall_in_stream, _events, "/events", stream=True, repetitions=5),
    Fault("non-JSON with a JSON content type", not_json, _images, "/images/json"),
    Fault("a 500 with HTML", html_500, _images, "/images/json"),
    Fault("a 50 MB list", huge_list, _images, "/images/json", repetitions=BIG_REPETITIONS),
    Fault(
        "a 20 MB stream document", huge_stream_document, _events, "/events", True, repetitions=BIG_REPETITIONS
    ),
    Fault("a 101 followed by a close", upgrade_then_close, _attach, ""),
)


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None
    warned: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.error is None:
            return "a result"
        return f"{type(self.error).__module__}.{type(self.error).__qualname__}: {self.error}"[:300]


def _run(client: Any, fault: Fault) -> Outcome:
    outcome = Outcome()
    documents: list[Any] = []
    previous = client.api.timeout
    if fault.timeout is not None:
        client.api.timeout = fault.timeout
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = fault.call(client)
                if fault.stream:
                    for document in result:
                        documents.append(document)
                    result = documents
                outcome.result = result
            except Exception as exc:
                outcome.error = exc
                outcome.result = documents if fault.stream else None
        outcome.warned = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
    finally:
        client.api.timeout = previous
    return outcome


def _expected(plain: Outcome, fault: Fault) -> Any:
    """What the wrapped client must give: the unwrapped result, normalised."""
    if not fault.path or plain.result is None:
        return plain.result
    path = f"/v{VERSION}{fault.path}"
    if fault.stream:
        return [ne.normalize(document, path) for document in plain.result]
    return ne.normalize(plain.result, path)


def _compare(fault: Fault, plain: Outcome, wrapped: Outcome) -> None:
    assert type(wrapped.error) is type(plain.error), (
        f"{fault.name}: unwrapped gave {plain.describe()}, wrapped {wrapped.describe()}"
    )
    if isinstance(plain.error, docker.errors.APIError):
        assert str(wrapped.error) == str(plain.error)
    assert wrapped.result == _expected(plain, fault), f"{fault.name}: the results differ"
    # Only NormalizeWarnings come from the library (when it passes an answer through unchanged).
    assert all(w.startswith("NormalizeWarning") for w in wrapped.warned), wrapped.warned


def _resources() -> tuple[int, int]:
    return len(os.listdir("/proc/self/fd")), threading.active_count()


def _settle(proxy: FaultProxy) -> None:
    """Wait until the proxy has finished with the connections the clients closed."""
    deadline = time.monotonic() + 5
    count = proxy.live_connections()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now = proxy.live_connections()
        if now == count:
            return
        count = now


# ------------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_the_wrapped_client_behaves_as_the_unwrapped_one(
    proxy: FaultProxy, clients: tuple[Any, Any], fault: Fault
) -> None:
    plain_client, wrapped_client = clients
    counts: list[tuple[int, int]] = []
    first: tuple[Outcome, Outcome] | None = None
    with _alarm(240):
        for _ in range(fault.repetitions):
            proxy.behaviour = fault.behaviour
            plain = _run(plain_client, fault)
            wrapped = _run(wrapped_client, fault)
            _compare(fault, plain, wrapped)
            if first is None:
                first = (plain, wrapped)
            else:  # the same every time
                assert plain.describe() == first[0].describe() and wrapped.describe() == first[1].describe()
            # The pool is intact: the next request, forwarded to the daemon, gets the daemon's answer.
            proxy.behaviour = FaultProxy.forward_as_is
            expected = plain_client.api.version()
            assert wrapped_client.api.version() == ne.normalize(expected, f"/v{VERSION}/version")
            _settle(proxy)
            counts.append(_resources())
    warm = counts[min(1, len(counts) - 1)]
    assert counts[-1][0] <= warm[0], f"{fault.name}: file descriptors grew from {warm[0]} to {counts[-1][0]}"
    assert counts[-1][1] <= warm[1], f"{fault.name}: threads grew from {warm[1]} to {counts[-1][1]}"


def test_the_faults_are_faults(proxy: FaultProxy, clients: tuple[Any, Any]) -> None:
    """Each fault does what it says to the unwrapped client: an error where the answer is broken, the
    answer where only its delivery is odd (a test of the wrapper that cannot fail would prove nothing)."""
    plain_client, _ = clients
    results = {}
    with _alarm(240):
        for fault in FAULTS:
            if fault.behaviour in (huge_list, huge_stream_document):
                continue  # the big ones: the test above
            proxy.behaviour = fault.behaviour
            results[fault.name] = _run(plain_client, fault)
            proxy.behaviour = FaultProxy.forward_as_is
    errors = {name: type(outcome.error).__name__ for name, outcome in results.items() if outcome.error}
    assert errors == {
        "a JSON body cut mid-way": "ChunkedEncodingError",
        "a stall before the answer": "ReadTimeout",
        "a stall inside the body": "ConnectionError",
        "non-JSON with a JSON content type": "JSONDecodeError",
        "a 500 with HTML": "APIError",
    }
    # docker-py ends a stream quietly where the connection closes: the complete documents, and no error
    documents = {name: out.result for name, out in results.items() if isinstance(out.result, list)}
    assert documents["a chunked stream cut inside a document"] == [_old_event(1), _old_event(2)]
    assert documents["a chunked stream cut between documents"] == [_old_event(1), _old_event(2)]
    assert documents["a chunked stream cut inside an HTTP chunk"] == []  # the chunk never completed
    assert documents["a stream dripped byte by byte"] == [_old_event(1), _old_event(2)]
    assert documents["a stall inside a stream"] == [_old_event(1)]
    assert results["a 101 followed by a close"].result == b""
    assert results["a 500 with HTML"].error.explanation.startswith("<html>")  # type: ignore[union-attr]


def test_the_wrapped_client_normalises_what_the_faults_let_through(
    proxy: FaultProxy, clients: tuple[Any, Any]
) -> None:
    """Not a pass-through in disguise: the wrapped client's documents are in the newest shape, and an
    answer it cannot normalise comes with a NormalizeWarning."""
    _, wrapped_client = clients
    with _alarm(60):
        proxy.behaviour = stream_cut_inside
        events = _run(wrapped_client, FAULTS[1]).result
        proxy.behaviour = not_json
        refused = _run(wrapped_client, next(f for f in FAULTS if f.behaviour is not_json))
        proxy.behaviour = FaultProxy.forward_as_is
    assert [e["Action"] for e in events] == ["start", "start"]
    assert all("status" not in e and e["scope"] == "local" for e in events)
    assert any("NormalizeWarning" in w for w in refused.warned), refused.warned
