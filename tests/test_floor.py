"""What a Docker 29 host with its default floor answers a client pinned below it (recorded from the
``docker29-floor`` instance, Docker 29.7.2 with MinAPIVersion 1.40: tests/fixtures/floor/).

These are the real refusals the floor bridge of a transport must recognise; here they are checked as the
daemon sent them, and as ``normalize()`` hands them to a caller.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne

FLOOR = Path(__file__).parent / "fixtures" / "floor"
REFUSAL = re.compile(
    r"client version (?P<asked>1\.\d+) is too old\. Minimum supported API version is (?P<floor>1\.\d+), "
    r"please upgrade your client to a newer version"
)


def _recordings() -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted(FLOOR.glob("docker-*.json"))]


def _answers() -> list[Any]:
    out = []
    for doc in _recordings():
        for exchange in doc["exchanges"]:
            for answer in exchange["answers"]:
                if answer["version"] is not None:
                    out.append(
                        pytest.param(doc, exchange, answer, id=f"{exchange['key']}@{answer['version']}")
                    )
    return out


def test_a_daemon_with_its_default_floor_is_recorded() -> None:
    docs = _recordings()
    assert docs, f"no floor recordings in {FLOOR} (tools/record.py --suite docker29-floor --floor)"
    for doc in docs:
        daemon = doc["daemon"]
        assert Version(daemon["MinAPIVersion"]) > Version("1.24"), daemon
        assert doc["state"]["failures"] == [], "a refused request must change nothing on the daemon"


@pytest.mark.parametrize(("doc", "exchange", "answer"), _answers())
def test_every_version_below_the_floor_is_refused_and_none_above(
    doc: dict[str, Any], exchange: dict[str, Any], answer: dict[str, Any]
) -> None:
    floor = Version(doc["daemon"]["MinAPIVersion"])
    body = doc["bodies"][answer["body"]]
    asked = Version(answer["version"])
    if asked >= floor:
        assert answer["status"] != 400, body
        return
    assert answer["status"] == 400
    # Below 1.24 the daemon answers errors in plain text, from 1.24 on as {"message": ...}.
    message = body.strip() if asked < Version("1.24") else json.loads(body)["message"]
    match = REFUSAL.fullmatch(message)
    assert match, message
    assert match["asked"] == answer["version"] and Version(match["floor"]) == floor
    # What a caller gets: the same message, in the one error shape, whatever the version.
    url = f"/v{answer['version']}{exchange['path']}"
    normalised = ne.normalize(body, url, method=exchange["method"], status=400)
    assert normalised == {"message": message}
