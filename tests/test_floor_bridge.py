"""The floor bridge of the transports (DESIGN.md "A client pinned below a daemon's floor"), on the real
refusals of a Docker 29.7 daemon at its default floor (tests/fixtures/floor/).

A transport with a ``target`` that gets ``400 client version X is too old. Minimum supported API version
is Y`` sends the same request again at ``Y`` and brings the answer down to ``X``; it learns the floor once
per adapter and host; any other answer passes as before; ``floor=False`` turns it off.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from packaging.version import Version

import normalize_engine as ne
from normalize_engine.transports.core import at_version, floor_refusal

RECORDING = json.loads((Path(__file__).parent / "fixtures" / "floor" / "docker-29.7.2.json").read_text())
FLOOR = Version(RECORDING["daemon"]["MinAPIVersion"])
BASE = "http://docker.test"


def _body(answer: dict[str, Any]) -> str:
    return str(RECORDING["bodies"][answer["body"]])


def _refusals() -> list[Any]:
    out = []
    for exchange in RECORDING["exchanges"]:
        for answer in exchange["answers"]:
            if answer["version"] and Version("1.24") <= Version(answer["version"]) < FLOOR:
                out.append(pytest.param(exchange, answer, id=f"{exchange['key']}@{answer['version']}"))
    return out


def _at(exchange: dict[str, Any], version: str) -> dict[str, Any]:
    return next(a for a in exchange["answers"] if a["version"] == version)


@pytest.mark.parametrize(("exchange", "answer"), _refusals())
def test_every_recorded_refusal_is_recognised(exchange: dict[str, Any], answer: dict[str, Any]) -> None:
    assert answer["status"] == 400
    assert floor_refusal(400, _body(answer).encode()) == (Version(answer["version"]), FLOOR)
    # the same words as the JSON error body normalize() makes of them
    wrapped = ne.normalize(_body(answer), "/v" + answer["version"] + "/x", status=400)
    assert floor_refusal(400, json.dumps(wrapped).encode()) == (Version(answer["version"]), FLOOR)


def test_only_that_refusal_triggers_the_bridge() -> None:
    assert floor_refusal(400, b'{"message":"bad parameter"}') is None
    assert floor_refusal(404, b"client version 1.35 is too old. Minimum supported API version is 1.40") is None
    # a daemon refusing a version above its maximum says so in other words
    assert floor_refusal(400, b"client version 1.99 is too new. Maximum supported API version is 1.55") is None
    assert at_version("/v1.35/containers/json?all=1", Version("1.40")) == "/v1.40/containers/json?all=1"
    assert at_version("/containers/json", Version("1.40")) is None


def _mock(rsps: responses.RequestsMock, exchange: dict[str, Any], asked: str) -> None:
    method = exchange["method"].upper()
    refused, floor = _at(exchange, asked), _at(exchange, str(FLOOR))
    for answer in (refused, floor):
        rsps.add(
            method,
            BASE + "/v" + answer["version"] + exchange["path"],
            body=_body(answer),
            status=answer["status"],
            headers={k: v for k, v in answer["headers"].items() if k != "Content-Length"},
        )


@pytest.mark.parametrize("key", ["floor.containers.list", "floor.images.list", "floor.version"])
@pytest.mark.parametrize("asked", ["1.24", "1.35", "1.39"])
def test_a_refused_request_is_sent_at_the_floor_and_brought_down(key: str, asked: str) -> None:
    exchange = next(e for e in RECORDING["exchanges"] if e["key"] == key)
    floor_answer = _at(exchange, str(FLOOR))
    expected = ne.normalize(_body(floor_answer), "/v" + str(FLOOR) + exchange["path"], target=asked)
    with responses.RequestsMock() as rsps, requests.Session() as session:
        _mock(rsps, exchange, asked)
        session.mount("http://", ne.NormalizingAdapter(target=asked))
        first = session.get(BASE + "/v" + asked + exchange["path"])
        second = session.get(BASE + "/v" + asked + exchange["path"])
        urls = [call.request.url for call in rsps.calls]
    assert first.status_code == 200 and first.json() == expected and second.json() == expected
    floor_url = BASE + "/v" + str(FLOOR) + exchange["path"]
    # refused once, then the floor is known: the second request goes straight to it
    assert urls == [BASE + "/v" + asked + exchange["path"], floor_url, floor_url]
    assert first.request.path_url.startswith("/v" + asked)


def test_floor_false_and_no_target_leave_the_refusal_as_it_is() -> None:
    exchange = next(e for e in RECORDING["exchanges"] if e["key"] == "floor.containers.list")
    for adapter in (ne.NormalizingAdapter(target="1.35", floor=False), ne.NormalizingAdapter()):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps, requests.Session() as s:
            _mock(rsps, exchange, "1.35")
            s.mount("http://", adapter)
            answer = s.get(BASE + "/v1.35" + exchange["path"])
            assert answer.status_code == 400
            assert "too old" in answer.json()["message"]
            assert len(rsps.calls) == 1


def test_a_post_is_sent_again_with_its_body() -> None:
    exchange = next(e for e in RECORDING["exchanges"] if e["key"] == "floor.containers.create")
    with responses.RequestsMock() as rsps, requests.Session() as session:
        _mock(rsps, exchange, "1.35")
        session.mount("http://", ne.NormalizingAdapter(target="1.35"))
        answer = session.post(BASE + "/v1.35" + exchange["path"], json={"Image": "busybox"})
        bodies = [call.request.body for call in rsps.calls]
    assert answer.status_code == _at(exchange, str(FLOOR))["status"]
    assert bodies[0] == bodies[1] and json.loads(bodies[1]) == {"Image": "busybox"}


def _mock_transport(exchange: dict[str, Any], asked: str, seen: list[str]) -> Any:
    httpx = pytest.importorskip("httpx")
    answers = {a["version"]: a for a in (_at(exchange, asked), _at(exchange, str(FLOOR)))}

    def handler(request: Any) -> Any:
        seen.append(request.url.raw_path.decode())
        version = request.url.path.split("/")[1].removeprefix("v")
        answer = answers[version]
        headers = {k: v for k, v in answer["headers"].items() if k != "Content-Length"}
        return httpx.Response(answer["status"], headers=headers, content=_body(answer).encode())

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("key", ["floor.containers.list", "floor.images.list"])
def test_the_httpx_transports_bridge_the_floor_too(key: str) -> None:
    import asyncio

    httpx = pytest.importorskip("httpx")
    from normalize_engine.httpx import AsyncNormalizingTransport, NormalizingTransport

    exchange = next(e for e in RECORDING["exchanges"] if e["key"] == key)
    floor_answer = _at(exchange, str(FLOOR))
    expected = ne.normalize(_body(floor_answer), "/v" + str(FLOOR) + exchange["path"], target="1.35")
    path = "/v1.35" + exchange["path"]
    seen: list[str] = []
    transport = NormalizingTransport(_mock_transport(exchange, "1.35", seen), target="1.35")
    with httpx.Client(transport=transport, base_url="http://docker") as client:
        assert client.get(path).json() == expected
        assert client.get(path).json() == expected
    floor_path = "/v" + str(FLOOR) + exchange["path"]
    assert seen == [path, floor_path, floor_path]

    async def run() -> Any:
        seen.clear()
        inner = _mock_transport(exchange, "1.35", seen)
        async with httpx.AsyncClient(
            transport=AsyncNormalizingTransport(inner, target="1.35"), base_url="http://docker"
        ) as client:
            return (await client.get(path)).json()

    assert asyncio.run(run()) == expected and seen == [path, floor_path]
    seen.clear()
    off = NormalizingTransport(_mock_transport(exchange, "1.35", seen), target="1.35", floor=False)
    with httpx.Client(transport=off, base_url="http://docker") as client:
        assert client.get(path).status_code == 400 and seen == [path]
