"""Hostile input: what is not JSON, what is cut short, what is huge or deep, versions and paths that are not
the Engine API's, bodies of the wrong shape. ``normalize()`` and ``normalize_stream()`` answer with a clear
:class:`~normalize_engine.NormalizeError` (what was given, what was expected); the adapter passes the answer
through with a :class:`~normalize_engine.NormalizeWarning`, or raises with ``strict=True``."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses

import normalize_engine as ne

BASE = "http://docker.test"
DEPTH = 100_000
MB = 1024 * 1024
EVENT = b'{"status":"start","id":"abc","from":"busybox","time":1}\n'


def _deep_text(depth: int = DEPTH) -> bytes:
    return b"[" * depth + b"]" * depth


def _deep_value(depth: int = DEPTH) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _pieces(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


# ------------------------------------------------------------------------------------------ not JSON


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"{nope", "not JSON"),
        (b'[{"Id": "a", "Names": ["/x"]', "not JSON"),  # truncated
        (b'[{"Id": "a"}] trailing', "not JSON"),
        (b"\xff\xfe[]", "not UTF-8"),
        (b'{"Size": 1' + b"0" * 5000 + b"}", "cannot decode"),  # beyond Python's int_max_str_digits
        (12j, "must be JSON"),
    ],
)
def test_what_is_not_json_is_an_invalid_body_error(body: Any, match: str) -> None:
    with pytest.raises(ne.InvalidBodyError, match=match):
        ne.normalize(body, "/v1.18/containers/json")


def test_the_message_quotes_the_start_of_what_was_given() -> None:
    with pytest.raises(ne.InvalidBodyError) as info:
        ne.normalize(b"<html>502 Bad Gateway</html>", "/v1.41/info")
    assert "<html>502 Bad Gateway" in str(info.value)


def test_a_stream_cut_inside_a_document_yields_the_complete_ones_then_raises() -> None:
    chunks = [EVENT, EVENT[:20]]
    got = []
    with pytest.raises(ne.TruncatedStreamError, match="ended inside a document"):
        for event in ne.normalize_stream(chunks, "/v1.21/events"):
            got.append(event)
    assert [e["Action"] for e in got] == ["start"]


def test_a_stream_cut_inside_a_utf8_character_raises_truncated() -> None:
    text = '{"status":"start","id":"é","time":1}\n'.encode()
    with pytest.raises(ne.TruncatedStreamError):
        list(ne.normalize_stream([text, '{"status":"x","id":"é'.encode()[:-1]], "/v1.21/events"))


def test_garbage_inside_a_stream_is_an_invalid_body_error() -> None:
    got = []
    with pytest.raises(ne.InvalidBodyError, match="not JSON"):
        for event in ne.normalize_stream([EVENT, b"}}garbage{{\n", EVENT], "/v1.21/events"):
            got.append(event)
    assert len(got) == 1


# ------------------------------------------------------------------------------------------ huge, deep


def test_a_100_mb_document_through_normalize_and_normalize_stream() -> None:
    big = b'{"status":"start","id":"abc","time":1,"from":"' + b"a" * (100 * MB) + b'"}\n'
    out = ne.normalize(big, "/v1.21/events")
    assert len(out["Actor"]["Attributes"]["image"]) == 100 * MB
    del out
    tracemalloc.start()
    try:
        events = list(ne.normalize_stream(_pieces(big), "/v1.21/events"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(events) == 1 and events[0]["Type"] == "container"
    # Held text, joined text, the decoded string and the document: a few times the size, never more
    # (the pieces are joined once, not once per piece, which was quadratic in time too).
    assert peak < 5 * len(big), f"peak {peak / MB:.0f} MiB for a {len(big) / MB:.0f} MiB document"


def test_a_big_document_in_many_pieces_is_decoded_a_logarithmic_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each piece of a 16 MiB document ends like a document may end (``}``); trying to decode at every
    piece would parse the held text 256 times (quadratic); past 1 MiB the splitter waits for growth."""
    from normalize_engine import _stream

    calls = []
    real = _stream._DECODER

    class Counting:
        def raw_decode(self, text: str, position: int = 0) -> Any:
            calls.append(len(text))
            return real.raw_decode(text, position)

    monkeypatch.setattr(_stream, "_DECODER", Counting())
    item = b'{"a":[1,2,{"b":"' + b"x" * 44 + b'"}]},'  # 64 bytes: every 64 KiB piece ends with "},"
    head = b'{"status":"pull","list":[' + b" " * 38  # 64 bytes too
    big = head + item * (16 * MB // 64 - 2) + b"{}]}\n"
    (doc,) = ne.normalize_stream(_pieces(big), "/v1.41/images/create?fromImage=x")
    assert doc["status"] == "pull" and len(doc["list"]) == 16 * MB // 64 - 1
    assert len(calls) < 60, f"{len(calls)} decodes for {len(big) // (64 * 1024)} pieces"
    assert sum(calls) < 12 * len(big)


@pytest.mark.parametrize("path", ["/v1.18/containers/json", "/v1.18/containers/abc/json", "/v1.21/events"])
def test_json_nested_100000_levels_deep_is_an_invalid_body_error(path: str) -> None:
    with pytest.raises(ne.InvalidBodyError, match="too deeply"):
        ne.normalize(_deep_text(), path)
    with pytest.raises(ne.InvalidBodyError, match="too deeply"):
        ne.normalize(b'{"Config": ' + _deep_text() + b"}", path)


def test_deep_json_inside_a_stream_raises_after_the_documents_before_it() -> None:
    got = []
    with pytest.raises(ne.InvalidBodyError, match="too deeply"):
        for event in ne.normalize_stream(
            [EVENT, b'{"Actor":' + _deep_text() + b"}\n", EVENT], "/v1.21/events"
        ):
            got.append(event)
    assert len(got) == 1


def test_an_already_parsed_deep_value_is_carried_not_walked() -> None:
    deep = _deep_value()
    out = ne.normalize({"Config": {"Labels": deep}, "Vendor": deep}, "/v1.18/containers/abc/json")
    assert out["Vendor"] is deep and out["Config"]["Labels"] is deep
    (item,) = ne.normalize([{"Id": "a", "Labels": {"x": deep}}], "/v1.18/containers/json")
    assert item["Labels"]["x"] is deep


def test_a_deep_error_body_is_an_invalid_body_error_not_a_recursion_error() -> None:
    assert ne.normalize(_deep_text(), "/v1.41/info", status=500)["message"].startswith("[[[")
    with pytest.raises(ne.InvalidBodyError, match="too deeply"):
        ne.normalize(_deep_value(), "/v1.41/info", status=500)


# ------------------------------------------------------------------------------------------ versions, paths


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"path": "/v1.x/containers/json"}, r"'v1\.x'.*not an API version prefix"),
        ({"path": "/v99.0/containers/json"}, r"'99\.0'.*every Engine API version is 1\.x"),
        ({"path": "/v2/containers/json"}, "not an API version prefix"),
        ({"path": "/containers/json", "version": "1.x"}, r"'1\.x'.*expected 'MAJOR\.MINOR'"),
        ({"path": "/containers/json", "version": "99.0"}, r"'99\.0'"),
        ({"path": "/containers/json", "target": "1.x"}, r"'1\.x'"),
        ({"path": "/containers/json", "target": "1.99"}, "not a version this library can produce"),
        ({"path": "/containers/json", "target": "1.2"}, "not a version this library can produce"),
    ],
)
def test_versions_that_are_not_api_versions(kwargs: dict[str, Any], match: str) -> None:
    path = kwargs.pop("path")
    with pytest.raises(ne.UnknownVersionError, match=match):
        ne.normalize(b"[]", path, **kwargs)
    with pytest.raises(ne.UnknownVersionError, match=match):
        list(ne.normalize_stream([b"[]"], path, **kwargs))


