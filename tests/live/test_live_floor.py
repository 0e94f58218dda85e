"""The Docker 29.7 instance kept at its own default floor (``docker29-floor``): it refuses a client pinned
below API 1.40 with the answer recorded in tests/fixtures/floor/, and serves the floor itself."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import requests
from packaging.version import Version

import normalize_engine as ne
from tests.conftest import floor_daemons
from tests.test_floor import REFUSAL

docker = pytest.importorskip("docker")

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def floor() -> dict[str, Any]:
    found = floor_daemons()
    if not found:
        message = "no live daemon at its default floor (tools/daemons.sh start docker29-floor)"
        if os.environ.get("CI"):
            pytest.fail("CI must start it: " + message)
        pytest.skip(message)
    return found[0]


def test_a_pinned_old_client_is_refused_as_recorded(floor: dict[str, Any]) -> None:
    minimum = floor["min_api_version"]
    assert Version(minimum) >= Version("1.40")
    client = docker.APIClient(base_url=floor["socket"], version="1.35", timeout=20)
    try:
        with pytest.raises(docker.errors.APIError) as refused:
            client.containers(all=True)
        response: requests.Response = refused.value.response
        assert response.status_code == 400
        message = ne.normalize(response.content, "/v1.35/containers/json", status=400)["message"]
        match = REFUSAL.fullmatch(message)
        assert match and match["asked"] == "1.35" and match["floor"] == minimum, message
        # the same request at the floor is served
        at_floor = docker.APIClient(base_url=floor["socket"], version=minimum, timeout=20)
        try:
            assert isinstance(at_floor.containers(all=True), list)
            assert json.loads(json.dumps(at_floor.version()))["MinAPIVersion"] == minimum
        finally:
            at_floor.close()
    finally:
        client.close()
