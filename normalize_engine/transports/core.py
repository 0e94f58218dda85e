"""The transport-neutral core: what an answer is, failing open, stream conversion, body rewriting.

A transport (requests today; httpx and aiohttp next) is a thin layer that hands this module what it knows
about an answer and puts back what it gets. The path of a response is transport -> core -> transport:

1. :func:`decide` classifies the answer by method, path, status, the request's ``Upgrade`` header and a
   few response headers (``Content-Type``, ``Content-Length``, ``Api-Version``), not by ``Content-Type``
   alone. It returns a :class:`Decision`: pass the answer through unread (:attr:`Action.PASS`), wrap its
   error body (:attr:`Action.ERROR`), rewrite its JSON body (:attr:`Action.JSON`) or convert its JSON
   stream (:attr:`Action.STREAM`). Hijacked connections (``101``, ``Upgrade``), ``HEAD``, ``1xx``/``204``/
   ``3xx``, raw endpoints (logs, attach, exec start, archives, ``/_ping``), unknown endpoints, the Docker
   raw and multiplexed stream types and answers with nothing to change are passed through.
2. The transport reads the body (or not), and calls :func:`rewrite_error`, :func:`normalise_json` with an
   encoder from :func:`encoder`, or feeds a :class:`~normalize_engine.transports.streams.StreamConverter`
   with the stream's bytes.
3. Failing open is one policy, :func:`failed`: a normaliser must never be the reason a client breaks, so a
   failure gives the caller the answer as the daemon sent it and a
   :class:`~normalize_engine.NormalizeWarning`; with ``strict`` the error is raised instead.

:func:`endpoint_kind` is the public face of the classification, for transports written elsewhere.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, NamedTuple

from packaging.version import Version

from .._decoding import decode, error_body, podman_error
from .._endpoints import Kind, endpoint_kind
from .._errors import NormalizeError, newer_than_target, warn
from .._plan import Plan, plan_for
from .._versions import split_path

__all__ = [
    "JSON_SEQ",
    "NDJSON",
    "Action",
    "Decision",
    "Floors",
    "at_version",
    "decide",
    "encoder",
    "endpoint_kind",
    "failed",
    "floor_refusal",
    "normalise_json",
    "raise_or_warn",
    "rewrite_error",
]

logger = logging.getLogger(__name__)
# The library's loggers are those of its transports, which all import this module: the package's null
# handler is added here, so that ``import normalize_engine`` need not import logging (issue 18).
logging.getLogger("normalize_engine").addHandler(logging.NullHandler())

#: Media types of byte streams that must never be read (attach, exec, logs).
RAW_MEDIA = frozenset({"application/vnd.docker.raw-stream", "application/vnd.docker.multiplexed-stream"})
JSON_SEQ = "application/json-seq"
#: What a converted ``application/json-seq`` stream is labelled (it comes out newline-delimited).
NDJSON = "application/x-ndjson"


# ------------------------------------------------------------------------------------------ encoding

# JSON of decoded JSON holds no cycles: the encoder need not look for them (a cycle would end in a
# RecursionError, which fails open like any other error).
_ASCII_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)
_UTF8_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False, ensure_ascii=False)


def _dumps(document: Any) -> bytes:
    """Compact JSON, ASCII only (``\\u`` escapes): right whatever charset the answer's headers claim."""
    return _ASCII_ENCODER.encode(document).encode()


def _dumps_utf8(document: Any) -> bytes:
    """Compact JSON as UTF-8 (for answers read as UTF-8); ASCII escapes when a string cannot be UTF-8 (a
    lone surrogate that came in as ``"\\ud800"``)."""
    try:
        return _UTF8_ENCODER.encode(document).encode()
    except UnicodeEncodeError:
        return _dumps(document)


def encoder(utf8: bool) -> Callable[[Any], bytes]:
    """How to encode a new body: as UTF-8 when its readers decode it as UTF-8, else as ASCII, which every
    charset reads the same."""
    return _dumps_utf8 if utf8 else _dumps


# ------------------------------------------------------------------------------------------ failing open


