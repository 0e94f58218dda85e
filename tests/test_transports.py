"""The transport-neutral core: endpoint_kind(), decide(), and that it needs no HTTP library."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine.transports import core


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("GET", "/v1.41/containers/json?all=1", "json"),
        ("get", "/containers/4f2a/json", "json"),
        ("GET", "/v1.53/events", "stream"),
        ("POST", "/images/create?fromImage=busybox", "stream"),
        ("POST", "/exec/4f2a/start", "raw"),
        ("GET", "/_ping", "raw"),
        ("GET", "/containers/4f2a/logs", "raw"),
        ("GET", "/nope", "unknown"),
        ("PATCH", "/containers/json", "unknown"),
    ],
)
def test_endpoint_kind(method: str, path: str, kind: str) -> None:
    assert ne.endpoint_kind(method, path) == kind


@pytest.mark.parametrize(
    ("status", "headers", "upgrade", "action"),
    [
        (200, {"Content-Type": "application/json"}, False, core.Action.JSON),
        (101, {}, True, core.Action.PASS),
        (200, {"Content-Type": "application/json"}, True, core.Action.PASS),
        (204, {}, False, core.Action.PASS),
        (200, {"Content-Length": "0"}, False, core.Action.PASS),
        (404, {"Content-Type": "text/plain"}, False, core.Action.ERROR),
        (200, {"Content-Type": "application/vnd.docker.raw-stream"}, False, core.Action.PASS),
        (200, {"Content-Type": "application/octet-stream"}, False, core.Action.PASS),
    ],
)
def test_decide(status: int, headers: dict[str, str], upgrade: bool, action: core.Action) -> None:
    decision = core.decide(
        "GET", "/v1.41/images/json", status, headers, upgrade=upgrade, target=Version(ne.LATEST), strict=True
    )
    assert decision.action is action


def test_a_stream_and_an_idle_answer() -> None:
    latest = Version(ne.LATEST)
    stream = core.decide("GET", "/v1.24/events", 200, {}, upgrade=False, target=latest, strict=True)
    assert stream.action is core.Action.STREAM and stream.plan is not None
    idle = core.decide(
        "GET", f"/v{ne.LATEST}/images/json", 200, {}, upgrade=False, target=latest, strict=True
    )
    assert idle.action is core.Action.PASS


def test_the_core_imports_no_http_library() -> None:
    code = (
        "import sys, normalize_engine.transports.core, normalize_engine.transports.streams\n"
        "assert not {'requests', 'urllib3', 'docker'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_headers_decide_reads_are_the_same_from_every_mapping() -> None:
    # requests' CaseInsensitiveDict is read through its store (five look-ups), anything else in one pass;
    # both must give what a case-insensitive get() of each name gives, the first of repeated names.
    from requests.structures import CaseInsensitiveDict

    pairs = [
        ("Api-Version", "1.41"),
        ("Content-Type", "application/json"),
        ("Server", "Docker/20.10.24+dfsg1 (linux)"),
        ("Date", "Thu, 03 Dec 2026 06:50:00 GMT"),
        ("content-length", "5000"),
    ]
    expected = {"api-version": "1.41", "content-type": "application/json", "content-length": "5000",
                "server": "Docker/20.10.24+dfsg1 (linux)"}
    assert core._read(CaseInsensitiveDict(dict(pairs))) == expected
    assert core._read(dict(pairs)) == expected
    assert core._read(dict([*pairs, ("API-VERSION", "1.99")])) == expected  # the first one counts

    class Listed(dict[str, str]):  # lower_items() without the store behind requests' own
        def lower_items(self) -> Iterator[tuple[str, str]]:
            return ((name.lower(), value) for name, value in self.items())

    assert core._read(Listed(pairs)) == expected
    assert core._read(CaseInsensitiveDict()) == {}


def test_upgrade_is_seen_in_requests_headers() -> None:
    import requests

    from normalize_engine.transports.requests_adapter import _upgrade

    plain = requests.Request("GET", "http://docker/v1.41/containers/json").prepare()
    hijack = requests.Request(
        "POST", "http://docker/v1.41/exec/x/start", headers={"Upgrade": "tcp", "Connection": "Upgrade"}
    ).prepare()
    assert not _upgrade(plain) and _upgrade(hijack)
