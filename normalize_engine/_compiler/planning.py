"""Planning: which fields of a sequence of shapes run in which pass, before the code is written."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from ..changes import Derived, Each, Nested, Shape, Values
from ..changes.fields import _ChangeField

__all__ = ["Step", "Touched", "hook", "merge", "passes", "touched", "tracks"]

Step = Callable[..., Any]  # (document, inplace=False) -> document

_CONTAINERS = (Nested, Each, Values)


@lru_cache(maxsize=4096)
def _hook(shape: type[Shape]) -> Step | None:
    """The shape's ``migrate()``, bound to one instance made once (a marshmallow schema costs ~0.1 ms to
    make, and planning asks at every level of every chain); None when it has none."""
    if shape.migrate is Shape.migrate:
        return None
    return shape().migrate


# What a hook touches, as a tree of keys: ``{"HostConfig": {"NetworkMode": None}, "Name": None}``. ``None``
# is the whole value at the key; ``"*"`` stands for every value of a map or item of an array.
Touched = dict[str, "Touched | None"]


@lru_cache(maxsize=256)
def _touched(paths: tuple[str, ...]) -> Touched:
    """The tree of a hook's ``touches`` (dotted paths)."""
    root: Touched = {}
    for path in paths:
        node = root
        *parents, last = path.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if child is None:  # the whole value is touched already
                break
            node = child
        else:
            node[last] = None
    return root


def _clear_of(fld: _ChangeField, touched: Touched) -> bool:
    """Whether ``fld`` (on a key whose value a hook touches only at the paths ``touched``) reads and writes
    none of them: then it may run before the hook."""
    if type(fld) is Nested:
        return _shape_clear_of(fld.shape, touched)
    if type(fld) is Each or type(fld) is Values:
        items = touched.get("*")
        return touched.keys() == {"*"} and items is not None and _shape_clear_of(fld.shape, items)
    return False  # any other field reads or writes the value at its key as a whole


def _shape_clear_of(shape: type[Shape], touched: Touched) -> bool:
    if "*" in touched:
        return False  # every key of the object
    if _hook(shape) is not None:
        inner = None if shape.touches is None else _touched(tuple(shape.touches))
        if inner is None or "*" in inner or not inner.keys().isdisjoint(touched):
            return False
    for key, fld in shape.declared():
        if isinstance(fld, Derived) and (fld.reads is None or not fld.reads.isdisjoint(touched)):
            return False
        if key in touched:
            sub = touched[key]
            if sub is None or not _clear_of(fld, sub):
                return False
    return True


class _Pass:
    """A hook (or None), then fields grouped by key, each key's fields in order."""

    __slots__ = ("by_key", "hook", "reads", "touches")

    def __init__(self, hook: Step | None, touches: Touched | None) -> None:
        self.hook = hook
        self.touches = touches  # what the hook reads or writes; None: any (or no hook: nothing)
        self.by_key: dict[str, list[_ChangeField]] = {}
        self.reads: set[str] | None = set()  # keys read by the pass's Derived fields; None: any

    def holds(self, key: str, fld: _ChangeField) -> bool:
        """Whether ``fld``, on ``key``, must run after this pass's hook or fields (may not move before it)."""
        if self.hook is not None:
            touches = self.touches
            if touches is None or "*" in touches:
                return True
            if key in touches:
                inside = touches[key]
                if inside is None or not _clear_of(fld, inside):
                    return True
        return self.reads is None or key in self.reads or key in self.by_key


Passes = list[tuple[Step | None, dict[str, list[_ChangeField]]]]


def _passes(shapes: Sequence[type[Shape]]) -> Passes:
    """:func:`_plan_passes`, found once for a tuple of shapes (the compiler plans each level twice: to see
    whether the chain tracks its copies, then to write it). The result is shared: read it, never change it.
    """
    if type(shapes) is tuple:
        return _cached_passes(shapes)
    return _plan_passes(shapes)


def _plan_passes(shapes: Sequence[type[Shape]]) -> Passes:
    """Group the shapes into passes: a hook (or None), then fields by key, each key's fields in order.

    A hook starts a pass. A field on a key joins the earliest pass after every hook that may touch its key
    (a hook's :attr:`~normalize_engine.schema.Shape.touches`), every ``Derived`` field that reads it and
    every earlier field on it, so the keys a hook leaves alone are carried through in the passes before it.
    When a hook touches only paths inside the key (``HostConfig.NetworkMode``), a ``Nested``/``Each``/
    ``Values`` field on the key moves before it too, if it reads and writes none of them.
    A ``Derived`` field runs in the last pass, before the other fields of its shape; it starts a new pass
    when a field earlier in that pass touched a key it reads (or may read anything)."""
    passes: list[_Pass] = []
    for shape in shapes:
        hook = _hook(shape)
        if hook is not None or not passes:
            touches = None if shape.touches is None else _touched(tuple(shape.touches))
            passes.append(_Pass(hook, touches if hook is not None else {}))
        declared = shape.declared()
        derived = [(key, fld) for key, fld in declared if isinstance(fld, Derived)]
        if derived:
            declared = derived + [(key, fld) for key, fld in declared if not isinstance(fld, Derived)]
        for key, fld in declared:
            if isinstance(fld, Derived):
                last = passes[-1]
                if last.by_key and (fld.reads is None or not fld.reads.isdisjoint(last.by_key)):
                    last = _Pass(None, {})
                    passes.append(last)
                if last.reads is not None:
                    last.reads = None if fld.reads is None else last.reads | fld.reads
                last.by_key.setdefault(key, []).append(fld)
                continue
            index = len(passes) - 1
            while index > 0 and not passes[index].holds(key, fld):
                index -= 1
            passes[index].by_key.setdefault(key, []).append(fld)
    return [(p.hook, p.by_key) for p in passes]


_cached_passes = lru_cache(maxsize=4096)(_plan_passes)


def _merge(fields: list[_ChangeField]) -> list[_ChangeField | tuple[type, tuple[type[Shape], ...]]]:
    """Merge runs of ``Nested``/``Each``/``Values`` (exactly those classes) into one descent each."""
    out: list[_ChangeField | tuple[type, tuple[type[Shape], ...]]] = []
    for kind, run_ in itertools.groupby(fields, key=lambda f: type(f) if type(f) in _CONTAINERS else None):
        items = list(run_)
        if kind is None:
            out.extend(items)
        else:
            out.append((kind, tuple(f.shape for f in items)))  # type: ignore[attr-defined]
    return out


def _tracks(shapes: tuple[type[Shape], ...]) -> bool:
    """Whether a nested object may be changed again after it was copied: somewhere a level has hooks or
    several passes, and objects below it. Such a chain remembers its copies for the call (``mine``) and
    changes them in place later (the top level has its own flag, ``owned``)."""
    passes = _passes(shapes)
    descents = [
        op[1]
        for _, by_key in passes
        for fields in by_key.values()
        for op in _merge(fields)
        if isinstance(op, tuple)
    ]
    if descents and (len(passes) > 1 or passes[0][0] is not None):
        return True
    return any(_tracks(inner) for inner in descents)


# The names the code generator and the chain lookup use.
hook = _hook
passes = _passes
merge = _merge
touched = _touched
tracks = _tracks