def failed(strict: bool, method: str, path: str, what: str, exc: Exception) -> NormalizeError | None:
    """Fail open: warn (at the caller's line) and return None; ``strict``: return the error to raise."""
    if strict:
        if isinstance(exc, NormalizeError):
            return exc
        error = NormalizeError(
            f"{method} {path}: normalising the {what} failed with {type(exc).__name__}: {exc} "
            "(a bug in normalize-engine: please report it with the API version and the body's shape)"
        )
        error.__cause__ = exc
        return error
    warn(
        f"{method} {path}: the {what} could not be normalised ({type(exc).__name__}: {exc}); "
        "it is passed through unchanged"
    )
    return None


def raise_or_warn(strict: bool, method: str, path: str, what: str, exc: Exception) -> None:
    """:func:`failed`, raising the error it returns."""
    error = failed(strict, method, path, what, exc)
    if error is not None:
        if error is exc:
            raise error
        raise error from exc


# ------------------------------------------------------------------------------------------ deciding


class Action(Enum):
    PASS = "pass"  # return the answer as it is, never read
    ERROR = "error"  # an error answer: its body becomes {"message": ...}
    JSON = "json"  # one JSON document: rewrite the body
    STREAM = "stream"  # a JSON stream: convert it document by document


class Decision(NamedTuple):  # a tuple: made for every answer, in a fifth of a frozen dataclass's time
    action: Action
    plan: Plan | None = None
    #: the stream is ``application/json-seq``: it comes out newline-delimited, labelled :data:`NDJSON`
    seq: bool = False
    #: a PASS of one JSON document with nothing to change: a transport may decode it for the caller
    idle_json: bool = False


_PASS = Decision(Action.PASS)
_IDLE_JSON = Decision(Action.PASS, idle_json=True)


def media_type(headers: Mapping[str, str]) -> str:
    """The media type, lower-case without parameters, of case-insensitive headers or :func:`_read`'s."""
    value = headers.get("content-type") if type(headers) is dict else headers.get("Content-Type")
    return (value or "").partition(";")[0].strip().lower()


#: The response headers :func:`decide` reads (lower-case), and those that tell the engine.
_READ = frozenset({"content-length", "content-type", "api-version", "libpod-api-version", "server"})


def _engine(read: dict[str, str]) -> str:  # _registry.engine_of, on what _read made of the headers
    server = read.get("server")
    if "libpod-api-version" in read or (type(server) is str and server[:6].lower() == "libpod"):
        return "podman"
    return "docker"


