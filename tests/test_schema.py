"""The change DSL: each declarative field, compiled and through marshmallow, agree; registry checks."""

from __future__ import annotations

import copy
import random
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from marshmallow import ValidationError

from normalize_engine import _chain, schema
from normalize_engine._registry import Registry, RegistryError
from normalize_engine.schema import (
    MISSING,
    Added,
    Change,
    Convert,
    Derived,
    Each,
    Nested,
    OmittedWhen,
    Removed,
    Replaced,
    Shape,
    ShapeError,
    Values,
    _ChangeField,
)


class _Inner(Shape):
    Gone = Removed()
    New = Added([])


class Sample(Change):
    """A change exercising every field type."""

    endpoint = "system.info"
    Gone = Removed()
    New = Added({"k": []})
    Upper = Convert(lambda v: v.upper() if isinstance(v, str) else v)
    Empty = OmittedWhen("", None)
    Mode = Replaced("default", "bridge")
    Tags = Replaced(None, [])
    Flag = Replaced(True, False)
    One = Nested(_Inner)
    Many = Each(_Inner)
    Map = Values(_Inner)
    Renamed = Removed(data_key="from")


OLD: dict[str, Any] = {
    "Gone": 1,
    "Upper": "abc",
    "Empty": "",
    "Mode": "default",
    "Tags": None,
    "Flag": 1,
    "One": {"Gone": True, "keep": 1},
    "Many": [{"Gone": 1}, None, {"New": [1]}],
    "Map": {"a": {"x": 1}, "b": None},
    "from": "legacy",
    "Vendor": {"untouched": [1, 2]},
}
NEW: dict[str, Any] = {
    "New": {"k": []},
    "Upper": "ABC",
    "Mode": "bridge",
    "Tags": [],
    "Flag": 1,
    "One": {"keep": 1, "New": []},
    "Many": [{"New": []}, None, {"New": [1]}],
    "Map": {"a": {"x": 1, "New": []}, "b": None},
    "Vendor": {"untouched": [1, 2]},
}


def test_compiled_change() -> None:
    old = copy.deepcopy(OLD)
    assert Sample.compiled()(old) == NEW
    assert old == OLD, "the input must not be mutated"


def test_marshmallow_load_gives_the_same() -> None:
    old = copy.deepcopy(OLD)
    assert Sample().load(old) == NEW
    assert old == OLD


def test_a_new_shape_passes_unchanged_and_uncopied() -> None:
    new = Sample.compiled()(copy.deepcopy(OLD))
    assert Sample.compiled()(new) is new


def test_defaults_are_not_shared_between_answers() -> None:
    first = Sample.compiled()({"Tags": None})
    first["New"]["k"].append(1)
    first["Tags"].append("x")
    assert Sample.compiled()({"Tags": None}) == {"New": {"k": []}, "Tags": []}


def test_wrong_types_say_where() -> None:
    with pytest.raises(ShapeError) as info:
        Sample.compiled()({"Many": [{"Gone": 1}, 3]})
    assert info.value.describe() == "expected an object at .Many[1], got a number"
    with pytest.raises(ValidationError):
        Sample().load({"Many": "nope"})


def test_fields_must_be_change_fields() -> None:
    from marshmallow import fields

    class Bad(Shape):
        x = fields.String()

    with pytest.raises(TypeError, match="declare fields with"):
        Bad.declared()


def _package(tmp_path: Path, name: str, modules: dict[str, str]) -> Any:
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    for module, text in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(text))
    sys.path.insert(0, str(tmp_path))
    try:
        import importlib

        return importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))


GOOD = '''
    """API 1.{minor} (test)."""
    from normalize_engine.schema import Change, Removed

    class Thing{minor}(Change):
        """Drops X."""
        endpoint = "system.info"
        X = Removed()
'''


