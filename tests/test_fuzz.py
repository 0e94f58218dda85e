"""The mutation fuzzer (tests/fuzz.py) in the suite: a seeded, bounded run over the recorded answers of
every daemon, and proof that each of its checks fails when the library misbehaves.

The long run is by hand: ``python tools/fuzz.py --mutations 1000000 --seed 13 --jobs 2``. Under CI the
seed is fixed; by hand ``NE_FUZZ_SEED`` and ``NE_FUZZ_MUTATIONS`` change it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest

import normalize_engine as ne
from tests import fuzz

SEED = int(os.environ.get("NE_FUZZ_SEED", "13"))
MUTATIONS = int(os.environ.get("NE_FUZZ_MUTATIONS", "20000"))


def test_the_corpus_is_every_recorded_document_of_every_daemon() -> None:
    sources = fuzz.corpus()
    daemons = {source.name.split(":")[0] for source in sources}
    assert len(daemons) == len(fuzz.load_recorded()) >= 3
    assert len(sources) > 10_000
    endpoints = {source.endpoint for source in sources}
    assert {"containers.inspect", "containers.list", "system.events", "system.df", "images.list"} <= endpoints
    # the hooks' `touches` are among the places mutated
    inspect = next(s for s in sources if s.endpoint == "containers.inspect" and s.url.startswith("/v1.20/"))
    assert ("NetworkSettings", "Networks", "*", "Aliases") in inspect.patterns
    assert ("HostConfig", "NetworkMode") in inspect.patterns


def test_cases_repeat_from_seed_and_number() -> None:
    first, again = fuzz.make_case(SEED, 12345), fuzz.make_case(SEED, 12345)
    assert first.describe() == again.describe() and first.document == again.document
    kinds = {m.split()[0] for i in range(400) for m in fuzz.make_case(SEED, i).mutations}
    assert kinds == set(fuzz.KINDS)


@pytest.mark.parametrize("target", [None, "1.44"])
def test_seeded_mutations_of_recorded_answers(target: str | None) -> None:
    """Only NormalizeError escapes, the input is not mutated, unknown keys are kept, twice equals once,
    the fused chain equals marshmallow's run and the in-place run, streams equal normalize()."""
    count = MUTATIONS if target is None else MUTATIONS // 4
    report = fuzz.run(SEED, count, fuzz.Target(target))
    print(report.summary())
    assert report.count == count
    assert report.outcomes["normalised"] > count // 2  # most mutated answers are still answers
    assert report.outcomes["refused"] > 0
    assert not report.failures, report.summary()


def test_engines_without_recordings_are_refused() -> None:
    with pytest.raises(ValueError, match="docker, podman"):
        fuzz.Target(engine="rkt")


def test_podman_answers_survive_the_fuzzer() -> None:
    """The same cases and checks over Podman's recordings, through its dialect then Docker's chain."""
    target = fuzz.Target(engine="podman")
    assert fuzz.corpus(target)
    report = fuzz.run(11, 300, target)
    assert report.outcomes["normalised"] > 150
    assert not report.failures, report.summary()


# ------------------------------------------------------------------------------------------ the checks fail


def _case(body: Any, path: str) -> fuzz.Case:
    source = next(s for s in fuzz.corpus() if s.endpoint == "containers.inspect")
    source = fuzz.Source(
        "hand", "GET", path, source.endpoint, False, False, "{}", source.patterns, source.opaque
    )
    return fuzz.Case(source, body)


def _inspect() -> dict[str, Any]:
    return {
        "Id": "88d7598eff5f" + "0" * 52,
        "Name": "/db",
        "Config": {"Hostname": "88d7598eff5f", fuzz.UNKNOWN_KEY: 1},
        "NetworkSettings": {"Networks": {"appnet": {"Aliases": ["db", "88d7598eff5f"]}}},
    }


