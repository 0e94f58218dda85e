"""normalize-engine: Docker Engine API responses from any daemon version, in the newest version's shape.

>>> import normalize_engine as ne
>>> ne.normalize({"status": "die", "id": "4f2a", "from": "busybox", "time": 1}, "/v1.21/events")["Type"]
'container'

Ways in: :func:`normalize` on JSON you already have, :class:`NormalizingAdapter` / :func:`mount` on a
``requests`` session, :func:`wrap` on a docker-py, testcontainers or aiodocker client, :func:`install` for
every docker-py client a process creates, and the optional ``normalize_engine.httpx`` and
``normalize_engine.aiohttp`` transports (they import httpx and aiohttp; ``import normalize_engine`` does not).
"""

from __future__ import annotations

import logging
import sys as _sys
from importlib import util as _util
from pathlib import Path as _Path
from typing import TYPE_CHECKING, Final


def _schemas_of_a_checkout() -> None:
    """Let a checkout that is not installed import its top-level ``schemas/`` as ``normalize_engine.schemas``.

    Installed (wheel or editable), setuptools maps the top-level ``schemas/`` to ``normalize_engine.schemas``
    (``package-dir`` in pyproject.toml) and there is nothing to do. Run from a clone's root without
    installing, Python finds this package on ``sys.path`` but has no such mapping: the modules beside it are
    then loaded under the same name, so both cases import the same code. No import hook is installed.
    """
    name = f"{__name__}.schemas"
    if name in _sys.modules or _util.find_spec(name) is not None:
        return
    init = _Path(__file__).resolve().parent.parent / "schemas" / "__init__.py"
    spec = _util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    if spec is None or spec.loader is None or not init.is_file():
        return  # the import of the registry then names what is missing
    module = _util.module_from_spec(spec)
    _sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del _sys.modules[name]
        raise
    globals()["schemas"] = module  # as the import system binds a submodule on its package


_schemas_of_a_checkout()

from ._errors import (  # noqa: E402  # after the schemas are found
    InvalidBodyError,
    NormalizeError,
    NormalizeWarning,
    TruncatedStreamError,
    UnknownVersionError,
    UnsupportedClientError,
)
from ._install import install, installed, uninstall  # noqa: E402
from ._normalize import anormalize_stream, normalize, normalize_stream  # noqa: E402
from ._plan import NEWEST as _NEWEST  # noqa: E402
from ._plan import VERSIONS_V as _VERSIONS_V  # noqa: E402
from .transports.core import endpoint_kind  # noqa: E402

if TYPE_CHECKING:
    # Type checkers see the real names; at run time they are loaded on first use (see __getattr__).
    from .transports.docker_py import mount, wrap
    from .transports.requests_adapter import NormalizingAdapter

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
    "anormalize_stream",
    "endpoint_kind",
    "install",
    "installed",
    "mount",
    "normalize",
    "normalize_stream",
    "uninstall",
    "wrap",
]

#: Every API version the library knows, ascending, from "1.18".
VERSIONS: Final[tuple[str, ...]] = tuple(str(v) for v in _VERSIONS_V)
#: The newest API version the library knows: the default target.
LATEST: Final[str] = str(_NEWEST)

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


if not TYPE_CHECKING:  # hidden from type checkers, which would otherwise type every unknown name with it

    def __getattr__(name: str) -> object:
        # Documented lazy loading: the requests transport imports requests, loaded on first use of the
        # names that need it, so that `normalize()` alone stays light.
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
