"""Reading the recorded answers of real daemons (tests/fixtures/recorded/docker-<version>.json).

The files are made by ``tools/record.py``: for each request, the daemon's answer at every API version it
serves, bodies stored once by hash. Podman's Docker-compatible sockets are recorded the same way into
tests/fixtures/podman/podman-<version>.json (a few versions each): ``load_podman()``, never mixed into
``load_recorded()``, whose Docker daemons are the oracle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from packaging.version import Version

RECORDED = Path(__file__).parent / "fixtures" / "recorded"
PODMAN = Path(__file__).parent / "fixtures" / "podman"
FAULTS = RECORDED / "faults.json"


@dataclass(frozen=True)
class Answer:
    version: str | None  # None: asked without a version prefix
    status: int
    headers: dict[str, str]
    text: str
    error: str | None = None  # the transport broke off while recording (see faults.json)

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def content_type(self) -> str:
        for key, value in self.headers.items():
            if key.lower() == "content-type":
                return value
        return ""


@dataclass(frozen=True)
class Exchange:
    key: str
    method: str
    path: str
    stream: bool
    answers: tuple[Answer, ...]

    def at(self, version: str | None) -> Answer | None:
        for answer in self.answers:
            if answer.version == version:
                return answer
        return None

    def versioned(self) -> list[Answer]:
        return sorted((a for a in self.answers if a.version), key=lambda a: Version(a.version or "0"))

    def newest(self) -> Answer:
        return self.versioned()[-1]

    def url(self, version: str | None) -> str:
        return self.path if version is None else f"/v{version}{self.path}"


@dataclass(frozen=True)
class Daemon:
    name: str  # the file's stem, e.g. docker-20.10.24
    info: dict[str, Any]
    state: dict[str, Any]
    exchanges: tuple[Exchange, ...]

    @property
    def api_version(self) -> str:
        return str(self.info["ApiVersion"])

    def exchange(self, key: str) -> Exchange:
        for exchange in self.exchanges:
            if exchange.key == key:
                return exchange
        raise KeyError(f"{self.name} has no exchange {key!r}")


@cache
def load_recorded() -> list[Daemon]:
    """The recorded Docker daemons."""
    return _load(sorted(RECORDED.glob("docker-*.json")))


@cache
def load_podman() -> list[Daemon]:
    """The recorded Podman sockets (``info["engine"] == "podman"``; the source version of each answer is
    its ``Api-Version`` header, the same at every prefix)."""
    return _load(sorted(PODMAN.glob("podman-*.json"), key=lambda p: Version(p.stem.removeprefix("podman-"))))


def _load(paths: list[Path]) -> list[Daemon]:
    daemons = []
    for path in paths:
        raw = json.loads(path.read_text())
        bodies = raw["bodies"]
        exchanges = tuple(
            Exchange(
                key=e["key"],
                method=e["method"],
                path=e["path"],
                stream=bool(e.get("stream")),
                answers=tuple(
                    Answer(
                        a["version"],
                        int(a["status"]),
                        dict(a.get("headers") or {}),
                        bodies[a["body"]],
                        a.get("error"),
                    )
                    for a in e["answers"]
                ),
            )
            for e in raw["exchanges"]
        )
        daemons.append(Daemon(path.stem, raw["daemon"], raw.get("state", {}), exchanges))
    return daemons


@dataclass(frozen=True)
class Fault:
    """An answer a daemon broke off while it was recorded, reviewed: ``faults.json``."""

    daemon: str
    key: str
    below: str
    reason: str

    def covers(self, daemon: str, key: str, version: str | None) -> bool:
        return (
            daemon == self.daemon
            and key == self.key
            and version is not None
            and Version(version) < Version(self.below)
        )


@cache
def known_faults() -> tuple[Fault, ...]:
    raw = json.loads(FAULTS.read_text())
    return tuple(Fault(f["daemon"], f["key"], f["below"], f["reason"]) for f in raw["faults"])


def known_fault(daemon: str, key: str, version: str | None) -> Fault | None:
    for fault in known_faults():
        if fault.covers(daemon, key, version):
            return fault
    return None
