"""The fast decoder (orjson) gives exactly the standard library's results, each known difference tested."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize_engine import _decoding
from normalize_engine._errors import InvalidBodyError

orjson = pytest.importorskip("orjson")


@pytest.fixture
def restore() -> Iterator[None]:
    previous = _decoding.use_decoder(None)
    yield
    _decoding.use_decoder(previous)


def _result(decoder: str, body: Any) -> Any:
    _decoding.use_decoder(decoder)
    try:
        value = _decoding.decode(body)
    except InvalidBodyError as exc:
        return ("error", str(exc))
    return ("value", repr(value), type(value).__name__)


CASES = [
    b'{"a": 1}', b"18446744073709551615", b"18446744073709551616", b"-9223372036854775809",
    b"[123456789012345678901234567890]", b'{"n": -12345678901234567890}', b"NaN", b"[Infinity]",
    b"-Infinity", b'{"a":1,"b":2,"a":3}', b'"\\ud800"', '"\ud800"', b'"\xed\xa0\x80"', b"\xef\xbb\xbf{}",
    "\ufeff{}", b"1e400", b"[-1e400]", b"1" * 4301, b"1" * 400, b"-0", b"-0.0", b" \t\n{}\r\n", b"{}\x0c",
    b'"a\x01b"', b"[1,]", b"", b"  ", b"\x1c", b'"\xff"', b"[" * 1100 + b"]" * 1100,
    b"[" * 1000 + b"]" * 1000, b"[" * 500 + b"]" * 500, b'{"a":"x:12345678901234567890,y"}',
    b"99999999999999999999", b"[1, 99999999999999999999 ]", b'{"a":-9999999999999999999}',
    b'{"a": 12345678901234567890}', b"[1.12345678901234567890123]", b"[12345678901234567890123e2]",
    b'["sha256:0123456789012345678901234", 123456789012345678901]', b"[" * 129 + b"]" * 129,
    b'[' + b'"]",' * 200 + b"1]", b'[' * 100 + b'"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["' + b"]" * 100,
    b"[" + b"1," * 40000 + b"18446744073709551616]", b"[" * 1000 + b" " * 70000 + b"]" * 1000,
    b'{"a": "' + b"x" * 70000 + b'"}',
]


@pytest.mark.parametrize("body", CASES, ids=range(len(CASES)))
def test_fast_equals_stdlib(body: Any, restore: None) -> None:
    assert _result("orjson", body) == _result("json", body)


def test_the_fallback_is_needed(restore: None) -> None:
    """orjson alone reads a big integer as a float: the check sends it to json."""
    assert type(orjson.loads(b"18446744073709551616")) is float
    _decoding.use_decoder("orjson")
    assert _decoding.decoder() == "orjson"
    assert type(_decoding.decode(b"18446744073709551616")) is int


def test_use_decoder(restore: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _decoding.use_decoder("json") is None
    assert _decoding.decoder() == "json"
    assert _decoding.use_decoder("orjson") == "json"
    with pytest.raises(ValueError):
        _decoding.use_decoder("simplejson")
    _decoding.use_decoder(None)
    monkeypatch.setenv("NORMALIZE_ENGINE_JSON", "json")
    _decoding.use_decoder(None)
    assert _decoding.decoder() == "json"
    monkeypatch.setenv("NORMALIZE_ENGINE_JSON", "orjson")
    _decoding.use_decoder(None)
    assert _decoding.decoder() == "orjson"
    monkeypatch.delenv("NORMALIZE_ENGINE_JSON")
    _decoding.use_decoder(None)
    assert _decoding.decoder() == "orjson"  # installed: the default


def test_without_orjson_the_default_is_json(restore: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ImportError("No module named 'orjson'")

    monkeypatch.delenv("NORMALIZE_ENGINE_JSON", raising=False)
    monkeypatch.setattr(_decoding, "_import_orjson", missing)
    _decoding.use_decoder(None)
    assert _decoding.decoder() == "json"
    assert _decoding.decode(b'{"a": 18446744073709551616}') == {"a": 18446744073709551616}


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_values, st.booleans())
def test_differential_values(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    for body in (text, text.encode("utf-8", "surrogatepass")):
        assert _result("orjson", body) == _result("json", body)
    _decoding.use_decoder(None)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60) | st.text(alphabet='0123456789-+.eE[]{}":, \t\nNaIfinty\\u', max_size=40))
def test_differential_bytes(body: Any) -> None:
    assert _result("orjson", body) == _result("json", body)
    _decoding.use_decoder(None)
