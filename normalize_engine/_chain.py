"""Chains: the changes from a source version to a target, for one endpoint, fused into one function.

A chain is declared as a sequence of marshmallow schemas (one :class:`~normalize_engine.schema.Change` per
change, oldest first). Running them one after the other costs one pass, and one copy of every object they
touch, per change. :func:`fuse` turns a sequence of shapes into one plain Python function, generated once
per (endpoint, source, target) and cached:

- the declarative fields of consecutive changes are merged into one pass: ``migrate()`` hooks are
  barriers, since a hook may read anything, except for what its ``touches`` leaves out (keys, or paths
  inside them): fields of that run in a pass before it. Fields of one pass touch one key each, so they may
  be grouped by key; ``Nested``/``Each``/``Values`` of the same key merge into one descent whose shape is
  the fusion of theirs, so a nested object touched by several changes is copied once;
- a ``Derived`` field writes one key but reads others (its ``reads``). It runs before the other fields of
  its change (marshmallow hands every field the input of its schema), in its key's group, so after the
  earlier changes' fields of that key. It must see the keys it reads as the earlier changes left them and
  before any later field changes them: when a field earlier in the pass touched one of them (or when
  ``reads`` is not given: it may read anything), it starts a new pass, a barrier; otherwise the keys it
  reads have no group yet in the pass, so their groups, made later, run after it;
- every field kind gets straight-line code (``if "VirtualSize" in obj: ...``) instead of a call through
  the field object, and an object is copied only when something in it changes, at most once per pass;
- several fields on one key run one after the other, each inline; a field whose class is not one of the
  built-in ones goes through its own ``upgrade()``/``absent()``.

The generated code keeps the semantics of running the changes' compiled forms one after the other, which
the test suite checks against marshmallow's ``Schema.load`` (:func:`run_reference`) on every recorded answer.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from packaging.version import Version

from ._errors import NormalizeError
from .schema import (
    MISSING,
    Added,
    Convert,
    Derived,
    Each,
    HookFailed,
    Nested,
    OmittedWhen,
    Removed,
    Replaced,
    Shape,
    ShapeError,
    Values,
    _ChangeField,
    _owned,
)

if TYPE_CHECKING:
    from .schema import Change

__all__ = ["Step", "chain", "fuse", "fuse_many", "run", "run_reference", "runner", "steps"]

Step = Callable[..., Any]  # (document, inplace=False) -> document

_SCALARS = frozenset({str, int, float, bool})
_CONTAINERS = (Nested, Each, Values)


# ------------------------------------------------------------------------------------------ helpers
# (called by the generated code)


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


# ------------------------------------------------------------------------------------------ planning


def _hook(shape: type[Shape]) -> Step | None:
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


def _passes(shapes: Sequence[type[Shape]]) -> list[tuple[Step | None, dict[str, list[_ChangeField]]]]:
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


# ------------------------------------------------------------------------------------------ code


class _Writer:
    """Collects the generated source and the objects it refers to by name."""

    def __init__(self, track: bool = False) -> None:
        self.track = track  # remember the copies made in the call, in ``mine`` (see _tracks)
        self.names: dict[str, Any] = dict(_HELPERS)
        self.lines: list[str] = []
        self._ids = itertools.count()
        self.owners: dict[int, type[Shape]] = {}  # id of a field -> the shape that declares it

    def own_fields(self, shapes: tuple[type[Shape], ...]) -> None:
        for shape in shapes:
            for _, fld in shape.declared():
                self.owners.setdefault(id(fld), shape)

    def label(self, fld: _ChangeField, key: str) -> str:
        """What a field's function is, for messages: ``EventScope.scope, a Derived field (...)``."""
        shape = self.owners.get(id(fld))
        kind = type(fld).__name__
        return f"{key}, a {kind} field" if shape is None else _label(shape, f"{key}, a {kind} field")

    def guarded(self, indent: int, call: str, label: str, got: str) -> None:
        """``call`` (a statement calling a hand-written function), with anything it raises but a
        ShapeError (and the like, ``_PASSED``) turned into a HookFailed naming ``label`` and ``got``."""
        what = self.const(label, "label")
        self.add(
            indent,
            f"try:\n    {call}\nexcept _PASSED:\n    raise\n"
            f"except Exception as exc:\n    raise HookFailed({what}, exc, {got}) from exc",
        )

    def const(self, value: Any, stem: str = "c") -> str:
        name = f"{stem}{next(self._ids)}"
        self.names[name] = value
        return name

    def add(self, indent: int, text: str) -> None:
        self.lines.extend("    " * indent + line for line in text.splitlines())


