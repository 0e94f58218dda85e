"""The accelerated decoder (the ``fast`` extra: orjson), held to the standard library's results.

orjson reads some JSON differently from ``json`` or accepts what ``json`` rejects; :func:`needs_json`
finds those inputs in the bytes, and they go through ``json`` instead (measured with orjson 3.13):

- an integer beyond 64 bits (``18446744073709551616``, ``-9223372036854775809``): orjson gives a float,
  ``json`` an int. A run of 20 digits (19 after ``-``) that stands where a number can stand (after
  ``:``/``,``/``[``/white space or at the start, and before ``,``/``]``/``}``/white space or the end) sends
  the document to ``json``; a string that merely looks like one costs a slower decode, never a wrong one;
- nesting: orjson accepts 1024 levels; ``json`` on Python 3.11 stops at the recursion limit less the
  caller's stack depth (about 990 at the top level). Where ``json`` cannot nest 1280 levels (probed once),
  a document with more than :data:`NEST` brackets, or longer than :data:`LARGE`, goes through ``json``,
  which decodes it or raises its RecursionError as before: telling the depth of a bigger document (its
  brackets outside strings, pair by pair) cost more than orjson saves on it (0.3x ``json.loads`` on a list
  of 5,000 containers, 0.1x only to count them), so on 3.11 orjson decodes the small answers (an inspect
  has 20 brackets) and ``json`` the lists. From Python 3.12
  on ``json`` nests 1497 levels or more: orjson refuses first, and decodes every size.

What orjson rejects and ``json`` accepts (NaN, Infinity, 1e400, lone surrogates, a BOM given as bytes
to ``json.loads``) fails in orjson and is decoded again by ``json``, which also gives its own error
messages. Duplicate keys, floats (correctly rounded in both), ``-0`` and white space read the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

__all__ = ["LARGE", "NEST", "checker", "json_nests_deeper", "needs_json", "needs_json_or_deep"]

#: Python 3.11: documents with more brackets go through ``json`` (which stops near 990 levels at the top
#: level, less when the caller is deep in its stack; equal results while it is less than 860 frames deep).
NEST = 128
#: Python 3.11: bigger documents go through ``json`` without a look (bytes).
LARGE = 1 << 16

_STRUCT = b'"[]{}\\'
_KEEP = _STRUCT + b"-,"
_table = bytearray(b"." * 256)  # every other byte: "."; nothing is deleted, no two digit runs merge
for _c in _KEEP:
    _table[_c] = _c
for _c in b"0123456789":
    _table[_c] = ord("0")
for _c in b": \t\r\n":
    _table[_c] = ord(",")  # where a number may stand next to
_table[ord("{")] = ord("[")  # an opening bracket (no number follows "{" in JSON)
_TABLE = bytes(_table)
_RUN = b"0" * 19
_RUN20, _MINUS_RUN = _RUN + b"0", b"-" + _RUN  # an event's timeNano has 19 digits: look for more first
_DIGITS = re.compile(rb"0+")


def _big_int(mapped: bytes) -> bool:
    """Whether ``mapped`` (the bytes through ``_TABLE``) may hold an integer literal orjson reads as a
    float: 20 digits or more (19 after a minus sign), standing where a number can stand. Two scans for
    such runs (a Docker answer has none: its longest numbers are sizes and nanoseconds), then a look at
    each run found."""
    if _RUN20 not in mapped and _MINUS_RUN not in mapped:  # the usual answer: nothing to look at
        return False
    at = mapped.find(_RUN)
    while at >= 0:
        end = _DIGITS.match(mapped, at).end()  # type: ignore[union-attr]  # at least the 19 found
        minus = at > 0 and mapped[at - 1] == 0x2D  # 0x2D: "-"
        start = at - 1 if minus else at
        if (
            (minus or end - at >= 20)
            and (start == 0 or mapped[start - 1] in b",[")
            and (end == len(mapped) or mapped[end] in b",]}")
        ):
            return True
        at = mapped.find(_RUN, end)
    return False


def needs_json(data: bytes) -> bool:
    """Whether ``data`` must be decoded by ``json``, not orjson (Python 3.12 on)."""
    return _big_int(data.translate(_TABLE))


def needs_json_or_deep(data: bytes) -> bool:
    """:func:`needs_json`, or more than :data:`NEST` brackets (where ``json`` nests less than orjson)."""
    if len(data) > LARGE:
        return True  # a list, most likely: counting its brackets would cost more than orjson saves
    mapped = data.translate(_TABLE)  # "{" is "[" there: one count
    return mapped.count(b"[") > NEST or _big_int(mapped)


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

