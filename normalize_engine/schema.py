"""The building blocks of ``normalize_engine.schemas``: how a response change is declared.

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

and ``migrate()`` is the escape hatch for everything else (derivations that change several keys)::

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
``normalize_engine._chain``):

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

import copy
import itertools
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from marshmallow import INCLUDE, Schema, ValidationError, fields, missing, pre_load

__all__ = [
    "MISSING",
    "Added",
    "Change",
    "Convert",
    "Derived",
    "Each",
    "Nested",
    "OmittedWhen",
    "Removed",
    "Replaced",
    "Request",
    "Shape",
    "Values",
    "current_request",
    "edit",
    "is_user_defined_network",
    "only_builtin_networks",
    "own",
    "typed",
    "typed_list",
]

#: What a field's upgrade returns to say "no such key in the result".
MISSING: Any = missing


@dataclass(frozen=True)
class Request:
    """What is known about the request whose response is being normalised."""

    method: str = "GET"
    path: str = "/"
    query: str = ""
    params: tuple[str, ...] = ()  # the path parameters, e.g. the container id of /containers/{id}/json
    source: str | None = None  # the source API version, None when unknown
    target: str = ""


_NO_REQUEST = Request()
_REQUEST: ContextVar[Request] = ContextVar("normalize_engine_request", default=_NO_REQUEST)


def current_request() -> Request:
    """The request being normalised, for ``migrate()`` methods that need it (stats take ``id`` from it)."""
    return _REQUEST.get()


# What a hook may change in place while a chain runs: True for a document the library decoded itself
# (nothing else holds its objects), else the ids of the copies hooks made for this call; None outside a
# chain: copy always. An id in the set is that of a copy of this call, or of an object made in this call
# after that copy was dropped: never of one of the caller's objects, which all outlive the call.
_OWNED: ContextVar[set[int] | bool | None] = ContextVar("normalize_engine_owned", default=None)
_owned = _OWNED.get


def _copy(value: Any, owned: set[int] | bool | None) -> Any:
    """``value`` (a dict or list) for the running chain, which does not own the document: ``value`` itself
    if a hook of this call copied it already, else a shallow copy, remembered for the call."""
    if owned is None or owned is False:
        return type(value)(value)
    if id(value) in owned:  # type: ignore[operator]
        return value
    value = type(value)(value)
    owned.add(id(value))  # type: ignore[union-attr]
    return value


def own(data: dict[str, Any]) -> dict[str, Any]:
    """``data``, for a ``migrate()`` hook to change in place: the object itself when the library owns it
    (it decoded the body, or a hook of the same call copied it already), else a shallow copy. Call it once
    there is something to change."""
    owned = _owned()
    return data if owned is True else _copy(data, owned)


def edit(data: dict[str, Any], key: str) -> Any:
    """The object or array at ``data[key]``, to change in place: put back into ``data`` as a shallow copy
    unless the library owns it (as :func:`own`). ``data`` must be a hook's own (from :func:`own` or
    ``edit``); anything else at ``key`` (a string, a number, null) is returned as it is."""
    value = data[key]
    owned = _owned()
    if owned is True or (type(value) is not dict and type(value) is not list):
        return value
    taken = _copy(value, owned)
    if taken is not value:
        data[key] = taken
    return taken


class ShapeError(Exception):
    """A value is not of the type its endpoint's shape has there. Carries where, for the message."""

    def __init__(self, expected: str, got: Any) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got
        self.where: list[str] = []

    def describe(self) -> str:
        where = "".join(self.where) or "the top level"
        kind = _json_type(self.got)
        return f"expected {self.expected} at {where}, got {kind}"


class HookFailed(ShapeError):
    """A hand-written hook (``migrate()``, a ``Derived`` or ``Convert`` function, a custom field) raised
    something else than :class:`ShapeError`: a bug in the hook, which assumed a type the body does not
    have. The compiled chains raise it in place of the builtin, so that ``normalize()`` can say which change
    failed, where, and on what, instead of letting a ``TypeError`` escape; ``error`` is the original."""

    def __init__(self, change: str, error: BaseException, got: Any) -> None:
        super().__init__(change, got)
        self.change = change
        self.error = error

    def describe(self) -> str:
        where = "".join(self.where) or "the top level"
        return (
            f"{self.change} failed on {_json_type(self.got)} at {where} ({_excerpt(self.got)}) with "
            f"{type(self.error).__name__}: {self.error}. This is a bug in normalize-engine (a hook assumed a "
            "type the body does not have there): please report it with this message"
        )


def _excerpt(value: Any) -> str:
    """What ``value`` is, for messages, without its values (bodies may hold secrets: ``Config.Env``): the
    keys of an object (a few), the length of an array or a string."""
    if type(value) is dict:
        keys = [repr(key)[:40] for key in itertools.islice(value, 6)]
        more = ", ..." if len(value) > 6 else ""
        return f"keys {', '.join(keys)}{more}" if keys else "no keys"
    if type(value) is list or type(value) is str:
        return f"{len(value)} {'items' if type(value) is list else 'characters'}"
    return "a value"


_KIND_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    dict: "an object",
    list: "an array",
}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    """``isinstance`` for JSON values, where a boolean is not a number (``True`` is no ``int`` here)."""
    if type(value) is bool:
        return bool in kind if isinstance(kind, tuple) else kind is bool
    return isinstance(value, kind)