def _shape_of(hook: Step, shapes: tuple[type[Shape], ...]) -> type[Shape]:
    """The shape whose ``migrate()`` ``hook`` is (a bound method of an instance of it)."""
    owner = type(getattr(hook, "__self__", None))
    return next((shape for shape in shapes if shape is owner), shapes[0])


def _label(shape: type[Shape], member: str) -> str:
    """What failed, for messages: ``ContainerDNSNames.migrate (schemas/v1_44.py)``."""
    module = shape.__module__
    where = f"schemas/{module.rpartition('.')[2]}.py" if ".schemas." in f".{module}" else module
    return f"{shape.__qualname__}.{member} ({where})"


_QUIET = (Removed, Added, OmittedWhen, Replaced)  # their generated code cannot raise ShapeError
_GUARDED_RUN = 4  # a run of at least this many keys that are only added gets one test for all of them


def _is_added(ops: list[Any]) -> bool:
    return len(ops) == 1 and type(ops[0]) is Added


_MAX_INLINE_DEPTH = 6  # deeper descents call a fused function of their own


def _own(w: _Writer, var: str, owned: str, depth: int, indent: int) -> str:
    """Copy ``var`` before its first change in this pass (it may be shared with the input). A tracking
    chain looks, at that point only, whether a nested object is a copy of this call already (an earlier
    pass's, or a hook's), and remembers the copies it makes, so that later passes and hooks of the call
    change them in place. The top level's flag says it all (a hook's copy sets it)."""
    pad = "    " * indent
    if w.track and depth:
        return (
            f"{pad}if not {owned}:\n{pad}    if id({var}) not in mine:\n{pad}        {var} = dict({var})\n"
            f"{pad}        mine.add(id({var}))\n{pad}    {owned} = True\n"
        )
    remember = f"{pad}    mine.add(id({var}))\n" if w.track else ""
    return f"{pad}if not {owned}:\n{pad}    {var} = dict({var})\n{remember}{pad}    {owned} = True\n"


def _emit_shape(
    w: _Writer,
    shapes: tuple[type[Shape], ...],
    var: str,
    owned: str,
    depth: int,
    ind: int,
    checked: bool = False,
) -> None:
    """Code that carries the object in ``var`` through ``shapes``, replacing ``var`` when it changes
    (``checked``: the caller's code has made sure it is a dict)."""
    # The object is the caller's, or the library's own (inplace); a nested one may also be a copy this call
    # made already, which a tracking chain finds out before its first change (see _own).
    if not checked:
        w.add(ind, f'if type({var}) is not dict:\n    raise ShapeError("an object", {var})')
    w.add(ind, f"{owned} = inplace")
    w.own_fields(shapes)
    for index, (hook, by_key) in enumerate(_passes(shapes)):
        if hook is not None:
            h = w.const(hook, "hook")
            # A hook returns its input, or a dict of its own (see Shape.migrate): the fields may change it.
            w.guarded(ind, f"n = {h}({var})", _label(_shape_of(hook, shapes), "migrate"), var)
            w.add(ind, f"if n is not {var}:\n    {var} = n\n    {owned} = True")
            if index:
                w.add(ind + 1, f'if type({var}) is not dict:\n    raise ShapeError("an object", {var})')
        groups = [(key, _merge(fields)) for key, fields in by_key.items()]
        for added, run_ in itertools.groupby(groups, key=lambda group: _is_added(group[1])):
            items = list(run_)
            at = ind
            if added and len(items) >= _GUARDED_RUN:
                # Most answers already have every key of a run of additions (and newer daemons send them
                # all): one C-level subset test skips the run's checks, key by key.
                keys = w.const(frozenset(key for key, _ in items), "keys")
                w.add(ind, f"if not {var}.keys() >= {keys}:")
                at = ind + 1
            for key, ops in items:
                quiet = all(type(op) in _QUIET for op in ops)
                body = at if quiet else at + 1
                if not quiet:
                    w.add(at, "try:")
                _emit_field(w, key, ops, var, owned, depth, body)
                if not quiet and all(type(op) is Derived for op in ops):
                    # A Derived field reads its object: an error it found says where, or is at its key; a
                    # failure of its function is on the object.
                    w.add(
                        at,
                        "except ShapeError as exc:\n    if not exc.where and type(exc) is ShapeError:\n"
                        f"        exc.where.insert(0, {'.' + key!r})\n    raise",
                    )
                elif not quiet:
                    w.add(at, f"except ShapeError as exc:\n    exc.where.insert(0, {'.' + key!r})\n    raise")


