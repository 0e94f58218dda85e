"""Hand-written hooks on answers nobody recorded: the cases the mutation fuzzer found (issue 13), the
type-safe readers hooks use (``typed``, ``typed_list``), and the backstop that turns anything else a hook
or a chain raises into an :class:`~normalize_engine.InvalidBodyError` that names the change, the path and
what was found, and says it is a bug."""

from __future__ import annotations

import copy
import json
import warnings
from typing import Any

import pytest
import requests
import responses

import normalize_engine as ne
from normalize_engine import _chain
from normalize_engine._normalize import Plan, make_plan
from normalize_engine.schema import Convert, Derived, Nested, Shape, ShapeError, Values, typed, typed_list

# ------------------------------------------------------------------------------------------ issue 13's cases


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        # DNSNames: an alias that is not a string (dedup() raised "unhashable type: 'list'")
        (
            {"Name": "/db", "NetworkSettings": {"Networks": {"appnet": {"Aliases": [["db"]]}}}},
            "/v1.43/containers/x/json",
            "expected a string at .NetworkSettings.Networks.appnet.Aliases[0], got an array",
        ),
        # events `scope`: a `Type` that is not a string ("unhashable type: 'list'")
        ({"Type": [], "Action": "start"}, "/v1.20/events", "expected a string at .Type, got an array"),
        # /system/df usage summary: a container `State` that is not a string ("unhashable type: 'dict'")
        (
            {"Containers": [{"State": {}}]},
            "/v1.48/system/df",
            "expected a string at .Containers[0].State, got an object",
        ),
        # the pre-1.21 NetworkSettings back-fill: a NetworkMode that is not a string (AttributeError)
        (
            {"NetworkSettings": {}, "HostConfig": {"NetworkMode": {"x": 1}}},
            "/v1.20/containers/x/json",
            "expected a string at .HostConfig.NetworkMode, got an object",
        ),
    ],
)
def test_a_hook_on_a_value_of_the_wrong_type_raises_invalid_body_error(
    body: dict[str, Any], path: str, message: str
) -> None:
    before = copy.deepcopy(body)
    with pytest.raises(ne.InvalidBodyError) as info:
        ne.normalize(body, path)
    assert message in str(info.value)
    assert body == before


def test_the_same_hooks_on_the_right_types_still_normalise() -> None:
    """The readers change nothing for answers of the right shape (null counts as absent)."""
    networks = {"appnet": {"Aliases": None}}
    out = ne.normalize(
        {"Name": "/db", "Id": "88d7598eff5f00", "NetworkSettings": {"Networks": networks}},
        "/v1.43/containers/x/json",
    )
    assert out["NetworkSettings"]["Networks"]["appnet"]["DNSNames"] == ["db", "88d7598eff5f"]
    assert ne.normalize({"Type": "service", "Action": "create"}, "/v1.20/events")["scope"] == "swarm"
    assert ne.normalize({"Type": None, "Action": "x"}, "/v1.29/events")["scope"] == "local"
    containers = [{"State": None, "SizeRw": 5}, {"State": "running"}]
    df = ne.normalize({"Containers": containers}, "/v1.48/system/df")
    assert df["ContainerUsage"]["Reclaimable"] == 5 and df["ContainerUsage"]["ActiveCount"] == 1
    body = {"NetworkSettings": {}, "HostConfig": {"NetworkMode": None}}
    old = ne.normalize(body, "/v1.20/containers/x/json")
    assert list(old["NetworkSettings"]["Networks"]) == ["bridge"]


SHORT = "88d7598eff5f"


def _aliases(aliases: list[str], hostname: str) -> dict[str, Any]:
    return {
        "Id": SHORT + "0" * 52,
        "Name": "/database",
        "Config": {"Hostname": hostname},
        "NetworkSettings": {"Networks": {"appnet": {"Aliases": aliases, "DNSNames": ["x"]}}},
    }


@pytest.mark.parametrize(
    ("aliases", "hostname", "expected"),
    [
        # the case: repeated copies of the short id (the hostname too) were taken off one per pass
        (["database", SHORT, SHORT, SHORT], SHORT, ["database", SHORT, SHORT, SHORT]),
        (["database", SHORT, SHORT, SHORT], "web", ["database", SHORT, SHORT, SHORT]),
        # what old daemons appended (the short id, then the hostname unless it was there) is taken off
        (["database", SHORT], SHORT, ["database"]),
        (["database", SHORT, "web"], "web", ["database"]),
        (["web", SHORT], "web", ["web"]),  # the hostname was asked for: it was not appended again
        ([SHORT], SHORT, None),
        # the hostname asked for, before the appended id: only the id was appended
        (["a", "web", SHORT], "web", ["a", "web"]),
        # no short id: not what an old daemon sends (it always appended it), so nothing is taken off
        (["database", "web"], "web", ["database", "web"]),
    ],
)
def test_container_aliases_are_idempotent(aliases: list[str], hostname: str, expected: Any) -> None:
    path = "/v1.44/containers/x/json"
    once = ne.normalize(_aliases(aliases, hostname), path)
    assert once["NetworkSettings"]["Networks"]["appnet"]["Aliases"] == expected
    assert ne.normalize(once, path) == once


# ------------------------------------------------------------------------------------------ the readers


