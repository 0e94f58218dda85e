"""A mutation fuzzer over the recorded answers of real daemons (tests/fixtures/recorded/).

Real answers are where the hand-written hooks look; random trees of known keys rarely reach them, and
never deep inside. Each case takes one recorded document (one per answer, one per stream document) and
changes it one to three times, at any depth, half of the time at or around a path that a change of its
chain declares (a hook's ``touches``, a ``Derived`` field's ``reads``, a declared field's key):

- ``retype``: the value becomes one of another JSON type (null, a boolean, a number, a string, an array,
  an object, or a value the changes look for, such as ``"<none>:<none>"``);
- ``drop``: the key (or the array item) is removed;
- ``duplicate``: an array item is repeated (at its place, or at the end, as the aliases daemons append);
- ``wrap``: the value goes into an array or an object;
- ``deep``: the value goes under tens to hundreds of levels of arrays and objects, sometimes past
  Python's recursion limit;
- ``unknown``: a key no version knows is added to an object (it must come out unchanged).

For every mutated document (:func:`check`):

- only :class:`~normalize_engine.NormalizeError` escapes ``normalize()``;
- the input is not mutated;
- the unknown keys added are kept, unchanged, wherever their object survived;
- normalising the result again gives it back (idempotence);
- the fused chain equals the changes run through marshmallow's ``Schema.load`` one after the other
  (``_chain.run_reference``), failing on the same documents, and the in-place run (a body the library
  decoded itself) equals the copying one; a stream document gives the same through ``normalize_stream``.

Every case is derived from ``(seed, index)`` alone, so ``python tools/fuzz.py --seed S --case N`` repeats
one, whatever the number of workers. A :class:`Target` says what to produce: the API version, and the
engine whose answers are mutated: ``Target(engine="podman")`` runs the same cases and checks over
Podman's recordings, through its dialect and then Docker's chain. Cases whose source is newer than the
target (the downgrade direction) are counted as skipped until the library has it.
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import normalize_engine as ne
from normalize_engine import _chains
from normalize_engine._compiler import run_reference
from normalize_engine._endpoints import Kind
from normalize_engine._normalize import Plan, make_plan
from normalize_engine._plan import NEWEST
from normalize_engine._registry import ENGINES as ENGINE_REGISTRIES
from normalize_engine._registry import REGISTRY
from normalize_engine._stream import iter_documents
from normalize_engine.schema import _REQUEST, Derived, Each, Nested, Shape, Values
from tests.recorded import Daemon, load_podman, load_recorded

__all__ = ["KINDS", "Case", "Report", "Target", "check", "corpus", "make_case", "run"]

KINDS = ("retype", "drop", "duplicate", "wrap", "deep", "unknown")
UNKNOWN_KEY = "X-Ne-Fuzz"  # no version of the API has it
# The recordings of each engine; ``engine=`` is passed on to normalize(), the cases and checks are the same.
RECORDINGS: dict[str, Callable[[], list[Daemon]]] = {"docker": load_recorded, "podman": load_podman}
ENGINES = tuple(RECORDINGS)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Target:
    """What the fuzzer normalises to: an API version (None: the newest) and the engine of the answers."""

    target: str | None = None
    engine: str = "docker"

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(
                f"engine {self.engine!r}: the fuzzer has recordings of {', '.join(ENGINES)} only"
            )


@dataclass(frozen=True)
class Source:
    """One recorded document: where it comes from, and the request it answers."""

    name: str  # daemon:exchange@version
    method: str
    url: str
    endpoint: str
    many: bool
    stream: bool
    text: str  # the document as JSON text (decoded afresh for each case: nothing is shared)
    patterns: tuple[tuple[str, ...], ...]  # paths the chain's changes declare ("*": any item or value)
    # Objects whose keys are not keys: maps of items (``Values``, network ``Containers``), and values a field
    # changes as a whole (``Convert``, ``Removed``, ...), with what is inside them. No unknown key goes there.
    opaque: tuple[tuple[str, ...], ...] = ()


# ------------------------------------------------------------------------------------------ corpus


def _patterns(
    shape: type[Shape],
    prefix: tuple[str, ...],
    out: set[tuple[str, ...]],
    opaque: set[tuple[str, ...]],
    depth: int = 0,
) -> None:
    """The paths ``shape`` declares: its hook's ``touches``, its fields' keys, their ``Derived`` reads;
    and into ``opaque``, the maps of items and the values changed as a whole (ending in ``**``: and
    everything inside)."""
    if depth > 8:
        return
    for path in shape.touches or ():
        out.add(prefix + tuple(path.split(".")))
    for key, fld in shape.declared():
        out.add((*prefix, key))
        if isinstance(fld, Derived):
            out.update((*prefix, read) for read in fld.reads or ())
        if isinstance(fld, Nested):
            _patterns(fld.shape, (*prefix, key), out, opaque, depth + 1)
        elif isinstance(fld, Each | Values):
            if isinstance(fld, Values):
                opaque.add((*prefix, key))
            _patterns(fld.shape, (*prefix, key, "*"), out, opaque, depth + 1)
        elif not isinstance(fld, Derived):
            opaque.add((*prefix, key, "**"))


@cache
def _chain_patterns(
    endpoint: str, many: bool, plan_source: Any, target: Any, engine: str = "docker"
) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    out: set[tuple[str, ...]] = set()
    opaque: set[tuple[str, ...]] = set()
    for change in _changes(endpoint, plan_source, target, engine):
        _patterns(change, ("*",) if many else (), out, opaque)
    return tuple(sorted(out)), tuple(sorted(opaque))


def _matches(path: Path, pattern: tuple[str, ...]) -> bool:
    """Whether ``path`` is named by ``pattern`` (``*``: any one key or index; a last ``**``: and below)."""
    if pattern and pattern[-1] == "**":
        pattern = pattern[:-1]
        if len(path) < len(pattern):
            return False
        path = path[: len(pattern)]
    if len(path) != len(pattern):
        return False
    return all(p == "*" or p == str(k) for k, p in zip(path, pattern, strict=True))


@cache
def corpus(target: Target = Target()) -> tuple[Source, ...]:
    """Every recorded document of every daemon whose chain to ``target`` does something."""
    sources = []
    seen: set[tuple[str, str]] = set()
    for daemon in RECORDINGS[target.engine]():
        for exchange in daemon.exchanges:
            for answer in exchange.versioned():
                if answer.status >= 400 or not answer.text.strip():
                    continue
                url = exchange.url(answer.version)
                plan = make_plan(exchange.method, url, target=target.target, engine=target.engine)
                if plan.endpoint is None or plan.endpoint.kind not in (Kind.JSON, Kind.STREAM):
                    continue
                stream = plan.endpoint.kind is Kind.STREAM
                docs = list(iter_documents([answer.text])) if stream else [answer.json()]
                for doc in docs:
                    text = json.dumps(doc)
                    if (url, text) in seen:  # the same body at the same version: one case is enough
                        continue
                    seen.add((url, text))
                    patterns, opaque = (
                        ((), ())
                        if plan.run is None
                        else _chain_patterns(
                            plan.endpoint.name, plan.endpoint.many, plan.source, plan.target, target.engine
                        )
                    )
                    sources.append(
                        Source(
                            f"{daemon.name}:{exchange.key}@{answer.version}",
                            exchange.method,
                            url,
                            plan.endpoint.name,
                            plan.endpoint.many,
                            stream,
                            text,
                            patterns,
                            opaque,
                        )
                    )
    return tuple(sources)


# ------------------------------------------------------------------------------------------ mutations


def _walk(value: Any, path: Path = (), depth: int = 0) -> Iterator[Path]:
    """Every path in ``value`` (the document itself is ``()``)."""
    yield path
    if depth > 60:
        return
    if type(value) is dict:
        for key, item in value.items():
            yield from _walk(item, (*path, key), depth + 1)
    elif type(value) is list:
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index), depth + 1)


def _resolve(document: Any, pattern: tuple[str, ...]) -> Iterator[Path]:
    """The paths in ``document`` that ``pattern`` names, and the deepest existing parent of each."""
    nodes: list[tuple[Path, Any]] = [((), document)]
    for part in pattern:
        found = []
        for path, node in nodes:
            if part == "*":
                if type(node) is dict:
                    found.extend(((*path, k), v) for k, v in node.items())
                elif type(node) is list:
                    found.extend(((*path, i), v) for i, v in enumerate(node))
            elif type(node) is dict and part in node:
                found.append(((*path, part), node[part]))
            else:
                yield path  # the key is absent here: its object is the place to look at
        nodes = found
        if not nodes:
            return
    for path, _ in nodes:
        yield path


def _get(document: Any, path: Path) -> Any:
    for part in path:
        document = document[part]
    return document


_SPECIAL = (
    None,
    True,
    False,
    0,
    -1,
    1,
    2**63,
    1.5,
    "",
    "x",
    "<none>:<none>",
    "<none>@<none>",
    "default",
    "bridge",
    "container:abc",
    "0001-01-01T00:00:00Z",
    "Up 2 seconds (healthy)",
    "service",
    "sha256:",
    [],
    {},
    [None],
    [[]],
    [{}],
    {"": None},
    ["x", "x"],
)


def _other_value(rng: random.Random, value: Any) -> Any:
    """A value of another JSON type than ``value`` (or a special one of the same)."""
    for _ in range(8):
        new = rng.choice(_SPECIAL)
        if type(new) is not type(value) or rng.random() < 0.2:
            break
    if isinstance(new, list | dict):
        new = json.loads(json.dumps(new))
    if rng.random() < 0.15 and isinstance(value, str | int | float | bool):
        new = [value] if rng.random() < 0.5 else str(value)
    return new


def _deep(rng: random.Random, value: Any) -> Any:
    depth = 3000 if rng.random() < 0.02 else rng.randint(10, 300)
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {rng.choice(("a", UNKNOWN_KEY, "Id")): value}
    return value


@dataclass
class Case:
    """A mutated document: how it was made, and the unknown keys it holds."""

    source: Source
    document: Any
    mutations: list[str] = field(default_factory=list)
    unknown: list[tuple[Path, Any]] = field(default_factory=list)  # (path of the object, value)

    def describe(self) -> str:
        return f"{self.source.method} {self.source.url} ({self.source.name}): " + "; ".join(self.mutations)


def _fits(kind: str, document: Any, path: Path, opaque: tuple[tuple[str, ...], ...] = ()) -> bool:
    """Whether a mutation of ``kind`` can be made at ``path``."""
    if kind == "drop":
        return bool(path)
    if kind == "duplicate":
        value = _get(document, path)
        in_list = bool(path) and type(_get(document, path[:-1])) is list
        return (type(value) is list and bool(value)) or in_list
    if kind == "unknown":
        return type(_get(document, path)) is dict and not any(_matches(path, o) for o in opaque)
    return True


def _mutate(rng: random.Random, case: Case) -> None:
    document = case.document
    paths: list[Path] = []
    if case.source.patterns and rng.random() < 0.5:
        pattern = rng.choice(case.source.patterns)
        paths = list(_resolve(document, pattern))
        if paths and rng.random() < 0.3:  # around it: a child of the place
            base = rng.choice(paths)
            paths = [p for p in _walk(_get(document, base), base) if len(p) <= len(base) + 2]
    if not paths:
        paths = list(_walk(document))
    kind = rng.choice(KINDS)
    opaque = case.source.opaque
    fitting = [p for p in paths if _fits(kind, document, p, opaque)]
    if not fitting and kind in ("duplicate", "unknown"):  # look in the whole document for a place
        fitting = [p for p in _walk(document) if _fits(kind, document, p, opaque)]
    if fitting:
        paths = fitting
    path = rng.choice(paths)
    value = _get(document, path)
    parent = _get(document, path[:-1]) if path else None
    where = "".join(f"[{p!r}]" for p in path) or "top"

    def put(new: Any) -> None:
        nonlocal document
        if path:
            parent[path[-1]] = new
        else:
            document = new

    if kind == "drop" and path:
        if type(parent) is dict:
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
        case.mutations.append(f"drop {where}")
    elif kind == "duplicate" and ((type(value) is list and value) or type(parent) is list):
        if type(value) is list and value and (type(parent) is not list or rng.random() < 0.5):
            index = rng.randrange(len(value))
            copies = rng.choice((1, 1, 2, 3))
            for _ in range(copies):
                item = _copy(value[index])
                if rng.random() < 0.5:
                    value.append(item)
                else:
                    value.insert(index, item)
            case.mutations.append(f"duplicate {where}[{index}] x{copies}")
        else:
            parent.insert(path[-1], _copy(value))
            case.mutations.append(f"duplicate {where}")
    elif kind == "wrap":
        wrapped = [value] if rng.random() < 0.5 else {rng.choice(("a", "Id", UNKNOWN_KEY)): value}
        put(wrapped)
        case.mutations.append(f"wrap {where} in {'an array' if type(wrapped) is list else 'an object'}")
    elif kind == "deep":
        put(_deep(rng, value))
        case.mutations.append(f"deep {where}")
    elif kind == "unknown" and _fits(kind, document, path, opaque):
        new = rng.choice(("ne-fuzz", 7, None, True, 2.5))
        value[UNKNOWN_KEY] = new
        case.unknown.append((path, new))
        case.mutations.append(f"unknown key at {where}")
    else:
        new = _other_value(rng, value)
        put(new)
        case.mutations.append(f"retype {where} to {json.dumps(new)[:40]}")
    case.document = document


def make_case(seed: int, index: int, target: Target = Target()) -> Case:
    """Case ``index`` of the run with ``seed``: the same document and mutations every time."""
    rng = random.Random(f"{seed}:{index}")
    sources = corpus(target)
    source = sources[rng.randrange(len(sources))]
    case = Case(source, json.loads(source.text))
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        _mutate(rng, case)
    # Unknown keys added by an earlier mutation may have been moved or dropped by a later one.
    case.unknown = [(p, v) for p, v in case.unknown if _has(case.document, (*p, UNKNOWN_KEY), v)]
    return case


def _has(document: Any, path: Path, value: Any) -> bool:
    try:
        found = _get(document, path)
    except (KeyError, IndexError, TypeError):
        return False
    return type(found) is type(value) and found == value


# ------------------------------------------------------------------------------------------ checks


@contextlib.contextmanager
def _deep_compare() -> Iterator[None]:
    """Comparing and encoding the 3,000-level documents needs more than the default recursion limit."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _snapshot(value: Any) -> str:
    """``value`` as ``json.dumps`` writes it. Python 3.12's C encoder has a recursion limit of its own that
    ``sys.setrecursionlimit`` does not raise (3.11 and 3.13 have none below 20,000): past it, the same text
    is written without recursion."""
    with _deep_compare():
        try:
            return json.dumps(value)
        except RecursionError:
            return _dumps_iteratively(value)


