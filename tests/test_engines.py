"""Registries are values, one per engine: the machinery reads the one it is given."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from packaging.version import Version

import normalize_engine as ne
from normalize_engine import _chains
from normalize_engine._plan import make_plan
from normalize_engine._registry import DOCKER, ENGINES, PODMAN, REGISTRY, Registry, engine_of


def test_docker_and_podman_are_the_engines() -> None:
    assert dict(ENGINES) == {"docker": DOCKER, "podman": PODMAN} and REGISTRY is DOCKER
    assert DOCKER.engine == "docker" and str(DOCKER.versions[-1]) == ne.LATEST
    # Podman's dialect is one module: Podman answers the same shape at every API version prefix.
    assert PODMAN.engine == "podman" and len(PODMAN.entries) == 1 and PODMAN.entries[0].changes


@pytest.mark.parametrize(
    ("headers", "engine"),
    [
        ({"Api-Version": "1.41", "Libpod-Api-Version": "4.3.1", "Server": "Libpod/4.3.1 (linux)"}, "podman"),
        ({"libpod-api-version": "5.8.6"}, "podman"),
        ({"Server": "Libpod/6.1.1 (linux)"}, "podman"),
        ({"Api-Version": "1.55", "Server": "Docker/29.7.2 (linux)"}, "docker"),
        ({}, "docker"),
        (None, "docker"),
    ],
)
def test_the_engine_is_told_by_the_headers(headers: dict[str, str] | None, engine: str) -> None:
    assert engine_of(headers) == engine


_PODMAN_HEADERS = {"Api-Version": "1.41", "Libpod-Api-Version": "4.3.1", "Server": "Libpod/4.3.1 (linux)"}


def test_podman_is_chosen_by_headers_or_by_name_and_docker_stays_docker() -> None:
    body = {"Warnings": [], "Volumes": []}
    assert ne.normalize(body, "/volumes", headers=_PODMAN_HEADERS)["Warnings"] is None
    assert ne.normalize(body, "/volumes", version="1.41", engine="podman")["Warnings"] is None
    # Docker's answer of the same shape is left as Docker sent it, with or without Docker's headers.
    assert ne.normalize(body, "/volumes", version="1.41")["Warnings"] == []
    assert ne.normalize(body, "/volumes", headers={"Api-Version": "1.41"})["Warnings"] == []
    # engine= wins over the headers
    assert ne.normalize(body, "/volumes", headers=_PODMAN_HEADERS, engine="docker")["Warnings"] == []
    with pytest.raises(ne.NormalizeError, match="engine must be one of"):
        ne.normalize(body, "/volumes", engine="rkt")


def test_podman_streams_and_errors() -> None:
    chunk = b'{"Id":"ab","name":"ne-x","read":"2026-01-01T00:00:00Z"}\n'
    (doc,) = ne.normalize_stream([chunk], "/containers/ab/stats", headers=_PODMAN_HEADERS)
    assert doc["id"] == "ab" and "Id" not in doc and doc["name"] == "/ne-x"
    error = (
        b'{"cause":"no such container","message":"no container \\"x\\": no such container","response":404}'
    )
    assert ne.normalize(error, "/containers/x/json", status=404, headers=_PODMAN_HEADERS) == {
        "message": 'no container "x": no such container'
    }
    # A Docker error body that happens to carry such keys keeps them.
    assert "cause" in ne.normalize(error, "/containers/x/json", status=404)


@pytest.fixture
def other_engine(tmp_path: Path) -> Registry:
    """An engine of its own: one content package, one version, one change."""
    folder = tmp_path / "other_engine_content"
    folder.mkdir()
    (folder / "__init__.py").write_text('"""Another engine."""\n')
    (folder / "v1_18.py").write_text(
        '"""Release 1."""\n'
        "from normalize_engine.changes import Change, Removed\n\n\n"
        "class OtherDropsX(Change):\n"
        '    """`X` is dropped."""\n\n'
        '    endpoint = "system.info"\n'
        "    X = Removed()\n"
    )
    package = types.ModuleType("other_engine_content")
    package.__path__ = [str(folder)]
    sys.modules["other_engine_content"] = package
    try:
        yield Registry(package, "other")
    finally:
        for name in [n for n in sys.modules if n.startswith("other_engine_content")]:
            del sys.modules[name]


def test_a_second_registry_is_read_only_where_it_is_given(other_engine: Registry) -> None:
    assert other_engine.versions == (Version("1.18"),)
    plan = make_plan("GET", "/info", target="1.18", registry=other_engine)
    assert plan.apply({"X": 1, "Y": 2}) == {"Y": 2}
    # Docker's chain for the same request is Docker's own, cached apart.
    docker = _chains.chain(DOCKER, "system.info", None, Version("1.18"))
    assert docker is not _chains.chain(other_engine, "system.info", None, Version("1.18"))
    assert ne.normalize({"X": 1}, "/info", target="1.18")["X"] == 1


def test_podman_source_is_its_api_version_header_whatever_the_prefix() -> None:
    # Podman 5.8 answers API 1.44's shape at /v1.24 too: its Api-Version, not the prefix, is the source.
    assert make_plan("GET", "/v1.24/containers/x/json", version="1.44", engine="podman").source == Version(
        "1.44"
    )
    assert make_plan("GET", "/v1.24/containers/x/json", version="1.44").source == Version("1.24")
    assert make_plan("GET", "/v1.24/containers/x/json", engine="podman").source == Version("1.24")


@responses.activate
def test_transports_tell_podman_by_its_headers() -> None:
    """The neutral core (every transport) reads the engine from the answer's headers: a Podman answer is
    rewritten through the dialect; the same body from Docker is passed as it came."""
    base = "http://ne-engines.invalid"
    body = json.dumps({"Volumes": [], "Warnings": []}).encode()
    error = b'{"cause":"no such volume","message":"no volume v: no such volume","response":404}'
    responses.get(
        f"{base}/v1.41/volumes", body=body, headers=_PODMAN_HEADERS, content_type="application/json"
    )
    responses.get(
        f"{base}/v1.41/volumes/v",
        body=error,
        status=404,
        headers=_PODMAN_HEADERS,
        content_type="application/json",
    )
    responses.get(
        f"{base}/v1.40/volumes", body=body, headers={"Api-Version": "1.40"}, content_type="application/json"
    )
    with requests.Session() as session:
        session.mount("http://", ne.NormalizingAdapter())
        assert session.get(f"{base}/v1.41/volumes").json()["Warnings"] is None
        assert session.get(f"{base}/v1.41/volumes/v").json() == {"message": "no volume v: no such volume"}
        assert session.get(f"{base}/v1.40/volumes").json()["Warnings"] == []


def test_the_httpx_transport_tells_podman_by_its_headers() -> None:
    httpx = pytest.importorskip("httpx")
    from normalize_engine.httpx import NormalizingTransport

    def answer(request: Any) -> Any:
        return httpx.Response(
            200,
            json={"Volumes": [], "Warnings": []},
            headers={**_PODMAN_HEADERS, "Content-Type": "application/json"},
        )

    with httpx.Client(transport=NormalizingTransport(httpx.MockTransport(answer))) as client:
        assert client.get("http://podman.invalid/v1.41/volumes").json()["Warnings"] is None


def test_a_podman_answer_above_the_target_runs_its_dialect_then_goes_down() -> None:
    headers = {"Api-Version": "1.44", "Libpod-Api-Version": "5.8.6", "Server": "Libpod/5.8.6 (linux)"}
    plan = make_plan("GET", "/volumes", version="1.44", target="1.41", engine="podman")
    assert plan.run is not None and not plan.newer_than_target
    assert ne.normalize({"Volumes": [], "Warnings": []}, "/volumes", headers=headers, target="1.41") == {
        "Volumes": [],
        "Warnings": None,
    }
