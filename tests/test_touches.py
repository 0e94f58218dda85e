"""A hook's ``touches`` is true on every recorded answer.

``Shape.touches`` lets the compiled chains carry the fields of other keys through in a pass before the hook,
so a key the hook reads or writes but does not declare would make the fused chain differ from marshmallow's
one-change-after-the-other run, silently, on the answers that exercise it. For every change whose hook says
what it touches, and every recorded answer of its endpoints (each daemon, each API version) as the changes
before it leave it, this checks that the hook:

- changes nothing outside ``touches`` (nor adds or removes a key there); a path such as
  ``HostConfig.NetworkMode`` also says the hook neither adds nor replaces the object at ``HostConfig``, and
  ``*`` stands for every value of a map: ``NetworkSettings.Networks.*.Aliases``;
- gives the same values at its paths when it is shown only what is at them (it reads nothing else).

(Hooks that change none of the recorded answers, such as ContainerStorage on these graph-driver daemons,
are checked on what they are given all the same: they must leave it as it is.)
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from normalize_engine import _chain
from normalize_engine._chain import Touched, _touched
from normalize_engine._endpoints import route
from normalize_engine._registry import REGISTRY
from normalize_engine._versions import parse_version
from normalize_engine.schema import Change
from tests.recorded import load_recorded

NEWEST = REGISTRY.versions[-1]
DECLARED = sorted(
    {
        change
        for entry in REGISTRY.entries
        for change in entry.changes
        if change.touches is not None and _chain._hook(change) is not None
    },
    key=lambda c: c.__name__,
)


def _documents(change: type[Change]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every recorded document of the change's endpoints, as the changes before it in the chain leave it."""
    endpoints = set(change.endpoints())
    for daemon in load_recorded():
        for exchange in daemon.exchanges:
            found = route(exchange.method, exchange.path.split("?")[0])
            if found is None or found.name not in endpoints or exchange.stream:
                continue
            for answer in exchange.versioned():
                if answer.status != 200:
                    continue
                source = parse_version(answer.version)
                body = answer.json()
                before = []
                for step in REGISTRY.changes_between(found.name, source, NEWEST):
                    if step is change:
                        break
                    before.append(step)
                else:
                    continue  # the change is not on this answer's way
                documents = body if found.many else [body]
                for index, document in enumerate(documents):
                    if before:
                        document = _chain.fuse(tuple(before))(document)
                    where = f"{daemon.name} {answer.version} {exchange.key}" + (
                        f"[{index}]" if found.many else ""
                    )
                    yield where, document


def _outside(value: Any, touched: Touched) -> Any:
    """``value`` without what is at the paths of ``touched`` (the objects on the way are kept)."""
    if type(value) is list and touched.keys() == {"*"}:
        inner = touched["*"]
        return [None if inner is None else _outside(item, inner) for item in value]
    if type(value) is not dict:
        return value
    out = {}
    for key, item in value.items():
        inner = touched.get(key, touched.get("*", {}))
        if inner is not None:
            out[key] = _outside(item, inner) if inner else item
    return out


def _inside(value: Any, touched: Touched) -> Any:
    """Only what is at the paths of ``touched`` in ``value``, with the objects on the way."""
    if type(value) is list and touched.keys() == {"*"}:
        inner = touched["*"]
        return [item if inner is None else _inside(item, inner) for item in value]
    if type(value) is not dict:
        return value
    out = {}
    for key, item in value.items():
        if key in touched or "*" in touched:
            inner = touched.get(key, touched.get("*"))
            out[key] = item if inner is None else _inside(item, inner)
    return out


def test_paths_select_what_they_say() -> None:
    touched = _touched(("HostConfig.NetworkMode", "Networks.*.Aliases", "Name"))
    document = {
        "Name": "/a",
        "Id": "1",
        "HostConfig": {"NetworkMode": "default", "Memory": 0},
        "Networks": {"bridge": {"Aliases": None, "IPAddress": ""}, "n": {"Aliases": ["x"]}},
    }
    assert _outside(document, touched) == {
        "Id": "1",
        "HostConfig": {"Memory": 0},
        "Networks": {"bridge": {"IPAddress": ""}, "n": {}},
    }
    assert _inside(document, touched) == {
        "Name": "/a",
        "HostConfig": {"NetworkMode": "default"},
        "Networks": {"bridge": {"Aliases": None}, "n": {"Aliases": ["x"]}},
    }
    assert _touched(("A.b", "A")) == _touched(("A", "A.b")) == {"A": None}


def test_some_hooks_say_what_they_touch() -> None:
    assert len(DECLARED) >= 5, "the inspect chain's hooks declare what they touch"


@pytest.mark.parametrize("change", DECLARED, ids=lambda c: c.__name__)
def test_a_hook_touches_only_the_keys_it_declares(change: type[Change]) -> None:
    hook = _chain._hook(change)
    assert hook is not None and change.touches is not None
    touched = _touched(tuple(change.touches))
    seen = 0
    for where, document in _documents(change):
        seen += 1
        before = copy.deepcopy(document)
        after = hook(document)
        assert document == before, f"{where}: the hook mutated its input"
        assert _outside(after, touched) == _outside(before, touched), (
            f"{where}: {change.__name__} changed something it does not declare in `touches`"
        )
        alone = hook(copy.deepcopy(_inside(before, touched)))
        assert _inside(alone, touched) == _inside(after, touched), (
            f"{where}: {change.__name__} gives other values when shown only the keys of `touches`: it reads "
            "a key it does not declare"
        )
    assert seen, f"no recorded answer reaches {change.__name__}"


def _ways(touched: Touched, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The objects on the way to what a hook touches inside them (``HostConfig`` for
    ``HostConfig.NetworkMode``), as paths; not through ``*``."""
    out = []
    for key, inner in touched.items():
        if inner is not None and key != "*":
            out.append((*prefix, key))
            out.extend(_ways(inner, (*prefix, key)))
    return out


WAYS = [change for change in DECLARED if _ways(_touched(tuple(change.touches or ())))]


def test_some_hooks_touch_paths_inside_keys() -> None:
    assert len(WAYS) >= 4


@pytest.mark.parametrize("change", WAYS, ids=lambda c: c.__name__)
def test_a_hook_never_adds_nor_replaces_the_objects_on_its_paths(change: type[Change]) -> None:
    """A path in ``touches`` lets the fields inside the object on its way run before the hook: the hook must
    not create that object when the answer lacks it (or has null there), or those fields would miss it."""
    hook = _chain._hook(change)
    assert hook is not None
    ways = _ways(_touched(tuple(change.touches or ())))
    seen = 0
    for where, document in _documents(change):
        for way in ways:
            parent = document
            for key in way[:-1]:
                parent = parent.get(key) if type(parent) is dict else None
            if type(parent) is not dict or way[-1] not in parent:
                continue
            for hole in ("absent", "null", "a string"):
                variant = copy.deepcopy(document)
                holder = variant
                for key in way[:-1]:
                    holder = holder[key]
                if hole == "absent":
                    del holder[way[-1]]
                else:
                    holder[way[-1]] = None if hole == "null" else "x"
                expected = _at(variant, way)
                seen += 1
                assert _at(hook(variant), way) == expected, (
                    f"{where}: {change.__name__} changed {'.'.join(way)} when it was {hole}"
                )
    assert seen, f"no recorded answer reaches the paths of {change.__name__}"


def _at(document: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if type(document) is not dict or key not in document:
            return "<absent>"
        document = document[key]
    return document
