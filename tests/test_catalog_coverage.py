"""Every row of the response-change catalogue is handled, or says why there is nothing to do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from normalize_engine._registry import REGISTRY
from tests.catalog_coverage import COVERAGE, NOTHING

CATALOG = Path(__file__).resolve().parents[2] / "shared" / "engine-api" / "catalog.md"
CHANGES = {c.__name__ for e in REGISTRY.entries for c in e.changes}


def test_every_named_change_exists() -> None:
    for row, entry in COVERAGE.items():
        if entry.startswith((NOTHING, "TODO:")):
            continue
        for name in entry.split(", "):
            assert name in CHANGES, f"{row} names {name}, which no schema module declares"


def test_the_table_lists_every_row_of_the_catalogue() -> None:
    if not CATALOG.exists():
        pytest.skip(f"the catalogue is not beside the project ({CATALOG})")
    rows = re.findall(r"^\| ([A-Z]+[0-9]+) \|", CATALOG.read_text(), flags=re.MULTILINE)
    assert len(rows) == 185
    assert set(rows) == set(COVERAGE)


def test_no_row_is_left_to_do() -> None:
    todo = sorted(row for row, entry in COVERAGE.items() if entry.startswith("TODO:"))
    assert not todo, todo