def _where(at: tuple[str | int, ...]) -> list[str]:
    return [f"[{part}]" if type(part) is int else f".{part}" for part in at]


def typed(
    obj: Mapping[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    default: Any = None,
    *,
    at: tuple[str | int, ...] = (),
) -> Any:
    """``obj[key]`` for a hook that needs it to be a ``kind`` (``str``, ``dict``, ``(int, float)``, ...):
    the value when it is one, ``default`` when the key is absent or null.

    Hooks read values of the body with it instead of assuming their type: a body that holds something else
    there is not of its endpoint's shape, and the hook says so as the declarative fields do.

    :param at: the path of ``obj`` inside the object the hook was given, for the message
        (``("NetworkSettings", "Networks", name)``).
    :raises ShapeError: the value is of another type (``normalize()`` raises it as ``InvalidBodyError``).

    >>> typed({"Type": "container"}, "Type", str)
    'container'
    >>> typed({"Type": None}, "Type", str, "")
    ''
    >>> typed({"Type": ["x"]}, "Type", str)
    Traceback (most recent call last):
    ...
    normalize_engine.schema.ShapeError: a string
    """
    value = obj.get(key)
    if value is None:
        return default
    if not _is(value, kind):
        error = ShapeError(_kind_name(kind), value)
        error.where = [*_where(at), f".{key}"]
        raise error
    return value


def typed_list(
    obj: Mapping[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    default: Any = None,
    *,
    at: tuple[str | int, ...] = (),
) -> Any:
    """``obj[key]`` for a hook that needs an array of ``kind`` items: the array when it is one (its items
    all ``kind``), ``default`` when the key is absent or null.

    :raises ShapeError: the value is not an array, or an item is not a ``kind``, naming the item.

    >>> typed_list({"Aliases": ["db"]}, "Aliases", str)
    ['db']
    >>> typed_list({"Aliases": [["db"]]}, "Aliases", str)
    Traceback (most recent call last):
    ...
    normalize_engine.schema.ShapeError: a string
    """
    value = typed(obj, key, list, default, at=at)
    if value is default:
        return value
    for index, item in enumerate(value):
        if not _is(item, kind):
            error = ShapeError(_kind_name(kind), item)
            error.where = [*_where(at), f".{key}", f"[{index}]"]
            raise error
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__  # pragma: no cover - json never gives anything else


# --------------------------------------------------------------------------------------------- fields


class _ChangeField(fields.Field):  # type: ignore[type-arg]
    """Base of the declarative fields. ``upgrade`` is the compiled path, ``deserialize`` marshmallow's."""

    #: what the generated docs say this field does, e.g. "removed"
    verb: ClassVar[str] = "changed"

    def __init__(self, doc: str = "", **kwargs: Any) -> None:
        super().__init__(allow_none=True, required=False, **kwargs)
        self.doc = doc

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


class Added(_ChangeField):
    """The key is new; an answer without it gets ``default``: what a newer daemon sends knowing nothing."""

    verb = "added"

    def __init__(self, default: Any, doc: str = "", **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.default = default
        self._mutable = isinstance(default, dict | list)

    def absent(self) -> Any:
        return copy.deepcopy(self.default) if self._mutable else self.default

    def describe(self) -> str:
        import json

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

    def describe(self) -> str:
        import json

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

    def describe(self) -> str:
        import json

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
            raise TypeError(f"Derived(reads=...) takes a tuple of keys, not the string {reads!r}")
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

    def describe(self) -> str:
        if self.reads:
            return f"added, derived from {', '.join(f'`{k}`' for k in sorted(self.reads))}"
        return "added, derived from the object"


class _Container(_ChangeField):
    verb = "nested"

    def __init__(self, shape: type[Shape], doc: str = "", **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.shape = shape

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


# --------------------------------------------------------------------------------------------- schemas


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

        :raises TypeError: a field is not one of this module's, or two ``Derived`` fields could see each
            other's key (see the module's docstring).
        """
        out = []
        for name, fld in cls._declared_fields.items():
            if not isinstance(fld, _ChangeField):
                raise TypeError(
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
                raise TypeError(
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
            plan = _compile(cls)
            cls._compiled_plan = plan  # type: ignore[attr-defined]
        return plan


def _compile(cls: type[Shape]) -> Callable[[Any], Any]:
    # The compiler lives with the chains, which fuse several changes into one function the same way.
    from ._chain import fuse

    return fuse((cls,))


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


# --------------------------------------------------------------------------------------------- helpers

_BUILTIN_NETWORKS = frozenset({"bridge", "host", "none", "default"})


def is_user_defined_network(name: str) -> bool:
    """As the daemon's ``NetworkMode.IsUserDefined()`` on Linux: no built-in mode, no ``container:``."""
    return name not in _BUILTIN_NETWORKS and not name.startswith("container:")


def only_builtin_networks(networks: Mapping[str, Any]) -> bool:
    """Whether every network of a ``Networks`` map is a built-in one (``bridge``, ``host``, ...), as for
    most containers: one C-level test, before looking at the networks one by one."""
    return networks.keys() <= _BUILTIN_NETWORKS
