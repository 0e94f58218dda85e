"""The declarative fields of a change: what happens to one key (see :mod:`normalize_engine.changes`).

The fields that descend into an object (``Nested``, ``Each``, ``Values``) live with the shapes they hold,
in :mod:`.shapes`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, missing

from .._errors import DeclarationError, ShapeError

__all__ = [
    "KEPT",
    "MISSING",
    "Added",
    "Convert",
    "Derived",
    "OmittedWhen",
    "Removed",
    "Replaced",
]

#: What a field's upgrade returns to say "no such key in the result".
MISSING: Any = missing

#: ``back=KEPT``: going down, the key stays as the newer version has it (the daemon sends it to older
#: clients too).
KEPT: Any = type("Kept", (), {"__repr__": lambda self: "KEPT"})()


class _ChangeField(fields.Field):  # type: ignore[type-arg]
    """Base of the declarative fields. ``upgrade`` is the compiled path, ``deserialize`` marshmallow's."""

    #: what the generated docs say this field does, e.g. "removed"
    verb: ClassVar[str] = "changed"

    def __init__(self, doc: str = "", *, back: Any = None, **kwargs: Any) -> None:
        super().__init__(allow_none=True, required=False, **kwargs)
        self.doc = doc
        #: how the key goes back down a version: a field (what to run on the newer shape), ``KEPT`` (older
        #: clients get the newer shape too), or None: the field's own :meth:`inverse`
        self.back = back

    def inverse(self) -> _ChangeField | None:
        """The field that carries the key back to the version before (None: nothing to do going down)."""
        return None

    def way_back(self) -> _ChangeField | None:
        """:attr:`back` when given, else :meth:`inverse`."""
        if self.back is KEPT:
            return None
        return self.back if self.back is not None else self.inverse()

    def upgrade(self, value: Any) -> Any:
        """The new value for a key that is present (``MISSING`` removes the key)."""
        return value

    def absent(self) -> Any:
        """The value for a key that is absent (``MISSING`` leaves it absent)."""
        return MISSING

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        try:
            if value is missing:
                return self.absent()
            return self.upgrade(value)
        except ShapeError as exc:
            raise ValidationError(exc.describe()) from exc

    def describe(self) -> str:
        return self.verb


class Removed(_ChangeField):
    """The key is no longer sent: it is dropped."""

    verb = "removed"

    def upgrade(self, value: Any) -> Any:
        return MISSING

    # Going down, a removed key comes back only where ``back=`` says how the daemon re-derives it
    # (``Derived(...)`` or ``Added(...)``); without it it stays absent: what an old daemon sends knowing
    # nothing is for the change to say.


class Added(_ChangeField):
    """The key is new; an answer without it gets ``default``: what a newer daemon sends knowing nothing."""

    verb = "added"

    def __init__(self, default: Any, doc: str = "", **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.default = default
        self._mutable = isinstance(default, dict | list)

    def absent(self) -> Any:
        return copy.deepcopy(self.default) if self._mutable else self.default

    def inverse(self) -> _ChangeField | None:
        return Removed()

    def describe(self) -> str:
        return f"added (default {json.dumps(self.default)})"


class OmittedWhen(_ChangeField):
    """The key is now left out when its value is one of ``empties`` (Go's ``omitempty``)."""

    verb = "omitted when empty"

    def __init__(self, *empties: Any, doc: str = "", **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.empties = empties

    def upgrade(self, value: Any) -> Any:
        for empty in self.empties:
            if value == empty and type(value) is type(empty):
                return MISSING
        return value

    def inverse(self) -> _ChangeField | None:
        return Added(self.empties[0]) if self.empties else None

    def describe(self) -> str:
        return "omitted when " + " or ".join(json.dumps(e) for e in self.empties)


class Replaced(_ChangeField):
    """One value is now sent as another: ``old`` (of the same type: ``0`` is not ``False``) becomes ``new``
    (a new copy, for a list or an object). A declarative :class:`Convert`, run inline by compiled chains."""

    verb = "replaced"

    def __init__(self, old: Any, new: Any, doc: str = "", **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.old = old
        self.new = new

    def matches(self, value: Any) -> bool:
        return value is None if self.old is None else type(value) is type(self.old) and value == self.old

    def upgrade(self, value: Any) -> Any:
        return copy.deepcopy(self.new) if self.matches(value) else value

    def inverse(self) -> _ChangeField | None:
        return Replaced(self.new, self.old)

    def describe(self) -> str:
        return f"`{json.dumps(self.old)}` replaced by `{json.dumps(self.new)}`"


class Convert(_ChangeField):
    """The value's meaning or form changed: ``convert(old) -> new`` (it must pass a new value unchanged)."""

    verb = "converted"

    def __init__(self, convert: Callable[[Any], Any], doc: str = "", **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.convert = convert

    def upgrade(self, value: Any) -> Any:
        return self.convert(value)


class Derived(_ChangeField):
    """The key is new, derived from the object it is in: an object without it gets ``derive(obj)``
    (``MISSING`` leaves it absent); an object that has it keeps its value.

    :param derive: ``obj -> value``; must not mutate ``obj``, and must return a new value or an immutable one
        (it may share parts of ``obj``, as ``migrate()`` may). It sees ``obj`` as the changes before its own
        left it.
    :param reads: the keys of ``obj`` that ``derive`` reads. With it, the derivation runs in the pass of the
        fields around it unless an earlier field of that pass touched one of these keys; without it, it
        always starts a pass of its own (it may read anything).
    """

    verb = "added"

    def __init__(
        self,
        derive: Callable[[dict[str, Any]], Any],
        *,
        reads: tuple[str, ...] | list[str] | None = None,
        doc: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(doc, **kwargs)
        if isinstance(reads, str):
            raise DeclarationError(f"Derived(reads=...) takes a tuple of keys, not the string {reads!r}")
        self.derive = derive
        self.reads: frozenset[str] | None = None if reads is None else frozenset(reads)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        # marshmallow hands every field the mapping being loaded (the input of this schema) as ``data``.
        if value is not missing:
            return value
        try:
            return self.derive(data)
        except ShapeError as exc:
            raise ValidationError(exc.describe()) from exc

    def inverse(self) -> _ChangeField | None:
        return Removed()

    def describe(self) -> str:
        if self.reads:
            return f"added, derived from {', '.join(f'`{k}`' for k in sorted(self.reads))}"
        return "added, derived from the object"
