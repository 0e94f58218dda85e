"""Sixteen threads share one adapter, one plan cache and one fused chain per request shape: every answer
equals what a single thread gets, with recorded real answers of mixed endpoints and source versions.

The caches are emptied before the threads start behind one barrier, so the chains are compiled while
the threads race for them.
"""

from __future__ import annotations

import copy
import json
import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses

import normalize_engine as ne
from normalize_engine import _chain, _normalize
from normalize_engine._endpoints import Kind
from normalize_engine._normalize import make_plan
from tests.recorded import load_recorded

BASE = "http://docker.test"
THREADS = 16


def _cases() -> list[tuple[str, str, bool, int, dict[str, str], str]]:
    """(method, url, stream, status, headers, body) for a spread of recorded answers."""
    out = []
    seen: set[str] = set()
    for daemon in load_recorded():
        for exchange in daemon.exchanges:
            for answer in exchange.versioned():
                url = exchange.url(answer.version)
                plan = make_plan(exchange.method, url)
                if plan.endpoint is None or plan.endpoint.kind not in (Kind.JSON, Kind.STREAM):
                    continue
                if url in seen or not answer.text.strip():
                    continue
                seen.add(url)
                headers = {"Content-Type": answer.content_type or "application/json"}
                stream = plan.endpoint.kind is Kind.STREAM
                out.append((exchange.method, url, stream, answer.status, headers, answer.text))
    random.Random(7).shuffle(out)
    return out[:150]


def _clear_caches() -> None:
    for cached in (_chain.fuse, _chain.chain, _chain.runner, _chain.steps, _normalize._cached_plan):
        cached.cache_clear()  # type: ignore[attr-defined]


def _race(work: Callable[[int], list[str]]) -> list[str]:
    """Run ``work(n)`` in THREADS threads started together; the failures they report, and their errors."""
    barrier = threading.Barrier(THREADS)
    failures: list[str] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        barrier.wait()
        try:
            found = work(n)
        except Exception as exc:  # a crash in a thread must fail the test, not vanish
            found = [f"thread {n}: {type(exc).__name__}: {exc}"]
        with lock:
            failures.extend(found)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def _normalized(method: str, url: str, stream: bool, status: int, text: str) -> Any:
    if stream and status < 400:
        return list(ne.normalize_stream([text.encode()], url, method=method))
    return ne.normalize(json.loads(text) if status < 400 else text, url, method=method, status=status)


def test_normalize_in_16_threads_equals_one_thread() -> None:
    cases = _cases()
    assert len(cases) >= 100
    expected = [_normalized(m, u, s, st, t) for m, u, s, st, _, t in cases]
    _clear_caches()

    def work(n: int) -> list[str]:
        order = list(range(len(cases)))
        random.Random(n).shuffle(order)
        bad = []
        for index in order:
            method, url, stream, status, _, text = cases[index]
            if _normalized(method, url, stream, status, text) != expected[index]:
                bad.append(f"thread {n}: {method} {url}")
        return bad

    assert _race(work) == []


def test_one_compiled_chain_shared_by_16_threads_over_one_parsed_body() -> None:
    """The same parsed documents, shared by every thread: never mutated, always the same answer."""
    cases = [c for c in _cases() if not c[2] and c[3] < 400]
    bodies = [json.loads(text) for *_, text in cases]
    pristine = copy.deepcopy(bodies)
    expected = [ne.normalize(b, url, method=m) for (m, url, *_), b in zip(cases, bodies, strict=True)]
    _clear_caches()

    def work(n: int) -> list[str]:
        bad = []
        for _ in range(3):
            for (method, url, *_), body, want in zip(cases, bodies, expected, strict=True):
                if ne.normalize(body, url, method=method) != want:
                    bad.append(f"thread {n}: {method} {url}")
        return bad

    assert _race(work) == []
    assert bodies == pristine, "a shared input was mutated"


@pytest.mark.parametrize("strict", [False, True])
def test_one_adapter_shared_by_16_threads_equals_one_thread(strict: bool) -> None:
    cases = _cases()[:40]  # responses matches linearly: keep the table small
    adapter = ne.NormalizingAdapter(strict=strict)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method, url, _, status, headers, text in cases:
            mock.add(method, BASE + url, body=text.encode(), status=status, headers=headers)

        def fetch(session: requests.Session, index: int) -> Any:
            method, url, stream, _, _, _ = cases[index]
            response = session.request(method, BASE + url, stream=stream)
            if stream:
                return [json.loads(line) for line in response.iter_lines() if line.strip()]
            return response.status_code, response.headers.get("Content-Length"), response.content

        with requests.Session() as session:
            session.mount("http://", adapter)
            expected = [fetch(session, i) for i in range(len(cases))]
        _clear_caches()

        def work(n: int) -> list[str]:
            order = list(range(len(cases)))
            random.Random(100 + n).shuffle(order)
            bad = []
            with requests.Session() as session:
                session.mount("http://", adapter)
                for index in order:
                    if fetch(session, index) != expected[index]:
                        bad.append(f"thread {n}: {cases[index][0]} {cases[index][1]}")
            return bad

        assert _race(work) == []
    # What the adapter gave is what normalize() gives, so the threads were checked against real work.
    changed = sum(
        1
        for (method, url, stream, status, _, text), got in zip(cases, expected, strict=True)
        if not stream and status < 400 and got[2] != text.encode()
    )
    assert changed > 5
