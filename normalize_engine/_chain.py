"""Compatibility: the compiler is :mod:`normalize_engine._compiler`, chain lookup
:mod:`normalize_engine._chains`.

The functions here read Docker's registry, as they did when there was one.
"""

from __future__ import annotations

from typing import Any

from packaging.version import Version

from . import _chains
from ._compiler import Step, fuse, fuse_many, run
from ._compiler.codegen import MAX_INLINE_DEPTH as _MAX_INLINE_DEPTH
from ._compiler.planning import Touched
from ._compiler.planning import hook as _hook
from ._compiler.planning import passes as _passes
from ._compiler.planning import touched as _touched
from ._registry import DOCKER

__all__ = ["Step", "chain", "fuse", "fuse_many", "run", "run_reference", "runner", "steps"]
_COMPAT = (_MAX_INLINE_DEPTH, Touched, _hook, _passes, _touched)  # names tests and tools still read


def steps(endpoint: str, source: Version | None, target: Version) -> tuple[Step, ...]:
    return _chains.steps(DOCKER, endpoint, source, target)


def chain(endpoint: str, source: Version | None, target: Version) -> Step | None:
    return _chains.chain(DOCKER, endpoint, source, target)


def runner(endpoint: str, is_list: bool, source: Version | None, target: Version) -> Step | None:
    return _chains.runner(DOCKER, endpoint, is_list, source, target)


def run_reference(endpoint: str, source: Version | None, target: Version, document: Any) -> Any:
    return _chains.reference(DOCKER, endpoint, source, target, document)


# Clearing the old names' caches clears the lookup's (the thread tests start from cold caches).
steps.cache_clear = _chains.steps.cache_clear  # type: ignore[attr-defined]
chain.cache_clear = _chains.chain.cache_clear  # type: ignore[attr-defined]
runner.cache_clear = _chains.runner.cache_clear  # type: ignore[attr-defined]