def _appends(real: Callable[..., Any]) -> Callable[..., Any]:
    def normalize(body: Any, *args: Any, **kwargs: Any) -> Any:
        out = real(body, *args, **kwargs)
        return {**out, "Passes": out.get("Passes", 0) + 1}

    return normalize


def _mutates(real: Callable[..., Any]) -> Callable[..., Any]:
    def normalize(body: Any, *args: Any, **kwargs: Any) -> Any:
        body["Config"]["Hostname"] = "changed"
        return real(body, *args, **kwargs)

    return normalize


def _loses(real: Callable[..., Any]) -> Callable[..., Any]:
    def normalize(body: Any, *args: Any, **kwargs: Any) -> Any:
        out = real(body, *args, **kwargs)
        out["Config"] = {k: v for k, v in out["Config"].items() if k != fuzz.UNKNOWN_KEY}
        return out

    return normalize


def _raises(real: Callable[..., Any]) -> Callable[..., Any]:
    def normalize(body: Any, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("unhashable type: 'list'")

    return normalize


@pytest.mark.parametrize(
    ("broken", "failure"),
    [(_appends, "idempotence"), (_mutates, "mutation"), (_loses, "unknown key"), (_raises, "escape")],
)
def test_each_check_fails_on_a_library_that_breaks_it(
    monkeypatch: pytest.MonkeyPatch, broken: Callable[..., Any], failure: str
) -> None:
    case = _case(_inspect(), "/v1.43/containers/x/json")
    case.unknown = [(("Config",), 1)]
    assert fuzz.check(case) == ("normalised", None)
    monkeypatch.setattr(fuzz.ne, "normalize", broken(ne.normalize))
    _, got = fuzz.check(_case_again(case))
    assert got is not None and got.startswith(failure), got


def _case_again(case: fuzz.Case) -> fuzz.Case:
    again = _case(_inspect(), case.source.url)
    again.unknown = case.unknown
    return again


def test_a_hook_bug_caught_by_the_backstop_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backstop turns a hook's TypeError into InvalidBodyError; the fuzzer still counts it as a bug."""
    from normalize_engine.schemas import v1_30

    case = _case({"Type": ["network"], "Action": "create"}, "/v1.29/events")
    assert fuzz.check(case)[1] is None  # a ShapeError from typed(): the body's fault
    monkeypatch.setattr(v1_30, "typed", lambda data, key, kind: data[key])  # the hook as it was
    outcome, failure = fuzz.check(case)
    assert outcome == "refused" and failure is not None and failure.startswith("bug:")
    assert "EventScope.scope, a Derived field (schemas/v1_30.py) failed" in failure


def test_the_snapshot_without_recursion_writes_what_json_dumps_writes() -> None:
    """The fuzzer's fallback for documents past Python 3.12's C encoder limit gives the same text."""
    from tests.fuzz import _dumps_iteratively, _equal_iteratively
    from tests.recorded import load_recorded

    for daemon in load_recorded()[:1]:
        for exchange in daemon.exchanges:
            for answer in exchange.versioned():
                try:
                    document = json.loads(answer.text)
                except ValueError:
                    continue  # a stream, a raw body, an empty answer
                assert _dumps_iteratively(document) == json.dumps(document)
    for odd in ([], {}, [[]], {"a": {}}, ["é", None, True, 1.5, {"k\n": [1, [2]]}]):
        assert _dumps_iteratively(odd) == json.dumps(odd)
    deep: object = "x"
    for level in range(3000):
        deep = [deep] if level % 2 else {"a": deep}
    assert _dumps_iteratively(deep).count("[") == 1500
    assert _equal_iteratively(deep, fuzz._copy(deep))
    assert _equal_iteratively({"a": [1, {"b": 2}]}, {"a": [1.0, {"b": 2}]})  # as == says
    for other in ({"a": [1, {"b": 3}]}, {"a": [1, {"c": 2}]}, {"a": [1]}, {"a": [[1], {"b": 2}]}):
        assert not _equal_iteratively({"a": [1, {"b": 2}]}, other)