def _dumps_iteratively(value: Any) -> str:
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            out.append(item.text)
        elif type(item) is dict:
            if not item:
                out.append("{}")
                continue
            out.append("{")
            parts: list[Any] = []
            for index, (key, inner) in enumerate(item.items()):
                parts += [_Text((", " if index else "") + json.dumps(key) + ": "), inner]
            stack += [_Text("}"), *reversed(parts)]
        elif type(item) is list:
            if not item:
                out.append("[]")
                continue
            out.append("[")
            parts = []
            for index, inner in enumerate(item):
                parts += ([_Text(", ")] if index else []) + [inner]
            stack += [_Text("]"), *reversed(parts)]
        else:
            out.append(json.dumps(item))
    return "".join(out)


class _Text:
    """Text written as it is by ``_dumps_iteratively``."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _copy(value: Any) -> Any:
    """A deep copy (``copy.deepcopy`` recurses in Python, so the raised limit covers every Python)."""
    with _deep_compare():
        return copy.deepcopy(value)


def _equal(a: Any, b: Any) -> bool:
    with _deep_compare():
        try:
            return bool(a == b)
        except RecursionError:  # Python 3.12's C limit, as in _snapshot
            return _equal_iteratively(a, b)


def _equal_iteratively(a: Any, b: Any) -> bool:
    """``a == b`` for JSON documents, without recursion."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is dict and type(y) is dict:
            if x.keys() != y.keys():
                return False
            stack += [(x[key], y[key]) for key in x]
        elif type(x) is list and type(y) is list:
            if len(x) != len(y):
                return False
            stack += list(zip(x, y, strict=True))
        elif type(x) in (dict, list) or type(y) in (dict, list) or x != y:
            return False
    return True


