"""``normalize()`` and ``normalize_stream()``: decoding bodies, choosing the chain, running it."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from packaging.version import Version

from . import _chain
from ._endpoints import Endpoint, Kind, route
from ._errors import InvalidBodyError, NormalizeError, NormalizeWarning, UnknownVersionError
from ._registry import REGISTRY
from ._stream import iter_documents
from ._versions import parse_version, split_path
from .schema import _OWNED, _REQUEST, HookFailed, Request, ShapeError

VERSIONS_V: tuple[Version, ...] = REGISTRY.versions
OLDEST: Version = VERSIONS_V[0]
NEWEST: Version = VERSIONS_V[-1]

JSON = Any  # dict | list | str | int | float | bool | None


@dataclass(frozen=True)
class Plan:
    """What to do with the responses of one request: found once, applied to each document."""

    method: str
    path: str
    endpoint: Endpoint | None
    source: Version | None
    target: Version
    #: the fused chain for a whole document (over every item for list endpoints); None: nothing to do
    run: _chain.Step | None
    request: Request
    newer_than_target: bool = False
    #: the path as the caller gave it (``/v1.41/images/json?all=1``), for messages; ``path`` is without prefix
    given: str = ""

    @property
    def kind(self) -> Kind:
        return Kind.UNKNOWN if self.endpoint is None else self.endpoint.kind

    @property
    def idle(self) -> bool:
        """True when documents pass through unchanged (nothing to do, or a source newer than the target)."""
        return self.run is None

    def apply(self, document: JSON, *, owned: bool = False) -> JSON:
        """Normalise one document (one array, for list endpoints). Never mutates ``document``, unless
        ``owned`` says nothing else holds it (the library decoded it itself), which saves copying."""
        run = self.run
        if run is None:
            return document
        token = _REQUEST.set(self.request)
        ownership = _OWNED.set(True if owned else set())
        try:
            return run(document, owned)
        except HookFailed as exc:  # a hook assumed a type the body does not have: say which, where, on what
            raise InvalidBodyError(f"{self._what()}: {exc.describe()}") from exc.error
        except ShapeError as exc:
            raise InvalidBodyError(f"{self._what()}: {exc.describe()}") from None
        except RecursionError:
            raise InvalidBodyError(f"{self._what()}: it nests too deeply to walk") from None
        except (NormalizeError, MemoryError):
            raise
        except Exception as exc:  # the backstop: a bug of the chain itself, said as one, never a builtin
            raise InvalidBodyError(
                f"{self.method} {self.path}: normalize-engine failed on this answer with "
                f"{type(exc).__name__}: {exc}. This is a bug in normalize-engine: please report it with this "
                "message"
            ) from exc
        finally:
            _OWNED.reset(ownership)
            _REQUEST.reset(token)

    def _what(self) -> str:
        assert self.endpoint is not None
        what = self.endpoint.description or self.endpoint.name
        article = "an" if what[:1].lower() in "aeiou" else "a"
        return (
            f"{self.method} {self.given or self.path}: the body does not have the shape of {article} {what} "
            "answer"
        )


def resolve_target(target: str | Version | None) -> Version:
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


def make_plan(
    method: str,
    path: str,
    *,
    version: str | Version | None = None,
    target: str | Version | None = None,
) -> Plan:
    """Route a request and choose its chain. The source version is the path's ``/vX.Y`` prefix, else
    ``version``, else unknown (every step applies; steps look at the shape they are given).

    Plans are immutable and cached by their arguments, so a request seen before (inspecting the same
    container again, polling a list) costs one dictionary look-up.
    """
    if (
        type(path) is str
        and type(method) is str
        and (version is None or type(version) in _HASHABLE)
        and (target is None or type(target) in _HASHABLE)
    ):
        return _cached_plan(method, path, version, target)
    return _make_plan(method, path, version, target)


_HASHABLE = frozenset({str, Version})


def _make_plan(method: str, path: str, version: str | Version | None, target: str | Version | None) -> Plan:
    if not isinstance(path, str):
        raise InvalidBodyError(f"path must be a string such as '/v1.41/containers/json', got {path!r}")
    if not isinstance(method, str):
        raise InvalidBodyError(f"method must be a string such as 'GET', got {method!r}")
    prefix, bare, query = split_path(path)
    target_v = resolve_target(target)
    raw_source = prefix if prefix is not None else version
    source = None if raw_source is None else parse_version(raw_source)
    method = method.upper()
    endpoint = route(method, bare)
    if endpoint is None and prefix is None:
        _refuse_malformed_prefix(method, path, bare)
    match = endpoint.regex.match(bare) if endpoint is not None else None
    request = Request(
        method=method,
        path=bare,
        query=query,
        params=match.groups() if match else (),
        source=None if source is None else _text(source),
        target=_text(target_v),
    )
    if source is not None and source > target_v:
        return Plan(
            method, bare, endpoint, source, target_v, None, request, newer_than_target=True, given=path
        )
    run = None
    if endpoint is not None and endpoint.kind in (Kind.JSON, Kind.STREAM):
        run = _chain.runner(endpoint.name, endpoint.many, source, target_v)
    return Plan(method, bare, endpoint, source, target_v, run, request, given=path)


_VERSION_LIKE = re.compile(r"^/(v[^/]*)(/.*)$")


def _refuse_malformed_prefix(method: str, path: str, bare: str) -> None:
    """``/v1.x/containers/json``: an Engine API path behind something that is not a version prefix."""
    match = _VERSION_LIKE.match(bare)
    if match is not None and route(method, match.group(2)) is not None:
        raise UnknownVersionError(
            f"{match.group(1)!r} in the path {path!r} is not an API version prefix: expected '/v' and "
            "MAJOR.MINOR, such as '/v1.41/containers/json', or no prefix at all"
        )


_cached_plan = lru_cache(maxsize=2048)(_make_plan)


@lru_cache(maxsize=256)
def _text(version: Version) -> str:
    return str(version)


_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner json.loads ends in
_only_space = re.compile(r"[ \t\n\r]*\Z").match  # JSON's whitespace to the end, as json.decoder's


def _loads(text: str) -> JSON:
    """``json.loads(text)``, without its Python layers when ``text`` is one JSON value (and JSON
    whitespace after it, such as the daemon's final newline): they cost 5 % of decoding an inspect
    answer. Anything else (leading whitespace, a BOM, bad or extra data) goes through ``json.loads``,
    which decodes it or raises its own error."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:  # no JSON value at the very start
        return json.loads(text)
    if end != len(text) and _only_space(text, end) is None:
        return json.loads(text)  # raises "Extra data"
    return value


def decode(body: Any, what: str = "body") -> JSON:
    """Turn a body given as str or bytes into JSON; JSON values pass through."""
    if type(body) is dict or type(body) is list:
        return body
    if isinstance(body, bytes | bytearray | memoryview):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidBodyError(f"the {what} is not UTF-8 text: {exc}") from None
    if isinstance(body, str):
        if not body or body.isspace():
            return None  # an empty body (201, 204, or a stream that sent nothing): no JSON at all
        try:
            return _loads(body)
        except json.JSONDecodeError as exc:
            snippet = body[:60] + ("..." if len(body) > 60 else "")
            raise InvalidBodyError(f"the {what} is not JSON ({exc}): {snippet!r}") from None
        except RecursionError:
            raise InvalidBodyError(f"the {what} nests JSON too deeply to decode") from None
        except ValueError as exc:  # a number beyond Python's int_max_str_digits
            raise InvalidBodyError(f"the {what} holds a value Python cannot decode ({exc})") from None
    if body is None or isinstance(body, dict | list | int | float | bool):
        return body
    raise InvalidBodyError(f"the {what} must be JSON (dict, list, str or bytes), got {type(body).__name__}")


def error_body(body: Any) -> dict[str, Any]:
    """An error answer as ``{"message": ...}``: old daemons sent plain text, some JSON without ``message``."""
    if isinstance(body, bytes | bytearray | memoryview):
        body = bytes(body).decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return {"message": body.strip()}
    else:
        parsed = body
    if isinstance(parsed, dict):
        if isinstance(parsed.get("message"), str):
            return parsed
        out = dict(parsed)
        out.pop("message", None)
        text = parsed.get("message", parsed.get("error"))
        message = text if isinstance(text, str) else _error_text(parsed, (",", ":"))
        return {"message": message, **out}
    if parsed is None:
        return {"message": ""}
    return {"message": parsed if isinstance(parsed, str) else _error_text(parsed, None)}


def _error_text(parsed: Any, separators: tuple[str, str] | None) -> str:
    try:
        return json.dumps(parsed, separators=separators)
    except RecursionError:
        raise InvalidBodyError("the error body nests JSON too deeply to turn into a message") from None
    except (TypeError, ValueError) as exc:
        raise InvalidBodyError(f"the error body is not JSON ({exc})") from None


def normalize(
    body: Any,
    path: str,
    *,
    method: str = "GET",
    status: int = 200,
    version: str | None = None,
    target: str | None = None,
    inplace: bool = False,
) -> JSON:
    """Return ``body``, a Docker Engine API response, in the shape of API version ``target``.

    :param body: the response body: parsed JSON (dict or list), or its raw ``str``/``bytes``.
    :param path: the request path, e.g. ``"/v1.41/containers/json?all=1"``. Its ``/vX.Y`` prefix is the
        source version.
    :param method: the request method.
    :param status: the response status; from 400 on the body is an error and comes back as
        ``{"message": ...}``.
    :param version: the source API version when the path has no prefix (e.g. the daemon's ``Api-Version``
        header). With neither, every change applies: each looks at the shape it is given.
    :param target: the API version to produce; default :data:`LATEST`.
    :param inplace: for parsed input the caller has no further use for (``normalize(response.json(),
        path, inplace=True)``): change ``body`` and the objects in it instead of copying what changes;
        copying costs about as much as the changes themselves for old answers. The result may be ``body``
        itself or a new object, and ``body`` is left in no particular state: use the result.
    :returns: new JSON; the input is never mutated unless ``inplace`` is given (unchanged parts may be
        shared with it).
    :raises InvalidBodyError: the body is not JSON, or not of its endpoint's shape.
    :raises UnknownVersionError: ``version``, ``target`` or the path prefix is not an API version.

    >>> import normalize_engine as ne
    >>> old = b'[{"Id": "sha256:ab", "RepoTags": ["<none>:<none>"], "Size": 10, "VirtualSize": 10}]'
    >>> ne.normalize(old, "/v1.41/images/json")[0]["RepoTags"]
    []
    """
    plan = make_plan(method, path, version=version, target=target)
    if status >= 400:
        return error_body(body)
    data = decode(body)
    owned = inplace or data is not body  # decoded here: nothing else holds it, the chain may change it
    if plan.newer_than_target:
        warnings.warn(
            f"{plan.method} {path}: the answer is at API {plan.source}, newer than the target {plan.target}; "
            "it is returned unchanged",
            NormalizeWarning,
            stacklevel=2,
        )
        return data
    return plan.apply(data, owned=owned)


def normalize_stream(
    chunks: Iterable[bytes | str],
    path: str,
    *,
    method: str = "GET",
    version: str | None = None,
    target: str | None = None,
) -> Iterator[JSON]:
    """Normalise a JSON stream (events, stats, pull/push/build/load progress) document by document.

    :param chunks: the stream's bytes in pieces of any size (e.g. ``response.iter_content(None)``).
    :param path: the request path, as for :func:`normalize`.
    :returns: an iterator of canonical documents, each yielded as soon as its last byte arrived.
    :raises TruncatedStreamError: the stream ends inside a document (after the complete ones were yielded).

    >>> import normalize_engine as ne
    >>> events = [b'{"status":"start","id":"abc","from":"busybox","time":1}\\n']
    >>> [e["Action"] for e in ne.normalize_stream(events, "/v1.21/events")]
    ['start']
    """
    plan = make_plan(method, path, version=version, target=target)
    if plan.newer_than_target:
        warnings.warn(
            f"{plan.method} {path}: the stream is at API {plan.source}, newer than the target "
            f"{plan.target}; it is returned unchanged",
            NormalizeWarning,
            stacklevel=2,
        )
    for document in iter_documents(chunks):
        yield plan.apply(document, owned=True)  # decoded here: nothing else holds it
