"""The downgrade oracle: real daemons are the truth going down too (DESIGN.md rule 9).

A daemon builds the older shapes itself for old clients (moby's server code, see
../shared/engine-api/server-gates.md), so every recorded daemon's newest answer normalised *down* to each
older version it served (from 1.24, the oldest docker-py speaks) must equal its own answer there, apart from
values that change from one call to the next and the facts set aside by the reviewed list
(``tests/oracle.py`` ``DOWN_SET_ASIDE``, and the fields the changes declare ``lost``). The summary at the end
of the run gives the figure per daemon.
"""

from __future__ import annotations

import pytest
from packaging.version import Version

from tests.oracle import DOWN_SET_ASIDE, Result, compare_down
from tests.recorded import Daemon, Exchange
from tests.test_oracle import _cases

DOWN_RESULTS: list[Result] = []
FLOOR = Version("1.24")


def _olds(exchange: Exchange) -> list:
    newest = exchange.newest()
    return [
        a
        for a in exchange.versioned()[:-1]
        if Version(str(a.version)) >= FLOOR and a.error is None and (a.status >= 400) == (newest.status >= 400)
    ]


@pytest.mark.parametrize(
    ("daemon", "exchange"), [pytest.param(d, e, id=f"{d.name}:{e.key}") for d, e in _cases()]
)
def test_newest_answer_normalises_down_to_each_old_one(daemon: Daemon, exchange: Exchange) -> None:
    newest = exchange.newest()
    if newest.error is not None:
        pytest.skip(f"{daemon.name} {exchange.key}: the newest answer broke off while recording")
    results = [compare_down(daemon.name, exchange, old, newest) for old in _olds(exchange)]
    DOWN_RESULTS.extend(results)
    failures = [r for r in results if not r.equal]
    if failures:
        lines = []
        for result in failures[:5]:
            lines.append(f"  at {result.version}: " + (result.error or ""))
            lines += [f"    {d}".replace("newest", "own") for d in result.differences[:8]]
        pytest.fail(
            f"{len(failures)} of {len(results)} answers of {exchange.key} brought down from {daemon.name}'s "
            f"{newest.version} differ from its own:\n" + "\n".join(lines),
            pytrace=False,
        )


def test_the_set_aside_list_gives_reasons() -> None:
    for endpoint, fields in DOWN_SET_ASIDE.items():
        for path, reason in fields.items():
            assert len(reason) > 20, f"{endpoint} {path}: say why the newest answer cannot tell"
