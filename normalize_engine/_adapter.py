"""The requests transport adapter: :class:`NormalizingAdapter` and the streaming body that replaces ``raw``.

What a response is gets decided from the request (method, path, ``stream`` flag) and the status, not from
``Content-Type`` alone:

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

import collections
import copyreg
import json
import logging
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, SupportsIndex

from packaging.version import Version
from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter, HTTPAdapter

from ._endpoints import Kind
from ._errors import InvalidBodyError, NormalizeError, NormalizeWarning, TruncatedStreamError
from ._normalize import Plan, decode, error_body, make_plan, resolve_target
from ._stream import StreamSplitter
from ._versions import split_path

__all__ = ["NormalizingAdapter", "StreamingRaw"]

logger = logging.getLogger(__name__)

#: Media types of byte streams that must never be read (attach, exec, logs).
_RAW_MEDIA = frozenset({"application/vnd.docker.raw-stream", "application/vnd.docker.multiplexed-stream"})
_JSON_SEQ = "application/json-seq"
_NDJSON = "application/x-ndjson"
_READ_SIZE = 64 * 1024


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


def _reads_utf8(response: Response) -> bool:
    """Whether requests decodes the body of ``response`` as UTF-8 (``.text`` uses ``response.encoding``, which
    is ``utf-8`` for ``application/json``; ``text/plain`` without a charset is ``ISO-8859-1``)."""
    encoding = response.encoding
    return encoding is not None and encoding.lower().replace("-", "").replace("_", "") == "utf8"


def _encoder_for(response: Response) -> Callable[[Any], bytes]:
    """How to encode a new body of ``response``: as UTF-8 when its readers decode it as UTF-8, else as
    ASCII, which every charset reads the same."""
    return _dumps_utf8 if _reads_utf8(response) else _dumps


def _media_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or "").partition(";")[0].strip().lower()


def _may_be_json(media: str) -> bool:
    # No type, a JSON type (json, jsonl, x-ndjson, json-seq), or the text/plain of old daemons' mislabels.
    return not media or "json" in media or media == "text/plain"


class _Converter:
    """Turn the bytes of a JSON stream into output frames: one normalised document and a newline each.

    Items are ``bytes`` frames, or an exception to raise when the reader reaches it (strict mode).
    """

    def __init__(
        self, plan: Plan, adapter: NormalizingAdapter, dumps: Callable[[Any], bytes] = _dumps
    ) -> None:
        self._plan = plan
        self._adapter = adapter
        self._dumps = dumps
        self._splitter = StreamSplitter()
        self._passthrough = False
        self._dead = False

    def feed(self, data: bytes) -> list[bytes | NormalizeError]:
        if self._dead:
            return []
        if self._passthrough:
            return [data]
        out: list[bytes | NormalizeError] = []
        try:
            for text, document in self._splitter.feed(data):
                out.append(self._frame(text, document))
                if self._dead:
                    break
        except InvalidBodyError as exc:
            self._give_up(exc, "stream", out)
        return out

    def finish(self) -> list[bytes | NormalizeError]:
        out: list[bytes | NormalizeError] = []
        if not (self._dead or self._passthrough):
            try:
                for text, document in self._splitter.finish():
                    out.append(self._frame(text, document))
                    if self._dead:
                        break
            except InvalidBodyError as exc:  # TruncatedStreamError too
                self._give_up(
                    exc, "end of the stream" if isinstance(exc, TruncatedStreamError) else "stream", out
                )
        return out

    def _give_up(self, exc: Exception, what: str, out: list[bytes | NormalizeError]) -> None:
        error = self._adapter._failed(self._plan.method, self._plan.path, what, exc)
        if error is not None:
            out.append(error)
            self._dead = True
            return
        self._passthrough = True
        rest = self._splitter.leftover()
        if rest:
            out.append(rest)

    def _frame(self, text: str, document: Any) -> bytes | NormalizeError:
        try:
            new = self._plan.apply(document)
        except Exception as exc:
            error = self._adapter._failed(self._plan.method, self._plan.path, "stream document", exc)
            if error is not None:
                self._dead = True
                return error
            return text.encode() + b"\n"
        if (new is document or new == document) and "\n" not in text:
            return text.encode() + b"\n"
        return self._dumps(new) + b"\n"


# ------------------------------------------------------------------------------------------ raw proxy


def _raw_chunks(raw: Any) -> Iterator[bytes]:
    """The bytes of a urllib3 response as they arrive: HTTP chunk by chunk, or whatever a read finds."""
    if getattr(raw, "chunked", False) and getattr(raw, "supports_chunked_reads", lambda: False)():
        for chunk in raw.read_chunked(None, decode_content=True):
            if chunk:
                yield chunk
        return
    read1 = getattr(raw, "read1", None)
    while True:
        data = read1(_READ_SIZE, decode_content=True) if read1 else raw.read(_READ_SIZE, decode_content=True)
        if not data:
            return
        yield data


class _ChunkView:
    """Stands for ``raw._fp`` (the http.client response) as docker-py reads it: chunked, one document a chunk.

    ``fp`` is the real socket file, so that ``CancellableStream.close()`` can shut the socket down.
    """

    chunked = True

    def __init__(self, owner: StreamingRaw) -> None:
        self._owner = owner

    @property
    def chunk_left(self) -> int | None:
        """Bytes left in the current pseudo-chunk, or None between chunks (as http.client has it)."""
        return self._owner._chunk_left()

    @property
    def fp(self) -> Any:
        return getattr(getattr(self._owner._raw, "_fp", None), "fp", None)

    def isclosed(self) -> bool:
        return self._owner.closed

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._owner._raw._fp, name)


class StreamingRaw:
    """A stand-in for ``response.raw`` of a JSON stream: reads the real one lazily, gives normalised ones.

    Each document comes out as soon as its last byte arrived, as one pseudo-chunk of compact JSON and a
    newline. It offers what requests and docker-py use: ``read(n)``, ``read()``, ``read1``, ``stream()``,
    ``closed``, ``close()``, ``release_conn()``, ``_fp.chunked``, ``_fp.chunk_left``, ``_fp.fp``; anything
    else is looked up on the real ``raw``.

    :param raw: the real ``response.raw`` (a ``urllib3.HTTPResponse``).
    :param converter: turns bytes into output frames.
    """

    chunked = True

    def __init__(self, raw: Any, converter: _Converter) -> None:
        self._raw = raw
        self._converter = converter
        self._chunks = _raw_chunks(raw)
        self._queue: collections.deque[bytes | NormalizeError] = collections.deque()
        self._pending = b""
        self._pos = 0
        self._eof = False
        self._closed = False
        self._fp = _ChunkView(self)

    # -- state

    def _chunk_left(self) -> int | None:
        return (len(self._pending) - self._pos) or None

    def _fill(self) -> bool:
        """Make the next frame current; False at the end of the stream."""
        while not self._queue:
            if self._eof:
                return False
            try:
                data = next(self._chunks, b"")
            except BaseException:
                self._eof = True
                raise
            if data:
                self._queue.extend(self._converter.feed(data))
            else:
                self._eof = True
                self._queue.extend(self._converter.finish())
        item = self._queue.popleft()
        if isinstance(item, NormalizeError):
            self._eof = True
            self._queue.clear()
            raise item
        self._pending, self._pos = item, 0
        return True

    @property
    def closed(self) -> bool:
        if self._closed:
            return True
        if self._pos < len(self._pending) or self._queue:
            return False
        if self._eof:
            return True
        # The real response is done and nothing it sent is still held here.
        return bool(self._raw.closed) and not self._converter._splitter.holds_data()

    # -- reading

    def read(
        self, amt: int | None = None, decode_content: bool | None = None, cache_content: bool = False
    ) -> bytes:
        """Read up to ``amt`` bytes of the current document (the next one when none is current); all the rest
        of the stream when ``amt`` is None."""
        if amt is None or amt < 0:
            parts = [self._pending[self._pos :]]
            self._pending, self._pos = b"", 0
            while self._fill():
                parts.append(self._pending)
                self._pending = b""
            return b"".join(parts)
        if amt == 0:
            return b""
        if self._pos >= len(self._pending) and not self._fill():
            return b""
        data = self._pending[self._pos : self._pos + amt]
        self._pos += len(data)
        if self._pos >= len(self._pending):
            self._pending, self._pos = b"", 0
        return data

    def read1(self, amt: int | None = None, decode_content: bool | None = None) -> bytes:
        """Like :meth:`read` with ``amt``; without, the rest of the current (or next) document."""
        if amt is None or amt < 0:
            amt = len(self._pending) or _READ_SIZE
        return self.read(amt)

    def readinto(self, buffer: bytearray | memoryview) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def stream(self, amt: int | None = 2**16, decode_content: bool | None = None) -> Iterator[bytes]:
        """Yield the stream in pieces of at most ``amt`` bytes, never across documents; ``None``: one
        document each."""
        while True:
            if amt is None or amt <= 0:
                if self._pos >= len(self._pending) and not self._fill():
                    return
                data = self._pending[self._pos :]
                self._pending, self._pos = b"", 0
            else:
                data = self.read(amt)
            if not data:
                return
            yield data

    def read_chunked(self, amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
        return self.stream(amt)

    def supports_chunked_reads(self) -> bool:
        return True

    def __iter__(self) -> Iterator[bytes]:
        return self.stream(None)

    @property
    def data(self) -> bytes:
        return self.read()

    def readable(self) -> bool:
        return True

    def isclosed(self) -> bool:
        return self.closed

    # -- connection

    def close(self) -> None:
        self._closed = True
        self._raw.close()

    def release_conn(self) -> None:
        self._raw.release_conn()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_raw":
            raise AttributeError(name)
        return getattr(self._raw, name)

    def __repr__(self) -> str:
        return f"<StreamingRaw over {self._raw!r}>"


# ------------------------------------------------------------------------------------------ json()


#: Set while a client prepared by ``wrap()`` sends (see ``_wrap``): requests will not read the body of the
#: answer before the caller does, so the adapter may write the normalised body when it is first read.
_DEFER: ContextVar[bool] = ContextVar("normalize_engine_defer", default=False)


class _NormalisedResponse(Response):
    """A plain ``requests.Response`` whose first ``json()`` returns the document the adapter decoded.

    The adapter decodes a JSON answer to normalise it; the class of the response (only ever an exact
    ``requests.Response``) is switched to this one, and the document held in ``_ne_json`` with the body it
    was written as. The first ``json()`` without arguments takes it, as long as ``_content`` is still that
    body; every other call (with arguments, a second call, a replaced ``_content``) is requests' own, which
    decodes the body and returns a new object. Callers get what requests would give them, and no two calls
    share an object. The document lives in the instance's ``__dict__``: no reference cycle. Copies and
    pickles are of a plain ``Response`` (requests' own state, nothing of this class).
    """

    def json(self, **kwargs: Any) -> Any:
        held = self.__dict__.pop("_ne_json", None)  # dict.pop is atomic: one thread gets the document
        if held is not None and not kwargs and held[0] is self._content:
            return held[1]
        return super().json(**kwargs)

    # A body written when it is first read (``_ne_body``, for clients prepared by ``wrap()``): until then
    # ``_content`` is the daemon's body, which ``json()`` does not need. Everything that reads the body goes
    # through ``content`` or ``iter_content`` (``text``, ``iter_lines``, pickling too).

    @property
    def content(self) -> Any:
        if "_ne_body" in self.__dict__:
            self._write_body()
        return super().content

    def iter_content(self, chunk_size: int | None = 1, decode_unicode: bool = False) -> Any:
        if "_ne_body" in self.__dict__:
            self._write_body()
        return super().iter_content(chunk_size, decode_unicode)

    def _write_body(self) -> None:
        pending = self.__dict__.get("_ne_body")
        if pending is None:
            return
        original, plan, dumps, length, adapter = pending
        if self._content is original:  # else someone replaced it: theirs stands
            held = self.__dict__.get("_ne_json")
            try:
                # The document handed over by json() may have been changed by its caller: normalise again.
                document = held[1] if held is not None else plan.apply(decode(original), owned=True)
                body = dumps(document)
            except Exception as exc:  # fail open: the daemon's answer, for json() too
                self.__dict__.pop("_ne_body", None)
                self.__dict__.pop("_ne_json", None)
                adapter._raise_or_warn(plan.method, plan.path, "body", exc)
                return
            if held is not None:
                self.__dict__["_ne_json"] = (body, document)
            self._content = body
            if length:
                self.headers["Content-Length"] = str(len(body))
        self.__dict__.pop("_ne_body", None)

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        self._write_body()
        return (copyreg._reconstructor, (Response, object, None), self.__getstate__())  # type: ignore[attr-defined]


def _hand_over(response: Response, body: bytes, document: Any) -> None:
    """Let the first ``response.json()`` return ``document``, the decoded form of ``body`` (the new
    ``_content``), instead of decoding ``body`` again."""
    if type(response) is Response or type(response) is _NormalisedResponse:
        response.__class__ = _NormalisedResponse
        response.__dict__["_ne_json"] = (body, document)


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
    ) -> None:
        super().__init__()
        self._target: Version = resolve_target(target)
        self.inner: BaseAdapter = HTTPAdapter() if inner is None else inner
        self.strict: bool = bool(strict)

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
        response = self.inner.send(
            request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )
        return self._normalise(request, response, stream)

    # -- deciding

    def _normalise(self, request: PreparedRequest, response: Response, stream: bool) -> Response:
        method = (request.method or "GET").upper()
        status = response.status_code
        if (
            method == "HEAD"
            or status < 200
            or 300 <= status < 400
            or status == 204
            or "Upgrade" in request.headers
            or response.headers.get("Content-Length") == "0"
        ):
            return response  # no body, or a hijacked connection that must not be read
        media = _media_type(response)
        if media in _RAW_MEDIA:
            return response
        path = request.path_url
        try:
            plan = make_plan(method, path, version=response.headers.get("Api-Version"), target=self._target)
        except Exception as exc:
            self._raise_or_warn(method, split_path(path)[1], "response", exc)
            return response
        kind = plan.kind
        if kind is Kind.RAW or kind is Kind.UNKNOWN:
            return response
        if status >= 400:
            return self._error(response, plan)
        if not _may_be_json(media):
            return response
        if plan.newer_than_target:
            warnings.warn(
                f"{plan.method} {plan.path}: the answer is at API {plan.source}, newer than the target "
                f"{plan.target}; it is returned unchanged",
                NormalizeWarning,
                stacklevel=3,
            )
            return response
        seq = media == _JSON_SEQ
        if plan.idle and not seq:
            logger.debug("%s %s: nothing to change (API %s)", plan.method, plan.path, plan.source)
            return response
        if kind is Kind.STREAM:
            if stream:
                return self._stream(response, plan, seq)
            return self._buffered_stream(response, plan, seq)
        return self._json(response, plan)

    # -- failing

    def _failed(self, method: str, path: str, what: str, exc: Exception) -> NormalizeError | None:
        """Fail open: warn and return None; strict: return the error to raise."""
        if self.strict:
            if isinstance(exc, NormalizeError):
                return exc
            error = NormalizeError(
                f"{method} {path}: normalising the {what} failed with {type(exc).__name__}: {exc} "
                "(a bug in normalize-engine: please report it with the API version and the body's shape)"
            )
            error.__cause__ = exc
            return error
        warnings.warn(
            f"{method} {path}: the {what} could not be normalised ({type(exc).__name__}: {exc}); "
            "it is passed through unchanged",
            NormalizeWarning,
            stacklevel=4,
        )
        return None

    def _raise_or_warn(self, method: str, path: str, what: str, exc: Exception) -> None:
        error = self._failed(method, path, what, exc)
        if error is not None:
            if error is exc:
                raise error
            raise error from exc

    # -- rewriting

    @staticmethod
    def _replace(response: Response, body: bytes) -> None:
        response._content = body
        response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag, not in its stubs
        headers = response.headers
        if "Content-Length" in headers:
            headers["Content-Length"] = str(len(body))

    def _error(self, response: Response, plan: Plan) -> Response:
        content = response.content
        if not content:
            return response
        try:
            try:
                parsed: Any = json.loads(content)
            except (ValueError, RecursionError):
                parsed = content
            if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
                return response
            body = _dumps(error_body(parsed))
        except Exception as exc:
            self._raise_or_warn(plan.method, plan.path, "error body", exc)
            return response
        logger.debug("%s %s: error body wrapped (status %s)", plan.method, plan.path, response.status_code)
        self._replace(response, body)
        return response

    def _json(self, response: Response, plan: Plan) -> Response:
        content = response.content
        if not content:
            return response
        try:
            data = decode(content)
            new = plan.apply(data)
            utf8 = _reads_utf8(response)
            unchanged = new is data  # the chain gives its input back when nothing changed
            dumps = _dumps_utf8 if utf8 else _dumps
            if not unchanged and _DEFER.get() and type(response) is Response and type(new) in (dict, list):
                self._defer(response, content, new, plan, dumps)
                return response
            body = content if unchanged else dumps(new)
        except Exception as exc:
            self._raise_or_warn(plan.method, plan.path, "body", exc)
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
        response.__dict__["_ne_body"] = (content, plan, dumps, length, self)
        logger.debug("%s %s: normalised from API %s to %s", plan.method, plan.path, plan.source, plan.target)

    def _buffered_stream(self, response: Response, plan: Plan, seq: bool) -> Response:
        content = response.content
        if not content:
            return response
        converter = _Converter(plan, self, _encoder_for(response))
        items = converter.feed(content) + converter.finish()
        for item in items:
            if isinstance(item, NormalizeError):
                raise item
        body = b"".join(items)  # type: ignore[arg-type]
        if body != content:
            self._replace(response, body)
        if seq:
            response.headers["Content-Type"] = _NDJSON
        logger.debug(
            "%s %s: stream normalised from API %s to %s", plan.method, plan.path, plan.source, plan.target
        )
        return response

    def _stream(self, response: Response, plan: Plan, seq: bool) -> Response:
        response.raw = StreamingRaw(response.raw, _Converter(plan, self, _encoder_for(response)))
        for header in ("Content-Length", "Content-Encoding"):
            if header in response.headers:
                del response.headers[header]
        if seq:
            response.headers["Content-Type"] = _NDJSON
        logger.debug("%s %s: streaming from API %s to %s", plan.method, plan.path, plan.source, plan.target)
        return response