def _changes(endpoint: str, source: Any, target: Any, engine: str) -> tuple[Any, ...]:
    """The changes a plan of ``engine`` runs, in order: the engine's dialect (if any), then Docker's."""
    dialect = () if engine == "docker" else ENGINE_REGISTRIES[engine].changes_between(endpoint, None, NEWEST)
    if source is not None and source > target:  # down: the ways back, newest first, as the library runs
        top = min(source, NEWEST)
        return dialect + (_chains._down_shapes(REGISTRY, endpoint, top, target) if top > target else ())
    return dialect + REGISTRY.changes_between(endpoint, source, target)


def _reference(plan: Plan, document: Any) -> tuple[bool, Any]:
    """marshmallow's run of the chain, one change after the other: (True, result) or (False, error)."""
    assert plan.endpoint is not None
    token = _REQUEST.set(plan.request)
    changes = _changes(plan.endpoint.name, plan.source, plan.target, plan.engine)
    try:
        if plan.endpoint.many:
            if type(document) is not list:
                return False, "not an array"
            return True, [run_reference(changes, item) for item in document]
        return True, run_reference(changes, document)
    except Exception as exc:  # marshmallow's ValidationError, a hook's ShapeError, RecursionError, ...
        return False, f"{type(exc).__name__}: {exc}"[:200]
    finally:
        _REQUEST.reset(token)