def test_a_version_newer_than_the_library_passes_with_a_warning() -> None:
    with pytest.warns(ne.NormalizeWarning, match="newer than the versions normalize-engine knows"):
        assert ne.normalize(b'[{"Id": "a"}]', "/v1.99/containers/json") == [{"Id": "a"}]


@pytest.mark.parametrize(
    "path",
    ["/not/an/api", "/v2/token", "/", "", "containers/json", "http://docker.test/nope?x=1", "/ünïcode"],
)
def test_a_path_that_is_not_an_engine_api_path_passes_unchanged(path: str) -> None:
    body = [{"Id": "a", "VirtualSize": 1}]
    assert ne.normalize(json.dumps(body), path) == body


@pytest.mark.parametrize("path", [None, 41, b"/v1.41/info", ["/v1.41/info"]])
def test_a_path_that_is_not_a_string(path: Any) -> None:
    with pytest.raises(ne.InvalidBodyError, match="path must be a string"):
        ne.normalize({}, path)


def test_a_method_that_is_not_a_string() -> None:
    with pytest.raises(ne.InvalidBodyError, match="method must be a string"):
        ne.normalize({}, "/v1.41/info", method=None)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ wrong shapes


@pytest.mark.parametrize(
    ("body", "path", "expected"),
    [
        ({"Id": "a"}, "/v1.18/containers/json", "expected an array at the top level, got an object"),
        ([{"Id": "a"}], "/v1.18/containers/abc/json", "expected an object at the top level, got an array"),
        ('"text"', "/v1.18/containers/abc/json", "got a string"),
        (42, "/v1.18/images/json", "expected an array at the top level, got a number"),
        ([42], "/v1.18/images/json", r"expected an object at \[0\], got a number"),
        ([{"Id": "a"}, None], "/v1.18/containers/json", r"expected an object at \[1\], got null"),
        ({"NetworkSettings": "x"}, "/v1.41/containers/abc/json", r"at \.NetworkSettings, got a string"),
        ({"NetworkSettings": {"Networks": []}}, "/v1.41/containers/abc/json", r"\.NetworkSettings\.Networks"),
        (
            {"NetworkSettings": {"Networks": {"bridge": 7}}},
            "/v1.41/containers/abc/json",
            r"\.NetworkSettings\.Networks\['bridge'\], got a number",
        ),
        ([{"Ports": {"a": 1}}], "/v1.41/containers/json", r"\[0\]\.Ports, got an object"),
        (["event"], "/v1.21/events", "got an array"),
    ],
)
def test_a_body_of_the_wrong_shape_says_what_was_expected_where(body: Any, path: str, expected: str) -> None:
    with pytest.raises(ne.InvalidBodyError, match=expected) as info:
        ne.normalize(body, path)
    assert path.split("/", 2)[2].split("/")[0] in str(info.value) or "GET" in str(info.value)
    assert "answer" in str(info.value)


