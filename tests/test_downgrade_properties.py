"""Properties of the way down, on every recorded daemon's newest answers: bringing an answer down never
mutates it, twice equals once, and down then up gives the canonical answer back wherever nothing on the
way is underivable or lost."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine._endpoints import Kind
from normalize_engine._plan import make_plan
from normalize_engine._registry import REGISTRY
from normalize_engine._stream import iter_documents
from tests.oracle import comparable, prune
from tests.recorded import load_recorded

TARGETS = ("1.24", "1.35", "1.41", "1.44", "1.51")


def _newest_answers() -> list[Any]:
    out = []
    for daemon in load_recorded():
        for exchange in daemon.exchanges:
            newest = exchange.newest()
            if newest.error is not None or newest.status >= 400 or not comparable(exchange):
                continue
            out.append((daemon.name, exchange, newest))
    return out


def _set_aside(endpoint: str, low: str, high: str) -> tuple[str, ...]:
    out: list[str] = []
    for change in REGISTRY.changes_down(endpoint, Version(high), Version(low)):
        out += list(change.lost) + list(change.underivable)
    return tuple(out)


def test_down_never_mutates_and_twice_is_once_and_up_again_is_canonical() -> None:
    checked = round_trips = 0
    failures: list[str] = []
    for name, exchange, newest in _newest_answers():
        url = exchange.url(newest.version)
        for target in TARGETS:
            if Version(target) >= Version(str(newest.version)):
                continue
            plan = make_plan(exchange.method, url, target=target)
            if plan.run is None or plan.endpoint is None:
                continue
            stream = plan.endpoint.kind is Kind.STREAM
            docs = list(iter_documents([newest.text])) if stream else [newest.json()]
            for doc in docs:
                before = copy.deepcopy(doc)
                down = plan.apply(doc)
                checked += 1
                where = f"{name} {exchange.key} {newest.version} -> {target}"
                if doc != before:
                    failures.append(f"{where}: the input was mutated")
                if plan.apply(down) != down:
                    failures.append(f"{where}: bringing it down twice differs from once")
                up = make_plan(exchange.method, exchange.url(Version(target)), target=str(newest.version))
                if up.run is None:
                    continue
                aside = _set_aside(plan.endpoint.name, target, str(newest.version))
                if plan.endpoint.many or stream:
                    aside = tuple(f"*.{p}" for p in aside)
                canonical = up.apply(doc)  # the newest answer is canonical already
                again = up.apply(down)
                if prune(again, aside) != prune(canonical, aside):
                    failures.append(f"{where}: down then up differs from the canonical answer")
                round_trips += 1
    assert checked > 1000 and round_trips > 500, (checked, round_trips)
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} in all)"


@pytest.mark.parametrize("target", ["1.24", "1.41"])
def test_a_pinned_same_version_answer_is_left_alone(target: str) -> None:
    body = [{"Id": "sha256:ab", "RepoTags": ["<none>:<none>"], "RepoDigests": ["<none>@<none>"], "Size": 1}]
    assert make_plan("GET", f"/v{target}/images/json", target=target).run is None
    assert ne.normalize(body, f"/v{target}/images/json", target=target) == body
