"""The requests transport: :class:`NormalizingAdapter`, a thin layer over :mod:`.core`.

What a response is gets decided by the core (:func:`~normalize_engine.transports.core.decide`) from the
request (method, path, ``stream`` flag) and the status, not from ``Content-Type`` alone:

- hijacked connections (``101``, a request asking for ``Upgrade``), ``HEAD``, ``1xx``/``204``/``3xx``,
  raw endpoints (logs, attach, exec start, archives, ``/_ping``), unknown endpoints and the Docker raw or
  multiplexed stream types are returned as they are, never read;
- error answers (``>= 400``) of JSON and stream endpoints get a ``{"message": ...}`` body, wording kept;
- JSON answers get their body replaced (``_content``, ``Content-Length`` fixed); they are read at once even
  when the caller asked for ``stream=True``, since one document cannot be normalised in pieces. The
  adapter decoded the body to normalise it, so the first ``response.json()`` without arguments returns that
  document instead of decoding the new body again (see :class:`_NormalisedResponse`); later calls, and
  calls with arguments, decode the body as requests does and return a new object each time. For a client
  prepared by ``wrap()`` (docker-py, which reads ``json()`` only) the new body is written when it is first
  read, not before: ``Content-Length`` is absent until then;
- JSON streams asked for with ``stream=True`` get a :class:`StreamingRaw` in place of ``response.raw``: it
  reads the real one lazily and gives one normalised document per pseudo-chunk, keeping the urllib3 and
  http.client internals that docker-py reads (``raw._fp.chunked``, ``raw._fp.chunk_left``,
  ``raw._fp.fp``). Without ``stream=True`` the documents are normalised and joined by newlines;
- an answer with nothing to change (source version equal to the target, say) is returned as it is.

Output streams are newline-delimited JSON. A ``application/json-seq`` stream (RS-separated) comes out as
newline-delimited JSON too, labelled ``application/x-ndjson``; every other ``Content-Type`` is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from packaging.version import Version
from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter, HTTPAdapter

from .._plan import Plan, resolve_target
from .core import (
    NDJSON,
    Action,
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
from .requests_response import _DEFER, _decode_lazily, _hand_over, _NormalisedResponse, _reads_utf8
from .streams import StreamConverter
from .urllib3_raw import StreamingRaw

__all__ = ["NormalizingAdapter", "StreamingRaw"]

logger = logging.getLogger(__name__)


def _path_url(request: PreparedRequest) -> str:
    """``request.path_url`` (path and query) without its ``urlsplit``: the URL from its first ``/`` after
    the host, for the URLs requests prepares; anything else (no path, a fragment, a bare ``?``) is
    ``path_url``'s."""
    url = request.url
    if type(url) is str:
        start = url.find("/", url.find("//") + 2)
        if start > 0 and "#" not in url and url[-1] != "?" and "?" not in url[:start]:
            return url[start:]
    return request.path_url


def _upgrade(request: PreparedRequest) -> bool:
    """Whether the request asks for a protocol upgrade (``Upgrade`` header): a look in requests'
    ``CaseInsensitiveDict`` by its lower-case key, where ``in`` raises and catches a ``KeyError``."""
    headers = request.headers
    store = getattr(headers, "_store", None)
    return "upgrade" in store if isinstance(store, dict) else "Upgrade" in headers  # an OrderedDict


# ------------------------------------------------------------------------------------------ adapter


