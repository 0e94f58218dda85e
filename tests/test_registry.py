"""The registry refuses two changes of one name (the change table names them)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from normalize_engine._registry import REGISTRY, Registry, RegistryError


def test_change_names_are_unique_in_the_shipped_schemas() -> None:
    names = [c.__name__ for e in REGISTRY.entries for c in e.changes]
    assert len(names) == len(set(names))


def test_two_changes_of_one_name_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "reg_twins"
    root.mkdir()
    (root / "__init__.py").write_text("")
    for minor in (18, 19):
        (root / f"v1_{minor}.py").write_text(
            textwrap.dedent(
                f'''
                """API 1.{minor} (test)."""
                from normalize_engine.schema import Change, Removed

                class Same(Change):
                    """Drops X."""
                    endpoint = "system.info"
                    X = Removed()
                '''
            )
        )
    sys.path.insert(0, str(tmp_path))
    try:
        import reg_twins  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(tmp_path))
    with pytest.raises(RegistryError, match="a change of that name is registered already"):
        Registry(reg_twins)