def _emit_field(w: _Writer, key: str, ops: list[Any], var: str, owned: str, depth: int, ind: int) -> None:
    """The code of one key's fields, in one pass over the object in ``var``."""
    k = repr(key)
    if len(ops) > 1:
        # Runs of fields go through a local value, written back once (and not at all when they cancel
        # out, e.g. a key removed and added back with its value); a Derived field reads the object, so
        # the runs before it are written back first.
        for is_derived, run_ in itertools.groupby(ops, key=lambda op: type(op) is Derived):
            items = _after_removal(list(run_))
            # Additions and descents never cancel out: each in turn, on the object, costs less.
            if is_derived or len(items) == 1 or all(type(op) is Added or type(op) is tuple for op in items):
                for op in items:
                    _emit_field(w, key, [op], var, owned, depth, ind)
            else:
                _emit_value_run(w, k, items, var, owned, depth, ind)
        return
    op = ops[0]
    if isinstance(op, tuple):
        kind, shapes = op
        _emit_descent(w, kind, shapes, k, var, owned, depth + 1, ind)
        return
    if type(op) is Removed:
        w.add(ind, f"if {k} in {var}:\n{_own(w, var, owned, depth, 1)}    del {var}[{k}]")
        return
    if type(op) is Added:
        value = _default(w, op.default)
        w.add(ind, f"if {k} not in {var}:\n{_own(w, var, owned, depth, 1)}    {var}[{k}] = {value}")
        return
    if type(op) is OmittedWhen:
        test = _empty_test(w, op, "v")
        if test:
            w.add(ind, f"if {k} in {var}:\n    v = {var}[{k}]\n    if {test}:")
            w.add(ind, f"{_own(w, var, owned, depth, 2)}        del {var}[{k}]")
        return
    if type(op) is Replaced:
        w.add(ind, f"if {k} in {var}:\n    v = {var}[{k}]\n    if {_match(w, op.old, 'v')}:")
        w.add(ind, f"{_own(w, var, owned, depth, 2)}        {var}[{k}] = {_default(w, op.new)}")
        return
    if type(op) is Derived:
        derive = w.const(op.derive, "derive")
        w.add(ind, f"if {k} not in {var}:")
        w.guarded(ind + 1, f"new = {derive}({var})", w.label(op, key), var)
        w.add(ind + 1, "if new is not MISSING:")
        w.add(ind + 2, f"{_own(w, var, owned, depth, 0)}{var}[{k}] = new")
        return
    if type(op) is Convert:
        convert = w.const(op.convert, "conv")
        w.add(ind, f"if {k} in {var}:\n    old = {var}[{k}]")
        w.guarded(ind + 1, f"new = {convert}(old)", w.label(op, key), "old")
        w.add(
            ind + 1,
            "if new is not old and not (type(new) is type(old) and type(new) in _SCALARS and new == old):",
        )
        w.add(ind, _own(w, var, owned, depth, 2))
        w.add(ind + 2, _set_or_delete(var, k, "new"))
        return
    # Anything else (a custom field class): through the field object.
    _emit_value_run(w, k, ops, var, owned, depth, ind)


