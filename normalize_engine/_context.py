"""The runtime context of a chain being run: the request, and what hooks may change in place.

The engine sets these around each run (:meth:`normalize_engine._normalize.Plan.apply`); the DSL reads
them (:func:`~normalize_engine.changes.current_request`, :func:`~normalize_engine.changes.own`,
:func:`~normalize_engine.changes.edit`).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["OWNED", "REQUEST", "Request", "current_request"]


@dataclass(frozen=True)
class Request:
    """What is known about the request whose response is being normalised."""

    method: str = "GET"
    path: str = "/"
    query: str = ""
    params: tuple[str, ...] = ()  # the path parameters, e.g. the container id of /containers/{id}/json
    source: str | None = None  # the source API version, None when unknown
    target: str = ""


_NO_REQUEST = Request()
REQUEST: ContextVar[Request] = ContextVar("normalize_engine_request", default=_NO_REQUEST)


def current_request() -> Request:
    """The request being normalised, for ``migrate()`` methods that need it (stats take ``id`` from it)."""
    return REQUEST.get()


# What a hook may change in place while a chain runs: True for a document the library decoded itself
# (nothing else holds its objects), else the ids of the copies hooks made for this call; None outside a
# chain: copy always. An id in the set is that of a copy of this call, or of an object made in this call
# after that copy was dropped: never of one of the caller's objects, which all outlive the call.
OWNED: ContextVar[set[int] | bool | None] = ContextVar("normalize_engine_owned", default=None)
