"""normalize-engine: Docker Engine API responses from any daemon version, in the newest version's shape.

>>> import normalize_engine as ne
>>> ne.normalize({"status": "die", "id": "4f2a", "from": "busybox", "time": 1}, "/v1.21/events")["Type"]
'container'

Ways in: :func:`normalize` on JSON you already have, :class:`NormalizingAdapter` / :func:`mount` on a
``requests`` session, :func:`wrap` on a docker-py, testcontainers or aiodocker client, :func:`install` for
every docker-py client a process creates, and the optional ``normalize_engine.httpx`` and
``normalize_engine.aiohttp`` transports (they import httpx and aiohttp; ``import normalize_engine`` does not).

``import normalize_engine`` is light (issue 18: a ``.pth`` line may import it at every interpreter start):
it loads the errors and the list of versions, and each function on first use (see ``__getattr__``); the
first :func:`normalize` with something to change then builds the registries and the chain it needs.
"""

from __future__ import annotations

import os as _os
import sys as _sys
from importlib import import_module as _import_module
from importlib import util as _util
from typing import TYPE_CHECKING, Final


def _schemas_of_a_checkout() -> None:
    """Let a checkout that is not installed import its top-level ``schemas/`` as ``normalize_engine.schemas``.

    Installed (wheel or editable), setuptools maps the top-level ``schemas/`` to ``normalize_engine.schemas``
    (``package-dir`` in pyproject.toml) and there is nothing to do. Run from a clone's root without
    installing, Python finds this package on ``sys.path`` but has no such mapping: the modules beside it are
    then loaded under the same name, so both cases import the same code. No import hook is installed.
    """
    name = f"{__name__}.schemas"
    here = _os.path.dirname(_os.path.realpath(__file__))
    if name in _sys.modules or _os.path.isdir(_os.path.join(here, "schemas")):
        return  # a wheel: the subpackage is beside this file
    if _util.find_spec(name) is not None:
        return  # an editable install maps it
    init = _os.path.join(_os.path.dirname(here), "schemas", "__init__.py")
    spec = _util.spec_from_file_location(name, init, submodule_search_locations=[_os.path.dirname(init)])
    if spec is None or spec.loader is None or not _os.path.isfile(init):
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
from ._known import LATEST as _LATEST  # noqa: E402
from ._known import VERSIONS as _VERSIONS  # noqa: E402

if TYPE_CHECKING:
    # Type checkers see the real names; at run time they are loaded on first use (see __getattr__).
    from ._endpoints import endpoint_kind
    from ._install import install, installed, uninstall
    from ._normalize import anormalize_stream, normalize, normalize_stream
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
VERSIONS: Final[tuple[str, ...]] = _VERSIONS
#: The newest API version the library knows: the default target.
LATEST: Final[str] = _LATEST

__version__ = "0.1.0"

#: Where each function lives (a module of this package), loaded on first use of its name: the requests
#: transport imports requests, and the rest the parsing of versions, routing and decoding, which
#: ``import normalize_engine`` alone does not need.
_LAZY: Final[dict[str, str]] = {
    "anormalize_stream": "_normalize",
    "endpoint_kind": "_endpoints",
    "install": "_install",
    "installed": "_install",
    "normalize": "_normalize",
    "normalize_stream": "_normalize",
    "uninstall": "_install",
    "NormalizingAdapter": "transports.requests_adapter",
    "mount": "transports.docker_py",
    "wrap": "transports.docker_py",
}


if not TYPE_CHECKING:  # hidden from type checkers, which would otherwise type every unknown name with it

    def __getattr__(name: str) -> object:
        # Documented lazy loading (PEP 562): the module of a public function is imported on first use of
        # its name, which is then bound here, so later look-ups are plain attribute reads.
        where = _LAZY.get(name)
        if where is None:
            raise AttributeError(f"module 'normalize_engine' has no attribute {name!r}")
        value = getattr(_import_module(f".{where}", __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(__all__)
