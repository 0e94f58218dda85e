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
    Floors,
    at_version,
    decide,
    encoder,
    floor_refusal,
    normalise_json,
    prefix_version,
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
    def __init__(self, target: str | Version | None, strict: bool, floor: bool = True) -> None:
        self._target: Version = resolve_target(target)
        self.strict: bool = bool(strict)
        #: the floor bridge (see ``NormalizingAdapter``): with a target only, unless turned off
        self.floor: bool = bool(floor) and target is not None
        self._floors = Floors()

    def _asked(self, request: httpx.Request) -> tuple[str, Version | None]:
        return request.url.netloc.decode("ascii", "replace"), prefix_version(request.url.raw_path.decode("ascii"))

    def _known_floor(self, request: httpx.Request) -> Version | None:
        """The floor to send ``request`` at straight away (learnt before for its host), or None."""
        if not self.floor:
            return None
        host, asked = self._asked(request)
        known = self._floors.get(host)
        return known if asked is not None and known is not None and asked < known else None

    def _refused(self, request: httpx.Request, response: httpx.Response, content: bytes) -> Version | None:
        """The floor to send ``request`` again at, when ``response`` is the daemon's too-old refusal."""
        if not self.floor:
            return None
        host, asked = self._asked(request)
        refusal = floor_refusal(response.status_code, content)
        if refusal is None or refusal[0] != asked:
            return None
        try:
            request.content  # noqa: B018 - a streamed body cannot be sent twice
        except httpx.RequestNotRead:
            return None
        self._floors.learn(host, refusal[1])
        return refusal[1]

    def _at(self, request: httpx.Request, floor: Version) -> tuple[httpx.Request, Version]:
        """``request`` at ``floor``, and the version to bring its answer down to."""
        raw = request.url.raw_path.decode("ascii")
        path = at_version(raw, floor)
        assert path is not None
        asked = prefix_version(raw)
        assert asked is not None
        again = httpx.Request(
            request.method,
            request.url.copy_with(raw_path=path.encode("ascii")),
            headers=request.headers,
            content=request.content,
            extensions=request.extensions,
        )
        logger.debug("%s %s: sent again at API %s, the daemon's floor", request.method, raw, floor)
        return again, min(asked, self._target)

    @property
    def target(self) -> str:
        """The API version this transport produces, e.g. ``"1.55"``."""
        return str(self._target)

    def _decide(
        self, request: httpx.Request, response: httpx.Response, target: Version | None = None
    ) -> Decision:
        return decide(
            request.method,
            request.url.raw_path.decode("ascii"),
            response.status_code,
            response.headers,
            upgrade="upgrade" in request.headers,
            target=self._target if target is None else target,
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
    :param floor: with a ``target``, send a request the daemon refuses as too old again at its floor and
        bring the answer down (see ``NormalizingAdapter``); ``False`` turns it off.

    .. versionadded:: 0.2
    """

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        target: str | Version | None = None,
        strict: bool = False,
        floor: bool = True,
    ) -> None:
        super().__init__(target, strict, floor)
        self.inner: httpx.BaseTransport = httpx.HTTPTransport() if inner is None else inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        known = self._known_floor(request)
        if known is not None:
            return self._bridged(request, known)
        response = self.inner.handle_request(request)
        if self.floor and response.status_code == 400:
            floor = self._refused(request, response, response.read())
            if floor is not None:
                response.close()
                return self._bridged(request, floor)
        return self._finish(request, request, response, None)

    def _bridged(self, request: httpx.Request, floor: Version) -> httpx.Response:
        again, target = self._at(request, floor)
        return self._finish(again, request, self.inner.handle_request(again), target)

    def _finish(
        self, sent: httpx.Request, request: httpx.Request, response: httpx.Response, target: Version | None
    ) -> httpx.Response:
        decision = self._decide(sent, response, target)
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
        floor: bool = True,
    ) -> None:
        super().__init__(target, strict, floor)
        self.inner: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport() if inner is None else inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        known = self._known_floor(request)
        if known is not None:
            return await self._bridged(request, known)
        response = await self.inner.handle_async_request(request)
        if self.floor and response.status_code == 400:
            floor = self._refused(request, response, await response.aread())
            if floor is not None:
                await response.aclose()
                return await self._bridged(request, floor)
        return await self._finish(request, request, response, None)

    async def _bridged(self, request: httpx.Request, floor: Version) -> httpx.Response:
        again, target = self._at(request, floor)
        return await self._finish(again, request, await self.inner.handle_async_request(again), target)

    async def _finish(
        self, sent: httpx.Request, request: httpx.Request, response: httpx.Response, target: Version | None
    ) -> httpx.Response:
        decision = self._decide(sent, response, target)
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
