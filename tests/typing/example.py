"""A user's program, written as the README says: every way into normalize-engine, type-checked in CI.

``mypy --strict tests/typing/example.py`` and ``pyright`` (strict: ``[tool.pyright]`` in pyproject.toml)
must pass on it, from the repository's root (tools/check_typing.sh); ``tests/test_typing.py`` also runs it
(no daemon needed: nothing here connects), so it cannot rot into code that only type-checks.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import docker
import requests
from requests.adapters import HTTPAdapter

import normalize_engine as ne
from normalize_engine.schema import Change, Removed


def versions() -> tuple[str, tuple[str, ...], str]:
    latest: str = ne.LATEST
    known: tuple[str, ...] = ne.VERSIONS
    release: str = ne.__version__
    return latest, known, release


def on_json_you_have() -> list[dict[str, Any]]:
    old = b'[{"Id": "sha256:ab", "RepoTags": ["<none>:<none>"], "Size": 10, "VirtualSize": 10}]'
    images: list[dict[str, Any]] = ne.normalize(old, "/v1.41/images/json")
    parsed: Any = [{"Id": "sha256:cd", "RepoTags": ["<none>:<none>"], "Size": 1, "VirtualSize": 1}]
    images += ne.normalize(parsed, "/images/json", version="1.41", target="1.44", inplace=True)
    error: dict[str, Any] = ne.normalize("No such container: web\n", "/v1.23/containers/web/json", status=404)
    assert error == {"message": "No such container: web"}
    return images


def on_a_stream() -> list[str]:
    chunks: Iterator[bytes] = iter([b'{"status":"start","id":"abc","from":"busybox","time":1}\n'])
    return [str(event["Action"]) for event in ne.normalize_stream(chunks, "/v1.21/events")]


def on_a_requests_session() -> requests.Session:
    session: requests.Session = ne.mount(requests.Session(), target="1.44")
    adapter: ne.NormalizingAdapter = ne.NormalizingAdapter(HTTPAdapter(), strict=True)
    session.mount("http://docker.example:2375/", adapter)
    target: str = adapter.target
    assert target == ne.LATEST
    return session


def on_docker_py() -> tuple[docker.DockerClient, docker.APIClient]:
    client: docker.DockerClient = ne.wrap(
        docker.DockerClient(base_url="unix:///nowhere.sock", version="1.41")
    )
    api: docker.APIClient = ne.wrap(docker.APIClient(base_url="unix:///nowhere.sock", version="1.41"))
    return client, api


def errors_and_warnings() -> list[str]:
    caught: list[str] = []
    try:
        ne.normalize(b"{not json", "/v1.41/containers/json")
    except ne.InvalidBodyError as exc:  # also a ValueError
        caught.append(type(exc).__name__)
    try:
        ne.normalize({}, "/v1.41/info", target="9.99")
    except ne.UnknownVersionError as exc:
        caught.append(type(exc).__name__)
    try:
        list(ne.normalize_stream([b'{"status":'], "/v1.41/events"))
    except ne.TruncatedStreamError as exc:
        caught.append(type(exc).__name__)
    try:
        ne.wrap(object())
    except ne.UnsupportedClientError as exc:
        caught.append(type(exc).__name__)
    except ne.NormalizeError:
        raise
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", ne.NormalizeWarning)
        ne.normalize({"Id": "x"}, "/v1.99/images/x/json", target="1.44")
    caught += [item.category.__name__ for item in seen]
    return caught


class ImageFoo(Change):
    """Image inspect no longer sends ``Foo`` (a content module's change, as the README shows one)."""

    endpoint = "images.inspect"
    Foo = Removed()


def main() -> None:
    print(versions()[0], len(on_json_you_have()), on_a_stream(), on_a_requests_session().adapters["https://"])
    print(on_docker_py()[1].adapters["http+docker://"], errors_and_warnings())


if __name__ == "__main__":
    main()