def _after_removal(ops: list[Any]) -> list[Any]:
    """``ops`` from the last ``Removed`` on, when only quiet fields come before it: whatever they do to the
    value, the removal drops it (``OmittedWhen(0)`` then ``Removed()`` is ``Removed()``)."""
    last = max((i for i, op in enumerate(ops) if type(op) is Removed), default=0)
    if last and all(type(op) in _QUIET for op in ops[:last]):
        return ops[last:]
    return ops


def _default(w: _Writer, default: Any) -> str:
    """An expression for a new copy of ``default`` (shared when immutable)."""
    if default == [] and type(default) is list:
        return "[]"
    if default == {} and type(default) is dict:
        return "{}"
    if isinstance(default, dict | list):
        if _is_literal(default):
            return repr(default)  # a display builds a new copy each time, faster than deepcopy
        return f"deepcopy({w.const(default)})"
    return w.const(default)


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


def _match(w: _Writer, value: Any, v: str) -> str:
    """A test that ``v`` is ``value``: equal, and of its type (``0`` is not ``False``)."""
    if value is None:
        return f"{v} is None"
    return f"(type({v}) is {w.const(type(value), 't')} and {v} == {w.const(value)})"


def _empty_test(w: _Writer, op: OmittedWhen, v: str) -> str:
    return " or ".join(_match(w, empty, v) for empty in op.empties)


_BUILTIN = frozenset({Removed, Added, OmittedWhen, Replaced, Convert})


def _is_custom(op: Any) -> bool:
    return not isinstance(op, tuple) and type(op) not in _BUILTIN


def _emit_value_run(w: _Writer, k: str, ops: list[Any], var: str, owned: str, depth: int, ind: int) -> None:
    """Fields on one key (no ``Derived`` among them) carried through on a local value, ``MISSING`` for an
    absent key, and written back once if it changed."""
    x, x0 = f"x{depth}", f"x{depth}o"
    w.add(ind, f"{x0} = {x} = {var}.get({k}, MISSING)")
    for custom, run_ in itertools.groupby(
        ops, key=lambda op: not isinstance(op, tuple) and type(op) not in _BUILTIN
    ):
        items = list(run_)
        if custom:
            labels = "; ".join(w.label(op, k.strip("'")) for op in items)
            w.guarded(ind, f"{x} = _slot({w.const(tuple(items), 'fields')}, {x})", labels, x)
            continue
        for op in items:
            if isinstance(op, tuple):
                kind, shapes = op
                _emit_descent(w, kind, shapes, k, var, owned, depth + 1, ind, into=x)
            elif type(op) is Removed:
                w.add(ind, f"{x} = MISSING")
            elif type(op) is Added:
                w.add(ind, f"if {x} is MISSING:\n    {x} = {_default(w, op.default)}")
            elif type(op) is OmittedWhen:
                test = _empty_test(w, op, x)
                if test:
                    w.add(ind, f"if {x} is not MISSING and ({test}):\n    {x} = MISSING")
            elif type(op) is Replaced:
                w.add(ind, f"if {_match(w, op.old, x)}:\n    {x} = {_default(w, op.new)}")
            else:  # Convert
                w.add(ind, f"if {x} is not MISSING:")
                label = w.label(op, k.strip("'"))
                w.guarded(ind + 1, f"{x} = {w.const(op.convert, 'conv')}({x})", label, x)
    w.add(
        ind,
        f"if {x} is not {x0} and not (type({x}) is type({x0}) and type({x}) in _SCALARS and {x} == {x0}):",
    )
    w.add(ind, _own(w, var, owned, depth, 1))
    w.add(ind + 1, _set_or_delete(var, k, x))


def _set_or_delete(var: str, k: str, new: str) -> str:
    return f"if {new} is MISSING:\n    del {var}[{k}]\nelse:\n    {var}[{k}] = {new}"


