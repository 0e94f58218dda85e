"""Shapes and changes: the marshmallow schemas a change is declared as (see :mod:`normalize_engine.changes`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from marshmallow import INCLUDE, Schema, ValidationError, pre_load

from .._errors import DeclarationError
from .._errors import json_type as _json_type
from .fields import Derived, _ChangeField

__all__ = ["Change", "Shape", "use_compiler"]

Compiler = Callable[[tuple[type["Shape"], ...]], Callable[..., Any]]
_COMPILER: list[Compiler] = []


def use_compiler(compiler: Compiler) -> None:
    """Set what :meth:`Shape.compiled` compiles with. The compiler (``normalize_engine._compiler``), which
    imports this DSL, registers itself when it is imported, as ``import normalize_engine`` does: the DSL
    never imports the compiler."""
    _COMPILER[:] = [compiler]


class Shape(Schema):
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

        :raises DeclarationError: a field is not one of this module's, or two ``Derived`` fields could see each
            other's key (see the module's docstring).
        """
        out = []
        for name, fld in cls._declared_fields.items():
            if not isinstance(fld, _ChangeField):
                raise DeclarationError(
                    f"{cls.__qualname__}.{name}: declare fields with normalize_engine.schema's field types "
                    "(Removed, Added, Derived, Convert, Replaced, OmittedWhen, Nested, Each, Values), not "
                    f"{type(fld).__name__}"
                )
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
    #: set by the registry: the API version whose module holds the change
    version: ClassVar[str] = ""

    @classmethod
    def endpoints(cls) -> tuple[str, ...]:
        return (cls.endpoint,) if isinstance(cls.endpoint, str) else tuple(cls.endpoint)
