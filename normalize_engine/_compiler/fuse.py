"""The compiler: a sequence of shapes fused into one plain Python function.

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

It imports only the DSL (:mod:`normalize_engine.changes`): which changes to fuse is for the caller to
say (:mod:`normalize_engine._chains` looks them up in an engine's registry). Modules:
:mod:`.planning` (passes), :mod:`.codegen` (the source), :mod:`.literals`, :mod:`.reference` (the same
changes through marshmallow's ``load``).

The generated code keeps the semantics of running the changes' compiled forms one after the other, which
the test suite checks against marshmallow's ``Schema.load``
(:func:`~normalize_engine._compiler.reference.run_reference`) on every recorded answer.
"""

from __future__ import annotations

import itertools
import linecache
import weakref
from functools import lru_cache

from ..changes import Shape
from .codegen import Writer, emit_shape
from .planning import Step, tracks

__all__ = ["fuse", "fuse_many"]


def _generate(shapes: tuple[type[Shape], ...], many: bool = False) -> Step:
    w = Writer(fuse, track=tracks(shapes))
    w.own_shapes(shapes)
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
        emit_shape(w, shapes, "obj", "owned", 0, 3)
        w.add(2, 'except ShapeError as exc:\n    exc.where.insert(0, f"[{index}]")\n    raise')
        w.add(
            2,
            "if obj is not item:\n    if out is None:\n        out = document if inplace else list(document)",
        )
        w.add(3, "out[index] = obj")
        w.add(1, "return document if out is None else out")
    else:
        w.add(0, f"def {name}(obj, inplace=False):")
        emit_shape(w, shapes, "obj", "owned", 0, 1)
        w.add(1, "return obj")
    source = "\n".join(w.lines[:1] + prologue + w.lines[1:]) + "\n"
    namespace = w.names
    filename = f"<normalize_engine fused #{next(_serial)} {name}>"
    exec(compile(source, filename, "exec"), namespace)
    function: Step = namespace[name]
    _register_source(function, filename, source)
    function.__qualname__ = name
    function.__doc__ = ("Fused, on every item: " if many else "Fused: ") + ", ".join(
        s.__qualname__ for s in shapes
    )
    function._source = source  # type: ignore[attr-defined]  # for debugging: print(f._source)
    return function


_serial = itertools.count(1)


def _register_source(function: Step, filename: str, source: str) -> None:
    """Put the generated source in ``linecache`` (as attrs does), so that tracebacks, ``pdb`` and
    ``inspect.getsource`` show its lines; the entry goes when the function does."""
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    weakref.finalize(function, linecache.cache.pop, filename, None)


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
