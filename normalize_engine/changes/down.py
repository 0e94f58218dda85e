"""Going down: how a change carries an answer back to the version before (DESIGN.md rule 9).

A daemon builds the older shapes itself for old clients (moby's server code; the specification is
``../shared/engine-api/server-gates.md``), so every change says how it goes back, and the chains down are
compiled as the chains up are (one fused pass per endpoint, source and target):

- declarative fields invert themselves (:meth:`~.fields._ChangeField.inverse`): ``Added`` and ``Derived``
  go back to absent, ``Replaced(a, b)`` to ``Replaced(b, a)``, ``OmittedWhen(e)`` to ``Added(e)``, and
  ``Nested``/``Each``/``Values`` descend with the inverses of their shape's fields; a ``Removed`` key comes
  back only where the field says how (``Removed(back=Derived(...))``), a ``Convert`` likewise;
- ``back=`` on any field overrides its inverse, and ``back=KEPT`` keeps the newer value (the daemon sends
  it to older clients too);
- a hook's inverse is :meth:`~.shapes.Shape.revert`; it runs after the fields' ways back (upward
  ``migrate()`` runs before the fields);
- ``Change.back`` adds fields that run only going down (a key the daemon leaves out below the version);
- a change that is not ``versioned`` (newer daemons send the new shape to every version) goes back only
  through ``Change.back``; ``Change.kept`` says, with a reason, that a change does not go back at all;
  ``Change.lost`` lists, with reasons, what an older answer held that a newer one does not (it gets what
  an old daemon sends knowing nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .shapes import Shape, _Container

if TYPE_CHECKING:
    from .fields import _ChangeField
    from .shapes import Change

__all__ = ["container_inverse", "down_shapes", "goes_back", "inverted", "way_back"]


def _shape(name: str, qualname: str, module: str, attrs: dict[str, Any]) -> type[Shape]:
    out = type(name, (Shape,), {"__module__": module, **attrs})
    out.__qualname__ = qualname
    return out


def _fields(ways: list[tuple[str, _ChangeField | None]]) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for key, back in ways:
        if back is None:
            continue
        if key.isidentifier():
            attrs[key] = back
        else:  # a key that is no Python name, loaded from the key (as inline shapes do)
            back.data_key = key
            attrs[f"_key{len(attrs)}"] = back
    return attrs


def inverted(shape: type[Shape]) -> type[Shape] | None:
    """The shape of ``shape``'s fields' ways back (with a change's ``back``), or None when nothing changes
    going down. Built once per shape."""
    if "_inverted" in shape.__dict__:
        return shape.__dict__["_inverted"]  # type: ignore[no-any-return]
    ways = [(key, way_back(fld)) for key, fld in shape.declared()]
    ways += list(getattr(shape, "back", {}).items())
    attrs = _fields(ways)
    out = None
    if attrs:
        out = _shape(f"{shape.__name__}_down", f"{shape.__qualname__}(down)", shape.__module__, attrs)
    shape._inverted = out  # type: ignore[attr-defined]
    return out


def way_back(field: _ChangeField) -> _ChangeField | None:
    """The field that carries a key back: ``back=`` when given, else the field's inverse (for a descent,
    :func:`container_inverse`)."""
    if field.back is None and isinstance(field, _Container):
        return container_inverse(field)
    return field.way_back()


def goes_back(change: type[Change]) -> bool:
    """Whether ``change`` does anything going down."""
    return bool(down_shapes(change))


def container_inverse(field: _Container) -> _ChangeField | None:
    """A ``Nested``/``Each``/``Values`` going back: the same descent with its shape's ways back (and its
    shape's :meth:`revert`, first, when it has one)."""
    shape = field.shape
    inner = inverted(shape)
    if shape.has_migrate() and shape.has_revert():
        attrs: dict[str, Any] = {"migrate": lambda self, data: shape().revert(data)}
        if inner is not None:
            attrs.update(inner._declared_fields)
        inner = _shape(f"{shape.__name__}_down", f"{shape.__qualname__}(down)", shape.__module__, attrs)
    return None if inner is None else type(field)(inner)


def down_shapes(change: type[Change]) -> tuple[type[Shape], ...]:
    """The shapes that carry an answer of ``change``'s version back to the version before, in order: the
    fields' ways back, then :meth:`revert`. Built once per change."""
    if "_down_shapes" in change.__dict__:
        return change.__dict__["_down_shapes"]  # type: ignore[no-any-return]
    out: list[type[Shape]] = []
    if not change.kept:
        if change.versioned:
            fields = inverted(change)
        elif change.back:  # not versioned: only what it says it does going down
            fields = _shape(
                f"{change.__name__}_back", f"{change.__qualname__}(back)", change.__module__, dict(change.back)
            )
        else:
            fields = None
        if fields is not None:
            out.append(fields)
        if change.versioned and change.has_revert():
            hook = _shape(
                f"{change.__name__}_revert",
                f"{change.__qualname__}.revert",
                change.__module__,
                {"migrate": lambda self, data: change().revert(data)},
            )
            out.append(hook)
    change._down_shapes = tuple(out)  # type: ignore[attr-defined]
    return change._down_shapes  # type: ignore[attr-defined,no-any-return]
