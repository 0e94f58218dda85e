"""API versions: parsing, and finding the source version of a request."""

from __future__ import annotations

import re
from functools import lru_cache

from packaging.version import InvalidVersion, Version

from ._errors import UnknownVersionError

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
