"""Plans: what to do with the answers to one request (its endpoint, versions and chain), found once.

Planning a request that has a chain loads the machinery (:func:`machinery`): the registries, which import
marshmallow and every schema module, and the compiler. ``import normalize_engine`` does not (issue 18):
the versions come from :mod:`._known`, which a test checks against the registry.
"""

from __future__ import annotations

import contextvars
import functools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from packaging.version import Version

from ._context import OWNED, REQUEST, Request
from ._decoding import JSON
from ._endpoints import Endpoint, Kind, route
from ._errors import HookFailed, InvalidBodyError, NormalizeError, ShapeError, UnknownVersionError
from ._versions import NEWEST, OLDEST, VERSIONS_V, parse_version, resolve_target, split_path

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._compiler import Step
    from ._registry import Registry

__all__ = [
    "NEWEST",
    "OLDEST",
    "VERSIONS_V",
    "Machinery",
    "Plan",
    "machinery",
    "make_plan",
    "plan_for",
    "resolve_target",
]


class Machinery(NamedTuple):
    """What planning a request with a chain needs: the chain lookup (:mod:`._chains`) and every engine's
    registry (:data:`._registry.ENGINES`)."""

    runner: Callable[..., Step | None]
    runner_down: Callable[..., Step | None]
    dialect_runner: Callable[..., Step | None]
    engines: Mapping[str, Registry]


_LOADED: list[Machinery] = []


def machinery() -> Machinery:
    """The chain lookup and the registries, loaded on first use: the one place where the registries are
    built and the compiler is imported (most of it marshmallow and the schema modules), so that
    ``import normalize_engine`` and answers with nothing to change stay light. Later calls cost a list
    look-up. (Two threads may both load it: the import system makes the second wait for the first.)"""
    if not _LOADED:
        from . import _chains
        from ._registry import ENGINES

        _LOADED.append(Machinery(_chains.runner, _chains.runner_down, _chains.dialect_runner, ENGINES))
    return _LOADED[0]


@dataclass(frozen=True)
class Plan:
    """What to do with the responses of one request: found once, applied to each document."""

    method: str
    path: str
    endpoint: Endpoint | None
    source: Version | None
    target: Version
    #: the fused chain for a whole document (over every item for list endpoints); None: nothing to do
    run: Step | None
    request: Request
    newer_than_target: bool = False
    #: the path as the caller gave it (``/v1.41/images/json?all=1``), for messages; ``path`` is without prefix
    given: str = ""
    #: the engine that sent the answers (``"docker"``, ``"podman"``): see :data:`~._registry.ENGINES`
    engine: str = "docker"

    @property
    def kind(self) -> Kind:
        return Kind.UNKNOWN if self.endpoint is None else self.endpoint.kind

    @property
    def idle(self) -> bool:
        """True when documents pass through unchanged (nothing to do, or a source newer than the target)."""
        return self.run is None

    def apply(self, document: JSON, *, owned: bool = False) -> JSON:
        """Normalise one document (one array, for list endpoints). Never mutates ``document``, unless
        ``owned`` says nothing else holds it (the library decoded it itself), which saves copying."""
        run = self.run
        if run is None:
            return document
        token = REQUEST.set(self.request)
        ownership = OWNED.set(True if owned else set())
        try:
            return run(document, owned)
        except Exception as exc:
            error = self._failure(exc)
            if error is exc:
                raise
            raise error from error.__cause__
        finally:
            OWNED.reset(ownership)
            REQUEST.reset(token)

    def stream_applier(self) -> Callable[[JSON], JSON]:
        """``apply(document, owned=True)`` for the documents of one stream, which the library decoded: the
        request and ownership the chain reads are set once, in a context of the stream's own, instead of
        set and reset for each document (a fifth of the cost of an event)."""
        run = self.run
        if run is None:
            return _same
        context = contextvars.copy_context()
        context.run(REQUEST.set, self.request)
        context.run(OWNED.set, True)

        def owned(document: JSON) -> JSON:
            try:
                return run(document, True)
            except Exception as exc:
                error = self._failure(exc)
                if error is exc:
                    raise
                raise error from error.__cause__

        # context.run(owned, document) with no Python frame of its own; mypy reads run() as taking its
        # callable's arguments at once
        applier: Callable[[JSON], JSON] = functools.partial(context.run, owned)  # type: ignore[call-arg]
        return applier

    def _failure(self, exc: Exception) -> Exception:
        """What a failure of the chain is raised as: the exception itself, or an InvalidBodyError (with
        its cause) saying where the body is not of its endpoint's shape, or that the chain has a bug."""
        if isinstance(exc, HookFailed):  # a hook assumed a type the body does not have: which, where, on what
            error = InvalidBodyError(f"{self._what()}: {exc.describe()}")
            error.__cause__ = exc.error
        elif isinstance(exc, ShapeError):
            error = InvalidBodyError(f"{self._what()}: {exc.describe()}")
        elif isinstance(exc, RecursionError):
            error = InvalidBodyError(f"{self._what()}: it nests too deeply to walk")
        elif isinstance(exc, NormalizeError | MemoryError):
            return exc
        else:  # the backstop: a bug of the chain itself, said as one, never a builtin
            error = InvalidBodyError(
                f"{self.method} {self.path}: normalize-engine failed on this answer with "
                f"{type(exc).__name__}: {exc}. This is a bug in normalize-engine: please report it with this "
                "message"
            )
            error.__cause__ = exc
        return error

    def _what(self) -> str:
        assert self.endpoint is not None
        what = self.endpoint.description or self.endpoint.name
        article = "an" if what[:1].lower() in "aeiou" else "a"
        return (
            f"{self.method} {self.given or self.path}: the body does not have the shape of {article} {what} "
            "answer"
        )


