"""The oracle: a real daemon's answer at its newest API version is the truth for its older answers.

``compare()`` normalises one recorded old answer up to the daemon's newest version and lists where it differs
from the newest answer, once values that change from one call to the next are masked (``VOLATILE``), and
fields the registry declares underivable are set aside.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from typing import Any

from packaging.version import Version

import normalize_engine as ne
from normalize_engine._endpoints import Kind, route
from normalize_engine._registry import REGISTRY
from normalize_engine._stream import iter_documents
from normalize_engine._versions import split_path
from tests.recorded import Answer, Exchange

MASK = "<masked>"

# Values that change between two calls against the same state, by endpoint; paths are dotted, `*` is any key
# or index. `**` masks the whole document's values but keeps its structure (keys and types).
VOLATILE: dict[str, tuple[str, ...]] = {
    "containers.list": ("*.Status",),
    "containers.inspect": ("State.Health.Log", "State.Health.FailingStreak", "State.Health.Status"),
    "containers.top": ("Processes",),
    "containers.stats": ("**",),
    "system.info": (
        "SystemTime",
        "NFd",
        "NGoroutines",
        "NEventsListener",
        "ContainersRunning",
        "ContainersPaused",
        "ContainersStopped",
    ),
    "system.df": ("Containers.*.Status", "Containers.*.SizeRw", "Containers.*.SizeRootFs"),
    # Requests that change the state: each version made its own container, image or tag, so only the
    # shape of the answers can be compared.
    "containers.create": ("Id",),
    "images.create": ("**",),
    "images.load": ("**",),
    "images.push": ("**",),
    "build": ("**",),
    "images.delete": ("**",),
}


# Arrays whose order the daemon does not keep from one call to the next (it walks a Go map to build them).
UNORDERED: dict[str, tuple[str, ...]] = {
    "containers.inspect": ("Mounts",),
    "containers.list": ("*.Mounts",),
    "containers.changes": ("(document)",),
    "images.list": ("(document)",),
    "networks.list": ("(document)",),
    "volumes.list": ("Volumes",),
    "system.df": (
        "Images",
        "Containers",
        "Volumes",
        "BuildCache",
        "Containers.*.Mounts",
        "ImageUsage.Items",
        "ContainerUsage.Items",
        "VolumeUsage.Items",
        "BuildCacheUsage.Items",
        "ContainerUsage.Items.*.Mounts",
    ),
}

# Numbers a daemon sends with less precision at old versions than at the newest, compared as float64: Docker
# 29.x builds container and image events below API 1.52 through a generic map (`compat.Wrap`,
# daemon/internal/compat/compat.go, used by `backFillLegacy` in daemon/server/router/system/system_routes.go),
# which turns the nanosecond timestamp into a float64. The digits it drops are not in the old answer.
ROUNDED: dict[str, tuple[str, ...]] = {
    "system.events": ("timeNano",),
}


def _identity(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("Id", "ID", "Name", "Path", "Destination"):
            if isinstance(item.get(key), str):
                return item[key]
    return json.dumps(item, sort_keys=True)


def sort_unordered(document: Any, paths: tuple[str, ...], path: str = "") -> Any:
    """Sort the arrays at ``paths`` (``(document)``: the whole body) so that their order does not count."""
    if isinstance(document, dict):
        return {k: sort_unordered(v, paths, f"{path}.{k}" if path else str(k)) for k, v in document.items()}
    if isinstance(document, list):
        items = [sort_unordered(v, paths, f"{path}.{i}" if path else str(i)) for i, v in enumerate(document)]
        if any(_matches(path or "(document)", p) for p in paths):
            items.sort(key=_identity)
        return items
    return document


def _image_create_event(document: Any, source: Version) -> bool:
    """Documents older streams do not carry at all (schemas/v1_46.py `EventImageCreate`)."""
    return (
        source < Version("1.46")
        and isinstance(document, dict)
        and document.get("Type") == "image"
        and document.get("Action") == "create"
    )


# Whole documents that a stream asked for at an old version does not hold, by endpoint.
ABSENT_DOCUMENTS = {"system.events": _image_create_event}


@dataclass
class Difference:
    path: str
    expected: Any
    got: Any

    def __str__(self) -> str:
        def short(value: Any) -> str:
            text = "(absent)" if value is _ABSENT else json.dumps(value)
            return text if len(text) <= 60 else text[:57] + "..."

        return f"{self.path}: newest {short(self.expected)}, normalised {short(self.got)}"


@dataclass
class Result:
    daemon: str
    key: str
    version: str
    endpoint: str
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None

    @property
    def equal(self) -> bool:
        return not self.differences and self.error is None


_ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "(absent)"})()


def _matches(path: str, pattern: str) -> bool:
    return path == pattern or fnmatch.fnmatchcase(path, pattern) or path.startswith(pattern + ".")


def mask(document: Any, patterns: tuple[str, ...], path: str = "") -> Any:
    """Replace the values at volatile paths by a marker (``**``: every leaf, keeping the structure)."""
    if "**" in patterns:
        return skeleton(document)
    if path and any(_matches(path, p) for p in patterns):
        return MASK
    if isinstance(document, dict):
        return {k: mask(v, patterns, f"{path}.{k}" if path else str(k)) for k, v in document.items()}
    if isinstance(document, list):
        return [mask(v, patterns, f"{path}.{i}" if path else str(i)) for i, v in enumerate(document)]
    return document


def prune(document: Any, patterns: tuple[str, ...], path: str = "") -> Any:
    """Remove the keys at the given paths (fields that may be present on one side only)."""
    if not patterns:
        return document
    if isinstance(document, dict):
        out = {}
        for k, v in document.items():
            sub = f"{path}.{k}" if path else str(k)
            if not any(_matches(sub, p) for p in patterns):
                out[k] = prune(v, patterns, sub)
        return out
    if isinstance(document, list):
        return [prune(v, patterns, f"{path}.{i}" if path else str(i)) for i, v in enumerate(document)]
    return document


def round_float(document: Any, patterns: tuple[str, ...], path: str = "") -> Any:
    """The integers at the given paths as float64, the precision a daemon may have sent them with."""
    if not patterns:
        return document
    if isinstance(document, dict):
        return {k: round_float(v, patterns, f"{path}.{k}" if path else str(k)) for k, v in document.items()}
    if isinstance(document, list):
        return [round_float(v, patterns, f"{path}.{i}" if path else str(i)) for i, v in enumerate(document)]
    if type(document) is int and any(_matches(path, p) for p in patterns):
        return float(document)
    return document


def skeleton(document: Any) -> Any:
    """Keys and value types only: what a structure comparison looks at."""
    if isinstance(document, dict):
        return {k: skeleton(v) for k, v in document.items()}
    if isinstance(document, list):
        return [skeleton(v) for v in document]
    if isinstance(document, bool):
        return "bool"
    if isinstance(document, int | float):
        return "number"
    return type(document).__name__


def diff(expected: Any, got: Any, path: str = "") -> list[Difference]:
    if isinstance(expected, dict) and isinstance(got, dict):
        out = []
        for key in list(expected) + [k for k in got if k not in expected]:
            sub = f"{path}.{key}" if path else str(key)
            out += diff(expected.get(key, _ABSENT), got.get(key, _ABSENT), sub)
        return out
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        out = []
        for index, (e, g) in enumerate(zip(expected, got, strict=True)):
            out += diff(e, g, f"{path}.{index}" if path else str(index))
        return out
    if expected == got and type(expected) is type(got):
        return []
    return [Difference(path or "(document)", expected, got)]


def underivable_paths(endpoint: str, source: str, target: str) -> tuple[str, ...]:
    """Fields declared underivable by the changes between ``source`` and ``target``."""
    out: list[str] = []
    for change in REGISTRY.changes_between(endpoint, Version(source), Version(target)):
        out += list(change.underivable)
    return tuple(out)


def documents(answer: Answer, stream: bool) -> Any:
    if stream:
        return list(iter_documents([answer.text]))
    return answer.json()


def comparable(exchange: Exchange) -> bool:
    """Whether the oracle can judge an exchange: its endpoint answers JSON (not raw bytes, not nothing)."""
    _, bare, _ = split_path(exchange.path)
    endpoint = route(exchange.method, bare)
    if endpoint is not None and endpoint.kind is Kind.RAW:
        return False
    return any(a.text.strip() for a in exchange.answers)


def compare(daemon: str, exchange: Exchange, old: Answer, newest: Answer) -> Result:
    _, bare, _ = split_path(exchange.path)
    endpoint = route(exchange.method, bare)
    name = endpoint.name if endpoint else "(unknown)"
    result = Result(daemon, exchange.key, str(old.version), name)
    target = str(newest.version)
    url = exchange.url(old.version)
    try:
        if old.status >= 400:
            got: Any = ne.normalize(old.text, url, method=exchange.method, status=old.status, target=target)
            expected: Any = ne.normalize(newest.text, exchange.url(newest.version), status=newest.status)
        elif exchange.stream:
            got = list(ne.normalize_stream([old.text], url, method=exchange.method, target=target))
            expected = documents(newest, True)
        else:
            got = ne.normalize(old.text, url, method=exchange.method, status=old.status, target=target)
            expected = newest.json()
    except ne.NormalizeError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    underivable = underivable_paths(name, str(old.version), target)
    many = bool(endpoint and endpoint.many)
    _judged(name, many, exchange.stream, underivable, Version(str(old.version)), expected, got, result)
    return result


def _judged(
    name: str,
    many: bool,
    stream: bool,
    aside: tuple[str, ...],
    old: Version,
    newer: Any,
    older: Any,
    result: Result,
    *,
    down: bool = False,
) -> tuple[Any, Any]:
    """Compare the newer-shaped and the older-shaped sides of one answer into ``result``, once volatile
    values are masked and the fields ``aside`` pruned; in streams, documents an old stream does not hold
    (``ABSENT_DOCUMENTS``) are left out of the newer side (``down``: of what was brought down)."""
    volatile = VOLATILE.get(name, ())
    unordered = UNORDERED.get(name, ())
    rounded = ROUNDED.get(name, ())
    if many or stream:  # the paths are those of one item
        rounded = tuple(f"*.{p}" for p in rounded)
        volatile = tuple(p if p == "**" or p.startswith("*.") else f"*.{p}" for p in volatile)
        aside = tuple(f"*.{p}" for p in aside)
        unordered = tuple(p if p.startswith(("*.", "(")) else f"*.{p}" for p in unordered)
    expected, got = (older, newer) if down else (newer, older)
    expected, got = prune(expected, aside), prune(got, aside)
    if stream:  # a document made only of underivable fields is absent from the old stream
        absent = ABSENT_DOCUMENTS.get(name)
        if absent is not None:
            if down:
                got = [d for d in got if not absent(d, old)]
            else:
                expected = [d for d in expected if not absent(d, old)]
        expected = [d for d in expected if d != {}]
        got = [d for d in got if d != {}]
    expected, got = round_float(expected, rounded), round_float(got, rounded)
    expected, got = sort_unordered(expected, unordered), sort_unordered(got, unordered)
    result.differences = diff(mask(expected, volatile), mask(got, volatile))
    return expected, got


# ------------------------------------------------------------------------------------------ downgrade

#: The reviewed list of what the downgrade oracle sets aside: facts of an older answer that a newer answer
#: of the same daemon does not hold, by endpoint, with the reason (paths as in ``VOLATILE``). Fields the
#: registry declares ``lost`` (``Change.lost``) are set aside too.
DOWN_SET_ASIDE: dict[str, dict[str, str]] = {}


def lost_paths(endpoint: str, source: str, target: str) -> tuple[str, ...]:
    """Fields declared lost going down by the changes between ``target`` and ``source``."""
    out: list[str] = []
    for change in REGISTRY.changes_down(endpoint, Version(source), Version(target)):
        out += list(change.lost)
    return tuple(out)


def compare_down(daemon: str, exchange: Exchange, old: Answer, newest: Answer) -> Result:
    """The daemon's newest answer brought down to ``old.version`` against its own answer there."""
    _, bare, _ = split_path(exchange.path)
    endpoint = route(exchange.method, bare)
    name = endpoint.name if endpoint else "(unknown)"
    result = Result(daemon, exchange.key, str(old.version), name)
    target = str(old.version)
    url = exchange.url(newest.version)
    try:
        if newest.status >= 400:
            got: Any = ne.normalize(newest.text, url, method=exchange.method, status=newest.status, target=target)
            expected: Any = ne.normalize(old.text, exchange.url(old.version), status=old.status, target=target)
        elif exchange.stream:
            got = list(ne.normalize_stream([newest.text], url, method=exchange.method, target=target))
            expected = documents(old, True)
        else:
            got = ne.normalize(newest.text, url, method=exchange.method, status=newest.status, target=target)
            expected = old.json()
    except ne.NormalizeError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    aside = lost_paths(name, str(newest.version), target) + tuple(DOWN_SET_ASIDE.get(name, {}))
    many = bool(endpoint and endpoint.many)
    _judged(name, many, exchange.stream, aside, Version(target), got, expected, result, down=True)
    return result