class NormalizingAdapter(BaseAdapter):
    """A requests transport adapter that sends through ``inner`` and normalises what comes back.

    Plain JSON answers get their body rewritten, JSON streams are normalised document by document as they
    arrive, errors come back as ``{"message": ...}`` with their wording, and hijacked or raw byte streams
    (attach, exec, logs, archives) are never touched. The source version of each answer is its request
    path's ``/vX.Y`` prefix, else the answer's ``Api-Version`` header.

    If normalising fails, the caller gets the response as the daemon sent it and a
    :class:`~normalize_engine.NormalizeWarning`; with ``strict=True`` a
    :class:`~normalize_engine.NormalizeError` is raised instead. The adapter keeps no per-request state, so
    one instance can serve many threads.

    Attributes the adapter does not have are looked up on ``inner``, so the extra methods of docker-py's
    transport adapters keep working.

    :param inner: the adapter that does the I/O; default a new ``requests.adapters.HTTPAdapter()``.
    :param target: the API version to produce; default :data:`~normalize_engine.LATEST`.
    :param strict: raise instead of passing answers through when they cannot be normalised.
    :param floor: with a ``target``, bridge a daemon's floor: a request it refuses as too old (``400
        client version X is too old. Minimum supported API version is Y``) is sent again at ``Y`` and its
        answer brought down to ``X``; the floor is learnt once per adapter and host, so later requests
        below it go straight to ``Y``. Only that refusal triggers it. ``False`` turns it off.
    :raises UnknownVersionError: ``target`` is not a version the library can produce.

    >>> import requests, normalize_engine as ne
    >>> session = requests.Session()
    >>> session.mount("http://docker.example:2375/", ne.NormalizingAdapter())
    >>> ne.NormalizingAdapter(target="1.44").target
    '1.44'

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        inner: BaseAdapter | None = None,
        *,
        target: str | Version | None = None,
        strict: bool = False,
        floor: bool = True,
    ) -> None:
        super().__init__()
        self._target: Version = resolve_target(target)
        self.inner: BaseAdapter = HTTPAdapter() if inner is None else inner
        self.strict: bool = bool(strict)
        #: the floor bridge runs for a pinned shape only (a ``target`` given), unless turned off
        self.floor: bool = bool(floor) and target is not None
        self._floors = Floors()

    @property
    def target(self) -> str:
        """The API version this adapter produces, e.g. ``"1.55"``."""
        return str(self._target)

    def __getattr__(self, name: str) -> Any:
        # Only called for names not found normally: hand them to the inner adapter.
        if name == "inner" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return f"<NormalizingAdapter target={self.target} strict={self.strict} inner={self.inner!r}>"

    def close(self) -> None:
        """Close the inner adapter (its connection pools)."""
        self.inner.close()

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> Response:
        """Send ``request`` through the inner adapter and return its response, normalised.

        :param request: the prepared request.
        :param stream: whether the caller reads the body as a stream; the other parameters go to ``inner``
            as requests passed them.
        :raises NormalizeError: ``strict=True`` and the answer could not be normalised.
        """
        send = dict(stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        if not self.floor:
            return self._normalise(request, self.inner.send(request, **send), stream)
        host = urlsplit(request.url or "").netloc
        asked = prefix_version(_path_url(request))
        known = self._floors.get(host)
        if asked is not None and known is not None and asked < known:
            return self._bridged(request, asked, known, stream, send)
        response = self.inner.send(request, **send)
        if response.status_code != 400 or asked is None:
            return self._normalise(request, response, stream)
        refusal = floor_refusal(response.status_code, response.content)
        if refusal is None or refusal[0] != asked or not _resendable(request):
            return self._normalise(request, response, stream)
        self._floors.learn(host, refusal[1])
        response.close()
        return self._bridged(request, asked, refusal[1], stream, send)

    def _bridged(
        self, request: PreparedRequest, asked: Version, floor: Version, stream: bool, send: dict[str, Any]
    ) -> Response:
        """``request`` sent at the daemon's ``floor``, its answer brought down to ``asked``."""
        again = request.copy()
        parts = urlsplit(again.url or "")
        path = at_version(parts.path, floor)
        assert path is not None
        again.url = urlunsplit(parts._replace(path=path))
        logger.debug(
            "%s %s: sent again at API %s, the daemon's floor", request.method, request.path_url, floor
        )
        response = self.inner.send(again, **send)
        response.request = request  # what the caller sent; the answer is in its shape
        return self._normalise(again, response, stream, target=min(asked, self._target))

    # -- deciding

    def _normalise(
        self, request: PreparedRequest, response: Response, stream: bool, target: Version | None = None
    ) -> Response:
        decision = decide(
            request.method or "GET",
            _path_url(request),
            response.status_code,
            response.headers,
            upgrade=_upgrade(request),
            target=self._target if target is None else target,
            strict=self.strict,
        )
        action, plan = decision.action, decision.plan
        if action is Action.PASS or plan is None:
            if decision.idle_json:  # streamed or not: json() reads the body as requests' would
                _decode_lazily(response)
            return response
        if action is Action.ERROR:
            return self._error(response, plan)
        if action is Action.STREAM:
            if stream:
                return self._stream(response, plan, decision.seq)
            return self._buffered_stream(response, plan, decision.seq)
        return self._json(response, plan)

    # -- rewriting

    @staticmethod
    def _replace(response: Response, body: bytes) -> None:
        response._content = body
        response._content_consumed = True  # type: ignore[attr-defined]
        headers = response.headers
        if "Content-Length" in headers:
            headers["Content-Length"] = str(len(body))

    def _error(self, response: Response, plan: Plan) -> Response:
        content = response.content
        if not content:
            return response
        body = rewrite_error(content, plan, self.strict)
        if body is not None:
            status = response.status_code
            logger.debug("%s %s: error body wrapped (status %s)", plan.method, plan.path, status)
            self._replace(response, body)
        return response

    def _json(self, response: Response, plan: Plan) -> Response:
        content = response.content
        if not content:
            return response
        try:
            data, new = normalise_json(content, plan)
            utf8 = _reads_utf8(response)
            unchanged = new is data  # the chain gives its input back when nothing changed
            dumps = encoder(utf8)
            if not unchanged and _DEFER.get() and type(response) is Response and type(new) in (dict, list):
                self._defer(response, content, new, plan, dumps)
                return response
            body = content if unchanged else dumps(new)
        except Exception as exc:
            raise_or_warn(self.strict, plan.method, plan.path, "body", exc)
            return response
        if body is not content:
            logger.debug(
                "%s %s: normalised from API %s to %s", plan.method, plan.path, plan.source, plan.target
            )
            self._replace(response, body)
        # What requests' json() would decode from the body is the document (the original body, kept, is
        # the same document only when requests reads it as UTF-8, as decode() did, or it is ASCII).
        if (type(new) is dict or type(new) is list) and (body is not content or utf8 or content.isascii()):
            _hand_over(response, body, new)
        return response

    def _defer(
        self, response: Response, content: bytes, new: Any, plan: Plan, dumps: Callable[[Any], bytes]
    ) -> None:
        """Hand ``new`` to the first ``json()`` and write the body only if something reads it (docker-py
        reads ``json()`` only): encoding costs about as much as decoding."""
        headers = response.headers
        length = "Content-Length" in headers
        if length:
            del headers["Content-Length"]  # set again when the body is written
        response.__class__ = _NormalisedResponse
        response.__dict__["_ne_json"] = (content, new)
        response.__dict__["_ne_body"] = (content, plan, dumps, length, self.strict)
        logger.debug("%s %s: normalised from API %s to %s", plan.method, plan.path, plan.source, plan.target)

    def _buffered_stream(self, response: Response, plan: Plan, seq: bool) -> Response:
        content = response.content
        if not content:
            return response
        body = StreamConverter(plan, self.strict, encoder(_reads_utf8(response))).convert_all(content)
        if body != content:
            self._replace(response, body)
        if seq:
            response.headers["Content-Type"] = NDJSON
        logger.debug(
            "%s %s: stream normalised from API %s to %s", plan.method, plan.path, plan.source, plan.target
        )
        return response

    def _stream(self, response: Response, plan: Plan, seq: bool) -> Response:
        converter = StreamConverter(plan, self.strict, encoder(_reads_utf8(response)))
        response.raw = StreamingRaw(response.raw, converter)
        for header in ("Content-Length", "Content-Encoding"):
            if header in response.headers:
                del response.headers[header]
        if seq:
            response.headers["Content-Type"] = NDJSON
        logger.debug("%s %s: streaming from API %s to %s", plan.method, plan.path, plan.source, plan.target)
        return response


def _resendable(request: PreparedRequest) -> bool:
    """Whether ``request`` can be sent a second time as it is: its body is bytes, text or nothing (a
    streamed body, a build context from a file, was read by the first send). Once the floor is known, such
    requests go to it directly."""
    return request.body is None or isinstance(request.body, bytes | str)
