"""Shared fixtures: recorded real answers, and live daemons when tools/daemons.sh has started them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.recorded import Daemon, load_recorded

DAEMON_ROOT = Path(os.environ.get("NE_DAEMON_ROOT", "/tmp/ne-daemons"))


def live_daemons() -> list[dict[str, Any]]:
    """The daemons tools/daemons.sh started (``daemons.json``), or [] when none run."""
    index = DAEMON_ROOT / "daemons.json"
    if not index.exists():
        return []
    return list(json.loads(index.read_text()))


@pytest.fixture(scope="session")
def daemons() -> list[dict[str, Any]]:
    """Every live daemon; skips without them, and fails under CI, where .ci/run must have started them."""
    found = live_daemons()
    if not found:
        message = f"no live Docker daemons: run `tools/daemons.sh install && tools/daemons.sh start` ({DAEMON_ROOT}/daemons.json)"
        if os.environ.get("CI"):
            pytest.fail("CI must start the daemons before the tests: " + message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def recorded() -> list[Daemon]:
    found = load_recorded()
    if not found:
        pytest.fail("no recorded fixtures in tests/fixtures/recorded/ (tools/record.py makes them)")
    return found
