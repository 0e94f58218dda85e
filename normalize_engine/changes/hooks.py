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

Values a hook reads, it reads with :func:`typed` and :func:`typed_list`, which raise a ``ShapeError``
(an answer not of its endpoint's shape) instead of letting a ``TypeError`` escape.

Never ``out = dict(data)`` and never mutate what was not taken through ``own``/``edit``: the caller's
objects must stay as they were, and the compiled chains rely on ``own``/``edit`` to copy each object at
most once per call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._context import OWNED
from .._errors import ShapeError

__all__ = ["edit", "own", "typed", "typed_list"]

_owned = OWNED.get


def own(data: dict[str, Any]) -> dict[str, Any]:
    """``data``, for a ``migrate()`` hook to change in place: the object itself when the library owns it
    (it decoded the body, or a hook of the same call copied it already), else a shallow copy. Call it once
    there is something to change."""
    # Every hook of a chain calls this and edit(), so both are written out rather than sharing a helper.
    owned = _owned()
    if owned is True:
        return data
    if owned is None or owned is False:  # outside a chain: copy always
        return type(data)(data)
    if id(data) in owned:  # a copy this call made already
        return data
    data = type(data)(data)
    owned.add(id(data))
    return data


def edit(data: dict[str, Any], key: str) -> Any:
    """The object or array at ``data[key]``, to change in place: put back into ``data`` as a shallow copy
    unless the library owns it (as :func:`own`). ``data`` must be a hook's own (from :func:`own` or
    ``edit``); anything else at ``key`` (a string, a number, null) is returned as it is."""
    value = data[key]
    owned = _owned()
    if owned is True:
        return value
    kind = type(value)
    if kind is not dict and kind is not list:
        return value
    if owned is None or owned is False:
        taken = kind(value)
    elif id(value) in owned:
        return value
    else:
        taken = kind(value)
        owned.add(id(taken))
    data[key] = taken
    return taken


# ------------------------------------------------------------------------------------------ typed reads


_KIND_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    dict: "an object",
    list: "an array",
}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    """``isinstance`` for JSON values, where a boolean is not a number (``True`` is no ``int`` here)."""
    if type(value) is bool:
        return bool in kind if isinstance(kind, tuple) else kind is bool
    return isinstance(value, kind)


def _where(at: tuple[str | int, ...]) -> list[str]:
    return [f"[{part}]" if type(part) is int else f".{part}" for part in at]


def typed(
    obj: Mapping[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    default: Any = None,
    *,
    at: tuple[str | int, ...] = (),
) -> Any:
    """``obj[key]`` for a hook that needs it to be a ``kind`` (``str``, ``dict``, ``(int, float)``, ...):
    the value when it is one, ``default`` when the key is absent or null.

    Hooks read values of the body with it instead of assuming their type: a body that holds something else
    there is not of its endpoint's shape, and the hook says so as the declarative fields do.

    :param at: the path of ``obj`` inside the object the hook was given, for the message
        (``("NetworkSettings", "Networks", name)``).
    :raises ShapeError: the value is of another type (``normalize()`` raises it as ``InvalidBodyError``).

    >>> typed({"Type": "container"}, "Type", str)
    'container'
    >>> typed({"Type": None}, "Type", str, "")
    ''
    >>> typed({"Type": ["x"]}, "Type", str)
    Traceback (most recent call last):
    ...
    normalize_engine._errors.ShapeError: a string
    """
    value = obj.get(key)
    if value is None:
        return default
    if not _is(value, kind):
        error = ShapeError(_kind_name(kind), value)
        error.where = [*_where(at), f".{key}"]
        raise error
    return value


def typed_list(
    obj: Mapping[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    default: Any = None,
    *,
    at: tuple[str | int, ...] = (),
) -> Any:
    """``obj[key]`` for a hook that needs an array of ``kind`` items: the array when it is one (its items
    all ``kind``), ``default`` when the key is absent or null.

    :raises ShapeError: the value is not an array, or an item is not a ``kind``, naming the item.

    >>> typed_list({"Aliases": ["db"]}, "Aliases", str)
    ['db']
    >>> typed_list({"Aliases": [["db"]]}, "Aliases", str)
    Traceback (most recent call last):
    ...
    normalize_engine._errors.ShapeError: a string
    """
    value = typed(obj, key, list, default, at=at)
    if value is default:
        return value
    for index, item in enumerate(value):
        if not _is(item, kind):
            error = ShapeError(_kind_name(kind), item)
            error.where = [*_where(at), f".{key}", f"[{index}]"]
            raise error
    return value
