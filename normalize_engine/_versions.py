"""API versions: the ones the library knows, parsing, and finding the source of an answer (its version and
its engine). Light on purpose: ``import normalize_engine`` and ``install()`` need no registry (issue 18)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from packaging.version import InvalidVersion, Version

from ._errors import UnknownVersionError
from ._known import VERSIONS

__all__ = ["NEWEST", "OLDEST", "VERSIONS_V", "engine_of", "parse_version", "resolve_target", "split_path"]

#: The versions of Docker's registry (``_known.py``, which a test checks against it), ascending.
VERSIONS_V: tuple[Version, ...] = tuple(Version(v) for v in VERSIONS)
OLDEST: Version = VERSIONS_V[0]
NEWEST: Version = VERSIONS_V[-1]

_PREFIX = re.compile(r"^/v(\d+\.\d+)(?=/|$)")
_SHAPE = re.compile(r"^\d+\.\d+$")


@lru_cache(maxsize=256)
def parse_version(value: str | Version) -> Version:
    """Parse an Engine API version such as ``"1.41"`` (a leading ``v`` is accepted).

    :raises UnknownVersionError: for anything that is not ``1.<minor>``.
    """
    if isinstance(value, Version):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().removeprefix("v")
    else:
        raise UnknownVersionError(
            f"an API version must be a string such as '1.41', got {type(value).__name__} {value!r}"
        )
    if not _SHAPE.match(text):
        raise UnknownVersionError(
            f"{value!r} is not a Docker Engine API version: expected 'MAJOR.MINOR' such as '1.41'"
        )
    try:
        version = Version(text)
    except InvalidVersion as exc:  # pragma: no cover - the regex already guarantees the form
        raise UnknownVersionError(f"{value!r} is not a Docker Engine API version") from exc
    if version.major != 1:
        raise UnknownVersionError(
            f"{value!r} is not a Docker Engine API version: every Engine API version is 1.x "
            "(did you pass the Docker Engine release, e.g. '28.5', instead of its API version?)"
        )
    return version


def split_path(path: str) -> tuple[str | None, str, str]:
    """Split a request path into ``(version prefix or None, bare path, query string)``.

    >>> split_path("/v1.41/containers/json?all=1")
    ('1.41', '/containers/json', 'all=1')
    """
    if "://" in path:  # a full URL: keep only the path and query
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    bare, _, query = path.partition("?")
    bare = bare.partition("#")[0] or "/"
    match = _PREFIX.match(bare)
    if match is None:
        return None, bare, query
    return match.group(1), bare[match.end() :] or "/", query


def resolve_target(target: str | Version | None) -> Version:
    """The version to produce: ``target`` parsed, else the newest the library knows.

    :raises UnknownVersionError: ``target`` is not a version the library can produce.
    """
    if target is None:
        return NEWEST
    version = parse_version(target)
    if version < OLDEST:
        raise UnknownVersionError(
            f"target {str(target)!r} is not a version this library can produce: it is older than the oldest "
            f"it knows ({OLDEST} to {NEWEST}); give a target from {OLDEST} on"
        )
    if version > NEWEST:
        raise UnknownVersionError(
            f"target {str(target)!r} is not a version this library can produce: it knows {OLDEST} to "
            f"{NEWEST}; upgrade normalize-engine for newer versions"
        )
    return version


def engine_of(headers: Mapping[str, str] | None) -> str:
    """The engine that sent an answer, told by its headers: ``"podman"`` when it carries
    ``Libpod-Api-Version`` or a ``Server: Libpod/...`` header, else ``"docker"``. ``headers`` may be any
    mapping (case-insensitive or not)."""
    if not headers:
        return "docker"
    for key, value in headers.items():
        name = key.lower() if type(key) is str else ""
        if name == "libpod-api-version":
            return "podman"
        if name == "server" and type(value) is str and value.lower().startswith("libpod"):
            return "podman"
    return "docker"
