"""aiohttp (and aiodocker): :class:`NormalizingResponse`, a response class that normalises what it reads.

::

    session = aiohttp.ClientSession(connector=aiohttp.UnixConnector("/var/run/docker.sock"),
                                    response_class=NormalizingResponse)
    docker = ne.wrap(aiodocker.Docker())            # the same, on aiodocker's own session

Needs aiohttp 3.11 or later (``pip install 'normalize-engine[aiohttp]'``); importing this module imports
aiohttp, ``import normalize_engine`` does not. What an answer is gets decided by the neutral core
(:func:`~normalize_engine.transports.core.decide`), as for every transport:

- a JSON answer is read at once and its ``content`` replaced by a new stream of the normalised body, so
  that every reader gets it: ``read()``, ``json()``, ``text()`` and ``content.readline()`` alike (aiodocker
  reads one-shot stats with ``readline()``); ``Content-Length`` is fixed;
- an error answer of a JSON or stream endpoint gets a ``{"message": ...}`` body, the wording kept;
- a JSON stream (events, stats, pull progress...) gets a ``content`` that converts document by document as
  the bytes arrive, one normalised document and a newline per line;
- hijacked connections (``101``, ``Upgrade``), raw answers (logs, attach, archives, ``/_ping``) and unknown
  endpoints are never touched.

Failing open as everywhere: an answer that cannot be normalised comes as the daemon sent it, with a
:class:`~normalize_engine.NormalizeWarning` (``strict`` raises instead).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from packaging.version import Version

from ._errors import NormalizeError
from ._plan import Plan, resolve_target
from .transports.core import NDJSON, Action, decide, encoder, normalise_json, raise_or_warn, rewrite_error
from .transports.streams import StreamConverter

__all__ = ["NormalizingResponse", "wrap_session"]

logger = logging.getLogger(__name__)


class _Idle:
    """The protocol of a stream fed with a whole body at once: nothing to pause."""

    def pause_reading(self, *args: Any, **kwargs: Any) -> None:
        pass

    def resume_reading(self, *args: Any, **kwargs: Any) -> None:
        pass


class NormalizingResponse(aiohttp.ClientResponse):
    """``aiohttp.ClientSession(response_class=NormalizingResponse)``: every answer read normalised.

    The class produces :data:`~normalize_engine.LATEST` and fails open; :meth:`configured` gives the class
    for another ``target`` or ``strict``.

    .. versionadded:: 0.2
    """

    ne_target: ClassVar[Version] = resolve_target(None)
    ne_strict: ClassVar[bool] = False
    _configured: ClassVar[dict[tuple[type, Version, bool], type[NormalizingResponse]]] = {}

    @classmethod
    def configured(
        cls, *, target: str | Version | None = None, strict: bool = False
    ) -> type[NormalizingResponse]:
        """The response class producing ``target`` (raising instead of failing open with ``strict``).

        :raises UnknownVersionError: ``target`` is not a version the library can produce.
        """
        version = resolve_target(target)
        cls = cls.__dict__.get("_ne_base", cls)
        key = (cls, version, bool(strict))
        found = cls._configured.get(key)
        if found is None:
            attrs = {
                "ne_target": version,
                "ne_strict": bool(strict),
                "_ne_base": cls,
                "__module__": cls.__module__,
            }
            found = type(cls.__name__, (cls,), attrs)
            cls._configured[key] = found
        return found

    async def start(self, connection: Any) -> NormalizingResponse:
        await super().start(connection)
        decision = decide(
            self.method,
            self.url.raw_path_qs,
            self.status,
            self.headers,
            upgrade="Upgrade" in self.request_info.headers,
            target=self.ne_target,
            strict=self.ne_strict,
        )
        action, plan = decision.action, decision.plan
        if action is Action.PASS or plan is None:
            return self
        if action is Action.STREAM:
            self.content = _ConvertingContent(  # type: ignore[assignment]  # a StreamReader by what it does
                self.content, StreamConverter(plan, self.ne_strict, encoder(True))
            )
            self._set_headers(length=None, seq=decision.seq)
            logger.debug(
                "%s %s: streaming from API %s to %s", plan.method, plan.path, plan.source, plan.target
            )
            return self
        content = await self.content.read()
        body = self._error(content, plan) if action is Action.ERROR else self._json(content, plan)
        self._refill(content if body is None else body)
        if body is not None:
            self._set_headers(length=len(body), seq=False, json=True)
        return self

    def _error(self, content: bytes, plan: Plan) -> bytes | None:
        return rewrite_error(content, plan, self.ne_strict) if content else None

    def _json(self, content: bytes, plan: Plan) -> bytes | None:
        if not content:
            return None
        try:
            data, new = normalise_json(content, plan)
            if new is data:
                return None
            body = encoder(True)(new)
        except Exception as exc:
            raise_or_warn(self.ne_strict, plan.method, plan.path, "body", exc)
            return None
        logger.debug("%s %s: normalised from API %s to %s", plan.method, plan.path, plan.source, plan.target)
        return body

    def _refill(self, body: bytes) -> None:
        """A new ``content`` holding ``body`` (the real one was read to its end: its connection is free)."""
        limit = max(len(body), 2**16)
        reader = aiohttp.StreamReader(_Idle(), limit, loop=self._loop)  # type: ignore[arg-type]
        reader.feed_data(body)
        reader.feed_eof()
        self.content = reader

    def _set_headers(self, *, length: int | None, seq: bool, json: bool = False) -> None:
        headers = CIMultiDict(self._headers)
        headers.pop("Content-Length", None)
        if length is not None:
            headers["Content-Length"] = str(length)
        else:
            headers.pop("Content-Encoding", None)
        if seq:
            headers["Content-Type"] = NDJSON
        elif json and "json" not in headers.get("Content-Type", ""):
            headers["Content-Type"] = "application/json"  # a plain-text error, wrapped: JSON now
        self._headers = CIMultiDictProxy(headers)
        self._cache.pop("headers", None)  # aiohttp caches the headers it was asked for (decide() was)


class _ConvertingContent:
    """Stands for ``response.content`` (an ``aiohttp.StreamReader``) of a JSON stream: reads the real one
    as the caller reads, hands out normalised documents, one a line. What it does not offer is looked up on
    the real stream (``exception()``, ``set_exception()``, ``on_eof()``, ``total_bytes``...)."""

    def __init__(self, real: aiohttp.StreamReader, converter: StreamConverter) -> None:
        self._real = real
        self._converter = converter
        self._buffer = bytearray()
        self._errors: deque[NormalizeError] = deque()
        self._eof = False

    async def _pull(self) -> bool:
        """Convert the next bytes of the real stream; False at its end (nothing more will come)."""
        if self._errors:
            raise self._errors.popleft()
        if self._eof:
            return False
        data = await self._real.readany()
        items = self._converter.feed(data) if data else self._converter.finish()
        self._eof = not data
        for item in items:
            if isinstance(item, NormalizeError):
                self._errors.append(item)
                self._eof = True
                break
            self._buffer += item
        if not self._buffer and self._errors:
            raise self._errors.popleft()
        return True

    def _take(self, n: int) -> bytes:
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    async def readline(self) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                return self._take(end + 1)
            if not await self._pull():
                return self._take(len(self._buffer))

    async def read(self, n: int = -1) -> bytes:
        if n < 0:
            while await self._pull():
                pass
            return self._take(len(self._buffer))
        if n == 0:
            return b""
        while not self._buffer and await self._pull():
            pass
        return self._take(n)

    async def readany(self) -> bytes:
        return await self.read(len(self._buffer) or 2**16)

    async def readchunk(self) -> tuple[bytes, bool]:
        data = await self.readany()
        return data, bool(data)

    async def readexactly(self, n: int) -> bytes:
        while len(self._buffer) < n:
            if not await self._pull():
                partial = self._take(len(self._buffer))
                raise asyncio.IncompleteReadError(partial, n)
        return self._take(n)

    def read_nowait(self, n: int = -1) -> bytes:
        return self._take(len(self._buffer) if n < 0 else n)

    def at_eof(self) -> bool:
        return self._eof and not self._buffer

    def is_eof(self) -> bool:
        return self._eof

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        while data := await self.read(n):
            yield data

    async def iter_any(self) -> AsyncIterator[bytes]:
        while data := await self.readany():
            yield data

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        while (chunk := await self.readchunk())[0]:
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while line := await self.readline():
            yield line

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_real":
            raise AttributeError(name)
        return getattr(self._real, name)


def wrap_session(
    session: aiohttp.ClientSession, *, target: str | Version | None = None, strict: bool | None = None
) -> aiohttp.ClientSession:
    """Make ``session`` (an ``aiohttp.ClientSession``, aiodocker's ``docker.session``) answer normalised:
    its response class becomes :class:`NormalizingResponse` (mixed into a custom class it already had).
    Idempotent; ``target``/``strict`` left at None keep what an earlier call set. Returns ``session``.

    .. versionadded:: 0.2
    """
    current: type[aiohttp.ClientResponse] = session._response_class
    if issubclass(current, NormalizingResponse):
        target = current.ne_target if target is None else target
        strict = current.ne_strict if strict is None else strict
        base: type[NormalizingResponse] = current.__dict__.get("_ne_base", current)
    elif current is aiohttp.ClientResponse:
        base = NormalizingResponse
    else:  # the session's own response class, normalising
        base = type(f"Normalizing{current.__name__}", (NormalizingResponse, current), {})
    session._response_class = base.configured(target=target, strict=bool(strict))
    return session