def test_registry_discovers_versions_in_order(tmp_path: Path) -> None:
    pkg = _package(tmp_path, "reg_ok", {f"v1_{m}": GOOD.format(minor=m) for m in (18, 19, 20)})
    registry = Registry(pkg)
    assert [str(v) for v in registry.versions] == ["1.18", "1.19", "1.20"]
    assert [c.__name__ for c in registry.changes_between("system.info", None, registry.versions[-1])] == [
        "Thing18",
        "Thing19",
        "Thing20",
    ]


@pytest.mark.parametrize(
    ("modules", "match"),
    [
        ({"v1_18": GOOD.format(minor=18), "v1_20": GOOD.format(minor=20)}, "contiguous"),
        ({"v1_18": "X = 1\n"}, "needs a docstring naming"),
        ({"v1_18": GOOD.format(minor=18).replace('"""Drops X."""', "")}, "needs a docstring saying"),
        ({"v1_18": GOOD.format(minor=18).replace('"system.info"', '"no.such"')}, "unknown endpoint"),
    ],
)
def test_registry_refuses_inconsistent_schemas(tmp_path: Path, modules: dict[str, str], match: str) -> None:
    pkg = _package(tmp_path, f"reg_bad_{abs(hash(match))}", modules)
    with pytest.raises(RegistryError, match=match):
        Registry(pkg)


# ------------------------------------------------------------------------------------------------ Derived


def _status_health(obj: dict[str, Any]) -> Any:
    status = obj.get("Status")
    if not isinstance(status, str):
        return MISSING
    return {"Status": "healthy" if status.endswith("(healthy)") else "none"}


def _load_one_by_one(shapes: tuple[type[Shape], ...], document: Any) -> Any:
    for shape in shapes:
        document = shape().load(document)
    return document


def _pass_keys(shapes: tuple[type[Shape], ...]) -> list[list[str]]:
    return [list(by_key) for _, by_key in _chain._passes(shapes)]


class _Mark(Shape):
    """`Status` gets a `!` (a field that changes a key a Derived field reads)."""

    Status = Convert(lambda v: v if not isinstance(v, str) or v.endswith("!") else v + "!")


class _Health(Shape):
    """`Health` from `Status`."""

    Health = Derived(_status_health, reads=("Status",))
    Gone = Removed()


class _HealthAnything(Shape):
    Health = Derived(_status_health)


class _DropStatus(Shape):
    Status = Removed()


class _Other(Shape):
    Other = Added(1)
    Gone = Removed()


DERIVED_CASES = [
    {"Status": "Up 1 minute (healthy)", "Gone": 1},
    {"Status": "Exited (0)"},
    {"Status": "Up (healthy)", "Health": {"Status": "starting"}},  # present: kept
    {"Status": 3},  # MISSING: left absent
    {},
]


@pytest.mark.parametrize("document", DERIVED_CASES)
@pytest.mark.parametrize(
    "shapes",
    [
        (_Health,),
        (_HealthAnything,),
        (_Mark, _Health, _DropStatus),
        (_Other, _Health, _DropStatus),
        (_Mark, _HealthAnything, _DropStatus),
        (_Other, _HealthAnything, _Mark),
        (_DropStatus, _Health),
    ],
    ids=lambda shapes: "+".join(s.__name__.strip("_") for s in shapes),
)
def test_derived_compiled_equals_marshmallow(shapes: tuple[type[Shape], ...], document: Any) -> None:
    old = copy.deepcopy(document)
    expected = _load_one_by_one(shapes, copy.deepcopy(document))
    assert _chain.fuse(shapes)(document) == expected
    assert document == old, "the input must not be mutated"
    assert _chain.fuse(shapes)(expected) is expected, "an answer that has the key passes unchanged"


