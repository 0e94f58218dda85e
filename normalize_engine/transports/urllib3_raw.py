"""A stand-in for ``response.raw`` (a ``urllib3.HTTPResponse``) that gives a JSON stream normalised.

requests and docker-py read streams through ``response.raw``; docker-py also touches ``raw._fp.chunked``,
``raw._fp.chunk_left`` and, to cancel, the socket under ``raw._fp.fp``. :class:`StreamingRaw` keeps all of
that working while it feeds the real bytes to a :class:`~normalize_engine.transports.core.StreamConverter`.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

from .._errors import NormalizeError
from .streams import StreamConverter

__all__ = ["StreamingRaw"]

_READ_SIZE = 64 * 1024


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

    def __init__(self, raw: Any, converter: StreamConverter) -> None:
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
        return bool(self._raw.closed) and not self._converter.holds_data()

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
