"""The newest shape of an answer: a hand-derived answer of an older version, carried on by per-version deltas.

``tests/test_recent_versions.py`` writes out by hand what a 1.55 daemon sends (:data:`WRITTEN_FOR`). A
later version's test module, ``tests/test_v1_<minor>.py``, adds what its version changes as ``DELTAS``, a
``{endpoint name: delta}`` map, each delta turning an answer of the version before (as its endpoint answers:
the whole array for list endpoints, one document for streams) into the version's own; :func:`newest`
applies them in order, up to ``ne.LATEST``. Adding API 1.56 then needs no edit of the older tests.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packaging.version import Version

import normalize_engine as ne
from normalize_engine._endpoints import route
from normalize_engine._versions import split_path

WRITTEN_FOR = Version("1.55")
Delta = Callable[[Any], Any]


def _deltas(endpoint: str) -> list[Delta]:
    found: list[tuple[Version, Delta]] = []
    for path in Path(__file__).resolve().parent.glob("test_v1_*.py"):
        version = Version("1." + path.stem.removeprefix("test_v1_"))
        if WRITTEN_FOR < version <= Version(ne.LATEST):
            module = importlib.import_module(f"tests.{path.stem}")
            delta = getattr(module, "DELTAS", {}).get(endpoint)
            if delta is not None:
                found.append((version, delta))
    return [delta for _, delta in sorted(found, key=lambda item: item[0])]


def newest(url: str, answer: Any, method: str = "GET") -> Any:
    """``answer``, a hand-derived :data:`WRITTEN_FOR` answer to ``method url``, at ``ne.LATEST``."""
    endpoint = route(method, split_path(url)[1])
    if endpoint is None:
        return answer
    for delta in _deltas(endpoint.name):
        answer = delta(copy.deepcopy(answer))
    return answer