def test_derived_reads_the_keys_as_the_changes_before_left_them() -> None:
    out = _chain.fuse((_Mark, _Health, _DropStatus))({"Status": "Up (healthy)"})
    assert out == {"Health": {"Status": "none"}}  # "Up (healthy)!" no longer ends with "(healthy)"
    out = _chain.fuse((_Health, _Mark))({"Status": "Up (healthy)"})
    assert out == {"Status": "Up (healthy)!", "Health": {"Status": "healthy"}}  # the later change: after


def test_derived_is_a_barrier_only_when_a_key_it_reads_was_touched_before_in_the_pass() -> None:
    # Status changed earlier in the pass: a new pass starts at Health (Gone, which it does not read, is
    # carried through in the pass before).
    assert _pass_keys((_Mark, _Health, _DropStatus)) == [["Status", "Gone"], ["Health", "Status"]]
    # Nothing it reads touched before: one pass, and the later change of Status runs after it.
    assert _pass_keys((_Other, _Health, _DropStatus)) == [["Other", "Gone", "Health", "Status"]]
    # First in its pass: nothing to wait for.
    assert _pass_keys((_Health, _Mark)) == [["Health", "Gone", "Status"]]
    # No `reads`: a barrier whenever anything came before it in the pass.
    assert _pass_keys((_Other, _HealthAnything, _Mark)) == [["Other", "Gone"], ["Health", "Status"]]
    assert _pass_keys((_HealthAnything, _Other)) == [["Health", "Other", "Gone"]]


def test_derived_sees_the_input_of_its_own_change() -> None:
    class Both(Shape):
        Status = Convert(lambda v: v + "!" if isinstance(v, str) else v)
        Health = Derived(_status_health, reads=("Status",))

    document = {"Status": "Up (healthy)"}
    expected = Both().load(copy.deepcopy(document))
    assert expected == {"Status": "Up (healthy)!", "Health": {"Status": "healthy"}}
    assert Both.compiled()(document) == expected
    assert _pass_keys((Both,)) == [["Health", "Status"]]


def test_derived_after_a_hook_and_in_nested_shapes() -> None:
    class Hooked(Shape):
        Health = Derived(_status_health, reads=("Status",))

        def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
            return data if "Status" in data else {**data, "Status": "Up (healthy)"}

    class Outer(Shape):
        Items = Each(Hooked)
        Map = Values(_Health)
        One = Nested(_Health)

    class Later(Shape):
        Items = Each(_DropStatus)
        Map = Values(_Mark)

    document = {"Items": [{}, None, {"Status": "x"}], "Map": {"a": {"Status": "Up (healthy)"}}, "One": {}}
    shapes = (Outer, Later)
    expected = _load_one_by_one(shapes, copy.deepcopy(document))
    assert expected["Items"][0] == {"Health": {"Status": "healthy"}}
    assert expected["Map"]["a"] == {"Status": "Up (healthy)!", "Health": {"Status": "healthy"}}
    assert _chain.fuse(shapes)(document) == expected


class _CopyStatus(Shape):
    """A hook that says what it touches: `Copy` from `Status`."""

    touches = ("Status", "Copy")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "Copy": data["Status"]} if "Status" in data else data


class _CopyStatusUnsaid(_CopyStatus):
    touches = None


@pytest.mark.parametrize(
    "shapes",
    [
        (_Other, _CopyStatus, _Mark, _Other),
        (_Mark, _CopyStatus, _DropStatus, _Other),
        (_Other, _CopyStatusUnsaid, _Other, _Mark),
        (_Health, _CopyStatus, _Other, _Mark, _DropStatus),
    ],
    ids=lambda shapes: "+".join(s.__name__.strip("_") for s in shapes),
)
@pytest.mark.parametrize(
    "document", [{"Status": "Up (healthy)", "Gone": 1}, {"Other": 2}, {}, {"Copy": 0, "Status": "x!"}]
)
def test_fields_move_across_a_hook_that_does_not_touch_their_key(
    shapes: tuple[type[Shape], ...], document: Any
) -> None:
    old = copy.deepcopy(document)
    assert _chain.fuse(shapes)(document) == _load_one_by_one(shapes, copy.deepcopy(document))
    assert document == old