def _emit_descent(
    w: _Writer,
    kind: type,
    shapes: tuple[type[Shape], ...],
    k: str,
    var: str,
    owned: str,
    d: int,
    ind: int,
    into: str | None = None,
) -> None:
    """A ``Nested``, ``Each`` or ``Values`` descent into ``var[k]``, inlined down to a few levels; with
    ``into``, into the value of that local variable instead (``MISSING``: absent), which gets the result."""
    o, r, ow, lst, out, i = f"o{d}", f"r{d}", f"w{d}", f"l{d}", f"out{d}", f"i{d}"
    if d > _MAX_INLINE_DEPTH:
        apply = w.const(fuse(shapes), "f")

        def body(at: int, checked: bool = False) -> None:
            w.add(at, f"{o} = {apply}({o})")  # the fused function tests the type itself

    else:

        def body(at: int, checked: bool = False) -> None:
            _emit_shape(w, shapes, o, ow, d, at, checked)

    def get(x: str) -> str:  # from the local value ``into`` (MISSING: absent)
        return f"if {into} is not MISSING:\n    {x} = {into}"

    def put(x: str) -> str:
        return f"{_own(w, var, owned, d - 1, 0)}{var}[{k}] = {x}" if into is None else f"{into} = {x}"

    if kind is Nested:
        if into is None:
            # One look-up, and one type test on the way in (an absent key and null both give None).
            w.add(ind, f"{o} = {r} = {var}.get({k})\nif type({o}) is dict:")
            body(ind + 1, checked=True)
            w.add(ind + 1, f"if {o} is not {r}:")
            w.add(ind + 2, put(o))
            w.add(ind, f'elif {o} is not None:\n    raise ShapeError("an object", {o})')
        else:
            w.add(ind, get(f"{o} = {r}") + f"\n    if {o} is not None:")
            body(ind + 2)
            w.add(ind + 2, f"if {o} is not {r}:")
            w.add(ind + 3, put(o))
        return
    if kind is Each:
        copy_, refuse = "list", f'raise ShapeError("an array", {lst})'
        loop, where = f"for {i}, {o} in enumerate({lst}):", f'f"[{{{i}}}]"'
    else:
        copy_, refuse = "dict", f'raise ShapeError("an object", {lst})'
        loop, where = f"for {i}, {o} in {lst}.items():", f'f"[{{{i}!r}}]"'
    ours = f"inplace or id({lst}) in mine" if w.track else "inplace"
    remember = f"        mine.add(id({out}))\n" if w.track else ""
    if into is None:
        # As for Nested: one look-up and one type test on the way in.
        at = ind + 1
        w.add(ind, f"{lst} = {var}.get({k})\nif type({lst}) is {copy_}:")
        w.add(at, f"{out} = None\n{loop}\n    if {o} is None:\n        continue\n    {r} = {o}\n    try:")
    else:
        at = ind + 2
        w.add(ind, get(lst) + f"\n    if {lst} is not None:")
        w.add(at, f"if type({lst}) is not {copy_}:\n    {refuse}")
        w.add(at, f"{out} = None\n{loop}\n    if {o} is None:\n        continue\n    {r} = {o}\n    try:")
    body(at + 2)
    w.add(at + 1, f"except ShapeError as exc:\n    exc.where.insert(0, {where})\n    raise")
    w.add(
        at + 1,
        f"if {o} is not {r}:\n    if {out} is None:\n        {out} = {lst} if {ours} else {copy_}({lst})\n"
        f"{remember}    {out}[{i}] = {o}",
    )
    w.add(at, f"if {out} is not None:")
    w.add(at + 1, put(out))
    if into is None:
        w.add(ind, f"elif {lst} is not None:\n    {refuse}")


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


