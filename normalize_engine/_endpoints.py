"""The Engine API endpoints the library knows, and how a request is routed to one.

An endpoint has a stable dotted name (``"containers.inspect"``), used by the schemas to say which responses a
change applies to, and a *kind*, which tells the adapter how its response travels:

- ``JSON``: one JSON document (a plain answer);
- ``STREAM``: a sequence of JSON documents, normalised one by one (events, stats, progress);
- ``RAW``: bytes that must never be read or touched (logs, attach, exec start, archives, ``/_ping``).

A request that matches no endpoint is ``UNKNOWN``: its body passes through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from typing import Literal

from ._versions import split_path

__all__ = ["ENDPOINTS", "Endpoint", "Kind", "endpoint_kind", "route"]


class Kind(Enum):
    JSON = "json"
    STREAM = "stream"
    RAW = "raw"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Endpoint:
    """One response shape of the Engine API."""

    name: str
    method: str
    pattern: str
    kind: Kind = Kind.JSON
    many: bool = False  # the body is a JSON array of documents of this endpoint's shape
    description: str = ""

    @property
    def regex(self) -> re.Pattern[str]:
        return _compile(self.pattern)


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    # {name} matches one path segment; {name*} matches one or more (image names hold slashes).
    out = re.sub(r"\{[a-z]+\*\}", "(.+)", pattern)
    out = re.sub(r"\{[a-z]+\}", "([^/]+)", out)
    return re.compile("^" + out + "/?$")


J, S, R = Kind.JSON, Kind.STREAM, Kind.RAW

# Order matters: the first match wins, so fixed paths stand before the patterns that would also take them.
ENDPOINTS: tuple[Endpoint, ...] = (
    # containers
    Endpoint("containers.list", "GET", "/containers/json", many=True, description="container list"),
    Endpoint("containers.create", "POST", "/containers/create"),
    Endpoint("containers.prune", "POST", "/containers/prune"),
    Endpoint("containers.inspect", "GET", "/containers/{id}/json", description="container inspect"),
    Endpoint("containers.top", "GET", "/containers/{id}/top"),
    Endpoint("containers.changes", "GET", "/containers/{id}/changes", many=True),
    Endpoint("containers.stats", "GET", "/containers/{id}/stats", S, description="container stats"),
    Endpoint("containers.wait", "POST", "/containers/{id}/wait"),
    Endpoint("containers.update", "POST", "/containers/{id}/update"),
    Endpoint("containers.logs", "GET", "/containers/{id}/logs", R),
    Endpoint("containers.attach", "POST", "/containers/{id}/attach", R),
    Endpoint("containers.attach_ws", "GET", "/containers/{id}/attach/ws", R),
    Endpoint("containers.export", "GET", "/containers/{id}/export", R),
    Endpoint("containers.archive", "GET", "/containers/{id}/archive", R),
    Endpoint("containers.archive_head", "HEAD", "/containers/{id}/archive", R),
    Endpoint("exec.create", "POST", "/containers/{id}/exec"),
    Endpoint("exec.start", "POST", "/exec/{id}/start", R),
    Endpoint("exec.inspect", "GET", "/exec/{id}/json", description="exec inspect"),
    # images
    Endpoint("images.list", "GET", "/images/json", many=True, description="image list"),
    Endpoint("images.search", "GET", "/images/search", many=True),
    Endpoint("images.prune", "POST", "/images/prune"),
    Endpoint("images.create", "POST", "/images/create", S, description="pull / import progress"),
    Endpoint("images.load", "POST", "/images/load", S, description="load progress"),
    Endpoint("images.save_many", "GET", "/images/get", R),
    Endpoint("images.inspect", "GET", "/images/{name*}/json", description="image inspect"),
    Endpoint("images.history", "GET", "/images/{name*}/history", many=True),
    Endpoint("images.push", "POST", "/images/{name*}/push", S, description="push progress"),
    Endpoint("images.save", "GET", "/images/{name*}/get", R),
    Endpoint("images.delete", "DELETE", "/images/{name*}", many=True),
    Endpoint("build", "POST", "/build", S, description="build progress"),
    Endpoint("build.prune", "POST", "/build/prune"),
    Endpoint("commit", "POST", "/commit"),
    Endpoint("distribution.inspect", "GET", "/distribution/{name*}/json"),
    # networks and volumes
    Endpoint("networks.list", "GET", "/networks", many=True, description="network list"),
    Endpoint("networks.create", "POST", "/networks/create"),
    Endpoint("networks.prune", "POST", "/networks/prune"),
    Endpoint("networks.inspect", "GET", "/networks/{id}", description="network inspect"),
    Endpoint("volumes.list", "GET", "/volumes", description="volume list"),
    Endpoint("volumes.create", "POST", "/volumes/create"),
    Endpoint("volumes.prune", "POST", "/volumes/prune"),
    Endpoint("volumes.inspect", "GET", "/volumes/{name}", description="volume inspect"),
    # system
    Endpoint("system.info", "GET", "/info", description="system info"),
    Endpoint("system.version", "GET", "/version", description="version"),
    Endpoint("system.df", "GET", "/system/df", description="disk usage"),
    Endpoint("system.events", "GET", "/events", S, description="events"),
    Endpoint("system.ping", "GET", "/_ping", R),
    Endpoint("system.ping_head", "HEAD", "/_ping", R),
    Endpoint("system.auth", "POST", "/auth"),
    # plugins
    Endpoint("plugins.list", "GET", "/plugins", many=True),
    Endpoint("plugins.privileges", "GET", "/plugins/privileges", many=True),
    Endpoint("plugins.pull", "POST", "/plugins/pull", S),
    Endpoint("plugins.inspect", "GET", "/plugins/{name*}/json"),
    # swarm
    Endpoint("swarm.inspect", "GET", "/swarm"),
    Endpoint("swarm.unlockkey", "GET", "/swarm/unlockkey"),
    Endpoint("nodes.list", "GET", "/nodes", many=True),
    Endpoint("nodes.inspect", "GET", "/nodes/{id}"),
    Endpoint("services.list", "GET", "/services", many=True),
    Endpoint("services.create", "POST", "/services/create"),
    Endpoint("services.inspect", "GET", "/services/{id}"),
    Endpoint("services.update", "POST", "/services/{id}/update"),
    Endpoint("services.logs", "GET", "/services/{id}/logs", R),
    Endpoint("tasks.list", "GET", "/tasks", many=True),
    Endpoint("tasks.inspect", "GET", "/tasks/{id}"),
    Endpoint("tasks.logs", "GET", "/tasks/{id}/logs", R),
    Endpoint("secrets.list", "GET", "/secrets", many=True),
    Endpoint("secrets.create", "POST", "/secrets/create"),
    Endpoint("secrets.inspect", "GET", "/secrets/{id}"),
    Endpoint("configs.list", "GET", "/configs", many=True),
    Endpoint("configs.create", "POST", "/configs/create"),
    Endpoint("configs.inspect", "GET", "/configs/{id}"),
)

BY_NAME: dict[str, Endpoint] = {e.name: e for e in ENDPOINTS}
_BY_METHOD: dict[str, tuple[Endpoint, ...]] = {}
for _e in ENDPOINTS:
    _BY_METHOD[_e.method] = (*_BY_METHOD.get(_e.method, ()), _e)


@lru_cache(maxsize=1024)
def route(method: str, bare_path: str) -> Endpoint | None:
    """Find the endpoint of a request, given its method and its path without version prefix or query.

    >>> route("GET", "/images/library/busybox:latest/json").name
    'images.inspect'
    >>> route("GET", "/nope") is None
    True
    """
    for endpoint in _BY_METHOD.get(method.upper(), ()):
        if endpoint.regex.match(bare_path):
            return endpoint
    return None


def endpoint_kind(method: str, path: str) -> Literal["json", "stream", "raw", "unknown"]:
    """What a transport does with the answer to ``method path``: ``"json"`` (one document, rewritten),
    ``"stream"`` (JSON documents, converted one by one), ``"raw"`` (bytes never to be read: logs, attach,
    exec start, archives, ``/_ping``) or ``"unknown"`` (an endpoint the library does not know: passed
    through). The path may carry a ``/vX.Y`` prefix and a query string.

    >>> import normalize_engine as ne
    >>> ne.endpoint_kind("GET", "/v1.41/events?since=1"), ne.endpoint_kind("POST", "/exec/ab/start")
    ('stream', 'raw')

    .. versionadded:: 0.1
    """
    endpoint = route(method.upper(), split_path(path)[1])
    kind = Kind.UNKNOWN if endpoint is None else endpoint.kind
    return kind.value