def test_a_hook_is_a_barrier_for_the_keys_it_touches_only() -> None:
    # Other and Gone are carried through before the hook; Status, which it reads, waits for it.
    assert _pass_keys((_Other, _CopyStatus, _Mark, _Other)) == [["Other", "Gone"], ["Status"]]
    # Without `touches` the hook may read anything: nothing moves before it.
    assert _pass_keys((_Other, _CopyStatusUnsaid, _Other, _Mark)) == [
        ["Other", "Gone"],
        ["Other", "Gone", "Status"],
    ]
    # A field never moves before an earlier field of its key, nor before a Derived field that reads it.
    assert _pass_keys((_Health, _CopyStatus, _Other, _Mark, _DropStatus)) == [
        ["Health", "Gone", "Other"],
        ["Status"],
    ]


class _HostMode(Shape):
    """A hook that reads and writes `Host.Mode` only (and never adds or replaces `Host`)."""

    touches = ("Host.Mode", "Name")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        host = data.get("Host")
        if type(host) is not dict or host.get("Mode") != "default":
            return data
        data = schema.own(data)
        schema.edit(data, "Host")["Mode"] = f"bridge-{data.get('Name')}"
        return data


class _HostOther(Shape):
    class _Inner(Shape):
        Other = Added(1)
        Gone = Removed()

    Host = Nested(_Inner)


class _HostModeField(Shape):
    class _Inner(Shape):
        Mode = Replaced("bridge-x", "x")

    Host = Nested(_Inner)


class _DropHost(Shape):
    Host = Removed()


class _NetsAliases(Shape):
    """A hook that writes the `Aliases` of every network only."""

    touches = ("Nets.*.Aliases",)

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        nets = data.get("Nets")
        if type(nets) is not dict or not any(type(n) is dict and "Aliases" not in n for n in nets.values()):
            return data
        data = schema.own(data)
        nets = schema.edit(data, "Nets")
        for name, net in list(nets.items()):
            if type(net) is dict and "Aliases" not in net:
                schema.edit(nets, name)["Aliases"] = [name]
        return data


class _NetsGw(Shape):
    class _Net(Shape):
        Gw = Added(0)

    Nets = Values(_Net)


class _NetsAliasesField(Shape):
    class _Net(Shape):
        Aliases = OmittedWhen([])

    Nets = Values(_Net)


def test_a_hook_that_touches_paths_inside_a_key_lets_the_other_fields_of_the_key_move() -> None:
    # Host's other keys are carried through before the hook; its Mode, which the hook writes, waits.
    assert _pass_keys((_HostOther, _HostMode, _HostOther)) == [["Host"], []]
    assert _pass_keys((_HostOther, _HostMode, _HostModeField)) == [["Host"], ["Host"]]
    # A field on the whole value at the key (not a descent into it) waits too.
    assert _pass_keys((_HostOther, _HostMode, _DropHost, _Other)) == [["Host", "Other", "Gone"], ["Host"]]
    # "*": every value of a map; a field on another key of the values moves, one on Aliases waits.
    assert _pass_keys((_NetsGw, _NetsAliases, _NetsGw)) == [["Nets"], []]
    assert _pass_keys((_NetsGw, _NetsAliases, _NetsAliasesField)) == [["Nets"], ["Nets"]]


