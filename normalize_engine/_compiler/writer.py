"""The writer of generated code: its lines, and the constants it names after the changes they come from."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from .._errors import HookFailed, NormalizeError, ShapeError
from ..changes import MISSING, Each, Nested, Shape, Values
from ..changes.fields import _ChangeField
from ..changes.hooks import _owned
from .planning import Step

__all__ = ["Writer", "ident", "member_label", "shape_of"]

_SCALARS = frozenset({str, int, float, bool})


def _slot(fields: tuple[_ChangeField, ...], value: Any) -> Any:
    """Custom fields on one key, one after the other; ``MISSING`` in and out means an absent key."""
    for fld in fields:
        value = fld.absent() if value is MISSING else fld.upgrade(value)
    return value


# What a hand-written hook may raise as it is: the body's shape is wrong (ShapeError, RecursionError), or it
# says so itself (NormalizeError), or the process is out of memory. Anything else becomes HookFailed.
_PASSED = (ShapeError, RecursionError, MemoryError, NormalizeError)

_HELPERS: dict[str, Any] = {
    "MISSING": MISSING,
    "ShapeError": ShapeError,
    "HookFailed": HookFailed,
    "_PASSED": _PASSED,
    "_slot": _slot,
    "_owned": _owned,
    "_SCALARS": _SCALARS,
    "deepcopy": copy.deepcopy,
}


class Writer:
    """Collects the generated source and the objects it refers to by name.

    Constants are named after the change they come from (``ContainerDNSNames_migrate``), and each key's
    code is preceded by a comment naming the version and change of every field on it: the generated source
    reads as the changes it came from, in a traceback or a debugger (see :mod:`.fuse`).
    """

    def __init__(self, fuse: Callable[[tuple[type[Shape], ...]], Step], track: bool = False) -> None:
        self.fuse = fuse  # for descents deeper than MAX_INLINE_DEPTH, which call a fused function
        self.track = track  # remember the copies made in the call, in ``mine`` (see planning.tracks)
        self.names: dict[str, Any] = dict(_HELPERS)
        self.lines: list[str] = []
        #: id of a field or shape -> (version, change name) of the change that declares it
        self.owners: dict[int, tuple[str, str]] = {}
        self.context = ""  # the change whose code is being written: the stem of its constants' names
        self.declaring: dict[int, type[Shape]] = {}  # id of a field -> the shape that declares it

    def own_fields(self, shapes: tuple[type[Shape], ...]) -> None:
        for shape in shapes:
            for _, fld in shape.declared():
                self.declaring.setdefault(id(fld), shape)

    def failure_label(self, fld: _ChangeField, key: str) -> str:
        """What a field's function is, for messages: ``EventScope.scope, a Derived field (...)``."""
        shape = self.declaring.get(id(fld))
        kind = type(fld).__name__
        return f"{key}, a {kind} field" if shape is None else member_label(shape, f"{key}, a {kind} field")

    def guarded(self, indent: int, call: str, label: str, got: str) -> None:
        """``call`` (a statement calling a hand-written function), with anything it raises but a
        ShapeError (and the like, ``_PASSED``) turned into a HookFailed naming ``label`` and ``got``."""
        what = self.const(label, "label")
        self.add(
            indent,
            f"try:\n    {call}\nexcept _PASSED:\n    raise\n"
            f"except Exception as exc:\n    raise HookFailed({what}, exc, {got}) from exc",
        )

    def own_shapes(self, shapes: tuple[type[Shape], ...]) -> None:
        """Remember which change each field (at any depth) of ``shapes`` comes from."""
        for shape in shapes:
            self._walk(shape, (str(getattr(shape, "version", "") or ""), shape.__name__), set())

    def _walk(self, shape: type[Shape], owner: tuple[str, str], seen: set[int]) -> None:
        if id(shape) in seen:
            return
        seen.add(id(shape))
        self.owners.setdefault(id(shape), owner)
        for _, fld in shape.declared():
            self.owners.setdefault(id(fld), owner)
            inner = getattr(fld, "shape", None)
            if isinstance(fld, Nested | Each | Values) and inner is not None:
                self._walk(inner, owner, seen)

    def owner(self, obj: Any) -> tuple[str, str]:
        """(version, change) of a field, a shape, or a ``(kind, shapes)`` descent."""
        if isinstance(obj, tuple):
            obj = obj[1][0]
        found = self.owners.get(id(obj))
        if found is None and isinstance(obj, type):
            found = ("", obj.__name__)
        return found or ("", "")

    def label(self, obj: Any) -> str:
        version, change = self.owner(obj)
        return f"{version} {change}".strip()

    def const(self, value: Any, stem: str = "c") -> str:
        base = f"{self.context}_{stem}" if self.context else stem
        name, n = base, 1
        while name in self.names:
            if self.names[name] is value:
                return name
            n += 1
            name = f"{base}_{n}"
        self.names[name] = value
        return name

    def comment(self, indent: int, key: str, ops: list[Any]) -> None:
        """``# Key: 1.44 ChangeA removed; 1.52 ChangeB added (default [])`` before the code of ``key``."""
        parts = []
        for op in ops:
            if isinstance(op, tuple):
                owners = ", ".join(dict.fromkeys(self.label(shape) for shape in op[1]))
                parts.append(f"into {owners}")
            else:
                parts.append(f"{self.label(op)} {op.describe()}".strip())
        text = f"# {key}: " + "; ".join(parts)
        self.add(indent, text.replace("\n", " ").replace("\r", " "))

    def add(self, indent: int, text: str) -> None:
        self.lines.extend("    " * indent + line for line in text.splitlines())


def ident(key: str) -> str:
    """A key as part of a Python name (``"Config.Env"`` or ``'"x-y"'`` -> ``Config_Env``, ``x_y``)."""
    return re.sub(r"\W", "_", key.strip("'\"")) or "key"


def shape_of(hook: Step, shapes: tuple[type[Shape], ...]) -> type[Shape]:
    """The shape whose ``migrate()`` ``hook`` is (a bound method of an instance of it)."""
    owner = type(getattr(hook, "__self__", None))
    return next((shape for shape in shapes if shape is owner), shapes[0])


def member_label(shape: type[Shape], member: str) -> str:
    """What failed, for messages: ``ContainerDNSNames.migrate (schemas/v1_44.py)``."""
    module = shape.__module__
    where = f"schemas/{module.rpartition('.')[2]}.py" if ".schemas." in f".{module}" else module
    return f"{shape.__qualname__}.{member} ({where})"
