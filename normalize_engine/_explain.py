"""What each change of a chain did to one answer: the data behind ``normalize-engine explain``.

The fused chain runs all changes in one pass, which is fast and opaque; :func:`explain` runs the same
changes one after the other, each compiled alone, and keeps the document before and after each, so that a
wrong migration can be traced to the change that made it. The result is checked against the fused chain.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ._context import OWNED, REQUEST
from ._decoding import JSON
from ._endpoints import Kind
from ._plan import Plan, make_plan
from ._registry import DOCKER, Registry

__all__ = ["ChangeEffect", "Explanation", "explain"]


@dataclass(frozen=True)
class ChangeEffect:
    """One change, and the document before and after it."""

    version: str
    name: str
    summary: str
    before: JSON
    after: JSON


@dataclass(frozen=True)
class Explanation:
    plan: Plan
    effects: tuple[ChangeEffect, ...]
    #: what the fused chain gives (``normalize()``'s answer)
    result: JSON
    #: whether running the changes one by one gave the same document as the fused chain
    agrees: bool

    @property
    def source(self) -> str | None:
        """The generated source of the fused chain, None when there is nothing to do."""
        return getattr(self.plan.run, "_source", None)


def _summary(doc: str | None) -> str:
    first = (doc or "").strip().split("\n\n")[0]
    return " ".join(line.strip() for line in first.splitlines())


def explain(
    document: JSON,
    path: str,
    *,
    method: str = "GET",
    version: str | None = None,
    target: str | None = None,
    registry: Registry = DOCKER,
) -> Explanation:
    """Run the changes that carry ``document`` (one decoded answer, or one document of a stream) from its
    source version to ``target`` one by one, and say what each did.

    :raises UnknownVersionError: ``version``, ``target`` or the path prefix is not an API version.
    """
    plan = make_plan(method, path, version=version, target=target, registry=registry)
    endpoint = plan.endpoint
    effects: list[ChangeEffect] = []
    current = copy.deepcopy(document)
    if endpoint is not None and endpoint.kind in (Kind.JSON, Kind.STREAM) and not plan.newer_than_target:
        token, ownership = REQUEST.set(plan.request), OWNED.set(set())
        try:
            for change in registry.changes_between(endpoint.name, plan.source, plan.target):
                step = change.compiled()
                before = copy.deepcopy(current)
                if endpoint.many and type(current) is list:
                    current = [None if item is None else step(item) for item in current]
                else:
                    current = step(current)
                summary = _summary(change.__doc__)
                effects.append(ChangeEffect(change.version, change.__name__, summary, before, current))
        finally:
            OWNED.reset(ownership)
            REQUEST.reset(token)
    result = plan.apply(copy.deepcopy(document), owned=True)
    return Explanation(plan, tuple(effects), result, current == result)
