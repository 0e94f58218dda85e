"""Shapes and changes: the marshmallow schemas a change is declared as, and the fields that descend into
objects (see :mod:`normalize_engine.changes`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from marshmallow import INCLUDE, Schema, ValidationError, missing, pre_load
from marshmallow.schema import SchemaMeta

from .._errors import DeclarationError, ShapeError
from .._errors import json_type as _json_type
from .fields import Derived, _ChangeField

__all__ = ["Change", "Each", "Nested", "Shape", "Values", "map_items", "map_values", "use_compiler"]

Compiler = Callable[[tuple[type["Shape"], ...]], Callable[..., Any]]
_COMPILER: list[Compiler] = []


def use_compiler(compiler: Compiler) -> None:
    """Set what :meth:`Shape.compiled` compiles with. The compiler (``normalize_engine._compiler``), which
    imports this DSL, registers itself when it is imported, as ``import normalize_engine`` does: the DSL
    never imports the compiler."""
    _COMPILER[:] = [compiler]


class _ShapeMeta(SchemaMeta):
    """marshmallow's metaclass, with a shortcut for the common case of a change.

    marshmallow finds a schema's hooks (``pre_load`` and the like) by looking up every name of ``dir(cls)``
    through the MRO: about 0.2 ms a class, most of the time it takes to build the registry's hundreds of
    changes (issue 18). A class with one base that adds no hook and hides none of its base's has exactly
    its base's hooks: they are copied. Anything else goes the way marshmallow goes.
    """

    def resolve_hooks(cls) -> dict[str, list[tuple[str, bool, dict[str, Any]]]]:
        bases = cls.__bases__
        inherited: dict[str, list[tuple[str, bool, dict[str, Any]]]] | None = (
            bases[0].__dict__.get("_hooks") if len(bases) == 1 else None
        )
        if inherited is not None:
            own = cls.__dict__
            hooked = {entry[0] for entries in inherited.values() for entry in entries}
            if hooked.isdisjoint(own) and not any(hasattr(v, "__marshmallow_hook__") for v in own.values()):
                return defaultdict(list, {tag: list(entries) for tag, entries in inherited.items()})
        return super().resolve_hooks()


class Shape(Schema, metaclass=_ShapeMeta):
    """A marshmallow schema for (part of) a response that declares only what changes.

    Subclasses declare :class:`Removed`, :class:`Added`, :class:`Convert`, :class:`Replaced`,
    :class:`OmittedWhen`, :class:`Nested`, :class:`Each` and :class:`Values` fields (and :class:`Derived`),
    and may override :meth:`migrate`, which runs
    before the fields (marshmallow's ``pre_load``).
    """

    class Meta:
        unknown = INCLUDE

    #: What :meth:`migrate` reads or writes, when it says: keys (``"Name"``), or paths inside them
    #: (``"HostConfig.NetworkMode"``; ``*`` stands for every value of a map or item of an array:
    #: ``"NetworkSettings.Networks.*.Aliases"``). A path also promises that the hook never adds or replaces
    #: the objects on its way (``HostConfig`` there); it changes them through :func:`edit`. The compiled
    #: chains may then run the fields of everything else, of this change and of later ones, in a pass
    #: before the hook. ``None``: it may touch anything. A test checks the declaration against every
    #: recorded answer.
    touches: ClassVar[tuple[str, ...] | None] = None

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        """Carry ``data`` one version forward; the default does nothing. Returns ``data`` when it has nothing
        to change, else a dict of its own; changes ``data`` only through :func:`own` and :func:`edit`."""
        return data

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        """Carry ``data`` one version back (the inverse of :meth:`migrate`, as the daemon itself builds the
        older shape for old clients); the same rules as :meth:`migrate`. The default does nothing."""
        return data

    @classmethod
    def has_revert(cls) -> bool:
        return cls.revert is not Shape.revert

    @classmethod
    def has_migrate(cls) -> bool:
        return cls.migrate is not Shape.migrate


    @pre_load
    def _run_migrate(self, data: Any, **_: Any) -> Any:
        if type(self).migrate is Shape.migrate:
            return data
        if not isinstance(data, dict):
            raise ValidationError(f"expected an object, got {_json_type(data)}")
        return self.migrate(data)

    @classmethod
    def declared(cls) -> list[tuple[str, _ChangeField]]:
        """The declared change fields, as ``(key, field)`` in declaration order.

        :raises DeclarationError: a field is not one of this module's, or two ``Derived`` fields could see
            each other's key (see the module's docstring).
        """
        fields = cls._declared_fields
        cached = cls.__dict__.get("_declared_cache")
        if cached is not None and cached[0] is fields:
            return list(cached[1])  # checked already: the compiler asks for it at every level it plans
        out = []
        for name, fld in fields.items():
            if not isinstance(fld, _ChangeField):
                raise DeclarationError(
                    f"{cls.__qualname__}.{name}: declare fields with normalize_engine.schema's field types "
                    "(Removed, Added, Derived, Convert, Replaced, OmittedWhen, Nested, Each, Values), not "
                    f"{type(fld).__name__}"
                )
            if isinstance(fld, _Container):
                fld.name_inline(cls, fld.data_key or name)
            out.append((fld.data_key or name, fld))
        derived = [(key, fld) for key, fld in out if isinstance(fld, Derived)]
        for key, fld in derived:
            others = {k for k, f in derived if f is not fld}
            if others and (fld.reads is None or fld.reads & others):
                seen = sorted(others) if fld.reads is None else sorted(fld.reads & others)
                raise DeclarationError(
                    f"{cls.__qualname__}.{key}: a Derived field may read {', '.join(seen)}, which another "
                    "Derived field of the same change adds; marshmallow would show it the key as it was "
                    "before the change: declare the two in consecutive changes, or give `reads` without it"
                )
        cls._declared_cache = (fields, tuple(out))  # type: ignore[attr-defined]
        return out

    @classmethod
    def compiled(cls) -> Callable[[Any], Any]:
        """The change as one plain function ``old -> new`` (built once per class)."""
        plan = cls.__dict__.get("_compiled_plan")
        if plan is None:
            if not _COMPILER:
                raise RuntimeError("no compiler: import normalize_engine first")  # pragma: no cover
            plan = _COMPILER[0]((cls,))
            cls._compiled_plan = plan  # type: ignore[attr-defined]
        return plan


def _name_part(key: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in key)


def _inline_shape(fields: Mapping[str, _ChangeField]) -> type[Shape]:
    """A :class:`Shape` of ``fields``, written in place in a ``Nested``/``Each``/``Values``."""
    attrs: dict[str, Any] = {"_inline": True, "__module__": __name__}
    for key, fld in fields.items():
        if key.isidentifier():
            attrs[key] = fld
        else:  # a key that is no Python name: under a name of its own, loaded from the key
            fld.data_key = key
            attrs[f"_key{len(attrs)}"] = fld
    return type("Inline", (Shape,), attrs)


class Change(Shape):
    """One response change of one API version, for one or more endpoints.

    Class attributes:

    ``endpoint``
        the endpoint name, or a tuple of names (see ``normalize_engine._endpoints``); for list endpoints
        (``containers.list``) the change is declared for one item.
    ``underivable``
        ``{field: reason}`` for fields this version added that an older answer holds no information for;
        they get what a daemon of this version sends when it knows nothing, and are listed in the docs.
    ``versioned``
        ``False`` when daemons send the new shape to every API version (the change follows the daemon's
        release, not the requested version), which the docs say.

    The class docstring says what the change does for users; it is required.
    """

    endpoint: ClassVar[str | tuple[str, ...]] = ()
    underivable: ClassVar[Mapping[str, str]] = {}
    versioned: ClassVar[bool] = True
    #: why the change does not go back down (the daemon sends the newer shape to older clients too, or
    #: the older facts are gone): going down it does nothing. Empty: it goes back through its fields'
    #: :meth:`~normalize_engine.changes.fields._ChangeField.way_back` and :meth:`revert`.
    kept: ClassVar[str] = ""
    #: ``{field: reason}`` for what an older answer held that the newer one no longer does: going down
    #: those keys get what an old daemon sends when it knows nothing (listed in the docs).
    lost: ClassVar[Mapping[str, str]] = {}
    #: ``{key: field}`` run only going down, for what the daemon does to older answers that the upward
    #: fields do not name (a key it sets to a placeholder, or leaves out, below this version)
    back: ClassVar[Mapping[str, _ChangeField]] = {}
    #: set by the registry: the API version whose module holds the change
    version: ClassVar[str] = ""

    @classmethod
    def endpoints(cls) -> tuple[str, ...]:
        return (cls.endpoint,) if isinstance(cls.endpoint, str) else tuple(cls.endpoint)



# ------------------------------------------------------------------------------------------ descents


class _Container(_ChangeField):
    """A field that descends into the value at its key, with the fields of a :class:`Shape`.

    The shape is a class, or written in place: its fields as keyword arguments (``Nested(Domainname=
    Removed())``), or a mapping for keys that are not Python names (``Nested({"x-y": Removed()})``). Written
    in place, a path of several levels is one line: ``Nested(Networks=Values(Aliases=Convert(f)))``.
    """

    verb = "nested"

    def __init__(
        self,
        shape: type[Shape] | Mapping[str, _ChangeField] | None = None,
        doc: str = "",
        **kwargs: Any,
    ) -> None:
        inline = {k: kwargs.pop(k) for k in list(kwargs) if isinstance(kwargs[k], _ChangeField)}
        super().__init__(doc, **kwargs)
        if isinstance(shape, Mapping):
            inline = {**shape, **inline}
            shape = None
        if shape is None:
            if not inline:
                raise DeclarationError(f"{type(self).__name__}() needs a Shape class or the fields of one")
            shape = _inline_shape(inline)
        elif inline:
            raise DeclarationError(f"{type(self).__name__}(): give a Shape class or fields, not both")
        self.shape: type[Shape] = shape

    def name_inline(self, owner: type, key: str) -> None:
        """Name a shape written in place after where it stands (``Owner.Key``), for the generated code."""
        if self.shape.__dict__.get("_inline") and self.shape.__name__ == "Inline":
            self.shape.__name__ = f"{owner.__name__}_{_name_part(key)}"
            self.shape.__qualname__ = f"{owner.__qualname__}.{key}"

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if value is missing or value is None:
            return value
        return self._load(value)


    def _load(self, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


def map_items(apply: Callable[[Any], Any], value: Any) -> Any:
    """``apply`` on every item of an array but ``null`` ones; the same array back when nothing changed."""
    if type(value) is not list:
        raise ShapeError("an array", value)
    out = None
    for index, item in enumerate(value):
        if item is None:
            continue
        try:
            new = apply(item)
        except ShapeError as exc:
            exc.where.insert(0, f"[{index}]")
            raise
        if new is not item:
            if out is None:
                out = list(value)
            out[index] = new
    return value if out is None else out


def map_values(apply: Callable[[Any], Any], value: Any) -> Any:
    """``apply`` on every value of a map but ``null`` ones; the same object back when nothing changed."""
    if type(value) is not dict:
        raise ShapeError("an object", value)
    out = None
    for key, item in value.items():
        if item is None:
            continue
        try:
            new = apply(item)
        except ShapeError as exc:
            exc.where.insert(0, f"[{key!r}]")
            raise
        if new is not item:
            if out is None:
                out = dict(value)
            out[key] = new
    return value if out is None else out


class Nested(_Container):
    """An object whose own keys change: declared by another :class:`Shape`."""

    def upgrade(self, value: Any) -> Any:
        if value is None:
            return None
        return self.shape.compiled()(value)

    def _load(self, value: Any) -> Any:
        return self.shape().load(value)


class Each(_Container):
    """An array of objects of one :class:`Shape` (``null``, as the array or as an item, passes through)."""

    def upgrade(self, value: Any) -> Any:
        return None if value is None else map_items(self.shape.compiled(), value)

    def _load(self, value: Any) -> Any:
        if not isinstance(value, list):
            raise ValidationError(f"expected an array, got {_json_type(value)}")
        shape = self.shape()
        return [None if item is None else shape.load(item) for item in value]


class Values(_Container):
    """An object used as a map (``{name: object}``) whose values have one :class:`Shape` (``null`` values
    pass through)."""

    def upgrade(self, value: Any) -> Any:
        return None if value is None else map_values(self.shape.compiled(), value)

    def _load(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValidationError(f"expected an object, got {_json_type(value)}")
        shape = self.shape()
        return {key: None if item is None else shape.load(item) for key, item in value.items()}
