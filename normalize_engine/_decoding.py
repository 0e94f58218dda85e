"""Decoding bodies: JSON from str or bytes, and error answers as ``{"message": ...}``."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

from . import _fastjson
from ._errors import InvalidBodyError

__all__ = ["JSON", "decode", "error_body", "podman_error", "use_decoder"]

JSON = Any  # dict | list | str | int | float | bool | None


_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner json.loads ends in
_only_space = re.compile(r"[ \t\n\r]*\Z").match  # JSON's whitespace to the end, as json.decoder's


def _loads(text: str) -> JSON:
    """``json.loads(text)``, without its Python layers when ``text`` is one JSON value (and JSON
    whitespace after it, such as the daemon's final newline): they cost 5 % of decoding an inspect
    answer. Anything else (leading whitespace, a BOM, bad or extra data) goes through ``json.loads``,
    which decodes it or raises its own error."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:  # no JSON value at the very start
        return json.loads(text)
    if end != len(text) and _only_space(text, end) is None:
        return json.loads(text)  # raises "Extra data"
    return value


# ------------------------------------------------------------------------------------------ the decoder
# One place decides: orjson (the ``fast`` extra) when it is installed, else ``json``;
# NORMALIZE_ENGINE_JSON=json keeps ``json``. Decided on the first decode (``import normalize_engine``
# imports no orjson), and by swapping one function reference, ``_text``, so the hot path holds no test of
# the setting.

_setting: str | None = None  # what use_decoder() asked for; None: the default choice


def _import_orjson() -> Any:
    import orjson  # the optional extra, imported when first used

    return orjson


def use_decoder(name: str | None) -> str | None:
    """Choose the decoder for benchmarks and tests: ``"json"``, ``"orjson"`` or None (the default: orjson
    when installed, unless ``NORMALIZE_ENGINE_JSON=json``; else ``json``). Returns the previous setting.

    :raises ValueError: an unknown name, or ``"orjson"`` when orjson is not installed.
    """
    global _setting, _text
    if name not in (None, "json", "orjson"):
        raise ValueError(f"unknown JSON decoder {name!r}: 'json', 'orjson' or None")
    if name == "orjson":
        try:
            _import_orjson()
        except ImportError:
            raise ValueError("orjson is not installed: pip install 'normalize-engine[fast]'") from None
    previous, _setting = _setting, name
    _text = _choose
    return previous


def decoder() -> str:
    """The decoder in effect: ``"json"`` or ``"orjson"``."""
    if _text is _choose:
        _install()
    return "orjson" if _text is not _std_text else "json"


def _install() -> None:
    global _text
    name = _setting
    if name is None:
        name = "json" if os.environ.get("NORMALIZE_ENGINE_JSON", "").strip().lower() == "json" else "orjson"
    orjson = None
    if name == "orjson":
        try:
            orjson = _import_orjson()
        except ImportError:
            orjson = None
    _text = _std_text if orjson is None else _orjson_text(orjson.loads, orjson.JSONDecodeError)


def _choose(body: Any, what: str) -> JSON:
    _install()
    return _text(body, what)


def _orjson_text(loads: Callable[[Any], Any], error: type[Exception]) -> Callable[[Any, str], JSON]:
    needs_json = _fastjson.checker()

    def orjson_text(body: Any, what: str) -> JSON:
        """orjson's value when it is ``json``'s too; else ``json`` decodes (and gives its errors)."""
        try:
            data = body if type(body) is bytes else (body.encode() if type(body) is str else bytes(body))
            if needs_json(data):  # looked at before decoding: such a document is decoded once, by json
                return _std_text(body, what)
            return loads(data)
        except (error, UnicodeEncodeError):  # a raw surrogate in a str
            return _std_text(body, what)

    return orjson_text


def _std_text(body: Any, what: str) -> JSON:
    """A str or bytes body decoded by ``json``."""
    if type(body) is not str:
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidBodyError(f"the {what} is not UTF-8 text: {exc}") from None
    if not body or body.isspace():
        return None  # an empty body (201, 204, or a stream that sent nothing): no JSON at all
    try:
        return _loads(body)
    except json.JSONDecodeError as exc:
        snippet = body[:60] + ("..." if len(body) > 60 else "")
        raise InvalidBodyError(f"the {what} is not JSON ({exc}): {snippet!r}") from None
    except RecursionError:
        raise InvalidBodyError(f"the {what} nests JSON too deeply to decode") from None
    except ValueError as exc:  # a number beyond Python's int_max_str_digits
        raise InvalidBodyError(f"the {what} holds a value Python cannot decode ({exc})") from None


_text: Callable[[Any, str], JSON] = _choose


def decode(body: Any, what: str = "body") -> JSON:
    """Turn a body given as str or bytes into JSON; JSON values pass through."""
    kind = type(body)
    if kind is bytes or kind is str:
        return _text(body, what)
    if kind is dict or kind is list:
        return body
    if isinstance(body, bytes | bytearray | memoryview | str):
        return _text(body, what)
    if body is None or isinstance(body, dict | list | int | float | bool):
        return body
    raise InvalidBodyError(f"the {what} must be JSON (dict, list, str or bytes), got {type(body).__name__}")


def error_body(body: Any, engine: str = "docker") -> dict[str, Any]:
    """An error answer as ``{"message": ...}``: old daemons sent plain text, some JSON without ``message``.
    Podman's ``{"cause": ..., "message": ..., "response": <status>}`` loses ``cause`` (the end of its
    message) and ``response`` (the status again), as Docker sends neither."""
    out = _error_body(body)
    if engine == "podman" and ("cause" in out or "response" in out):
        return podman_error(out)
    return out


def podman_error(body: dict[str, Any]) -> dict[str, Any]:
    """Podman's error object without what repeats the message and the status."""
    out = dict(body)
    cause = out.get("cause")
    if type(cause) is str and cause in str(out.get("message", "")):
        del out["cause"]
    if type(out.get("response")) is int:
        del out["response"]
    return out


def _error_body(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes | bytearray | memoryview):
        body = bytes(body).decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return {"message": body.strip()}
    else:
        parsed = body
    if isinstance(parsed, dict):
        if isinstance(parsed.get("message"), str):
            return parsed
        out = dict(parsed)
        out.pop("message", None)
        text = parsed.get("message", parsed.get("error"))
        message = text if isinstance(text, str) else _error_text(parsed, (",", ":"))
        return {"message": message, **out}
    if parsed is None:
        return {"message": ""}
    return {"message": parsed if isinstance(parsed, str) else _error_text(parsed, None)}


def _error_text(parsed: Any, separators: tuple[str, str] | None) -> str:
    try:
        return json.dumps(parsed, separators=separators)
    except RecursionError:
        raise InvalidBodyError("the error body nests JSON too deeply to turn into a message") from None
    except (TypeError, ValueError) as exc:
        raise InvalidBodyError(f"the error body is not JSON ({exc})") from None