@pytest.mark.parametrize(
    "shapes",
    [
        (_HostOther, _HostMode, _HostOther, _HostModeField),
        (_HostMode, _HostModeField, _HostOther),
        (_NetsGw, _NetsAliases, _NetsGw, _NetsAliasesField),
        (_NetsAliases, _NetsAliasesField, _NetsGw),
    ],
    ids=lambda shapes: "+".join(s.__name__.strip("_") for s in shapes),
)
@pytest.mark.parametrize(
    "document",
    [
        {"Name": "x", "Host": {"Mode": "default", "Gone": 1}},
        {"Name": "y", "Host": {"Mode": "none"}, "Nets": {"a": {}, "b": {"Aliases": []}, "c": None}},
        {"Host": None, "Nets": {}},
        {},
    ],
)
def test_fields_moved_inside_a_key_give_what_marshmallow_gives(
    shapes: tuple[type[Shape], ...], document: Any
) -> None:
    old = copy.deepcopy(document)
    expected = _load_one_by_one(shapes, copy.deepcopy(document))
    assert _chain.fuse(shapes)(document) == expected
    assert document == old
    owned = copy.deepcopy(document)
    token = schema._OWNED.set(True)
    try:
        assert _chain.fuse(shapes)(owned, True) == expected
    finally:
        schema._OWNED.reset(token)


class _OmitZeroK(Shape):
    K = OmittedWhen(0)


class _FillK(Shape):
    K = Added(5)


class _DropK(Shape):
    K = Removed()


class _AgainK(Shape):
    K = Added(7)


class _CheckK(Shape):
    K = Convert(lambda v: v)


def _body(source: str) -> str:
    return source.split("\n", 1)[1]  # without the def line, which names the shapes


@pytest.mark.parametrize("document", [{}, {"K": 0}, {"K": 1}, {"K": None}, {"K": 0, "L": 1}])
def test_quiet_fields_before_a_removal_of_their_key_are_left_out(document: Any) -> None:
    shapes = (_OmitZeroK, _FillK, _DropK, _AgainK)
    assert _chain.fuse(shapes)(copy.deepcopy(document)) == _load_one_by_one(shapes, copy.deepcopy(document))
    assert _body(_chain.fuse((_OmitZeroK, _FillK, _DropK))._source) == _body(_chain.fuse((_DropK,))._source)
    # A field that may raise (or see the value) before the removal is kept.
    assert "conv" in _chain.fuse((_CheckK, _DropK))._source


def test_derived_errors_say_where() -> None:
    def strict(obj: dict[str, Any]) -> Any:
        raise ShapeError("a string", obj.get("Status"))

    class Strict(Shape):
        Health = Derived(strict, reads=("Status",))

    with pytest.raises(ShapeError) as info:
        Strict.compiled()({"Status": 1})
    assert info.value.describe() == "expected a string at .Health, got a number"
    with pytest.raises(ValidationError):
        Strict().load({"Status": 1})


def test_derived_fields_of_one_change_cannot_see_each_other() -> None:
    class ReadsSibling(Shape):
        A = Derived(lambda o: 1)
        B = Derived(lambda o: o.get("A"), reads=("A",))

    class Blind(Shape):
        A = Derived(lambda o: 1, reads=())
        B = Derived(lambda o: o.get("A"))

    class Fine(Shape):
        A = Derived(lambda o: 1, reads=("X",))
        B = Derived(lambda o: o.get("X"), reads=("X",))

    for shape in (ReadsSibling, Blind):
        with pytest.raises(TypeError, match="another Derived field"):
            shape.declared()
    assert Fine.compiled()({"X": 2}) == Fine().load({"X": 2}) == {"X": 2, "A": 1, "B": 2}
    with pytest.raises(TypeError, match="tuple of keys"):
        Derived(lambda o: 1, reads="Status")  # type: ignore[arg-type]
    assert _Health._declared_fields["Health"].describe() == "added, derived from `Status`"  # type: ignore[attr-defined]
    assert _HealthAnything._declared_fields["Health"].describe() == "added, derived from the object"  # type: ignore[attr-defined]


class _Doubled(_ChangeField):
    """A field class the compiler does not know: through its own upgrade()/absent()."""

    def upgrade(self, value: Any) -> Any:
        return value * 2 if type(value) is int else value

    def absent(self) -> Any:
        return 100


