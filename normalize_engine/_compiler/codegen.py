"""Code generation: the source of one fused pass over an object, field by field (see :mod:`.fuse`)."""

from __future__ import annotations

import itertools
from typing import Any

from ..changes import (
    Added,
    Convert,
    Derived,
    Each,
    Nested,
    OmittedWhen,
    Removed,
    Replaced,
    Shape,
)
from .literals import default as _default
from .literals import empty_test as _empty_test
from .literals import match as _match
from .planning import merge, passes
from .writer import Writer, member_label, shape_of
from .writer import ident as _ident

__all__ = ["MAX_INLINE_DEPTH", "Writer", "emit_shape"]

_QUIET = (Removed, Added, OmittedWhen, Replaced)  # their generated code cannot raise ShapeError
_GUARDED_RUN = 4  # a run of at least this many keys that are only added gets one test for all of them


def _is_added(ops: list[Any]) -> bool:
    return len(ops) == 1 and type(ops[0]) is Added


MAX_INLINE_DEPTH = 6  # deeper descents call a fused function of their own


def _own(w: Writer, var: str, owned: str, depth: int, indent: int) -> str:
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


def emit_shape(
    w: Writer,
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
    for index, (hook, by_key) in enumerate(passes(shapes)):
        if hook is not None:
            shape = type(getattr(hook, "__self__", None))
            w.context = w.owner(shape)[1]
            w.add(ind, f"# {w.label(shape)}: migrate()")
            h = w.const(hook, "migrate")
            # A hook returns its input, or a dict of its own (see Shape.migrate): the fields may change it.
            w.guarded(ind, f"n = {h}({var})", member_label(shape_of(hook, shapes), "migrate"), var)
            w.add(ind, f"if n is not {var}:\n    {var} = n\n    {owned} = True")
            if index:
                w.add(ind + 1, f'if type({var}) is not dict:\n    raise ShapeError("an object", {var})')
        groups = [(key, merge(fields)) for key, fields in by_key.items()]
        for added, run_ in itertools.groupby(groups, key=lambda group: _is_added(group[1])):
            items = list(run_)
            at = ind
            if added and len(items) >= _GUARDED_RUN:
                # Most answers already have every key of a run of additions (and newer daemons send them
                # all): one C-level subset test skips the run's checks, key by key.
                w.context = ""
                keys = w.const(frozenset(key for key, _ in items), "added_keys")
                w.add(ind, f"if not {var}.keys() >= {keys}:")
                at = ind + 1
                # A key of the run is missing, so the object changes: it is owned once, before the run,
                # and each addition is two lines (less code to compile when a chain is first planned).
                w.add(at, _own(w, var, owned, depth, 0))
                for key, ops in items:
                    added_field = ops[0]
                    assert type(added_field) is Added  # the run is of additions only (_is_added)
                    w.context = w.owner(added_field)[1]
                    w.comment(at, key, ops)
                    value = _default(w, added_field.default)
                    w.add(at, f"if {key!r} not in {var}:\n    {var}[{key!r}] = {value}")
                continue
            for key, ops in items:
                w.context = w.owner(ops[0])[1]
                w.comment(at, key, _effective(ops))
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


def _emit_field(w: Writer, key: str, ops: list[Any], var: str, owned: str, depth: int, ind: int) -> None:
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
        derive = w.const(op.derive, f"derive_{_ident(key)}")
        w.add(ind, f"if {k} not in {var}:")
        w.guarded(ind + 1, f"new = {derive}({var})", w.failure_label(op, key), var)
        w.add(ind + 1, "if new is not MISSING:")
        w.add(ind + 2, f"{_own(w, var, owned, depth, 0)}{var}[{k}] = new")
        return
    if type(op) is Convert:
        convert = w.const(op.convert, f"convert_{_ident(key)}")
        w.add(ind, f"if {k} in {var}:\n    old = {var}[{k}]")
        w.guarded(ind + 1, f"new = {convert}(old)", w.failure_label(op, key), "old")
        w.add(
            ind + 1,
            "if new is not old and not (type(new) is type(old) and type(new) in _SCALARS and new == old):",
        )
        w.add(ind, _own(w, var, owned, depth, 2))
        w.add(ind + 2, _set_or_delete(var, k, "new"))
        return
    # Anything else (a custom field class): through the field object.
    _emit_value_run(w, k, ops, var, owned, depth, ind)


def _effective(ops: list[Any]) -> list[Any]:
    """The fields of one key whose code is written (see :func:`_emit_field`), for its comment."""
    if len(ops) == 1:
        return ops
    out: list[Any] = []
    for _, run_ in itertools.groupby(ops, key=lambda op: type(op) is Derived):
        out.extend(_after_removal(list(run_)))
    return out


def _after_removal(ops: list[Any]) -> list[Any]:
    """``ops`` from the last ``Removed`` on, when only quiet fields come before it: whatever they do to the
    value, the removal drops it (``OmittedWhen(0)`` then ``Removed()`` is ``Removed()``)."""
    last = max((i for i, op in enumerate(ops) if type(op) is Removed), default=0)
    if last and all(type(op) in _QUIET for op in ops[:last]):
        return ops[last:]
    return ops


_BUILTIN = frozenset({Removed, Added, OmittedWhen, Replaced, Convert})


def _is_custom(op: Any) -> bool:
    return not isinstance(op, tuple) and type(op) not in _BUILTIN


def _emit_value_run(w: Writer, k: str, ops: list[Any], var: str, owned: str, depth: int, ind: int) -> None:
    """Fields on one key (no ``Derived`` among them) carried through on a local value, ``MISSING`` for an
    absent key, and written back once if it changed."""
    x, x0 = f"x{depth}", f"x{depth}o"
    w.add(ind, f"{x0} = {x} = {var}.get({k}, MISSING)")
    for custom, run_ in itertools.groupby(
        ops, key=lambda op: not isinstance(op, tuple) and type(op) not in _BUILTIN
    ):
        items = list(run_)
        if custom:
            labels = "; ".join(w.failure_label(op, k.strip("'")) for op in items)
            slot = w.const(tuple(items), f"fields_{_ident(k)}")
            w.guarded(ind, f"{x} = _slot({slot}, {x})", labels, x)
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
                convert = w.const(op.convert, f"convert_{_ident(k)}")
                w.add(ind, f"if {x} is not MISSING:")
                w.guarded(ind + 1, f"{x} = {convert}({x})", w.failure_label(op, k.strip("'")), x)
    w.add(
        ind,
        f"if {x} is not {x0} and not (type({x}) is type({x0}) and type({x}) in _SCALARS and {x} == {x0}):",
    )
    w.add(ind, _own(w, var, owned, depth, 1))
    w.add(ind + 1, _set_or_delete(var, k, x))


def _set_or_delete(var: str, k: str, new: str) -> str:
    return f"if {new} is MISSING:\n    del {var}[{k}]\nelse:\n    {var}[{k}] = {new}"


def _emit_descent(
    w: Writer,
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
    if d > MAX_INLINE_DEPTH:
        apply = w.const(w.fuse(shapes), f"fused_{_ident(k)}")

        def body(at: int, checked: bool = False) -> None:
            w.add(at, f"{o} = {apply}({o})")  # the fused function tests the type itself

    else:

        def body(at: int, checked: bool = False) -> None:
            emit_shape(w, shapes, o, ow, d, at, checked)

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
