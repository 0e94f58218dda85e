"""Which changes newer than the newest recorded daemon the tests exercise, for the guard in
``tests/test_exercised.py``.

No recorded daemon answers at those versions, so nothing but their own tests shows that they work; a change
added without one would go unnoticed. While the suite runs, every document a plan normalises from such a
version, or from the newest recorded one, is kept (a copy, and only of those, so the cost is small); the
guard then runs the recent changes one by one on each and counts a change as exercised when it changed
one.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from typing import Any

from packaging.version import Version

from normalize_engine._context import OWNED, REQUEST
from normalize_engine._plan import Plan
from normalize_engine._registry import DOCKER
from normalize_engine.changes import Change
from tests.recorded import load_recorded

#: The newest API version a recorded daemon speaks: the changes after it have no recorded answer.
RECORDED: Version = max(Version(d.api_version) for d in load_recorded())

_SEEN: list[tuple[Plan, Any]] = []
_LOCK = threading.Lock()


def recent_changes() -> list[type[Change]]:
    """The changes after :data:`RECORDED` that do something: not those that only document fields an older
    answer cannot give (``underivable``, no field, no hook)."""
    return [
        c
        for e in DOCKER.entries
        if e.version > RECORDED
        for c in e.changes
        if c.declared() or c.migrate is not Change.migrate
    ]


def install() -> Iterator[None]:
    """Keep a copy of every document normalised towards a version after :data:`RECORDED`."""
    original = Plan.apply

    def apply(self: Plan, document: Any, *, owned: bool = False) -> Any:
        if (
            self.run is not None
            and self.target > RECORDED
            and self.source is not None
            and self.source >= RECORDED
            and self.endpoint is not None
        ):
            try:
                kept = copy.deepcopy(document)
            except Exception:  # a hostile document (too deep to copy): not a test of a change
                kept = None
            if kept is not None:
                with _LOCK:
                    _SEEN.append((self, kept))
        return original(self, document, owned=owned)

    Plan.apply = apply  # type: ignore[method-assign]
    try:
        yield
    finally:
        Plan.apply = original  # type: ignore[method-assign]


def exercised() -> set[type[Change]]:
    """The recent changes that changed at least one document the tests normalised."""
    found: set[type[Change]] = set()
    for plan, document in list(_SEEN):
        endpoint = plan.endpoint
        assert endpoint is not None
        token, ownership = REQUEST.set(plan.request), OWNED.set(set())
        try:
            _carry(plan, endpoint.name, endpoint.many, document, found)
        except Exception:  # a document the tests made to fail: it exercises nothing
            pass
        finally:
            OWNED.reset(ownership)
            REQUEST.reset(token)
    return found


def _carry(plan: Plan, endpoint: str, many: bool, document: Any, found: set[type[Change]]) -> None:
    for change in DOCKER.changes_between(endpoint, plan.source, plan.target):
        step = change.compiled()
        if many and type(document) is list:
            after = [None if item is None else step(item) for item in document]
        else:
            after = step(document)
        if after != document:
            found.add(change)
        document = after
