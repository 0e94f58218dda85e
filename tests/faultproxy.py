"""A misbehaving Docker daemon for the fault-injection tests: a proxy on a unix socket of its own, in front
of a real daemon's socket.

Each request that reaches it goes to the proxy's current ``behaviour``, a function of the proxy, the client
connection and the request. It answers by itself (synthesised answers: cut, dripped, stalled, huge, not
JSON, a 101 then nothing), or forwards the request to the daemon and sends the daemon's answer back,
changed or not. Only unix sockets: the listening one (in a folder of its own under /tmp) and the daemon's.

Bounded in time: every socket operation has a timeout, a stalled answer waits at most ``stall`` seconds,
and the proxy stops by itself after ``lifetime`` seconds even if no one stops it.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import select
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Answer", "FaultProxy", "Request"]


@dataclass
class Request:
    method: str
    path: str  # with the query string
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Answer:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def head(self, *, chunked: bool = False) -> bytes:
        """The status line and headers, framed by the body's Content-Length, or chunked."""
        lines = [f"HTTP/1.1 {self.status} {self.reason}"]
        skip = {"content-length", "transfer-encoding", "connection"}
        lines += [f"{k}: {v}" for k, v in self.headers if k.lower() not in skip]
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        else:
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


Behaviour = Callable[["FaultProxy", socket.socket, Request], bool]  # True: keep the connection


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


LAST_CHUNK = b"0\r\n\r\n"


class FaultProxy:
    """``with FaultProxy(daemon_socket) as proxy: proxy.behaviour = ...; client at proxy.url``."""

    def __init__(self, daemon_socket: str, *, lifetime: float = 600.0, stall: float = 5.0) -> None:
        self.daemon_socket = daemon_socket
        self.folder = tempfile.mkdtemp(prefix="ne-fi-", dir="/tmp")
        self.path = os.path.join(self.folder, "proxy.sock")
        self.url = "unix://" + self.path
        self.stall = stall
        self.behaviour: Behaviour = FaultProxy.forward_as_is
        self._deadline = time.monotonic() + lifetime
        self._stop = threading.Event()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(64)
        self._server.settimeout(0.2)
        self._handlers: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="ne-fi-proxy", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------------------------- life

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            handler.join(self.stall + 5)
        self._server.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set() or time.monotonic() > self._deadline

    def live_connections(self) -> int:
        with self._lock:
            self._handlers = [h for h in self._handlers if h.is_alive()]
            return len(self._handlers)

    def _serve(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            handler = threading.Thread(target=self._handle, args=(conn,), name="ne-fi-conn", daemon=True)
            with self._lock:
                self._handlers.append(handler)
            handler.start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        buffer = b""
        try:
            while not self.stopping:
                request, buffer = self._read_request(conn, buffer)
                if request is None:
                    return
                if not self.behaviour(self, conn, request):
                    return
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _read_request(self, conn: socket.socket, buffer: bytes) -> tuple[Request | None, bytes]:
        while b"\r\n\r\n" not in buffer:
            data = self._recv(conn)
            if not data:
                return None, b""
            buffer += data
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
        while len(rest) < length:
            data = self._recv(conn)
            if not data:
                return None, b""
            rest += data
        return Request(method, path, headers, rest[:length]), rest[length:]  # type: ignore[arg-type]

    def _recv(self, conn: socket.socket) -> bytes:
        """Bytes from the client, or b"" once it closed (or the proxy stops)."""
        while not self.stopping:
            try:
                return conn.recv(65536)
            except TimeoutError:
                continue
        return b""

    # ---------------------------------------------------------------------------------- the daemon

    def fetch(self, request: Request) -> Answer:
        """The daemon's answer to ``request`` (its body de-chunked)."""
        conn = _UnixHTTPConnection(self.daemon_socket, timeout=30)
        try:
            headers = {k: v for k, v in request.headers if k.lower() not in ("connection", "host")}
            conn.request(request.method, request.path, body=request.body or None, headers=headers)
            response = conn.getresponse()
            body = response.read()
            return Answer(response.status, response.reason, list(response.getheaders()), body)
        finally:
            conn.close()

    # ---------------------------------------------------------------------------------- sending

    @staticmethod
    def send(conn: socket.socket, data: bytes) -> None:
        conn.settimeout(10)
        try:
            conn.sendall(data)
        finally:
            conn.settimeout(0.2)

    def drip(self, conn: socket.socket, data: bytes, *, pause_every: int = 256) -> None:
        """``data`` one byte per send, with a short pause now and then."""
        for index in range(len(data)):
            self.send(conn, data[index : index + 1])
            if index % pause_every == pause_every - 1:
                time.sleep(0.001)

    def hold(self, conn: socket.socket, seconds: float | None = None) -> None:
        """Send nothing until the client gives up (closes), ``seconds`` (default ``stall``) at most."""
        until = time.monotonic() + (self.stall if seconds is None else seconds)
        conn.settimeout(0.05)
        while time.monotonic() < until and not self.stopping:
            try:
                if not conn.recv(65536):
                    return
            except TimeoutError:
                continue
            except OSError:
                return

    def send_chunked(
        self, conn: socket.socket, answer: Answer, pieces: Iterable[bytes], *, end: bool
    ) -> None:
        self.send(conn, answer.head(chunked=True))
        for piece in pieces:
            self.send(conn, chunk(piece))
        if end:
            self.send(conn, LAST_CHUNK)

    def idle(self, conn: socket.socket, seconds: float) -> bool:
        """Whether the client sent nothing for ``seconds``."""
        readable, _, _ = select.select([conn], [], [], seconds)
        return not readable

    # ---------------------------------------------------------------------------------- behaviours

    @staticmethod
    def forward_as_is(proxy: FaultProxy, conn: socket.socket, request: Request) -> bool:
        answer = proxy.fetch(request)
        proxy.send(conn, answer.head() + answer.body)
        return True


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self._path)
        except OSError:
            sock.close()  # the daemon is not there: no socket left behind
            raise
        self.sock = sock


def json_answer(document: object, status: int = 200, reason: str = "OK") -> Answer:
    return Answer(status, reason, [("Content-Type", "application/json")], json.dumps(document).encode())
