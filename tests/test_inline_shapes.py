"""A nested path in one line: ``Nested(Domainname=Removed())`` is a Shape written in place."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from normalize_engine._errors import DeclarationError
from normalize_engine.changes import Added, Convert, Each, Nested, OmittedWhen, Removed, Shape, Values

OLD: dict[str, Any] = {
    "Config": {"Domainname": "", "Hostname": "h", "x-odd": 1},
    "NetworkSettings": {"Networks": {"bridge": {"Aliases": ["a", "b"]}, "none": None}},
    "Mounts": [{"Mode": ""}, None],
}


class _Config(Shape):
    Domainname = Removed()


class _Network(Shape):
    Aliases = Convert(lambda v: v[:1] if isinstance(v, list) else v)


class _NetworkSettings(Shape):
    Networks = Values(_Network)


class _Mount(Shape):
    Mode = OmittedWhen("")
    Type = Added("bind")


class Scaffolded(Shape):
    Config = Nested(_Config)
    NetworkSettings = Nested(_NetworkSettings)
    Mounts = Each(_Mount)


class Inline(Shape):
    Config = Nested({"Domainname": Removed(), "x-odd": Removed()})
    NetworkSettings = Nested(Networks=Values(Aliases=Convert(lambda v: v[:1] if isinstance(v, list) else v)))
    Mounts = Each(Mode=OmittedWhen(""), Type=Added("bind"))


def test_inline_shapes_do_what_scaffold_classes_do() -> None:
    expected = Scaffolded.compiled()(copy.deepcopy(OLD))
    del expected["Config"]["x-odd"]
    assert Inline.compiled()(copy.deepcopy(OLD)) == expected
    assert Inline().load(copy.deepcopy(OLD)) == expected  # marshmallow's reference run agrees


def test_inline_shapes_are_named_after_where_they_stand() -> None:
    shape = Inline._declared_fields["NetworkSettings"].shape  # type: ignore[attr-defined]
    assert shape.__qualname__ == "Inline.NetworkSettings" and issubclass(shape, Shape)


def test_a_descent_needs_a_shape_or_fields_not_both() -> None:
    with pytest.raises(DeclarationError, match="needs a Shape class"):
        Nested()
    with pytest.raises(DeclarationError, match="not both"):
        Nested(_Config, Hostname=Removed())