def test_wrong_shapes_inside_a_stream() -> None:
    with pytest.raises(ne.InvalidBodyError, match="events answer: expected an object at the top level"):
        list(ne.normalize_stream([EVENT, b"[1, 2]\n"], "/v1.21/events"))


# ------------------------------------------------------------------------------------------ the adapter


HOSTILE = [
    ("/v1.41/images/json", b"{nope", "not JSON"),
    ("/v1.41/images/json", b'[{"Id": "a"', "not JSON"),
    ("/v1.41/images/json", b'{"Id": "a"}', "expected an array"),
    ("/v1.41/containers/abc/json", b'{"NetworkSettings": 3}', "NetworkSettings"),
    ("/v1.41/containers/abc/json", _deep_text(), "too deeply"),
    ("/v1.41/info", b'{"Size": 1' + b"0" * 5000 + b"}", "cannot decode"),
    ("/v1.x/containers/json", b"[]", "not an API version prefix"),
]


@pytest.mark.parametrize(("path", "body", "match"), HOSTILE)
@responses.activate
def test_the_adapter_passes_hostile_answers_through_with_a_warning(
    path: str, body: bytes, match: str
) -> None:
    responses.get(BASE + path, body=body, content_type="application/json")
    with requests.Session() as session:
        session.mount("http://", ne.NormalizingAdapter())
        with pytest.warns(ne.NormalizeWarning, match=match):
            response = session.get(BASE + path)
    assert response.content == body


@pytest.mark.parametrize(("path", "body", "match"), HOSTILE)
@responses.activate
def test_the_strict_adapter_raises_instead(path: str, body: bytes, match: str) -> None:
    responses.get(BASE + path, body=body, content_type="application/json")
    with requests.Session() as session:
        session.mount("http://", ne.NormalizingAdapter(strict=True))
        with pytest.raises(ne.NormalizeError, match=match):
            session.get(BASE + path)


@responses.activate
def test_the_adapter_passes_a_cut_stream_through_with_a_warning() -> None:
    body = EVENT + EVENT[:25]
    responses.get(BASE + "/v1.21/events", body=body, content_type="application/json")
    with requests.Session() as session:
        session.mount("http://", ne.NormalizingAdapter())
        with pytest.warns(ne.NormalizeWarning, match="ended inside a document"):
            response = session.get(BASE + "/v1.21/events", stream=True)
            lines = list(response.iter_lines())
    assert json.loads(lines[0])["Action"] == "start"
    assert lines[-1] == EVENT[:25]


# normalize() decodes with json's C scanner directly, and falls back to json.loads for anything but one
# JSON value followed by JSON whitespace: it must accept and refuse exactly what json.loads does.
DECODE_CASES = [
    '{"a": 1}',
    '{"a": 1}\n',
    "[1, 2]\r\n\t ",
    ' {"a": 1}',
    "\ufeff{}",
    '{"a": 1} x',
    '{"a": 1}\x0c',
    '{"a": 1}\u00a0',
    '{"a": 1}{"b": 2}',
    "[1, 2",
    '{"a":}',
    "NaN",
    "nan",
    "-Infinity",
    "1",
    '"x"',
    "null",
    "1e400",
]


@pytest.mark.parametrize("text", DECODE_CASES)
def test_decoding_accepts_and_refuses_what_json_loads_does(text: str) -> None:
    from normalize_engine._normalize import _loads

    try:
        expected: Any = ("value", json.loads(text))
    except json.JSONDecodeError as exc:
        expected = ("error", exc.msg, exc.pos)
    try:
        got: Any = ("value", _loads(text))
    except json.JSONDecodeError as exc:
        got = ("error", exc.msg, exc.pos)
    assert repr(got) == repr(expected)  # repr: NaN equals nothing, its repr does
