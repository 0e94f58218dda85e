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

__all__ = ["chain", "dialect_runner", "reference", "runner", "steps"]


@lru_cache(maxsize=4096)
def steps(registry: Registry, endpoint: str, source: Version | None, target: Version) -> tuple[Step, ...]:
    """The changes' own compiled steps, oldest first, unfused (for comparisons and debugging)."""
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
    then ``registry``'s changes from ``source`` to ``target``, fused into one chain."""
    changes = dialect.changes_between(endpoint, None, dialect.versions[-1]) + registry.changes_between(
        endpoint, source, target
    )
    if not changes:
        return None
    return fuse_many(changes) if is_list else fuse(changes)


def reference(
    registry: Registry, endpoint: str, source: Version | None, target: Version, document: Any
) -> Any:
    """The same chain run through marshmallow's ``Schema.load``, one version after the other: the
    reference semantics, which the test suite checks :func:`chain` against."""
    return run_reference(registry.changes_between(endpoint, source, target), document)
