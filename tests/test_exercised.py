"""The guard: every change newer than the newest recorded daemon is exercised by some test.

It judges the whole suite (see ``tests/exercised.py``), so conftest.py runs it last, and it skips when
only part of the suite was selected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import exercised

TESTS = Path(__file__).resolve().parent


@pytest.mark.last
def test_every_change_newer_than_the_recorded_daemons_is_exercised(request: pytest.FixtureRequest) -> None:
    collected = {Path(str(item.fspath)).name for item in request.session.items}
    every = {p.name for p in TESTS.glob("test_*.py")}
    if not every <= collected:
        pytest.skip(f"judges the whole suite; not collected here: {', '.join(sorted(every - collected))}")
    missing = [
        f"{c.version} {c.__name__} ({', '.join(c.endpoints())})"
        for c in exercised.recent_changes()
        if c not in exercised.exercised()
    ]
    assert not missing, (
        f"no test normalises an answer that these changes change (no recorded daemon speaks API > "
        f"{exercised.RECORDED}): give each a test, e.g. in tests/test_v1_<minor>.py: " + "; ".join(missing)
    )
