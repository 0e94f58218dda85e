"""The public DSL of ``normalize_engine.schemas``: how a response change is declared.

Content (one module per API version in ``schemas/``, and later one folder per engine) imports this package
only::

    from normalize_engine.changes import Added, Change, Nested, Removed, Shape, own, edit
    from normalize_engine.changes.moby import short_id

::

    fields.py   Removed, Added, OmittedWhen, Replaced, Convert, Derived, MISSING
    shapes.py   Shape and Change (marshmallow schemas that declare only what changes), and the fields
                that descend into objects: Nested, Each, Values
    hooks.py    own() and edit(): the one idiom of ``migrate()`` hooks
    moby.py     pieces of the daemon's own logic that content replays (short_id, container_state...)


A change is a marshmallow schema. It declares only the fields that change, and passes every other key
through untouched (``unknown = INCLUDE``). Its class docstring is its user-facing description: the generated
change table (``docs/api-changes.md``, ``normalize-engine changes``) is made from it. The version a change
belongs to is the module it lives in (``schemas/v1_44.py`` holds what API 1.44 changed), and it carries a
response *from the version before to that version*.

The declarative fields cover the common cases::

    class ImageListVirtualSize(Change):
        '''`VirtualSize` is no longer sent; it equals `Size` on every daemon since Docker 1.10.'''

        endpoint = "images.list"
        VirtualSize = Removed()

A key derived from other keys of the object it is in is a :class:`Derived` field, which names what it
reads::

    class ContainerListHealth(Change):
        '''Container list items carry `Health`, read from their `Status` text.'''

        endpoint = "containers.list"
        Health = Derived(_health_from_status, reads=("Status",))

A key inside nested objects is one line: ``Nested``, ``Each`` and ``Values`` take the fields of the shape
they descend into, in place (a :class:`Shape` class too, when several changes share it)::

    class ContainerAliases(Change):
        '''`Aliases` holds only the aliases asked for.'''

        endpoint = "containers.inspect"
        NetworkSettings = Nested(Networks=Values(Aliases=Convert(_asked_for)))

and ``migrate()`` is the escape hatch for everything else (derivations that change several keys); its one
idiom is ``own()``/``edit()`` (see :mod:`.hooks`)::

    class ContainerDNSNames(Change):
        '''`DNSNames` is derived as the daemon builds it.'''

        endpoint = "containers.inspect"

        def migrate(self, data: dict) -> dict:
            if nothing_to_do(data):
                return data  # unchanged: the same object
            data = own(data)  # a copy, unless the library decoded the document itself
            networks = edit(edit(data, "NetworkSettings"), "Networks")  # the same for what it holds
            ...  # change them in place, return data

Every change is two things at once:

- a real marshmallow schema, so ``ContainerDNSNames().load(old)`` gives the next version's shape (the
  reference semantics, checked against the fast path by the test suite);
- a plan compiled once into plain Python (:meth:`Shape.compiled`), which is what ``normalize()`` runs:
  marshmallow's per-field machinery would cost several times ``json.loads`` on every API call.

Rules for ``migrate()``, ``Derived`` functions and custom fields: look at the shape you are given, not at
the version you were told (some daemons send new shapes to old API versions), be idempotent (a new shape
passes unchanged), and never mutate the input. A hook returns ``data`` itself when it has nothing to
change, else a dict of its own: ``own(data)`` and ``edit(obj, key)`` give what it may change in place (the
objects themselves when ``normalize()`` decoded the body and nothing else holds them, copies otherwise).

How the fields of one change and of consecutive changes run (the reference is marshmallow's ``load``, one
change after the other; the compiled chains fuse consecutive changes into one pass over each object, see
``normalize_engine._compiler``):

- ``migrate()`` runs first, on the object as the changes before left it; it is a barrier: the fields
  before it and after it never share a pass.
- Every other field but ``Derived`` reads and writes its own key only, so the fields of consecutive changes
  can run grouped by key in one pass: the result is the same as running them change after change.
- A ``Derived`` field reads other keys of its object: it sees them as the changes before its own left them,
  and before the other fields of its own change (marshmallow hands every field the input of its schema).
  In a fused pass it runs before the fields of its own change; it is a barrier (it starts a new pass) only
  when an earlier field of the same pass touched one of the keys it ``reads``, and always when ``reads`` is
  not given. Two ``Derived`` fields of one change cannot see each other's key: a field without ``reads``
  must be the only ``Derived`` one of its change, and ``reads`` may not name the key of another
  ``Derived`` field of the same change (:meth:`Shape.declared` refuses both).

For a body it decoded itself, ``normalize()`` runs the compiled chain *in place*: the declarative fields
then change the objects instead of copying them, and so do hooks through ``own()`` and ``edit()``, which
is why hooks need not know which way they are run.
"""

from __future__ import annotations

from .._context import Request, current_request
from .._errors import HookFailed, ShapeError
from .fields import KEPT, MISSING, Added, Convert, Derived, OmittedWhen, Removed, Replaced
from .hooks import edit, own, typed, typed_list
from .moby import is_user_defined_network, only_builtin_networks
from .shapes import Change, Each, Nested, Shape, Values, map_items, map_values
from .down import down_shapes  # noqa: I001  (after the shapes it builds on)

__all__ = [
    "KEPT",
    "MISSING",
    "Added",
    "Change",
    "Convert",
    "Derived",
    "Each",
    "HookFailed",
    "Nested",
    "OmittedWhen",
    "Removed",
    "Replaced",
    "Request",
    "Shape",
    "ShapeError",
    "Values",
    "current_request",
    "down_shapes",
    "edit",
    "is_user_defined_network",
    "map_items",
    "map_values",
    "only_builtin_networks",
    "own",
    "typed",
    "typed_list",
]
