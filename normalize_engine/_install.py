"""``install()``, ``uninstall()``, ``installed()``: every docker-py client created afterwards is wrapped.

For tools that build their own clients where ``wrap()`` cannot reach (testcontainers, Airflow/Prefect/
Dagster operators, ansible's community.docker modules). Opt-in and process-wide, never on by default.

How: the ``__init__`` of docker-py's ``APIClient`` (``docker.api.client``; every ``DockerClient`` builds
one) and of community.docker's vendored copy
(``ansible_collections.community.docker.plugins.module_utils._api.api.client``) is replaced by one that
calls the original and then :func:`~normalize_engine.wrap` on the new client. A module already imported is
patched at once; one not imported yet is patched when it is, by a finder on ``sys.meta_path`` that steps
aside for every other module, so that ``install()`` imports neither docker nor requests itself.
:func:`uninstall` puts the original ``__init__`` back and removes the finder; clients wrapped meanwhile stay
wrapped.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from packaging.version import Version

import normalize_engine

from ._versions import resolve_target

__all__ = ["WATCHED", "install", "installed", "uninstall"]

#: The modules holding a docker-py ``APIClient`` class: docker-py's own and community.docker's vendored one.
WATCHED = (
    "docker.api.client",
    "ansible_collections.community.docker.plugins.module_utils._api.api.client",
)

_lock = threading.RLock()
_settings: dict[str, Any] = {}  # "target", "strict" while installed
_patched: dict[str, tuple[type, Any]] = {}  # module name -> (APIClient, its original __init__)


class _Finder:
    """Patches a watched module right after it is executed; every other import goes past untouched."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in WATCHED or name in _patched:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _Loader(spec.loader)  # type: ignore[assignment]  # a loader by what it does
        return spec


class _Loader:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def create_module(self, spec: Any) -> Any:
        return self._inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._inner.exec_module(module)
        with _lock:
            if _settings:
                _patch(module.__name__, module)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_inner":
            raise AttributeError(name)
        return getattr(self._inner, name)


_FINDER = _Finder()


def _patch(name: str, module: Any) -> None:
    cls = getattr(module, "APIClient", None)
    if cls is None or name in _patched:
        return
    original = cls.__dict__["__init__"]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        settings = dict(_settings)
        if settings:  # still installed
            normalize_engine.wrap(self, target=settings["target"], strict=settings["strict"])

    __init__.__wrapped__ = original  # type: ignore[attr-defined]
    __init__.__doc__ = original.__doc__
    __init__._ne_installed = True  # type: ignore[attr-defined]
    setattr(cls, "__init__", __init__)  # noqa: B010
    _patched[name] = (cls, original)


def install(*, target: str | Version | None = None, strict: bool | None = None) -> None:
    """Wrap every docker-py client (``docker.DockerClient``, ``docker.APIClient``, community.docker's
    vendored ``APIClient``) created from now on, in this process: ``ne.install()``.

    Opt-in, never on by default. Clients created before are not touched (``wrap()`` them). Calling it again
    does not patch twice; ``target`` and ``strict`` given replace what an earlier call set, left at None keep
    it (first call: the newest version, failing open). Undone by :func:`uninstall`. For interpreters you do
    not start yourself (ansible modules, ``sitecustomize``), see :mod:`normalize_engine.autoinstall`.

    :param target: the API version to produce; default :data:`~normalize_engine.LATEST`.
    :param strict: raise instead of passing answers through when they cannot be normalised.
    :raises UnknownVersionError: ``target`` is not a version the library can produce.

    .. versionadded:: 0.2
    """
    with _lock:
        chosen = (
            resolve_target(target) if target is not None else _settings.get("target", resolve_target(None))
        )
        _settings["target"] = chosen
        _settings["strict"] = bool(strict) if strict is not None else _settings.get("strict", False)
        for name in WATCHED:
            module = sys.modules.get(name)
            if module is not None:
                _patch(name, module)
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    """Undo :func:`install`: docker-py clients created from now on are plain again (those created while it
    was installed stay wrapped). Does nothing when not installed.

    .. versionadded:: 0.2
    """
    with _lock:
        _settings.clear()
        while _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)
        for cls, original in _patched.values():
            setattr(cls, "__init__", original)  # noqa: B010  # a class attribute, not an instance one
        _patched.clear()


def is_installed() -> bool:
    """Whether :func:`install` is in effect."""
    return bool(_settings)


@contextmanager
def installed(*, target: str | Version | None = None, strict: bool | None = None) -> Iterator[None]:
    """``with ne.installed():`` :func:`install` for the block, then :func:`uninstall` (when it was not
    installed before the block; else the settings before it come back).

    .. versionadded:: 0.2
    """
    with _lock:
        before = dict(_settings)
    install(target=target, strict=strict)
    try:
        yield
    finally:
        if before:
            install(target=before["target"], strict=before["strict"])
        else:
            uninstall()
