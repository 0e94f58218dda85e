"""Chain lookup: the changes of one engine's registry from a source version to a target, compiled once.

Every function takes the :class:`~normalize_engine._registry.Registry` to read (one per engine) as its
first argument; the caches here are keyed by it, so a second engine's chains never mix with Docker's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from packaging.version import Version

from ._compiler import Step, fuse, fuse_many, run_reference
from ._registry import Registry
from .changes.down import down_shapes

__all__ = ["chain", "dialect_runner", "reference", "runner", "runner_down", "steps"]


@lru_cache(maxsize=4096)
def steps(registry: Registry, endpoint: str, source: Version | None, target: Version) -> tuple[Step, ...]:
    """The changes' own compiled steps, oldest first, unfused (for comparisons and debugging); going down,
    the ways back, newest first."""
    if source is not None and source > target:
        top = min(source, registry.versions[-1])
        return tuple(shape.compiled() for shape in _down_shapes(registry, endpoint, top, target))
    return tuple(change.compiled() for change in registry.changes_between(endpoint, source, target))


@lru_cache(maxsize=4096)
def chain(registry: Registry, endpoint: str, source: Version | None, target: Version) -> Step | None:
    """The fused chain of one document of ``endpoint``; None when there is nothing to change."""
    changes = registry.changes_between(endpoint, source, target)
    return fuse(changes) if changes else None


@lru_cache(maxsize=4096)
def runner(
    registry: Registry, endpoint: str, is_list: bool, source: Version | None, target: Version
) -> Step | None:
    """What to run on a whole answer: the fused chain, over every item for list endpoints."""
    if not is_list:
        return chain(registry, endpoint, source, target)
    changes = registry.changes_between(endpoint, source, target)
    return fuse_many(changes) if changes else None


def _down_shapes(registry: Registry, endpoint: str, source: Version, target: Version) -> tuple[Any, ...]:
    return tuple(s for change in registry.changes_down(endpoint, source, target) for s in down_shapes(change))


@lru_cache(maxsize=4096)
def runner_down(
    registry: Registry, endpoint: str, is_list: bool, source: Version, target: Version
) -> Step | None:
    """What to run on a whole answer going down from ``source`` to the older ``target``: the ways back of
    the changes in between, newest first, fused into one pass like an upward chain."""
    shapes = _down_shapes(registry, endpoint, source, target)
    if not shapes:
        return None
    return fuse_many(shapes) if is_list else fuse(shapes)


@lru_cache(maxsize=4096)
def dialect_runner(
    dialect: Registry,
    registry: Registry,
    endpoint: str,
    is_list: bool,
    source: Version | None,
    target: Version,
) -> Step | None:
    """What to run on a whole answer of another engine: every change of its ``dialect`` (which carries
    the engine's answer to ``registry``'s shape at ``source``; a dialect does not depend on the version),
    then ``registry``'s changes from ``source`` to ``target`` (their ways back when ``target`` is older,
    from the newest version ``registry`` knows at most), fused into one chain."""
    changes: tuple[Any, ...] = dialect.changes_between(endpoint, None, dialect.versions[-1])
    if source is not None and source > target:
        top = min(source, registry.versions[-1])
        changes += _down_shapes(registry, endpoint, top, target) if top > target else ()
    else:
        changes += registry.changes_between(endpoint, source, target)
    if not changes:
        return None
    return fuse_many(changes) if is_list else fuse(changes)


def reference(
    registry: Registry, endpoint: str, source: Version | None, target: Version, document: Any
) -> Any:
    """The same chain run through marshmallow's ``Schema.load``, one version after the other: the
    reference semantics, which the test suite checks :func:`chain` against. Going down (``source`` newer
    than ``target``), the changes' ways back, newest first, as :func:`runner_down` fuses them."""
    if source is not None and source > target:
        top = min(source, registry.versions[-1])
        return run_reference(_down_shapes(registry, endpoint, top, target), document)
    return run_reference(registry.changes_between(endpoint, source, target), document)
