"""Splitting a JSON stream (events, stats, progress) into documents as its bytes arrive."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from . import _decoding
from ._errors import InvalidBodyError, TruncatedStreamError

__all__ = ["SKIP", "StreamSplitter", "iter_documents"]

SKIP = " \t\r\n\x1e"  # between documents: white space, and the RS of json-seq
_DECODER = json.JSONDecoder()
_SMALL = 1 << 20  # characters: below, every piece that may end a document is tried at once
_ENDS = (b"}\n", b"]\n")  # how a daemon ends each event, stats sample or progress line


class StreamSplitter:
    """Split a JSON stream fed in pieces into ``(original text, document)`` pairs, incrementally.

    Documents may be newline-delimited, concatenated, or RS-separated (json-seq). A decode is tried when a
    document may have ended (daemons end each with a newline); past 1 MiB of held text, only once it grew
    by an eighth since the last try (or doubled), so a huge document in many pieces costs linear time.
    Each document comes with its own text, so one that cannot be normalised can be passed through as it
    came.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._buffer = ""  # text held since the last document, joined
        self._pieces: list[str] = []  # text fed since, not yet joined (joining on every piece is quadratic)
        self._size = 0  # len(buffer) + len of the pieces
        self._tried_at = 0  # the size at the last decode that found the document incomplete
        self._undecoded = b""

    def whole(self, data: bytes) -> Any:
        """The document when ``data`` is one whole document and a newline, as a daemon sends each event,
        and nothing is held (the usual chunk of a stream: it skips the incremental machinery, and goes
        through the decoder in effect, orjson included); else None, and the caller feeds it. The text
        :meth:`feed` would give with it is ``data.decode().strip(SKIP)``."""
        if self._size or data[-2:] not in _ENDS or self._undecoded or self._utf8.getstate()[0]:
            return None
        try:
            document = _decoding._text(data, "stream")  # decode() without its type tests
        except InvalidBodyError:  # not UTF-8, not one document: feed() decides
            return None
        return document if type(document) is dict or type(document) is list else None

    def feed(self, data: bytes) -> Iterator[tuple[str, Any]]:
        """Add bytes; yield every document they complete.

        :raises InvalidBodyError: the stream holds something that is not UTF-8 JSON.
        """
        pending = self._utf8.getstate()[0]
        try:
            text = self._utf8.decode(data)
        except UnicodeDecodeError as exc:
            self._undecoded = pending + data
            raise InvalidBodyError(f"the stream is not UTF-8 text: {exc}") from None
        if not text:
            return
        self._pieces.append(text)
        self._size += len(text)
        if not self._worth_trying(text):
            return
        yield from self._drain(final=False)
        self._tried_at = self._size

    def _worth_trying(self, text: str) -> bool:
        """Whether a document may have ended with ``text``. Each decode costs the whole held text, so past
        ``_SMALL`` a new try waits until the text grew by an eighth since the last one (or doubled, whatever
        it ends with): a huge document in many pieces costs linear time, not quadratic."""
        ends = text.rstrip(SKIP)[-1:] in ("}", "]") or "}\n" in text or "]\n" in text
        size, tried = self._size, self._tried_at
        if ends and (size <= _SMALL or size >= tried + (tried >> 3)):
            return True
        return size >= 2 * tried and ("}" in text or "]" in text)

    def _joined(self) -> str:
        if self._pieces:
            self._buffer = self._buffer + "".join(self._pieces)
            self._pieces.clear()
        return self._buffer

    def finish(self) -> Iterator[tuple[str, Any]]:
        """Yield the documents still held at the end of the stream.

        :raises TruncatedStreamError: the stream ended inside a document.
        """
        try:
            tail = self._utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            raise TruncatedStreamError("the stream ended inside a UTF-8 character") from None
        self._pieces.append(tail)
        yield from self._drain(final=True)

    def _drain(self, final: bool) -> Iterator[tuple[str, Any]]:
        buffer = self._joined()
        position, size = 0, len(buffer)
        while True:
            while position < size and buffer[position] in SKIP:
                position += 1
            if position == size:
                self._buffer, self._size, self._tried_at = "", 0, 0
                return
            try:
                document, after = _DECODER.raw_decode(buffer, position)
            except json.JSONDecodeError as exc:
                self._keep(buffer, position)
                incomplete = exc.pos >= len(buffer.rstrip(SKIP)) - 1 or exc.msg.startswith("Unterminated")
                if incomplete and not final:
                    return  # wait for more
                if incomplete:
                    left = self._buffer.strip(SKIP)
                    raise TruncatedStreamError(
                        f"the stream ended inside a document: {len(left)} characters left over, "
                        f"starting {left[:40]!r}"
                    ) from None
                raise InvalidBodyError(f"the stream holds something that is not JSON ({exc})") from None
            except RecursionError:
                self._keep(buffer, position)
                raise InvalidBodyError("a document of the stream nests JSON too deeply to decode") from None
            except ValueError as exc:  # a number beyond Python's int_max_str_digits
                self._keep(buffer, position)
                raise InvalidBodyError(f"the stream holds a value Python cannot decode ({exc})") from None
            if not final and after == size and not isinstance(document, dict | list):
                self._keep(buffer, position)  # a bare number may go on in the next piece
                return
            yield buffer[position:after], document
            position = after

    def _keep(self, buffer: str, position: int) -> None:
        self._buffer = buffer[position:] if position else buffer
        self._size = len(self._buffer)
        self._tried_at = min(self._tried_at, self._size)

    def holds_data(self) -> bool:
        return bool(
            self._buffer.strip(SKIP)
            or any(p.strip(SKIP) for p in self._pieces)
            or self._utf8.getstate()[0]
            or self._undecoded
        )

    def leftover(self) -> bytes:
        """The bytes fed but not returned as documents, after a failure (to pass them through)."""
        return self._joined().encode() + self._utf8.getstate()[0] + self._undecoded


def iter_documents(chunks: Iterable[bytes | str], apply: Callable[[Any], Any] | None = None) -> Iterator[Any]:
    """Split a JSON stream into documents, yielding each (or ``apply(document)``) as soon as it is complete.

    :raises TruncatedStreamError: the stream ends inside a document (after the complete ones).
    :raises InvalidBodyError: the stream holds something that is not JSON.
    """
    if apply is None:
        apply = _same
    splitter = StreamSplitter()
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
        whole = splitter.whole(data)
        if whole is not None:
            yield apply(whole)
            continue
        for _, document in splitter.feed(data):
            yield apply(document)
    for _, document in splitter.finish():
        yield apply(document)


def _same(document: Any) -> Any:
    return document
