"""Registries are values, one per engine: the machinery reads the one it is given."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine import _chains
from normalize_engine._plan import make_plan
from normalize_engine._registry import DOCKER, ENGINES, REGISTRY, Registry


def test_docker_is_the_one_engine_today() -> None:
    assert dict(ENGINES) == {"docker": DOCKER} and REGISTRY is DOCKER
    assert DOCKER.engine == "docker" and str(DOCKER.versions[-1]) == ne.LATEST


@pytest.fixture
def other_engine(tmp_path: Path) -> Registry:
    """An engine of its own: one content package, one version, one change."""
    folder = tmp_path / "other_engine_content"
    folder.mkdir()
    (folder / "__init__.py").write_text('"""Another engine."""\n')
    (folder / "v1_18.py").write_text(
        '"""Release 1."""\n'
        "from normalize_engine.changes import Change, Removed\n\n\n"
        "class OtherDropsX(Change):\n"
        '    """`X` is dropped."""\n\n'
        '    endpoint = "system.info"\n'
        "    X = Removed()\n"
    )
    package = types.ModuleType("other_engine_content")
    package.__path__ = [str(folder)]
    sys.modules["other_engine_content"] = package
    try:
        yield Registry(package, "other")
    finally:
        for name in [n for n in sys.modules if n.startswith("other_engine_content")]:
            del sys.modules[name]


def test_a_second_registry_is_read_only_where_it_is_given(other_engine: Registry) -> None:
    assert other_engine.versions == (Version("1.18"),)
    plan = make_plan("GET", "/info", target="1.18", registry=other_engine)
    assert plan.apply({"X": 1, "Y": 2}) == {"Y": 2}
    # Docker's chain for the same request is Docker's own, cached apart.
    docker = _chains.chain(DOCKER, "system.info", None, Version("1.18"))
    assert docker is not _chains.chain(other_engine, "system.info", None, Version("1.18"))
    assert ne.normalize({"X": 1}, "/info", target="1.18")["X"] == 1
