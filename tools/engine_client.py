"""A tiny Docker Engine API client over a unix socket (stdlib only).

Used by tools/populate.py and tools/record.py. It returns raw answers (status, headers, bytes)
and never interprets them beyond what the caller asks for.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
import urllib.parse
from dataclasses import dataclass, field

DEFAULT_TIMEOUT = 20.0


def socket_path(spec: str) -> str:
    """Accept 'unix:///path', 'unix://path' or a plain path."""
    if spec.startswith("unix://"):
        spec = spec[len("unix://"):]
    return spec


def load_daemons(root: str | None = None) -> list[dict]:
    root = root or os.environ.get("NE_DAEMON_ROOT", "/tmp/ne-daemons")
    with open(os.path.join(root, "daemons.json")) as f:
        return json.load(f)


def daemon_for_suite(suite: str, root: str | None = None) -> dict:
    for d in load_daemons(root):
        if d["suite"] == suite:
            return d
    raise SystemExit(f"suite {suite!r} is not in daemons.json (is it started? tools/daemons.sh start {suite})")


def load_podmans(root: str | None = None) -> list[dict]:
    """The Podman services tools/podman.sh started (podmans.json)."""
    root = root or os.environ.get("NE_PODMAN_ROOT", "/tmp/ne-podman")
    with open(os.path.join(root, "podmans.json")) as f:
        return json.load(f)


def podman_for_version(version: str, root: str | None = None) -> dict:
    for d in load_podmans(root):
        if d["version"] == version:
            return d
    raise SystemExit(f"Podman {version!r} is not in podmans.json "
                     f"(is it started? tools/podman.sh start {version})")


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float = DEFAULT_TIMEOUT):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    error: str | None = None  # transport problem (timeout, reset), if any
    elapsed: float = 0.0

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body)

    def json_lines(self) -> list:
        """Documents of a JSON stream (concatenated or newline separated)."""
        dec = json.JSONDecoder()
        text = self.body.decode("utf-8", "replace")
        out, i = [], 0
        while True:
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
            if i >= len(text):
                return out
            doc, i = dec.raw_decode(text, i)
            out.append(doc)

    def ok(self) -> bool:
        return 200 <= self.status < 300


class APIError(RuntimeError):
    def __init__(self, method: str, path: str, ans: Answer):
        super().__init__(f"{method} {path} -> {ans.status} {ans.error or ans.body[:300]!r}")
        self.answer = ans


@dataclass
class Client:
    socket: str
    version: str | None = None  # API version prefix; None: unprefixed
    timeout: float = DEFAULT_TIMEOUT
    extra_headers: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.socket = socket_path(self.socket)

    def url(self, path: str, version: str | None | bool = False) -> str:
        v = self.version if version is False else version
        return f"/v{v}{path}" if v else path

    def request(self, method: str, path: str, body=None, *, query: dict | None = None,
                headers: dict | None = None, version: str | None | bool = False,
                timeout: float | None = None) -> Answer:
        """Send one request; `path` without a version prefix. Never raises for HTTP errors."""
        if query:
            path = path + ("&" if "?" in path else "?") + urllib.parse.urlencode(query, doseq=True)
        full = self.url(path, version)
        hdrs = {"Host": "docker"}
        hdrs.update(self.extra_headers)
        data = None
        if body is not None:
            if isinstance(body, (bytes, bytearray)):
                data = bytes(body)
                hdrs.setdefault("Content-Type", "application/x-tar")
            else:
                data = json.dumps(body).encode()
                hdrs.setdefault("Content-Type", "application/json")
        if headers:
            hdrs.update(headers)
        t = time.monotonic()
        to = self.timeout if timeout is None else timeout
        conn = UnixHTTPConnection(self.socket, timeout=to)
        try:
            conn.request(method, full, body=data, headers=hdrs)
            resp = conn.getresponse()
            status, rh = resp.status, resp.getheaders()
            chunks = []
            deadline = t + to
            err = None
            try:
                while True:
                    if time.monotonic() > deadline:
                        err = f"timeout after {to:.0f}s (body cut)"
                        break
                    chunk = resp.read1(65536) if method != "HEAD" else b""
                    if not chunk:
                        break
                    chunks.append(chunk)
            except (TimeoutError, socket.timeout):
                err = f"timeout after {to:.0f}s (body cut)"
            except (http.client.IncompleteRead, ConnectionError) as e:
                err = f"{type(e).__name__}: {e}"
            return Answer(status, rh, b"".join(chunks), err, time.monotonic() - t)
        except (TimeoutError, socket.timeout) as e:
            return Answer(0, [], b"", f"timeout: {e}", time.monotonic() - t)
        except (OSError, http.client.HTTPException) as e:
            return Answer(0, [], b"", f"{type(e).__name__}: {e}", time.monotonic() - t)
        finally:
            conn.close()

    # convenience wrappers that raise on errors
    def call(self, method: str, path: str, body=None, *, ok=(200, 201, 204, 304), **kw) -> Answer:
        ans = self.request(method, path, body, **kw)
        if ans.status not in ok:
            raise APIError(method, path, ans)
        return ans

    def get_json(self, path: str, **kw):
        return self.call("GET", path, **kw).json()

    def post_json(self, path: str, body=None, **kw):
        ans = self.call("POST", path, body, **kw)
        return ans.json() if ans.body.strip() else None

    def stream_docs(self, method: str, path: str, body=None, **kw) -> list:
        """A progress stream; raise if the HTTP status is an error or a document carries `error`."""
        ans = self.call(method, path, body, ok=(200,), **kw)
        docs = ans.json_lines()
        for d in docs:
            if isinstance(d, dict) and d.get("error"):
                raise APIError(method, path, ans)
        return docs