def check(
    case: Case,
    target: Target = Target(),
    *,
    reference: bool = True,
) -> tuple[str, str | None]:
    """Run every check on ``case``: ``(outcome, failure)``; ``outcome`` is "normalised", "refused" (a
    NormalizeError) or "skipped", ``failure`` None or what went wrong."""
    source = case.source
    body = case.document
    body = _as_body(body)
    engine = target.engine
    plan = make_plan(source.method, source.url, target=target.target, engine=engine)
    if plan.newer_than_target:
        return "skipped", None  # the downgrade direction: not in the library yet
    before = _snapshot(body)
    text = before if body is case.document else _snapshot(case.document)  # the document, as JSON text
    try:
        once = ne.normalize(body, source.url, method=source.method, target=target.target, engine=engine)
    except ne.NormalizeError as exc:
        if exc.__cause__ is not None:  # a hook or the chain failed with a builtin: the backstop caught a bug
            return "refused", f"bug: {exc}"[:600]
        if _snapshot(body) != before:
            return "refused", "escape: the input was mutated before the error"
        if reference and plan.run is not None:
            ok, _ = _reference(plan, _copy(case.document))
            if ok:
                return "refused", f"reference: marshmallow normalised what the fused chain refused ({exc})"
        return "refused", None
    except Exception:
        return "escape", "escape: " + traceback.format_exc(limit=-3).strip().replace("\n", " | ")[-600:]
    if _snapshot(body) != before:
        return "normalised", "mutation: the input was mutated"
    for path, value in case.unknown:
        if len(path) and not _has_object(once, path):
            continue  # the object itself was dropped (a field the target no longer has) or moved
        if not _has(once, (*path, UNKNOWN_KEY), value):
            return "normalised", f"unknown key: {UNKNOWN_KEY} at {path!r} was lost or changed"
    try:
        again_input = _copy(once)
        twice = ne.normalize(
            _as_body(again_input), source.url, method=source.method, target=target.target, engine=engine
        )
    except Exception as exc:
        return "normalised", f"idempotence: the second pass raised {type(exc).__name__}: {exc}"[:600]
    if not _equal(twice, once):
        return "normalised", "idempotence: normalising twice differs from once"
    owned = plan.apply(_copy(case.document), owned=True)
    if not _equal(owned, once):
        return "normalised", "in place: the run on the library's own document differs from the copying one"
    if source.stream and _decodable(text):
        chunks = [text.encode() + b"\n"]
        streamed = list(
            ne.normalize_stream(chunks, source.url, method=source.method, target=target.target, engine=engine)
        )
        if not _equal(streamed, [once]):
            return "normalised", "stream: normalize_stream differs from normalize"
    if reference and plan.run is not None:
        ok, result = _reference(plan, _copy(case.document))
        if not ok:
            return "normalised", f"reference: marshmallow refused what the fused chain normalised ({result})"
        if not _equal(result, once):
            return "normalised", "reference: the fused chain differs from marshmallow's run"
    return "normalised", None


