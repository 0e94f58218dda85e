"""Chains: the changes from a source version to a target, for one endpoint, compiled and cached."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from packaging.version import Version

from ._registry import REGISTRY

Step = Callable[[Any], Any]


@lru_cache(maxsize=4096)
def chain(endpoint: str, source: Version | None, target: Version) -> tuple[Step, ...]:
    """The compiled steps, oldest first; empty when the endpoint has nothing to change in that range."""
    return tuple(change.compiled() for change in REGISTRY.changes_between(endpoint, source, target))


def run(steps: tuple[Step, ...], document: Any) -> Any:
    for step in steps:
        document = step(document)
    return document


def run_reference(endpoint: str, source: Version | None, target: Version, document: Any) -> Any:
    """The same chain run through marshmallow's ``Schema.load``, one version after the other.

    This is the reference semantics of the schemas; the test suite checks that :func:`chain` agrees with it.
    """
    for change in REGISTRY.changes_between(endpoint, source, target):
        document = change().load(document)
    return document
