"""The accelerated decoder (the ``fast`` extra: orjson), held to the standard library's results.

orjson reads some JSON differently from ``json`` or accepts what ``json`` rejects; :func:`needs_json`
finds those inputs in the bytes, and they go through ``json`` instead (measured with orjson 3.13):

- an integer beyond 64 bits (``18446744073709551616``, ``-9223372036854775809``): orjson gives a float,
  ``json`` an int. A run of 20 digits (19 after ``-``) that stands where a number can stand (after
  ``:``/``,``/``[``/white space or at the start, and before ``,``/``]``/``}``/white space or the end) sends
  the document to ``json``; a string that merely looks like one costs a slower decode, never a wrong one;
- nesting: orjson accepts 1024 levels; ``json`` on Python 3.11 stops at the recursion limit less the
  caller's stack depth (about 990 at the top level). Where ``json`` cannot nest 1280 levels (probed once),
  a document nested more than :data:`NEST` levels goes through ``json``, which decodes it or raises its
  RecursionError as before. From Python 3.12 on ``json`` nests 1497 levels or more: orjson refuses first.

What orjson rejects and ``json`` accepts (NaN, Infinity, 1e400, lone surrogates, a BOM given as bytes
to ``json.loads``) fails in orjson and is decoded again by ``json``, which also gives its own error
messages. Duplicate keys, floats (correctly rounded in both), ``-0`` and white space read the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

__all__ = ["NEST", "checker", "json_nests_deeper", "needs_json", "needs_json_or_deep"]

#: Python 3.11: deeper documents go through ``json`` (which stops near 990 at the top level, less when
#: the caller is deep in its stack; equal results as long as it is less than about 860 frames deep).
NEST = 128

_STRUCT = b'"[]{}\\'
_KEEP = _STRUCT + b"-,"
_table = bytearray(b"." * 256)  # every other byte: "."; nothing is deleted, no two digit runs merge
for _c in _KEEP:
    _table[_c] = _c
for _c in b"0123456789":
    _table[_c] = ord("0")
for _c in b": \t\r\n":
    _table[_c] = ord(",")  # where a number may stand next to
_TABLE = bytes(_table)
_NOT_STRUCT = bytes(c for c in range(256) if c not in b'"[]{}')
_RUN = b"0" * 19
_NEEDLES = (b",0" + _RUN, b"[0" + _RUN, b",-" + _RUN, b"[-" + _RUN)
_ZEROS = re.compile(rb"-?0+")
_STRINGS = re.compile(rb'"[^"]*"')


def _big_int(mapped: bytes) -> bool:
    """Whether ``mapped`` (the bytes through ``_TABLE``) may hold an integer literal orjson reads as a
    float: 20 digits or more (19 after a minus sign), standing where a number can stand."""
    if (mapped.startswith(_RUN) or mapped.startswith(b"-" + _RUN)) and _number_at(mapped, 0):
        return True
    for needle in _NEEDLES:
        at = mapped.find(needle)
        while at >= 0:
            if _number_at(mapped, at + 1):
                return True
            at = mapped.find(needle, at + 1)
    return False


def _number_at(mapped: bytes, start: int) -> bool:
    match = _ZEROS.match(mapped, start)
    if match is None:
        return False
    end = match.end()
    digits = end - start - (mapped[start] == 0x2D)  # 0x2D: "-"
    if digits < 20 and not (mapped[start] == 0x2D and digits >= 19):
        return False
    return end == len(mapped) or mapped[end] in b",]}"


def _deeper(mapped: bytes) -> bool:
    """Whether the document of ``mapped`` nests more than :data:`NEST` levels: its brackets outside
    strings, innermost pairs removed a level at a time."""
    if b"\\" in mapped:  # escaped backslashes and quotes are not quotes
        mapped = mapped.replace(b"\\\\", b"..").replace(b'\\"', b"..")
    skeleton = mapped.translate(None, _NOT_STRUCT).replace(b'""', b"")
    if b'"' in skeleton:  # strings holding brackets
        skeleton = _STRINGS.sub(b"", skeleton)
    for _ in range(NEST):
        if not skeleton:
            return False
        skeleton = skeleton.replace(b"[]", b"").replace(b"{}", b"")
    return bool(skeleton)


def needs_json(data: bytes) -> bool:
    """Whether ``data``, which orjson decoded, must be decoded by ``json`` instead (Python 3.12 on)."""
    return _big_int(data.translate(_TABLE))


def needs_json_or_deep(data: bytes) -> bool:
    """:func:`needs_json`, and nesting deeper than :data:`NEST` (where ``json`` nests less than orjson)."""
    mapped = data.translate(_TABLE)
    return _big_int(mapped) or (len(data) > 2 * NEST and _deeper(mapped))


def json_nests_deeper(levels: int = 1280) -> bool:
    """Whether ``json`` decodes ``levels`` nested arrays here (orjson stops at 1024)."""
    try:
        json.loads("[" * levels + "]" * levels)
    except RecursionError:
        return False
    return True


def checker() -> Callable[[bytes], bool]:
    """The check for this interpreter: with nesting only where ``json`` nests less than orjson."""
    return needs_json if json_nests_deeper() else needs_json_or_deep

