"""Errors and warnings raised by normalize-engine.

Every error the library raises derives from :class:`NormalizeError`, and also from the builtin that
matches its cause, so ``except ValueError`` keeps working for callers who do not know this library::

    NormalizeError(Exception)
    ├── InvalidBodyError(NormalizeError, ValueError)      the body is not JSON, or not of its endpoint's shape
    ├── TruncatedStreamError(InvalidBodyError)            a JSON stream ended inside a document
    ├── UnknownVersionError(NormalizeError, ValueError)   a version string the library cannot place
    └── UnsupportedClientError(NormalizeError, TypeError) wrap() was given no docker-py client or session

    NormalizeWarning(UserWarning)                         something was passed through unchanged
"""

from __future__ import annotations

__all__ = [
    "InvalidBodyError",
    "NormalizeError",
    "NormalizeWarning",
    "TruncatedStreamError",
    "UnknownVersionError",
    "UnsupportedClientError",
]


class NormalizeError(Exception):
    """Base class of every error raised by normalize-engine."""


class InvalidBodyError(NormalizeError, ValueError):
    """The response body is not JSON, or does not have the shape its endpoint answers with."""


class TruncatedStreamError(InvalidBodyError):
    """A JSON stream ended in the middle of a document."""


class UnknownVersionError(NormalizeError, ValueError):
    """A version string that is not a Docker Engine API version the library can place."""


class UnsupportedClientError(NormalizeError, TypeError):
    """:func:`~normalize_engine.wrap` was given something that is neither a docker-py client nor a
    ``requests`` session."""


class NormalizeWarning(UserWarning):
    """A response was passed through unchanged, or only partly normalised."""
