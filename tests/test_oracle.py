"""The central correctness test: real daemons are the oracle.

For every recorded request, each daemon answered at every API version it serves. Normalising an old answer
up to the daemon's newest version must give the daemon's newest answer, apart from values that change from
one call to the next (``tests/oracle.py`` ``VOLATILE``) and fields the schemas declare underivable. The
summary line at the end of the run says how many old answers came out equal.
"""

from __future__ import annotations

import pytest
from packaging.version import Version

import normalize_engine as ne
from tests.oracle import Result, comparable, compare
from tests.recorded import Daemon, Exchange, known_fault, known_faults, load_recorded

RESULTS: list[Result] = []


def _cases() -> list[tuple[Daemon, Exchange]]:
    return [
        (daemon, exchange)
        for daemon in load_recorded()
        for exchange in daemon.exchanges
        if len(exchange.versioned()) > 1 and comparable(exchange)
    ]


@pytest.mark.parametrize(
    ("daemon", "exchange"), [pytest.param(d, e, id=f"{d.name}:{e.key}") for d, e in _cases()]
)
def test_old_answers_normalise_to_the_newest(daemon: Daemon, exchange: Exchange) -> None:
    newest = exchange.newest()
    failures = []
    assert newest.error is None, f"{daemon.name} {exchange.key} at {newest.version}: {newest.error}"
    for old in exchange.versioned()[:-1]:
        if old.error is not None:
            # a broken answer is set aside only when it is a reviewed daemon fault
            assert known_fault(daemon.name, exchange.key, old.version), (
                f"{daemon.name} {exchange.key} at {old.version} broke off while recording ({old.error}) "
                "and is not in tests/fixtures/recorded/faults.json"
            )
            continue
        if (old.status >= 400) != (newest.status >= 400):
            continue  # the request itself behaves differently at that version (a route gated by version)
        result = compare(daemon.name, exchange, old, newest)
        RESULTS.append(result)
        if not result.equal:
            failures.append(result)
    if failures:
        lines = []
        for result in failures[:5]:
            lines.append(f"  at {result.version}: " + (result.error or ""))
            lines += [f"    {d}" for d in result.differences[:8]]
        pytest.fail(
            f"{len(failures)} old answers of {exchange.key} differ from {daemon.name}'s answer at "
            f"{newest.version} after normalisation:\n" + "\n".join(lines),
            pytrace=False,
        )


def test_every_generation_is_recorded() -> None:
    daemons = load_recorded()
    majors = {d.info["Version"].split(".")[0] for d in daemons}
    assert {"20", "26", "28", "29"} <= majors, f"recorded daemons: {[d.name for d in daemons]}"
    newest = max(daemons, key=lambda d: Version(d.api_version))
    assert newest.api_version == ne.LATEST, "the newest recorded daemon speaks the library's newest version"


def test_every_known_fault_is_in_the_recordings() -> None:
    """faults.json names only answers that really broke off, and each with its reason."""
    for fault in known_faults():
        daemon = next(d for d in load_recorded() if d.name == fault.daemon)
        broken = [a.version for a in daemon.exchange(fault.key).versioned() if a.error]
        assert broken, f"{fault} matches no broken answer"
        assert all(fault.covers(fault.daemon, fault.key, v) for v in broken), (fault, broken)
        assert fault.reason