def _as_body(value: Any) -> Any:
    """``value`` as ``normalize()`` takes it: it reads a ``str`` as JSON text; a JSON string goes so."""
    return json.dumps(value) if type(value) is str else value


def _decodable(text: str) -> bool:
    """Whether the standard decoder takes ``text`` (a stream refuses documents nested past its limit)."""
    try:
        json.loads(text)
    except RecursionError:
        return False
    return True


def _has_object(document: Any, path: Path) -> bool:
    try:
        return type(_get(document, path)) is dict
    except (KeyError, IndexError, TypeError):
        return False


# ------------------------------------------------------------------------------------------ runs


@dataclass
class Report:
    seed: int
    target: Target
    count: int = 0
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[int, str, str]] = field(default_factory=list)  # (index, case, failure)
    failure_kinds: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Report) -> None:
        self.count += other.count
        self.outcomes.update(other.outcomes)
        self.kinds.update(other.kinds)
        self.failures.extend(other.failures)
        self.failure_kinds.update(other.failure_kinds)

    def summary(self) -> str:
        target = self.target.target or ne.LATEST
        lines = [
            f"mutations: {self.count:,}  seed: {self.seed}  target: {target}  engine: {self.target.engine}  "
            f"time: {self.seconds:.1f} s  failures: {len(self.failures)}",
            f"documents: {len(corpus(self.target)):,} recorded documents of "
            f"{len(RECORDINGS[self.target.engine]())} daemons",
            "outcomes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.outcomes.items())),
            "mutations by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.kinds.items())),
        ]
        if self.failures:
            lines.append("failures by kind: " + ", ".join(f"{k} {v}" for k, v in self.failure_kinds.items()))
            for index, what, failure in self.failures[:20]:
                lines.append(f"  case {index}: {what}\n    {failure}")
        return "\n".join(lines)


def run(
    seed: int,
    count: int,
    target: Target = Target(),
    *,
    start: int = 0,
    reference: bool = True,
    budget: float | None = None,
) -> Report:
    """Cases ``start`` to ``start + count`` of the run with ``seed`` (stopping early after ``budget``
    seconds, if given)."""
    report = Report(seed, target)
    began = time.monotonic()
    for index in range(start, start + count):
        case = make_case(seed, index, target)
        for mutation in case.mutations:
            report.kinds[mutation.split()[0]] += 1
        outcome, failure = check(case, target, reference=reference)
        report.count += 1
        report.outcomes[outcome] += 1
        if failure is not None:
            report.failure_kinds[failure.split(":")[0]] += 1
            if len(report.failures) < 200:
                report.failures.append((index, case.describe()[:400], failure))
        if budget is not None and time.monotonic() - began > budget:
            break
    report.seconds = time.monotonic() - began
    return report