class _RandomInner(Shape):
    p = Removed()
    q = Added(0)


class _RandomInner2(Shape):
    q = Convert(lambda v: v + 1 if type(v) is int else v)
    r = Derived(lambda o: o.get("q"), reads=("q",))


def _random_field(rng: random.Random, keys: list[str]) -> Any:
    kind = rng.choice(
        ["removed", "added", "convert", "omitted", "derived", "derived_any", "nested", "each", "custom"]
    )
    if kind == "nested":
        return Nested(rng.choice([_RandomInner, _RandomInner2]))
    if kind == "each":
        return Each(rng.choice([_RandomInner, _RandomInner2]))
    if kind == "custom":
        return _Doubled()
    if kind == "removed":
        return Removed()
    if kind == "added":
        return Added(rng.choice([0, "", [], {"k": 1}]))
    if kind == "convert":
        step = rng.randint(1, 3)
        return Convert(lambda v, step=step: v + step if type(v) is int else v)
    if kind == "omitted":
        return OmittedWhen(0, "")
    declared = kind == "derived"
    reads = tuple(rng.sample(keys, rng.randint(0, 2))) if declared else None
    salt = rng.randint(0, 9)

    def derive(obj: dict[str, Any]) -> Any:
        # reads only what it declares; without `reads`, the whole object
        seen = [obj.get(k) for k in reads] if reads is not None else sorted(map(repr, obj.items()))
        if salt == 0 and not any(seen):
            return MISSING
        return sum(v for v in seen if type(v) is int) + salt if reads is not None else len(seen) + salt

    return Derived(derive, reads=reads)


def test_random_chains_with_derived_fields_equal_marshmallow() -> None:
    """Random chains over a few keys, Derived fields among the others: fused equals change by change."""
    rng = random.Random(1234)
    keys = ["a", "b", "c", "d"]
    checked = 0
    for case in range(600):
        shapes: list[type[Shape]] = []
        for index in range(rng.randint(1, 5)):
            attrs: dict[str, Any] = {
                key: _random_field(rng, keys) for key in rng.sample(keys, rng.randint(1, 3))
            }
            if rng.random() < 0.1:
                attrs["migrate"] = lambda self, data: data if "a" in data else {**data, "a": 7}
            shape = type(f"R{case}_{index}", (Shape,), attrs)
            try:
                shape.declared()
            except TypeError:
                continue
            shapes.append(shape)
        if not shapes:
            continue
        fused = _chain.fuse(tuple(shapes))
        for _ in range(5):
            values = [0, 1, 5, "", "x", None, {"p": 1}, {"q": 2, "s": 3}, [{"p": 0}, None, {}]]
            document = {k: copy.deepcopy(rng.choice(values)) for k in rng.sample(keys, rng.randint(0, 4))}
            try:
                expected = _load_one_by_one(tuple(shapes), copy.deepcopy(document))
            except ValidationError:  # a descent into a value of the wrong type: the compiled chain raises too
                with pytest.raises(ShapeError):
                    fused(copy.deepcopy(document))
                continue
            old = copy.deepcopy(document)
            assert fused(document) == expected, (shapes, document, fused._source)  # type: ignore[attr-defined]
            assert document == old, "the input must not be mutated"
            checked += 1
    assert checked > 1000


def test_own_and_edit_copy_once_a_call_and_never_change_the_input() -> None:
    from normalize_engine import schema

    data = {"A": {"x": 1}, "B": [1], "C": "text"}
    before = copy.deepcopy(data)
    token = schema._OWNED.set(set())  # a chain on the caller's objects
    try:
        mine = schema.own(data)
        assert mine is not data and schema.own(mine) is mine  # the copy is the call's own from then on
        a = schema.edit(mine, "A")
        a["x"] = 2
        assert a is not data["A"] and schema.edit(mine, "A") is a
        assert schema.edit(mine, "C") == "text"
    finally:
        schema._OWNED.reset(token)
    assert data == before
    token = schema._OWNED.set(True)  # a body the library decoded: nothing else holds it
    try:
        assert schema.own(data) is data and schema.edit(data, "B") is data["B"]
    finally:
        schema._OWNED.reset(token)
    assert schema.own(data) is not data  # outside a chain (marshmallow's load): always a copy


