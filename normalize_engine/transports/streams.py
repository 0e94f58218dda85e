"""Converting a JSON stream (events, stats, progress) as its bytes arrive, for every transport."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._errors import InvalidBodyError, NormalizeError, TruncatedStreamError
from .._plan import Plan
from .._stream import SKIP, StreamSplitter
from .core import _dumps, failed

__all__ = ["StreamConverter"]


class StreamConverter:
    """Turn the bytes of a JSON stream into output frames: one normalised document and a newline each.

    Items are ``bytes`` frames, or an exception to raise when the reader reaches it (``strict``). A
    document that cannot be normalised passes through as it came; bytes that are not JSON end the
    conversion, and the rest of the stream passes through.
    """

    def __init__(self, plan: Plan, strict: bool, dumps: Callable[[Any], bytes] = _dumps) -> None:
        self._plan = plan
        self._strict = strict
        self._dumps = dumps
        self._splitter = StreamSplitter()
        self._passthrough = False
        self._dead = False

    def holds_data(self) -> bool:
        """Whether bytes fed are still held, waiting for the end of their document."""
        return self._splitter.holds_data()

    def feed(self, data: bytes) -> list[bytes | NormalizeError]:
        if self._dead:
            return []
        if self._passthrough:
            return [data]
        whole = self._splitter.whole(data)
        if whole is not None:
            return [self._frame(data.decode().strip(SKIP), whole)]
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
        error = failed(self._strict, self._plan.method, self._plan.path, what, exc)
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
            error = failed(self._strict, self._plan.method, self._plan.path, "stream document", exc)
            if error is not None:
                self._dead = True
                return error
            return text.encode() + b"\n"
        if (new is document or new == document) and "\n" not in text:
            return text.encode() + b"\n"
        return self._dumps(new) + b"\n"

    def convert_all(self, content: bytes) -> bytes:
        """A whole stream read at once, converted (an answer the caller did not stream).

        :raises NormalizeError: ``strict`` and a document could not be normalised.
        """
        items = self.feed(content) + self.finish()
        for item in items:
            if isinstance(item, NormalizeError):
                raise item
        return b"".join(items)  # type: ignore[arg-type]
