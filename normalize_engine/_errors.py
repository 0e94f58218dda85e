"""Errors and warnings raised by normalize-engine, in one tree.

Every error the library raises derives from :class:`NormalizeError`, and also from the builtin that
matches its cause, so ``except ValueError`` (or ``TypeError``, ``RuntimeError``) keeps working for callers
who do not know this library::

    NormalizeError(Exception)
    ├── InvalidBodyError(NormalizeError, ValueError)      the body is not JSON, or not of its endpoint's shape
    │   ├── TruncatedStreamError(InvalidBodyError)        a JSON stream ended inside a document
    │   └── ShapeError(InvalidBodyError)                  a value is not of the type its shape has there
    │       │                                             (raised inside chains; normalize() turns it into an
    │       │                                             InvalidBodyError naming the endpoint and the path)
    │       └── HookFailed(ShapeError)                    a hand-written hook raised something else (its bug)
    ├── UnknownVersionError(NormalizeError, ValueError)   a version string the library cannot place
    ├── UnknownEndpointError(NormalizeError, ValueError)  an endpoint name or path the library does not know
    ├── UnsupportedClientError(NormalizeError, TypeError) wrap() was given no docker-py client or session
    ├── DeclarationError(NormalizeError, TypeError)       a change is declared wrongly (DSL misuse)
    └── RegistryError(NormalizeError, RuntimeError)       the schemas of an engine are inconsistent

    NormalizeWarning(UserWarning)                         something was passed through unchanged

Warnings go through :func:`warn`, which attributes them to the caller's line: the first frame outside
this package and outside the HTTP stack under it (requests, urllib3, docker-py), so that
``python -W error`` and warning filters by module point at the code that made the request.
"""

from __future__ import annotations

import itertools
import os
import sys
import warnings
from typing import Any

__all__ = [
    "DeclarationError",
    "HookFailed",
    "InvalidBodyError",
    "NormalizeError",
    "NormalizeWarning",
    "RegistryError",
    "ShapeError",
    "TruncatedStreamError",
    "UnknownEndpointError",
    "UnknownVersionError",
    "UnsupportedClientError",
    "newer_than_target",
    "warn",
]


class NormalizeError(Exception):
    """Base class of every error raised by normalize-engine."""


class InvalidBodyError(NormalizeError, ValueError):
    """The response body is not JSON, or does not have the shape its endpoint answers with."""


class TruncatedStreamError(InvalidBodyError):
    """A JSON stream ended in the middle of a document."""


class ShapeError(InvalidBodyError):
    """A value is not of the type its endpoint's shape has there. Carries where, for the message.

    Raised by the compiled chains and by hooks (``raise ShapeError("an object", value)``); the
    :class:`~normalize_engine._normalize.Plan` that runs the chain turns it into an :class:`InvalidBodyError`
    that names the request and the place (``expected an object at .State, got a string``).
    """

    def __init__(self, expected: str, got: Any) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got
        self.where: list[str] = []

    def describe(self) -> str:
        where = "".join(self.where) or "the top level"
        return f"expected {self.expected} at {where}, got {json_type(self.got)}"


class HookFailed(ShapeError):
    """A hand-written hook (``migrate()``, a ``Derived`` or ``Convert`` function, a custom field) raised
    something else than :class:`ShapeError`: a bug in the hook, which assumed a type the body does not
    have. The compiled chains raise it in place of the builtin, so that ``normalize()`` can say which change
    failed, where, and on what, instead of letting a ``TypeError`` escape; ``error`` is the original."""

    def __init__(self, change: str, error: BaseException, got: Any) -> None:
        super().__init__(change, got)
        self.change = change
        self.error = error

    def describe(self) -> str:
        where = "".join(self.where) or "the top level"
        return (
            f"{self.change} failed on {json_type(self.got)} at {where} ({_excerpt(self.got)}) with "
            f"{type(self.error).__name__}: {self.error}. This is a bug in normalize-engine (a hook assumed a "
            "type the body does not have there): please report it with this message"
        )


def _excerpt(value: Any) -> str:
    """What ``value`` is, for messages, without its values (bodies may hold secrets: ``Config.Env``): the
    keys of an object (a few), the length of an array or a string."""
    if type(value) is dict:
        keys = [repr(key)[:40] for key in itertools.islice(value, 6)]
        more = ", ..." if len(value) > 6 else ""
        return f"keys {', '.join(keys)}{more}" if keys else "no keys"
    if type(value) is list or type(value) is str:
        return f"{len(value)} {'items' if type(value) is list else 'characters'}"
    return "a value"


def json_type(value: Any) -> str:
    """What ``value`` is, in JSON's words (``"an object"``, ``"null"``...), for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__  # pragma: no cover - json never gives anything else


class UnknownVersionError(NormalizeError, ValueError):
    """A version string that is not a Docker Engine API version the library can place."""


class UnknownEndpointError(NormalizeError, ValueError):
    """An endpoint name or path that the library does not know."""


class UnsupportedClientError(NormalizeError, TypeError):
    """:func:`~normalize_engine.wrap` was given something that is neither a docker-py client nor a
    ``requests`` session."""


class DeclarationError(NormalizeError, TypeError):
    """A change or shape is declared in a way the library cannot run (a field that is not a change field,
    two ``Derived`` fields that would see each other's key, ``reads`` given as a string...)."""


class RegistryError(NormalizeError, RuntimeError):
    """The schemas of an engine are inconsistent (a bug in this library, caught when the registry is
    built, at import)."""


class NormalizeWarning(UserWarning):
    """A response was passed through unchanged, or only partly normalised."""


# ------------------------------------------------------------------------------------------ warnings

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
#: The HTTP stack a warning of a transport passes through on its way out: not the caller's code.
_STACK_PACKAGES = ("requests", "urllib3", "docker")
#: Content (the version modules) ships from its own folder, as ``normalize_engine.schemas``.
_CONTENT_PACKAGES = ("normalize_engine.schemas",)


def _skipped_prefixes() -> tuple[str, ...]:
    prefixes = [_PACKAGE_DIR]
    for name in _CONTENT_PACKAGES + _STACK_PACKAGES:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if file:
            prefixes.append(os.path.dirname(os.path.abspath(file)) + os.sep)
    return tuple(prefixes)


def _is_library(filename: str, prefixes: tuple[str, ...]) -> bool:
    # Generated chains carry "<normalize_engine ...>" file names: library code too.
    return filename.startswith("<normalize_engine") or filename.startswith(prefixes)


def stack_level() -> int:
    """The ``stacklevel`` of the first frame, counted from the caller of this function's caller, that is
    neither this library's nor requests', urllib3's or docker-py's (pandas' ``find_stack_level``)."""
    prefixes = _skipped_prefixes()
    frame = sys._getframe(1)  # the function that calls warn()
    level = 1
    while frame is not None and _is_library(frame.f_code.co_filename, prefixes):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def warn(message: str) -> None:
    """Issue a :class:`NormalizeWarning` attributed to the caller's line (see the module docstring)."""
    warnings.warn(message, NormalizeWarning, stacklevel=stack_level())


def newer_than_target(method: str, path: str, source: object, target: object, what: str = "answer") -> None:
    """The warning for an answer at a version newer than every version the library knows (the one text
    for every way in: normalize(), normalize_stream() and the transports): it is brought down to the
    target from the newest version the library knows, and what that version does not know passes."""
    warn(
        f"{method} {path}: the {what} is at API {source}, newer than the versions normalize-engine knows; "
        f"it is brought down to {target} as an answer of the newest version it knows"
    )