def test_a_chain_copies_a_nested_object_once_across_passes_and_hooks() -> None:
    from normalize_engine import schema

    class _XA(Shape):
        A = Added(1)

    class _XB(Shape):
        B = Added(2)

    class AddA(Shape):
        X = Nested(_XA)

    class Hook(Shape):
        touches = ("X",)

        def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
            if type(data.get("X")) is not dict or "H" in data["X"]:
                return data
            data = schema.own(data)
            schema.edit(data, "X")["H"] = 0
            return data

    class AddB(Shape):
        X = Nested(_XB)

    shapes = (AddA, Hook, AddB)
    document = {"X": {"Z": 0}, "Y": [1]}
    expected = _load_one_by_one(shapes, copy.deepcopy(document))
    assert expected == {"X": {"Z": 0, "A": 1, "H": 0, "B": 2}, "Y": [1]}
    copies: set[int] = set()
    token = schema._OWNED.set(copies)  # as normalize() runs a chain on the caller's objects
    try:
        out = _chain.fuse(shapes)(document)
    finally:
        schema._OWNED.reset(token)
    assert out == expected
    assert document == {"X": {"Z": 0}, "Y": [1]}, "the input must not be mutated"
    # One copy of the top level and one of X, shared by the three passes and the hook.
    assert copies == {id(out), id(out["X"])}
    assert out["Y"] is document["Y"]
    assert _chain.fuse(shapes)(out) is out  # nothing left to do: the same object back


def test_replaced_after_other_fields_of_its_key() -> None:
    class AddTags(Shape):
        Tags = Added(None)

    class EmptyTags(Shape):
        Tags = Replaced(None, [])

    shapes = (AddTags, EmptyTags)
    for document in ({}, {"Tags": None}, {"Tags": ["a"]}, {"Tags": 0}):
        expected = _load_one_by_one(shapes, copy.deepcopy(document))
        assert _chain.fuse(shapes)(document) == expected
    assert _chain.fuse(shapes)({}) == {"Tags": []}
    tagged = {"Tags": ["a"]}
    assert _chain.fuse(shapes)(tagged) is tagged
    assert Replaced(None, []).describe() == "`null` replaced by `[]`"


def _deep_shape(levels: int) -> type[Shape]:
    """Nested and Each in turn, ``levels`` deep, with an added key at the bottom."""
    shape: type[Shape] = type("Bottom", (Shape,), {"X": Added(1)})
    for n in range(levels, 0, -1):
        shape = type(f"Level{n}", (Shape,), {"A": Nested(shape) if n % 2 else Each(shape)})
    return shape


def _deep_document(levels: int, leaf: Any) -> Any:
    document = leaf
    for n in range(levels, 0, -1):
        document = {"A": document if n % 2 else [document]}
    return document


@pytest.mark.parametrize("leaf", [{}, {"X": 5}, None])
def test_descents_deeper_than_the_inlined_levels_give_what_marshmallow_gives(leaf: Any) -> None:
    levels = _chain._MAX_INLINE_DEPTH + 2  # the deepest descents call a fused function of their own
    shape = _deep_shape(levels)
    document = _deep_document(levels, leaf)
    expected = shape().load(copy.deepcopy(document))
    assert _chain.fuse((shape,))(copy.deepcopy(document)) == expected
    with pytest.raises(ShapeError) as caught:
        _chain.fuse((shape,))(_deep_document(levels, 3))
    assert caught.value.describe() == "expected an object at .A.A[0].A.A[0].A.A[0].A.A[0], got a number"
