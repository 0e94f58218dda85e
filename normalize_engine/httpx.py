"""httpx: :class:`NormalizingTransport` and :class:`AsyncNormalizingTransport`, transports that normalise.

::

    client = httpx.Client(transport=NormalizingTransport(httpx.HTTPTransport(uds="/var/run/docker.sock")),
                          base_url="http://docker")
    aclient = httpx.AsyncClient(
        transport=AsyncNormalizingTransport(httpx.AsyncHTTPTransport(uds="/var/run/docker.sock")),
        base_url="http://docker")

Needs httpx (``pip install 'normalize-engine[httpx]'``); importing this module imports httpx,
``import normalize_engine`` does not. What an answer is gets decided by the neutral core
(:func:`~normalize_engine.transports.core.decide`), as for every transport: JSON answers get a new body
(``Content-Length`` fixed), error answers a ``{"message": ...}`` body with the daemon's wording, JSON streams
(events, stats, progress) a body converted document by document as it arrives (one document and a newline
each: ``iter_lines()`` gets one document a line), and hijacked connections (``101``, ``Upgrade``), raw answers
(logs, attach, archives, ``/_ping``) and unknown endpoints are handed back untouched, unread. Failing open
as everywhere: what cannot be normalised comes as the daemon sent it, with a
:class:`~normalize_engine.NormalizeWarning` (``strict`` raises instead).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpx
from packaging.version import Version

from ._errors import NormalizeError
from ._plan import Plan, resolve_target
from .transports.core import (
    NDJSON,
    Action,
    Decision,
    decide,
    encoder,
    normalise_json,
    raise_or_warn,
    rewrite_error,
)
from .transports.streams import StreamConverter

__all__ = ["AsyncNormalizingTransport", "NormalizingTransport"]

logger = logging.getLogger(__name__)


def _frames(items: Iterable[bytes | NormalizeError]) -> Iterator[bytes]:
    for item in items:
        if isinstance(item, NormalizeError):
            raise item
        yield item


class _Base:
    def __init__(self, target: str | Version | None, strict: bool) -> None:
        self._target: Version = resolve_target(target)
        self.strict: bool = bool(strict)

    @property
    def target(self) -> str:
        """The API version this transport produces, e.g. ``"1.55"``."""
        return str(self._target)

    def _decide(self, request: httpx.Request, response: httpx.Response) -> Decision:
        return decide(
            request.method,
            request.url.raw_path.decode("ascii"),
            response.status_code,
            response.headers,
            upgrade="upgrade" in request.headers,
            target=self._target,
            strict=self.strict,
        )

    def _body(self, action: Action, content: bytes, plan: Plan) -> bytes | None:
        """The new body of a JSON or error answer read whole; None to keep the daemon's."""
        if not content:
            return None
        if action is Action.ERROR:
            return rewrite_error(content, plan, self.strict)
        try:
            data, new = normalise_json(content, plan)
            if new is data:
                return None
            body = encoder(True)(new)
        except Exception as exc:
            raise_or_warn(self.strict, plan.method, plan.path, "body", exc)
            return None
        logger.debug("%s %s: normalised from API %s to %s", plan.method, plan.path, plan.source, plan.target)
        return body

    @staticmethod
    def _response(
        response: httpx.Response,
        request: httpx.Request,
        *,
        content: bytes | None = None,
        stream: Any = None,
        seq: bool = False,
        json: bool = False,
    ) -> httpx.Response:
        headers = httpx.Headers(response.headers)
        for name in ("Content-Length", "Content-Encoding", "Transfer-Encoding"):
            headers.pop(name, None)
        if content is not None:
            headers["Content-Length"] = str(len(content))
            if json and "json" not in headers.get("Content-Type", ""):
                headers["Content-Type"] = "application/json"  # a plain-text error, wrapped: JSON now
        if seq:
            headers["Content-Type"] = NDJSON
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=content,
            stream=stream,
            request=request,
            extensions=response.extensions,
        )


class NormalizingTransport(_Base, httpx.BaseTransport):
    """An httpx transport that sends through ``inner`` and normalises what comes back.

    :param inner: the transport that does the I/O, e.g. ``httpx.HTTPTransport(uds="/var/run/docker.sock")``;
        default a plain ``httpx.HTTPTransport()``.
    :param target: the API version to produce; default :data:`~normalize_engine.LATEST`.
    :param strict: raise instead of passing answers through when they cannot be normalised.

    .. versionadded:: 0.2
    """

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        target: str | Version | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(target, strict)
        self.inner: httpx.BaseTransport = httpx.HTTPTransport() if inner is None else inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        decision = self._decide(request, response)
        plan = decision.plan
        if decision.action is Action.PASS or plan is None:
            return response
        if decision.action is Action.STREAM:
            converter = StreamConverter(plan, self.strict, encoder(True))
            return self._response(
                response, request, stream=_SyncStream(response, converter), seq=decision.seq
            )
        try:
            content = response.read()
        finally:
            response.close()
        body = self._body(decision.action, content, plan)
        return self._response(
            response, request, content=content if body is None else body, json=body is not None
        )

    def close(self) -> None:
        self.inner.close()


class AsyncNormalizingTransport(_Base, httpx.AsyncBaseTransport):
    """The asynchronous :class:`NormalizingTransport`, over ``httpx.AsyncHTTPTransport(uds=...)`` and
    friends.

    .. versionadded:: 0.2
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        target: str | Version | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(target, strict)
        self.inner: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport() if inner is None else inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        decision = self._decide(request, response)
        plan = decision.plan
        if decision.action is Action.PASS or plan is None:
            return response
        if decision.action is Action.STREAM:
            converter = StreamConverter(plan, self.strict, encoder(True))
            return self._response(
                response, request, stream=_AsyncStream(response, converter), seq=decision.seq
            )
        try:
            content = await response.aread()
        finally:
            await response.aclose()
        body = self._body(decision.action, content, plan)
        return self._response(
            response, request, content=content if body is None else body, json=body is not None
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


class _SyncStream(httpx.SyncByteStream):
    """The converted bytes of a JSON stream, read from the real answer as the caller reads."""

    def __init__(self, response: httpx.Response, converter: StreamConverter) -> None:
        self._response = response
        self._converter = converter

    def __iter__(self) -> Iterator[bytes]:
        for data in self._response.iter_bytes():
            yield from _frames(self._converter.feed(data))
        yield from _frames(self._converter.finish())

    def close(self) -> None:
        self._response.close()


class _AsyncStream(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, converter: StreamConverter) -> None:
        self._response = response
        self._converter = converter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for data in self._response.aiter_bytes():
            for frame in _frames(self._converter.feed(data)):
                yield frame
        for frame in _frames(self._converter.finish()):
            yield frame

    async def aclose(self) -> None:
        await self._response.aclose()
