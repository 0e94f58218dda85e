"""The one hook idiom: ``own(data)`` and ``edit(obj, key)`` give a ``migrate()`` hook what it may change.

A hook returns ``data`` itself when it has nothing to change; else it takes ``data = own(data)`` (the
object itself when the library decoded the body and nothing else holds it, a shallow copy otherwise) and
``edit(data, key)`` for each object or array below it that it changes, and changes them in place::

    def migrate(self, data):
        if not (data.get("NetworkSettings") or {}).get("Networks"):
            return data                       # nothing to do: the same object
        data = own(data)
        networks = edit(edit(data, "NetworkSettings"), "Networks")
        ...                                   # change networks in place
        return data

Never ``out = dict(data)`` and never mutate what was not taken through ``own``/``edit``: the caller's
objects must stay as they were, and the compiled chains rely on ``own``/``edit`` to copy each object at
most once per call.
"""

from __future__ import annotations

from typing import Any

from .._context import OWNED

__all__ = ["edit", "own"]

_owned = OWNED.get


def _copy(value: Any, owned: set[int] | bool | None) -> Any:
    """``value`` (a dict or list) for the running chain, which does not own the document: ``value`` itself
    if a hook of this call copied it already, else a shallow copy, remembered for the call."""
    if owned is None or owned is False:
        return type(value)(value)
    if id(value) in owned:  # type: ignore[operator]
        return value
    value = type(value)(value)
    owned.add(id(value))  # type: ignore[union-attr]
    return value


def own(data: dict[str, Any]) -> dict[str, Any]:
    """``data``, for a ``migrate()`` hook to change in place: the object itself when the library owns it
    (it decoded the body, or a hook of the same call copied it already), else a shallow copy. Call it once
    there is something to change."""
    owned = _owned()
    return data if owned is True else _copy(data, owned)


def edit(data: dict[str, Any], key: str) -> Any:
    """The object or array at ``data[key]``, to change in place: put back into ``data`` as a shallow copy
    unless the library owns it (as :func:`own`). ``data`` must be a hook's own (from :func:`own` or
    ``edit``); anything else at ``key`` (a string, a number, null) is returned as it is."""
    value = data[key]
    owned = _owned()
    if owned is True or (type(value) is not dict and type(value) is not list):
        return value
    taken = _copy(value, owned)
    if taken is not value:
        data[key] = taken
    return taken
