"""The response a requests transport hands back: its first ``json()`` returns the document it decoded, and
for clients prepared by ``wrap()`` the new body is written only when something reads it."""

from __future__ import annotations

import copyreg
from contextvars import ContextVar
from typing import Any, SupportsIndex

from requests import Response

from .._decoding import decode
from .._errors import NormalizeError
from .core import raise_or_warn

__all__ = ["_DEFER", "_NormalisedResponse", "_decode_lazily", "_hand_over", "_reads_utf8"]


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
        if self.__dict__.pop("_ne_decode", False) and not kwargs:
            value = self._decoded()
            if value is not None:
                return value
        return super().json(**kwargs)

    def _decoded(self) -> Any:
        """The body (an answer with nothing to change) decoded by the library's decoder (orjson when
        installed), when requests would read it as UTF-8 JSON, as the library does: an object or array,
        else None (requests' json() decides, and raises its own errors)."""
        encoding = self.encoding
        if encoding is not None and not _reads_utf8(self):
            return None
        content = self.content
        if not content or (encoding is None and content[:3] == b"\xef\xbb\xbf"):
            return None
        try:
            value = decode(content)
        except NormalizeError:
            return None
        return value if type(value) is dict or type(value) is list else None

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
        original, plan, dumps, length, strict = pending
        if self._content is original:  # else someone replaced it: theirs stands
            held = self.__dict__.get("_ne_json")
            try:
                # The document handed over by json() may have been changed by its caller: normalise again.
                document = held[1] if held is not None else plan.apply(decode(original), owned=True)
                body = dumps(document)
            except Exception as exc:  # fail open: the daemon's answer, for json() too
                self.__dict__.pop("_ne_body", None)
                self.__dict__.pop("_ne_json", None)
                raise_or_warn(strict, plan.method, plan.path, "body", exc)
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


def _reads_utf8(response: Response) -> bool:
    """Whether requests decodes the body of ``response`` as UTF-8 (``.text`` uses ``response.encoding``, which
    is ``utf-8`` for ``application/json``; ``text/plain`` without a charset is ``ISO-8859-1``)."""
    encoding = response.encoding
    return encoding is not None and encoding.lower().replace("-", "").replace("_", "") == "utf8"


def _decode_lazily(response: Response) -> None:
    """Let the first ``response.json()`` of an answer with nothing to change decode it with the library's
    decoder: with orjson, the wrapped client then reads it for less than requests' own ``json()``."""
    if type(response) is Response:
        response.__class__ = _NormalisedResponse
        response.__dict__["_ne_decode"] = True


def _hand_over(response: Response, body: bytes, document: Any) -> None:
    """Let the first ``response.json()`` return ``document``, the decoded form of ``body`` (the new
    ``_content``), instead of decoding ``body`` again."""
    if type(response) is Response or type(response) is _NormalisedResponse:
        response.__class__ = _NormalisedResponse
        response.__dict__["_ne_json"] = (body, document)
