"""Splitting a JSON stream (events, stats, progress) into documents as its bytes arrive."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from typing import Any

from ._errors import InvalidBodyError, TruncatedStreamError

__all__ = ["StreamSplitter", "iter_documents"]

_SKIP = " \t\r\n\x1e"  # between documents: white space, and the RS of json-seq
_DECODER = json.JSONDecoder()


class StreamSplitter:
    """Split a JSON stream fed in pieces into ``(original text, document)`` pairs, incrementally.

    Documents may be newline-delimited, concatenated, or RS-separated (json-seq). A decode is tried when a
    document may have ended (daemons end each with a newline), or when the buffer doubled since the last
    try, so a huge document in many pieces costs linear time. Each document comes with its own text, so
    one that cannot be normalised can be passed through as it came.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._buffer = ""
        self._tried_at = 0
        self._undecoded = b""

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
        self._buffer += text
        ends = text.rstrip(_SKIP)[-1:] in ("}", "]") or "}\n" in text or "]\n" in text
        if not ends and (len(self._buffer) < 2 * self._tried_at or ("}" not in text and "]" not in text)):
            return
        yield from self._drain(final=False)
        self._tried_at = len(self._buffer)

    def finish(self) -> Iterator[tuple[str, Any]]:
        """Yield the documents still held at the end of the stream.

        :raises TruncatedStreamError: the stream ended inside a document.
        """
        try:
            self._buffer += self._utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            raise TruncatedStreamError("the stream ended inside a UTF-8 character") from None
        yield from self._drain(final=True)

    def _drain(self, final: bool) -> Iterator[tuple[str, Any]]:
        buffer = self._buffer
        position, size = 0, len(buffer)
        while True:
            while position < size and buffer[position] in _SKIP:
                position += 1
            if position == size:
                self._buffer = ""
                return
            try:
                document, after = _DECODER.raw_decode(buffer, position)
            except json.JSONDecodeError as exc:
                self._buffer = buffer[position:]
                incomplete = exc.pos >= len(buffer.rstrip(_SKIP)) - 1 or exc.msg.startswith("Unterminated")
                if incomplete and not final:
                    return  # wait for more
                if incomplete:
                    left = self._buffer.strip(_SKIP)
                    raise TruncatedStreamError(
                        f"the stream ended inside a document: {len(left)} characters left over, "
                        f"starting {left[:40]!r}"
                    ) from None
                raise InvalidBodyError(f"the stream holds something that is not JSON ({exc})") from None
            except RecursionError:
                self._buffer = buffer[position:]
                raise InvalidBodyError("a document of the stream nests JSON too deeply to decode") from None
            if not final and after == size and not isinstance(document, dict | list):
                self._buffer = buffer[position:]  # a bare number may go on in the next piece
                return
            yield buffer[position:after], document
            position = after

    def holds_data(self) -> bool:
        return bool(self._buffer.strip(_SKIP) or self._utf8.getstate()[0] or self._undecoded)

    def leftover(self) -> bytes:
        """The bytes fed but not returned as documents, after a failure (to pass them through)."""
        return self._buffer.encode() + self._utf8.getstate()[0] + self._undecoded


def iter_documents(chunks: Iterable[bytes | str]) -> Iterator[Any]:
    """Split a JSON stream into documents, yielding each as soon as it is complete.

    :raises TruncatedStreamError: the stream ends inside a document (after the complete ones).
    :raises InvalidBodyError: the stream holds something that is not JSON.
    """
    splitter = StreamSplitter()
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
        for _, document in splitter.feed(data):
            yield document
    for _, document in splitter.finish():
        yield document
