"""Shared fixtures: recorded real answers, and live daemons when tools/daemons.sh has started them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests import exercised
from tests.recorded import Daemon, load_recorded

DAEMON_ROOT = Path(os.environ.get("NE_DAEMON_ROOT", "/tmp/ne-daemons"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "last: run after every other test (the guards that judge the suite)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)  # stable: the rest keep order


@pytest.fixture(scope="session", autouse=True)
def _record_recent_changes() -> Any:
    """Keep what the tests normalise towards the versions no recorded daemon speaks (tests/exercised.py)."""
    yield from exercised.install()


def _started() -> list[dict[str, Any]]:
    index = DAEMON_ROOT / "daemons.json"
    if not index.exists():
        return []
    return list(json.loads(index.read_text()))


def live_daemons() -> list[dict[str, Any]]:
    """The daemons tools/daemons.sh started (``daemons.json``), or [] when none run; without the ones kept
    at their default floor (``floor_daemons()``), which refuse old clients."""
    return [d for d in _started() if d.get("role", "main") == "main"]


def floor_daemons() -> list[dict[str, Any]]:
    """Live daemons kept at their own default floor (Docker 29.7 refusing API < 1.40), or []."""
    return [d for d in _started() if d.get("role") == "floor"]


@pytest.fixture(scope="session")
def daemons() -> list[dict[str, Any]]:
    """Every live daemon; skips without them, and fails under CI, where .ci/run must have started them."""
    found = live_daemons()
    if not found:
        message = (
            "no live Docker daemons: run `tools/daemons.sh install && tools/daemons.sh start` "
            f"({DAEMON_ROOT}/daemons.json)"
        )
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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    _upward_summary(terminalreporter)
    _downward_summary(terminalreporter)


def _downward_summary(terminalreporter: Any) -> None:
    from tests.test_downgrade_oracle import DOWN_RESULTS

    if not DOWN_RESULTS:
        return
    terminalreporter.section("downgrade oracle")
    equal = sum(r.equal for r in DOWN_RESULTS)
    terminalreporter.write_line(
        f"{equal} of {len(DOWN_RESULTS)} ({100 * equal / len(DOWN_RESULTS):.2f}%) recorded old answers equal "
        "their daemon's newest answer brought down to their version"
    )
    for daemon in sorted({r.daemon for r in DOWN_RESULTS}):
        mine = [r for r in DOWN_RESULTS if r.daemon == daemon]
        same = sum(r.equal for r in mine)
        terminalreporter.write_line(f"  {daemon}: {same} of {len(mine)} ({100 * same / len(mine):.2f}%)")
    fields: dict[str, int] = {}
    for result in DOWN_RESULTS:
        for difference in result.differences:
            key = f"{result.endpoint}: " + re.sub(r"(^|\.)\d+(?=\.|$)", r"\1*", difference.path)
            fields[key] = fields.get(key, 0) + 1
        if result.error:
            fields[f"{result.endpoint}: (error)"] = fields.get(f"{result.endpoint}: (error)", 0) + 1
    for key, count in sorted(fields.items(), key=lambda kv: -kv[1])[:40]:
        terminalreporter.write_line(f"  {count:4d}  {key}")


def _upward_summary(terminalreporter: Any) -> None:
    from tests.test_oracle import RESULTS

    if not RESULTS:
        return
    equal = sum(r.equal for r in RESULTS)
    terminalreporter.section("oracle")
    terminalreporter.write_line(
        f"{equal} of {len(RESULTS)} recorded old answers equal their daemon's newest answer "
        "after normalisation"
    )
    fields: dict[str, int] = {}
    for result in RESULTS:
        for difference in result.differences:
            key = f"{result.endpoint}: " + re.sub(r"(^|\.)\d+(?=\.|$)", r"\1*", difference.path)
            fields[key] = fields.get(key, 0) + 1
    for key, count in sorted(fields.items(), key=lambda kv: -kv[1])[:20]:
        terminalreporter.write_line(f"  {count:4d}  {key}")
