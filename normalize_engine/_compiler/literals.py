"""Python expressions for the values generated code compares with and writes (defaults, replacements)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..changes import OmittedWhen

if TYPE_CHECKING:
    from .codegen import Writer

__all__ = ["default", "empty_test", "match"]


def default(w: Writer, default: Any) -> str:
    """An expression for a new copy of ``default`` (shared when immutable)."""
    if default == [] and type(default) is list:
        return "[]"
    if default == {} and type(default) is dict:
        return "{}"
    if isinstance(default, dict | list):
        if _is_literal(default):
            return repr(default)  # a display builds a new copy each time, faster than deepcopy
        return f"deepcopy({w.const(default, 'value')})"
    return w.const(default, "value")


def _is_literal(value: Any, depth: int = 0) -> bool:
    """Whether ``repr(value)`` is a Python display that builds an equal new value: JSON-like data only."""
    if depth > 20:
        return False
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is list:
        return all(_is_literal(item, depth + 1) for item in value)
    if type(value) is dict:
        return all(type(k) is str and _is_literal(v, depth + 1) for k, v in value.items())
    return False


def match(w: Writer, value: Any, v: str) -> str:
    """A test that ``v`` is ``value``: equal, and of its type (``0`` is not ``False``)."""
    if value is None:
        return f"{v} is None"
    return f"(type({v}) is {w.const(type(value), type(value).__name__)} and {v} == {w.const(value, 'value')})"


def empty_test(w: Writer, op: OmittedWhen, v: str) -> str:
    return " or ".join(match(w, empty, v) for empty in op.empties)
