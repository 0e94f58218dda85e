"""``normalize()`` and ``normalize_stream()``: the public API over plans (:mod:`._plan`) and decoding
(:mod:`._decoding`)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any

from ._decoding import JSON, _loads, decode, error_body
from ._errors import newer_than_target
from ._plan import NEWEST, OLDEST, VERSIONS_V, Plan, _cached_plan, make_plan, plan_for, resolve_target
from ._stream import StreamSplitter, iter_documents
from ._versions import engine_of

__all__ = [
    "NEWEST",
    "OLDEST",
    "VERSIONS_V",
    "Plan",
    "_cached_plan",
    "_loads",
    "anormalize_stream",
    "decode",
    "error_body",
    "make_plan",
    "normalize",
    "normalize_stream",
    "resolve_target",
]


def normalize(
    body: Any,
    path: str,
    *,
    method: str = "GET",
    status: int = 200,
    version: str | None = None,
    target: str | None = None,
    inplace: bool = False,
    headers: Mapping[str, str] | None = None,
    engine: str | None = None,
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
    :param headers: the response's headers, if at hand: they tell the engine (``Libpod-Api-Version`` or
        ``Server: Libpod/...``: Podman) and, without ``version`` or a path prefix, the source version
        (``Api-Version``).
    :param engine: ``"docker"`` or ``"podman"``: the engine that answered; None: told by ``headers``, else
        Docker. A Podman answer is carried to Docker's shape at its version, then to ``target``.
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
    # The common call (a path, a parsed or raw body, nothing else) is written out: a document whose source
    # is its target costs about as much as these lines.
    if headers or engine is not None:
        version, engine = _source(headers, version, engine)
    else:
        engine = "docker"
    plan = plan_for(method, path, version, target, engine)
    if status >= 400:
        return error_body(body, engine)
    kind = type(body)
    data = body if kind is dict or kind is list else decode(body)
    owned = inplace or data is not body  # decoded here: nothing else holds it, the chain may change it
    if plan.newer_than_target:
        newer_than_target(plan.method, path, plan.source, plan.target)
    return plan.apply(data, owned=owned)


def normalize_stream(
    chunks: Iterable[bytes | str],
    path: str,
    *,
    method: str = "GET",
    version: str | None = None,
    target: str | None = None,
    headers: Mapping[str, str] | None = None,
    engine: str | None = None,
) -> Iterator[JSON]:
    """Normalise a JSON stream (events, stats, pull/push/build/load progress) document by document.

    :param chunks: the stream's bytes in pieces of any size (e.g. ``response.iter_content(None)``).
    :param path: the request path, as for :func:`normalize`.
    :param headers: the response's headers, and ``engine``: as for :func:`normalize`.
    :returns: an iterator of canonical documents, each yielded as soon as its last byte arrived.
    :raises TruncatedStreamError: the stream ends inside a document (after the complete ones were yielded).

    >>> import normalize_engine as ne
    >>> events = [b'{"status":"start","id":"abc","from":"busybox","time":1}\\n']
    >>> [e["Action"] for e in ne.normalize_stream(events, "/v1.21/events")]
    ['start']
    """
    version, engine = _source(headers, version, engine)
    plan = make_plan(method, path, version=version, target=target, engine=engine)
    if plan.newer_than_target:
        newer_than_target(plan.method, path, plan.source, plan.target, "stream")
    # apply(document, owned=True) for each: decoded here, nothing else holds them
    yield from iter_documents(chunks, plan.stream_applier())


async def anormalize_stream(
    chunks: AsyncIterable[bytes | str],
    path: str,
    *,
    method: str = "GET",
    version: str | None = None,
    target: str | None = None,
    headers: Mapping[str, str] | None = None,
    engine: str | None = None,
) -> AsyncIterator[JSON]:
    """:func:`normalize_stream` over an asynchronous iterable of bytes (``response.content.iter_any()`` of
    aiohttp, ``response.aiter_bytes()`` of httpx): an async iterator of canonical documents, each yielded as
    soon as its last byte arrived.

    :param headers: the response's headers, and ``engine``: as for :func:`normalize`.
    :raises TruncatedStreamError: the stream ends inside a document (after the complete ones were yielded).

    >>> import asyncio, normalize_engine as ne
    >>> async def chunks():
    ...     yield b'{"status":"start","id":"abc",'
    ...     yield b'"from":"busybox","time":1}\\n'
    >>> async def actions():
    ...     return [e["Action"] async for e in ne.anormalize_stream(chunks(), "/v1.21/events")]
    >>> asyncio.run(actions())
    ['start']

    .. versionadded:: 0.2
    """
    version, engine = _source(headers, version, engine)
    plan = make_plan(method, path, version=version, target=target, engine=engine)
    if plan.newer_than_target:
        newer_than_target(plan.method, path, plan.source, plan.target, "stream")
    apply = plan.stream_applier()
    splitter = StreamSplitter()
    async for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
        whole = splitter.whole(data)
        if whole is not None:
            yield apply(whole)
            continue
        for _, document in splitter.feed(data):
            yield apply(document)
    for _, document in splitter.finish():
        yield apply(document)


def _source(
    headers: Mapping[str, str] | None, version: str | None, engine: str | None
) -> tuple[str | None, str]:
    """The source version and the engine: as given, else from the headers (``Api-Version``; Podman's
    ``Libpod-Api-Version`` or ``Server: Libpod/...``), else unknown and Docker."""
    if headers:
        if version is None:
            for key, value in headers.items():
                if type(key) is str and key.lower() == "api-version":
                    version = value
                    break
        if engine is None:
            engine = engine_of(headers)
    return version, engine or "docker"