def _same(document: JSON) -> JSON:
    return document


def make_plan(
    method: str,
    path: str,
    *,
    version: str | Version | None = None,
    target: str | Version | None = None,
    registry: Registry | None = None,
    engine: str = "docker",
) -> Plan:
    """Route a request and choose its chain in ``registry`` (the engine's; None: Docker's). The source
    version is the path's ``/vX.Y`` prefix, else ``version``, else unknown (every step applies; steps look
    at the shape they are given). ``engine`` names the engine that answers (a key of
    :data:`~._registry.ENGINES`): for another engine than Docker, its dialect runs first, then
    ``registry``'s chain as for any answer at the source version, which is then ``version`` (the
    engine's ``Api-Version`` header) over the path's prefix: Podman answers the same shape at every prefix.

    Plans are immutable and cached by their arguments, so a request seen before (inspecting the same
    container again, polling a list) costs one dictionary look-up.
    """
    if type(path) is str and type(method) is str and type(version) in _KEYS and type(target) in _KEYS:
        return _cached_plan(method, path, version, target, registry, engine)
    return _make_plan(method, path, version, target, registry, engine)


_KEYS = frozenset({str, Version, type(None)})  # the types of version and target that the plan cache keys


def plan_for(
    method: str, path: str, version: str | Version | None, target: str | Version | None, engine: str
) -> Plan:
    """:func:`make_plan` in Docker's registry, for the callers that make one for every answer
    (``normalize()``, the transports): positional, and straight to the cache when the arguments are of the
    types it keys."""
    if type(path) is str and type(method) is str and type(version) in _KEYS and type(target) in _KEYS:
        return _cached_plan(method, path, version, target, None, engine)
    return _make_plan(method, path, version, target, None, engine)


def _make_plan(
    method: str,
    path: str,
    version: str | Version | None,
    target: str | Version | None,
    registry: Registry | None = None,
    engine: str = "docker",
) -> Plan:
    dialect = _dialect(engine)
    if not isinstance(path, str):
        raise InvalidBodyError(f"path must be a string such as '/v1.41/containers/json', got {path!r}")
    if not isinstance(method, str):
        raise InvalidBodyError(f"method must be a string such as 'GET', got {method!r}")
    prefix, bare, query = split_path(path)
    target_v = resolve_target(target)
    raw_source = prefix if prefix is not None else version
    if dialect is not None and version is not None:
        raw_source = version  # Podman answers its own version's shape at every prefix: its Api-Version
    source = None if raw_source is None else parse_version(raw_source)
    method = method.upper()
    endpoint = route(method, bare)
    if endpoint is None and prefix is None:
        _refuse_malformed_prefix(method, path, bare)
    match = endpoint.regex.match(bare) if endpoint is not None else None
    request = Request(
        method=method,
        path=bare,
        query=query,
        params=match.groups() if match else (),
        source=None if source is None else _text(source),
        target=_text(target_v),
    )
    run = None
    chained = endpoint is not None and endpoint.kind in (Kind.JSON, Kind.STREAM)
    newest = NEWEST if registry is None else registry.versions[-1]
    if source is not None and source > target_v:
        # Down (DESIGN rule 9): the ways back of the changes in between, as the daemon builds the older
        # shape for old clients. Only a source newer than every version the library knows warns; its
        # answer is brought down from the newest the library knows.
        unknown = source > newest
        if endpoint is not None and chained:
            chains = machinery()
            registry = chains.engines["docker"] if registry is None else registry
            top = min(source, newest)
            if dialect is not None:
                name, many = endpoint.name, endpoint.many
                run = chains.dialect_runner(dialect, registry, name, many, source, target_v)
            elif top > target_v:
                run = chains.runner_down(registry, endpoint.name, endpoint.many, top, target_v)
        return Plan(
            method,
            bare,
            endpoint,
            source,
            target_v,
            run,
            request,
            newer_than_target=unknown,
            given=path,
            engine=engine,
        )
    if endpoint is not None and chained:
        chains = machinery()
        registry = chains.engines["docker"] if registry is None else registry
        if dialect is None:
            run = chains.runner(registry, endpoint.name, endpoint.many, source, target_v)
        else:
            run = chains.dialect_runner(dialect, registry, endpoint.name, endpoint.many, source, target_v)
    return Plan(method, bare, endpoint, source, target_v, run, request, given=path, engine=engine)


def _dialect(engine: str) -> Registry | None:
    """The dialect registry of ``engine``; None for Docker, whose answers need none."""
    if engine == "docker":
        return None
    engines = machinery().engines
    registry = engines.get(engine) if type(engine) is str else None
    if registry is None:
        raise InvalidBodyError(
            f"engine must be one of {', '.join(map(repr, engines))} (or None, to tell it from the headers), "
            f"got {engine!r}"
        )
    return registry


_VERSION_LIKE = re.compile(r"^/(v[^/]*)(/.*)$")


def _refuse_malformed_prefix(method: str, path: str, bare: str) -> None:
    """``/v1.x/containers/json``: an Engine API path behind something that is not a version prefix."""
    match = _VERSION_LIKE.match(bare)
    if match is not None and route(method, match.group(2)) is not None:
        raise UnknownVersionError(
            f"{match.group(1)!r} in the path {path!r} is not an API version prefix: expected '/v' and "
            "MAJOR.MINOR, such as '/v1.41/containers/json', or no prefix at all"
        )


_cached_plan = lru_cache(maxsize=2048)(_make_plan)


@lru_cache(maxsize=256)
def _text(version: Version) -> str:
    return str(version)