def test_typed_gives_the_value_the_default_or_a_shape_error() -> None:
    assert typed({"a": "x"}, "a", str) == "x"
    assert typed({}, "a", str, "d") == "d"
    assert typed({"a": None}, "a", str, "d") == "d"
    assert typed({"a": 1.5}, "a", (int, float)) == 1.5
    with pytest.raises(ShapeError) as info:
        typed({"a": True}, "a", int, at=("Outer", 2))  # a boolean is not a number in JSON
    assert info.value.describe() == "expected an integer at .Outer[2].a, got a boolean"
    with pytest.raises(ShapeError) as info:
        typed({"a": {}}, "a", (str, list))
    assert info.value.describe() == "expected a string or an array at .a, got an object"


def test_typed_list_checks_every_item() -> None:
    assert typed_list({"a": ["x", "y"]}, "a", str) == ["x", "y"]
    assert typed_list({"a": None}, "a", str, []) == []
    with pytest.raises(ShapeError) as info:
        typed_list({"a": "x"}, "a", str)
    assert info.value.describe() == "expected an array at .a, got a string"
    with pytest.raises(ShapeError) as info:
        typed_list({"a": ["x", 3]}, "a", str)
    assert info.value.describe() == "expected a string at .a[1], got a number"


# ------------------------------------------------------------------------------------------ the backstop


class _Inner(Shape):
    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "n": data["count"] + 1}  # assumes a number (and the key)


class _Outer(Shape):
    Inner = Values(_Inner)


def _plan_with(run: Any) -> Plan:
    plan = make_plan("GET", "/v1.41/containers/x/json")
    return Plan(plan.method, plan.path, plan.endpoint, plan.source, plan.target, run, plan.request)


def test_a_hook_that_raises_a_builtin_gives_an_invalid_body_error_naming_change_path_and_value() -> None:
    plan = _plan_with(_chain.fuse((_Outer,)))
    assert plan.apply({"Inner": {"web": {"count": 1}}}) == {"Inner": {"web": {"count": 1, "n": 2}}}
    with pytest.raises(ne.InvalidBodyError) as info:
        plan.apply({"Inner": {"web": {"count": "many"}}})
    message = str(info.value)
    assert message == (
        "GET /containers/x/json: the body does not have the shape of a container inspect answer: "
        "_Inner.migrate (tests.test_hook_errors) failed on an object at .Inner['web'] (keys 'count') "
        'with TypeError: can only concatenate str (not "int") to str. This is a bug in normalize-engine '
        "(a hook assumed a type the body does not have there): please report it with this message"
    )
    assert "'many'" not in message  # keys, not values: bodies may hold secrets (Config.Env)
    assert isinstance(info.value.__cause__, TypeError)  # the hook's own error, with its traceback


def _broken_derive(obj: dict[str, Any]) -> Any:
    return obj["missing"]


def _broken_convert(value: Any) -> Any:
    return value.upper()


class _Fields(Shape):
    D = Derived(_broken_derive, reads=("missing",))
    C = Convert(_broken_convert)


@pytest.mark.parametrize(
    ("document", "names"),
    [
        ({"C": "x"}, ("_Fields.D, a Derived field (tests.test_hook_errors)", "KeyError: 'missing'")),
        (
            {"D": 1, "C": 5},
            (
                "_Fields.C, a Convert field (tests.test_hook_errors)",
                "a number at .C (a value)",
                "AttributeError",
            ),
        ),
    ],
)
def test_derived_and_convert_functions_are_under_the_backstop(document: Any, names: tuple[str, ...]) -> None:
    with pytest.raises(ne.InvalidBodyError) as info:
        _plan_with(_chain.fuse((_Fields,))).apply(document)
    for name in names:
        assert name in str(info.value)
    assert "bug in normalize-engine" in str(info.value)


def test_a_nested_hook_that_fails_deep_inside_says_the_whole_path() -> None:
    class Deep(Shape):
        Outer = Nested(_Outer)

    with pytest.raises(ne.InvalidBodyError, match=r"failed on an object at \.Outer\.Inner\['a'\]"):
        _plan_with(_chain.fuse((Deep,))).apply({"Outer": {"Inner": {"a": {"count": None}}}})


def test_a_bug_outside_the_hooks_is_an_invalid_body_error_that_says_it_is_a_bug() -> None:
    def broken(document: Any, owned: bool) -> Any:
        raise KeyError("Config")

    with pytest.raises(ne.InvalidBodyError) as info:
        _plan_with(broken).apply({})
    assert str(info.value) == (
        "GET /containers/x/json: normalize-engine failed on this answer with KeyError: 'Config'. "
        "This is a bug in normalize-engine: please report it with this message"
    )
    assert isinstance(info.value.__cause__, KeyError)


def test_streams_raise_the_same_error_and_keep_what_came_before() -> None:
    stream = [b'{"Type":"container","Action":"start"}\n', b'{"Type":["x"],"Action":"start"}\n']
    out = ne.normalize_stream(stream, "/v1.29/events")
    assert next(out)["scope"] == "local"
    with pytest.raises(ne.InvalidBodyError, match=r"expected a string at \.Type, got an array"):
        next(out)


@responses.activate
def test_the_adapter_passes_such_an_answer_through_with_a_warning() -> None:
    body = {"Name": "/db", "NetworkSettings": {"Networks": {"appnet": {"Aliases": [["db"]]}}}}
    responses.get("http://docker.test/v1.43/containers/x/json", json=body)
    session = requests.Session()
    ne.mount(session)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = session.get("http://docker.test/v1.43/containers/x/json").json()
    assert got == body
    warned = [str(w.message) for w in caught if issubclass(w.category, ne.NormalizeWarning)]
    assert any("Aliases[0]" in message for message in warned), warned
    assert json.dumps(got)