def _read(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers :func:`decide` reads, by lower-case name: requests' ``CaseInsensitiveDict`` by look-ups
    in its store of lower-case names (its own look-up of a name it lacks raises and catches a
    ``KeyError``), any other mapping in one pass over its items."""
    read: dict[str, str] = {}
    lower_items = getattr(headers, "lower_items", None)  # requests' CaseInsensitiveDict
    if lower_items is not None:
        store = getattr(headers, "_store", None)  # its {lower-case name: (name, value)}: five look-ups
        if isinstance(store, dict):
            for name in _READ:
                item = store.get(name)
                if type(item) is tuple and len(item) == 2:
                    read[name] = item[1]
            return read
        return {name: value for name, value in lower_items() if name in _READ}
    for name, value in headers.items():
        lower = name.lower() if type(name) is str else ""
        if lower in _READ and lower not in read:  # the first of repeated headers, as their get() gives
            read[lower] = value
    return read


def _may_be_json(media: str) -> bool:
    # No type, a JSON type (json, jsonl, x-ndjson, json-seq), or the text/plain of old daemons' mislabels.
    return not media or "json" in media or media == "text/plain"


def decide(
    method: str,
    path: str,
    status: int,
    headers: Mapping[str, str],
    *,
    upgrade: bool,
    target: Version,
    strict: bool,
) -> Decision:
    """What to do with an answer (see the module docstring).

    :param path: the request's path and query (``/v1.41/containers/json?all=1``).
    :param headers: the response's headers (a case-insensitive mapping).
    :param upgrade: the request asked for a protocol upgrade (a hijacked connection).
    :raises NormalizeError: ``strict`` and the answer's version cannot be placed.
    """
    method = method.upper()
    if method == "HEAD" or status < 200 or 300 <= status < 400 or status == 204 or upgrade:
        return _PASS  # no body, or a hijacked connection that must not be read
    read = _read(headers)
    if read.get("content-length") == "0":
        return _PASS
    media = media_type(read)
    if media in RAW_MEDIA:
        return _PASS
    try:
        plan = plan_for(method, path, read.get("api-version"), target, _engine(read))
    except Exception as exc:
        raise_or_warn(strict, method, split_path(path)[1], "response", exc)
        return _PASS
    kind = plan.kind
    if kind is Kind.RAW or kind is Kind.UNKNOWN:
        return _PASS
    if status >= 400:
        return Decision(Action.ERROR, plan)
    if not _may_be_json(media):
        return _PASS
    if plan.newer_than_target:
        newer_than_target(plan.method, plan.path, plan.source, plan.target)
    seq = media == JSON_SEQ
    if plan.idle and not seq:
        logger.debug("%s %s: nothing to change (API %s)", plan.method, plan.path, plan.source)
        return _IDLE_JSON if kind is Kind.JSON else _PASS
    return Decision(Action.STREAM if kind is Kind.STREAM else Action.JSON, plan, seq)


# ------------------------------------------------------------------------------------------ bodies


def rewrite_error(content: bytes, plan: Plan, strict: bool) -> bytes | None:
    """The new body of an error answer, ``{"message": ...}`` with the daemon's wording; None to keep it
    (it has a ``message`` already, or wrapping failed and the policy failed open)."""
    try:
        try:
            parsed: Any = json.loads(content)
        except (ValueError, RecursionError):
            parsed = content
        if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
            if plan.engine == "podman" and ("cause" in parsed or "response" in parsed):
                return _dumps(podman_error(parsed))
            return None
        return _dumps(error_body(parsed, plan.engine))
    except Exception as exc:
        raise_or_warn(strict, plan.method, plan.path, "error body", exc)
        return None


def normalise_json(content: bytes, plan: Plan) -> tuple[Any, Any]:
    """``(decoded, normalised)`` of a JSON body; the two are the same object when nothing changed.

    :raises Exception: whatever decoding or the chain raised (the transport fails open with it).
    """
    data = decode(content)
    return data, plan.apply(data)


# ------------------------------------------------------------------------------------------ the floor bridge

#: The refusal of a daemon below its minimum API version (daemon/server/middleware/version.go,
#: ``versionUnsupportedError``), the only answer that makes a transport send a request again.
_REFUSAL = re.compile(
    rb"client version (1\.\d+) is too old\. Minimum supported API version is (1\.\d+)(?:[,.\s]|$)"
)
_PREFIX = re.compile(r"^(/+v)(\d+\.\d+)(/)")


def floor_refusal(status: int, content: bytes) -> tuple[Version, Version] | None:
    """``(asked, floor)`` when ``content`` is a daemon's ``400 client version X is too old. Minimum
    supported API version is Y`` (JSON or plain text), else None. The refusal comes before the daemon does
    anything with the request (its version middleware), so sending the request again at ``Y`` is safe
    whatever its method."""
    if status != 400 or not content or len(content) > 4096:
        return None
    match = _REFUSAL.search(content)
    if match is None:
        return None
    asked, floor = Version(match.group(1).decode()), Version(match.group(2).decode())
    return (asked, floor) if floor > asked else None


def at_version(path: str, version: Version) -> str | None:
    """``path`` (``/v1.35/containers/json?all=1``) with its version prefix replaced by ``version``; None
    when it has no prefix."""
    match = _PREFIX.match(path)
    if match is None:
        return None
    return f"{match.group(1)}{version}{match.group(3)}{path[match.end():]}"


def prefix_version(path: str) -> Version | None:
    match = _PREFIX.match(path)
    return None if match is None else Version(match.group(2))


class Floors:
    """The minimum API version each daemon (by host) refused below, learnt once per transport: later
    requests below it go straight to the floor. Dictionary writes are atomic, so threads may share it."""

    def __init__(self) -> None:
        self._by_host: dict[str, Version] = {}

    def get(self, host: str) -> Version | None:
        return self._by_host.get(host)

    def learn(self, host: str, floor: Version) -> None:
        if self._by_host.get(host) != floor:
            logger.debug("%s: the daemon refuses API versions below %s; requests below go to it", host, floor)
        self._by_host[host] = floor

    def __repr__(self) -> str:
        return f"<Floors {dict((h, str(v)) for h, v in self._by_host.items())}>"
