"""normalize-engine: Docker Engine API responses from any daemon version, in the newest version's shape.

>>> import normalize_engine as ne
>>> ne.normalize({"status": "die", "id": "4f2a", "from": "busybox", "time": 1}, "/v1.21/events")["Type"]
'container'

Three ways in: :func:`normalize` on JSON you already have, :class:`NormalizingAdapter` / :func:`mount` on a
``requests`` session, :func:`wrap` on a docker-py client.
"""

from __future__ import annotations

import logging
from typing import Final

from ._errors import (
    InvalidBodyError,
    NormalizeError,
    NormalizeWarning,
    TruncatedStreamError,
    UnknownVersionError,
    UnsupportedClientError,
)
from ._plan import NEWEST as _NEWEST
from ._plan import VERSIONS_V as _VERSIONS_V
from ._normalize import normalize, normalize_stream
from .transports.core import endpoint_kind

__all__ = [
    "LATEST",
    "VERSIONS",
    "InvalidBodyError",
    "NormalizeError",
    "NormalizeWarning",
    "NormalizingAdapter",
    "TruncatedStreamError",
    "UnknownVersionError",
    "UnsupportedClientError",
    "endpoint_kind",
    "mount",
    "normalize",
    "normalize_stream",
    "wrap",
]

#: Every API version the library knows, ascending, from "1.18".
VERSIONS: Final[tuple[str, ...]] = tuple(str(v) for v in _VERSIONS_V)
#: The newest API version the library knows: the default target.
LATEST: Final[str] = str(_NEWEST)

__version__ = "0.1.0.dev0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> object:
    # Documented lazy loading: the requests transport imports requests, loaded on first use of the names
    # that need it, so that `normalize()` alone stays light.
    if name in ("NormalizingAdapter", "mount", "wrap"):
        from .transports import docker_py, requests_adapter

        value = {
            "NormalizingAdapter": requests_adapter.NormalizingAdapter,
            "mount": docker_py.mount,
            "wrap": docker_py.wrap,
        }
        globals().update(value)
        return value[name]
    raise AttributeError(f"module 'normalize_engine' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
