"""The change DSL: each declarative field, compiled and through marshmallow, agree; registry checks."""

from __future__ import annotations

import copy
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from marshmallow import ValidationError

from normalize_engine._registry import Registry, RegistryError
from normalize_engine.schema import (
    Added,
    Change,
    Convert,
    Each,
    Nested,
    OmittedWhen,
    Removed,
    Shape,
    Values,
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
    One = Nested(_Inner)
    Many = Each(_Inner)
    Map = Values(_Inner)
    Renamed = Removed(data_key="from")


OLD: dict[str, Any] = {
    "Gone": 1,
    "Upper": "abc",
    "Empty": "",
    "One": {"Gone": True, "keep": 1},
    "Many": [{"Gone": 1}, None, {"New": [1]}],
    "Map": {"a": {"x": 1}, "b": None},
    "from": "legacy",
    "Vendor": {"untouched": [1, 2]},
}
NEW: dict[str, Any] = {
    "New": {"k": []},
    "Upper": "ABC",
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
    first = Sample.compiled()({})
    first["New"]["k"].append(1)
    assert Sample.compiled()({})["New"] == {"k": []}


def test_wrong_types_say_where() -> None:
    from normalize_engine.schema import ShapeError

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