def _generate(shapes: tuple[type[Shape], ...], many: bool = False) -> Step:
    w = _Writer(track=_tracks(shapes))
    name = ("fused_many_" if many else "fused_") + "_".join(s.__name__ for s in shapes)[:200]
    if w.track:
        # The copies hooks make (own(), edit()) are in the call's set; outside normalize() (or for a body
        # the library owns, where nothing is copied) a set of the function's own.
        w.add(1, "mine = _owned()\nif type(mine) is not set:\n    mine = set()")
        prologue = w.lines[:]
        w.lines.clear()
    else:
        prologue = []
    if many:
        # The loop of a list endpoint is generated too: one call per answer, not one per item.
        w.add(0, f"def {name}(document, inplace=False):")
        w.add(1, 'if type(document) is not list:\n    raise ShapeError("an array", document)\nout = None')
        w.add(1, "for index, obj in enumerate(document):\n    item = obj\n    try:")
        _emit_shape(w, shapes, "obj", "owned", 0, 3)
        w.add(2, 'except ShapeError as exc:\n    exc.where.insert(0, f"[{index}]")\n    raise')
        w.add(
            2,
            "if obj is not item:\n    if out is None:\n        out = document if inplace else list(document)",
        )
        w.add(3, "out[index] = obj")
        w.add(1, "return document if out is None else out")
    else:
        w.add(0, f"def {name}(obj, inplace=False):")
        _emit_shape(w, shapes, "obj", "owned", 0, 1)
        w.add(1, "return obj")
    source = "\n".join(w.lines[:1] + prologue + w.lines[1:]) + "\n"
    namespace = w.names
    exec(compile(source, f"<normalize_engine fused {name}>", "exec"), namespace)
    function: Step = namespace[name]
    function.__qualname__ = name
    function.__doc__ = ("Fused, on every item: " if many else "Fused: ") + ", ".join(
        s.__qualname__ for s in shapes
    )
    function._source = source  # type: ignore[attr-defined]  # for debugging: print(f._source)
    return function


@lru_cache(maxsize=1024)
def fuse(shapes: tuple[type[Shape], ...]) -> Step:
    """One function ``old -> new`` that applies ``shapes`` one after the other, fused into as few passes as
    their ``migrate()`` hooks allow. It never mutates its input and returns it when nothing changes; called
    with ``inplace=True`` it may change the objects it is given instead of copying them, for documents the
    library decoded itself (nothing else holds them)."""
    return _generate(tuple(shapes))


@lru_cache(maxsize=1024)
def fuse_many(shapes: tuple[type[Shape], ...]) -> Step:
    """As :func:`fuse`, on every item of an array (a list endpoint's answer): the same array back when no
    item changed (and the input is not the library's own)."""
    return _generate(tuple(shapes), many=True)


# ------------------------------------------------------------------------------------------ chains


def _changes(endpoint: str, source: Version | None, target: Version) -> tuple[type[Change], ...]:
    from ._registry import REGISTRY

    return REGISTRY.changes_between(endpoint, source, target)


@lru_cache(maxsize=4096)
def steps(endpoint: str, source: Version | None, target: Version) -> tuple[Step, ...]:
    """The changes' own compiled steps, oldest first, unfused (for comparisons and debugging)."""
    return tuple(change.compiled() for change in _changes(endpoint, source, target))


@lru_cache(maxsize=4096)
def chain(endpoint: str, source: Version | None, target: Version) -> Step | None:
    """The fused chain of one document of ``endpoint``; None when there is nothing to change."""
    changes = _changes(endpoint, source, target)
    return fuse(changes) if changes else None


@lru_cache(maxsize=4096)
def runner(endpoint: str, is_list: bool, source: Version | None, target: Version) -> Step | None:
    """What to run on a whole answer: the fused chain, over every item for list endpoints."""
    if not is_list:
        return chain(endpoint, source, target)
    changes = _changes(endpoint, source, target)
    return fuse_many(changes) if changes else None


def run(steps_: tuple[Step, ...], document: Any) -> Any:
    for step in steps_:
        document = step(document)
    return document


def run_reference(endpoint: str, source: Version | None, target: Version, document: Any) -> Any:
    """The same chain run through marshmallow's ``Schema.load``, one version after the other.

    This is the reference semantics of the schemas; the test suite checks that :func:`chain` agrees with it.
    """
    for change in _changes(endpoint, source, target):
        document = change().load(document)
    return document
