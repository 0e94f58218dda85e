"""The reference semantics: changes run one after the other through marshmallow's ``Schema.load``.

The test suite checks the fused chains against this on every recorded answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..changes import Shape
from .planning import Step

__all__ = ["run", "run_reference"]


def run(steps: Iterable[Step], document: Any) -> Any:
    """Compiled steps one after the other (the changes' own, unfused)."""
    for step in steps:
        document = step(document)
    return document


def run_reference(changes: Iterable[type[Shape]], document: Any) -> Any:
    """``changes`` run through marshmallow's ``Schema.load``, one after the other."""
    for change in changes:
        document = change().load(document)
    return document
