"""Properties over the whole registry (every endpoint with changes, every source version), with
Hypothesis, and the agreement of the fused chains with the marshmallow schemas they are compiled from.

- normalising twice equals normalising once (an answer already in the target's shape is left alone);
- keys no version knows survive unchanged, at the top level and inside known objects;
- the input is never mutated;
- on arbitrary JSON, ``normalize()`` returns or raises :class:`~normalize_engine.NormalizeError`, and
  nothing else;
- every recorded real answer: the fused chain equals the changes run one by one, compiled and through
  marshmallow's ``Schema.load`` (``_chain.run_reference``), and a second pass changes nothing.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import warnings
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.version import Version

import normalize_engine as ne
from normalize_engine import _chain
from normalize_engine._endpoints import BY_NAME, Endpoint, Kind
from normalize_engine._normalize import make_plan
from normalize_engine._registry import REGISTRY
from normalize_engine._stream import iter_documents
from normalize_engine._versions import split_path
from normalize_engine.schema import _REQUEST, Added, Removed, Shape, Values, _ChangeField
from tests.recorded import load_recorded

# NE_HYPOTHESIS_EXAMPLES=2000 for a deeper run by hand; the default keeps the suite at a few seconds. Under
# CI the examples are derived from the test names, so a run can be repeated exactly; by hand they vary.
SETTINGS = settings(
    max_examples=int(os.environ.get("NE_HYPOTHESIS_EXAMPLES", "40")),
    derandomize=bool(os.environ.get("CI")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
UNKNOWN_KEY = "X-Ne-Unknown"


def _path_for(endpoint: Endpoint) -> str:
    path = re.sub(r"\{[a-z]+\*?\}", "0123456789ab" * 5 + "0123", endpoint.pattern)
    return path


# Every endpoint whose answers some change touches: the registry decides, nothing is listed here.
ENDPOINTS: tuple[Endpoint, ...] = tuple(
    BY_NAME[name] for name in sorted(REGISTRY.by_endpoint) if BY_NAME[name].kind in (Kind.JSON, Kind.STREAM)
)
SOURCES: tuple[str | None, ...] = (None, *ne.VERSIONS)


# ------------------------------------------------------------------------------------------ data


@cache
def _recorded_documents() -> dict[str, list[Any]]:
    """Real documents (one item each for list endpoints) by endpoint, from every recorded answer."""
    out: dict[str, list[Any]] = {}
    for daemon in load_recorded():
        for exchange in daemon.exchanges:
            _, bare, _ = split_path(exchange.path)
            plan = make_plan(exchange.method, bare)
            if plan.endpoint is None or plan.endpoint.kind not in (Kind.JSON, Kind.STREAM):
                continue
            for answer in exchange.answers:
                if answer.status >= 400 or not answer.text.strip():
                    continue
                docs = list(iter_documents([answer.text])) if exchange.stream else [answer.json()]
                for doc in docs:
                    items = doc if plan.endpoint.many and isinstance(doc, list) else [doc]
                    out.setdefault(plan.endpoint.name, []).extend(i for i in items if isinstance(i, dict))
    return out


def _declared_keys(shape: type[Shape], seen: set[type[Shape]]) -> set[str]:
    if shape in seen:
        return set()
    seen.add(shape)
    keys = set()
    for key, fld in shape.declared():
        keys.add(key)
        inner = getattr(fld, "shape", None)
        if inner is not None:
            keys |= _declared_keys(inner, seen)
    return keys


@cache
def _known_keys() -> tuple[str, ...]:
    """Keys the schemas declare, and keys real answers hold: what makes random documents hit the changes."""
    keys: set[str] = set()
    seen: set[type[Shape]] = set()
    for entry in REGISTRY.entries:
        for change in entry.changes:
            keys |= _declared_keys(change, seen)
    for docs in _recorded_documents().values():
        for doc in docs[:50]:
            keys |= set(doc)
            for value in doc.values():
                if isinstance(value, dict):
                    keys |= {k for k in value if len(k) < 40}
    return tuple(sorted(keys))


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", "<none>:<none>", "<none>@<none>", "default", "bridge", "Up 2 seconds (healthy)"]),
)


def _json(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        _scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=6)
        ),
        max_leaves=25,
    )


def _keys() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(_known_keys()), st.text(max_size=8))


def _body(endpoint: Endpoint, document: Any) -> Any:
    return [document] if endpoint.many else document


@cache
def _maps_of_objects(endpoint: str) -> frozenset[str]:
    """The top-level keys that a change of ``endpoint`` declares as ``Values``: maps of objects."""
    return frozenset(
        key
        for entry in REGISTRY.entries
        for change in entry.changes
        if endpoint in change.endpoints()
        for key, fld in change.declared()
        if isinstance(fld, Values)
    )


@st.composite
def _real_with_extras(draw: st.DrawFn) -> tuple[Endpoint, str | None, Any, list[tuple[str, ...]]]:
    """A real document of some endpoint, with unknown keys injected at the top and into known objects."""
    endpoint = draw(st.sampled_from([e for e in ENDPOINTS if _recorded_documents().get(e.name)]))
    source = draw(st.sampled_from(SOURCES))
    document = copy.deepcopy(draw(st.sampled_from(_recorded_documents()[endpoint.name])))
    injected: list[tuple[str, ...]] = []
    value = draw(_json(st.text(max_size=5)))
    document[UNKNOWN_KEY] = value
    injected.append((UNKNOWN_KEY,))
    # Not into a map whose values the changes carry as objects (network `Containers`, by container ID): a
    # key there is an item, normalised as one.
    maps = _maps_of_objects(endpoint.name)
    nested = [k for k, v in document.items() if isinstance(v, dict) and k != UNKNOWN_KEY and k not in maps]
    for key in draw(st.lists(st.sampled_from(nested), max_size=3, unique=True)) if nested else []:
        document[key][UNKNOWN_KEY] = draw(_json(st.text(max_size=5)))
        injected.append((key, UNKNOWN_KEY))
    return endpoint, source, document, injected


def _url(endpoint: Endpoint, source: str | None) -> str:
    path = _path_for(endpoint)
    return path if source is None else f"/v{source}{path}"


def _normalize(endpoint: Endpoint, source: str | None, body: Any) -> Any:
    return ne.normalize(body, _url(endpoint, source), method=endpoint.method)


def _get(document: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return _MISSING
        document = document[key]
    return document


_MISSING = object()


# ------------------------------------------------------------------------------------------ properties


def test_every_changed_endpoint_is_covered() -> None:
    assert len(ENDPOINTS) >= 20
    assert {"containers.list", "containers.inspect", "images.list", "system.events"} <= {
        e.name for e in ENDPOINTS
    }


@SETTINGS
@given(_real_with_extras())
def test_twice_equals_once_and_unknown_keys_survive(case: Any) -> None:
    endpoint, source, document, injected = case
    body = _body(endpoint, document)
    before = copy.deepcopy(body)
    once = _normalize(endpoint, source, body)
    assert body == before, "the input was mutated"
    twice = _normalize(endpoint, source, copy.deepcopy(once))
    assert twice == once
    item = once[0] if endpoint.many else once
    for path in injected:
        original = _get(document, path)
        if len(path) > 1 and _get(item, path[:-1]) is _MISSING:
            continue  # a change dropped the whole object (a field the target no longer has)
        assert _get(item, path) == original, f"unknown key {'.'.join(path)} was lost or changed"


@SETTINGS
@given(
    st.sampled_from(ENDPOINTS),
    st.sampled_from(SOURCES),
    st.data(),
)
def test_arbitrary_json_returns_or_raises_normalize_error(
    endpoint: Endpoint, source: str | None, data: Any
) -> None:
    document = data.draw(st.one_of(_json(_keys()), st.dictionaries(_keys(), _json(_keys()), max_size=8)))
    body = data.draw(st.sampled_from([document, [document]]))
    before = copy.deepcopy(body)
    try:
        once = _normalize(endpoint, source, body)
    except ne.NormalizeError:
        assert body == before
        return
    assert body == before, "the input was mutated"
    # The fused chain agrees with the changes run one by one on whatever it accepted.
    plan = make_plan(endpoint.method, _url(endpoint, source))
    if plan.run is not None:
        steps = _chain.steps(endpoint.name, plan.source, plan.target)
        token = _REQUEST.set(plan.request)
        try:
            items = body if endpoint.many else [body]
            expected = [_chain.run(steps, item) for item in items]
        finally:
            _REQUEST.reset(token)
        assert once == (expected if endpoint.many else expected[0])


@SETTINGS
@given(st.sampled_from(ENDPOINTS), st.sampled_from(SOURCES), st.data())
def test_arbitrary_json_as_text_and_bytes(endpoint: Endpoint, source: str | None, data: Any) -> None:
    document = data.draw(_json(_keys()))
    text = json.dumps(document)
    for body in (text, text.encode()):
        with contextlib.suppress(ne.NormalizeError):
            _normalize(endpoint, source, body)


@SETTINGS
@given(st.text(max_size=30), st.text(max_size=10), st.sampled_from(["GET", "POST", "DELETE", "HEAD", "get"]))
def test_arbitrary_paths_and_versions(path: str, version: str, method: str) -> None:
    for candidate in (path, "/v" + path, "/v1." + path):
        # A version newer than the target (`/v1.56`) passes through with a NormalizeWarning, as documented.
        with warnings.catch_warnings(record=True) as caught, contextlib.suppress(ne.NormalizeError):
            warnings.simplefilter("always")
            ne.normalize({"a": 1}, candidate, method=method, version=version or None)
        assert all(issubclass(w.category, ne.NormalizeWarning) for w in caught), [
            str(w.message) for w in caught
        ]


# ------------------------------------------------------------------------------------------ recorded


def _recorded_cases() -> list[tuple[str, str, str, Any]]:
    cases = []
    for daemon in load_recorded():
        for exchange in daemon.exchanges:
            for answer in exchange.versioned():
                if answer.status >= 400 or not answer.text.strip():
                    continue
                url = exchange.url(answer.version)
                plan = make_plan(exchange.method, url)
                if plan.endpoint is None or plan.endpoint.kind not in (Kind.JSON, Kind.STREAM):
                    continue
                cases.append((f"{daemon.name}:{exchange.key}@{answer.version}", exchange.method, url, answer))
    return cases


def test_recorded_answers_fused_chain_equals_reference_and_a_second_pass_changes_nothing() -> None:
    """For every recorded real answer, to the newest version and to 1.44: the fused chain (what
    ``normalize`` runs) equals the changes' own compiled steps one by one and marshmallow's ``Schema.load``
    of each change in turn, in place as when copying; normalising the result again changes nothing."""
    checked = 0
    failures: list[str] = []
    for name, method, url, answer in _recorded_cases():
        for target in (None, "1.44"):
            plan = make_plan(method, url, target=target)
            if plan.run is None or plan.newer_than_target:
                continue
            assert plan.endpoint is not None
            stream = plan.endpoint.kind is Kind.STREAM
            docs = list(iter_documents([answer.text])) if stream else [answer.json()]
            for doc in docs:
                got = plan.apply(doc)
                token = _REQUEST.set(plan.request)
                try:
                    items = doc if plan.endpoint.many else [doc]
                    steps = _chain.steps(plan.endpoint.name, plan.source, plan.target)
                    one_by_one = [_chain.run(steps, item) for item in items]
                    reference = [
                        _chain.run_reference(plan.endpoint.name, plan.source, plan.target, item)
                        for item in items
                    ]
                finally:
                    _REQUEST.reset(token)
                if not plan.endpoint.many:
                    one_by_one, reference = one_by_one[0], reference[0]
                again = plan.apply(got)
                in_place = plan.apply(copy.deepcopy(doc), owned=True)  # the variant for the library's own
                checked += 1
                for label, ok in (
                    ("in place != copying", in_place == got),
                    ("fused != one by one", got == one_by_one),
                    ("fused != marshmallow reference", got == reference),
                    ("second pass changed it", again == got),
                ):
                    if not ok:
                        failures.append(f"{name} -> {target or ne.LATEST}: {label}")
    assert checked > 1000
    assert not failures, f"{len(failures)} of {checked}:\n" + "\n".join(failures[:20])


def test_custom_field_classes_and_repeated_keys_take_the_generic_path() -> None:
    """Fields the compiler does not know, and several changes on one key, still fuse correctly."""

    class Doubled(_ChangeField):
        def upgrade(self, value: Any) -> Any:
            return value * 2 if isinstance(value, int) else value

    class A(Shape):
        n = Doubled()
        gone = Removed()

    class B(Shape):
        n = Doubled()
        gone = Added(0)

    fused = _chain.fuse((A, B))
    assert fused({"n": 3, "gone": 1, "x": 1}) == {"n": 12, "gone": 0, "x": 1}
    assert fused({"x": 1}) == {"x": 1, "gone": 0}
    document = {"n": "s", "gone": 0}
    assert fused(document) is document


@pytest.mark.parametrize("source", ["1.18", "1.24", "1.41", "1.45", "1.51", None])
def test_fused_chain_is_one_function_per_request_shape(source: str | None) -> None:
    target = Version(ne.LATEST)
    first = _chain.runner("containers.list", True, None if source is None else Version(source), target)
    again = _chain.runner("containers.list", True, None if source is None else Version(source), target)
    assert first is again and callable(first)
