"""The public contract of normalize() and normalize_stream(), on small hand-written bodies (mechanics only:
whether the migrations are right is decided against real daemons in test_oracle.py)."""

from __future__ import annotations

import warnings
import copy
import json

import pytest

import normalize_engine as ne

EVENT_1_21 = {"status": "die", "id": "4f2a" * 16, "from": "busybox:1", "time": 1700000000, "timeNano": 1}
IMAGE_1_41 = {
    "Id": "sha256:" + "ab" * 32,
    "RepoTags": ["<none>:<none>"],
    "RepoDigests": ["<none>@<none>"],
    "Size": 1200,
    "SharedSize": -1,
    "Containers": -1,
    "Labels": None,
    "VirtualSize": 1200,
    "X-Vendor": {"kept": True},
}


def test_versions_are_ascending_from_1_18_to_latest() -> None:
    assert ne.VERSIONS[0] == "1.18"
    assert ne.VERSIONS[-1] == ne.LATEST and int(ne.LATEST.split(".")[1]) >= 55
    minors = [int(v.split(".")[1]) for v in ne.VERSIONS]
    assert minors == list(range(18, int(ne.LATEST.split(".")[1]) + 1))


def test_public_surface_is_pinned() -> None:
    assert set(dir(ne)) == set(ne.__all__)
    for name in ne.__all__:
        assert getattr(ne, name) is not None


@pytest.mark.parametrize("body", [IMAGE_1_41, json.dumps([IMAGE_1_41]), json.dumps([IMAGE_1_41]).encode()])
def test_body_may_be_json_text_or_bytes_or_parsed(body: object) -> None:
    if isinstance(body, dict):
        body = [body]
    (image,) = ne.normalize(body, "/v1.41/images/json")
    assert image["RepoTags"] == [] and image["RepoDigests"] == []
    assert "VirtualSize" not in image
    assert image["X-Vendor"] == {"kept": True}


def test_input_is_not_mutated() -> None:
    body = [copy.deepcopy(IMAGE_1_41)]
    before = copy.deepcopy(body)
    ne.normalize(body, "/v1.41/images/json")
    assert body == before


def test_source_from_path_prefix_wins_over_version_argument() -> None:
    out = ne.normalize(EVENT_1_21, "/v1.51/events", version="1.21")
    assert "Type" not in out  # a 1.51 answer: nothing before 1.52 applies
    assert ne.normalize(EVENT_1_21, "/events", version="1.21")["Type"] == "container"


def test_unknown_source_applies_every_step() -> None:
    out = ne.normalize(EVENT_1_21, "/events")
    assert out["Action"] == "die" and "status" not in out


def test_target_stops_the_chain() -> None:
    out = ne.normalize(EVENT_1_21, "/v1.21/events", target="1.51")
    assert out["status"] == "die" and out["Action"] == "die"


def test_a_newer_source_than_the_target_is_brought_down_without_a_warning() -> None:
    # DESIGN rule 9: Docker 29 adds `status/id/from` back below 1.52 (backFillLegacy)
    new = {k: v for k, v in EVENT_1_21.items() if k not in ("status", "id", "from")}
    new = ne.normalize(EVENT_1_21, "/v1.21/events")
    new = {k: v for k, v in new.items() if k not in ("status", "id", "from")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ne.normalize(new, "/v1.52/events", target="1.44")
    assert (out["status"], out["id"], out["from"]) == (new["Action"], new["Actor"]["ID"], new["Actor"]["Attributes"]["image"])


def test_a_source_newer_than_every_known_version_warns_and_is_brought_down() -> None:
    image = {"Id": "sha256:ab", "RepoTags": [], "RepoDigests": [], "Size": 10, "Containers": 2}
    with pytest.warns(ne.NormalizeWarning, match="newer than the versions normalize-engine knows"):
        out = ne.normalize([image], "/v1.99/images/json", target="1.41")
    assert out == [{**image, "RepoTags": ["<none>:<none>"], "RepoDigests": ["<none>@<none>"], "VirtualSize": 10, "Containers": -1}]


def test_normalising_twice_equals_once() -> None:
    once = ne.normalize([IMAGE_1_41], "/v1.41/images/json")
    assert ne.normalize(once, "/images/json") == once
    event = ne.normalize(EVENT_1_21, "/v1.21/events")
    assert ne.normalize(event, "/events") == event


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("No such container: x\n", "No such container: x"),
        (b"page not found", "page not found"),
        ('{"message": "No such image: y"}', "No such image: y"),
        ({"message": "conflict"}, "conflict"),
        ({"cause": "x", "message": "podman says", "response": 404}, "podman says"),
        ('{"error": "legacy"}', "legacy"),
        ("", ""),
    ],
)
def test_error_bodies_always_carry_a_message(body: object, message: str) -> None:
    out = ne.normalize(body, "/v1.18/containers/x/json", status=404)
    assert out["message"] == message


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"target": "1.x"}, "not a Docker Engine API version"),
        ({"target": "99.0"}, "every Engine API version is 1.x"),
        ({"target": "1.99"}, f"knows 1.18 to {ne.LATEST}"),
        ({"version": "banana"}, "not a Docker Engine API version"),
    ],
)
def test_bad_versions_are_clear_errors(kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(ne.UnknownVersionError, match=match):
        ne.normalize({}, "/info", **kwargs)


def test_bad_bodies_are_clear_errors() -> None:
    with pytest.raises(ne.InvalidBodyError, match="not JSON"):
        ne.normalize("{nope", "/v1.41/info")
    with pytest.raises(ne.InvalidBodyError, match=r"expected an array at the top level, got an object"):
        ne.normalize({"Id": "x"}, "/v1.41/images/json")
    with pytest.raises(ne.InvalidBodyError, match=r"expected an object at \[1\], got a string"):
        ne.normalize([IMAGE_1_41, "x"], "/v1.41/images/json")
    with pytest.raises(ne.InvalidBodyError, match="not UTF-8"):
        ne.normalize(b"\xff\xfe", "/v1.41/info")
    with pytest.raises(ne.InvalidBodyError, match="must be JSON"):
        ne.normalize(object(), "/v1.41/info")
    assert issubclass(ne.InvalidBodyError, ValueError) and issubclass(ne.InvalidBodyError, ne.NormalizeError)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ne.InvalidBodyError, match="too deeply"):
        ne.normalize("[" * 100_000 + "]" * 100_000, "/v1.41/info")


def test_unknown_endpoints_pass_through() -> None:
    body = {"anything": [1, 2]}
    assert ne.normalize(body, "/v1.41/not/an/endpoint") == body
    assert ne.normalize(body, "/v1.18/containers/x/resize", method="POST") == body


def test_stream_yields_each_document_when_complete() -> None:
    line = json.dumps(EVENT_1_21).encode() + b"\n"
    produced: list[str] = []

    def chunks():  # the second document arrives only after the first was consumed
        produced.append("first")
        yield line[:10]
        yield line[10:]
        produced.append("second")
        yield b"\x1e" + line  # json-seq's record separator is accepted too

    stream = ne.normalize_stream(chunks(), "/v1.21/events")
    first = next(stream)
    assert first["Type"] == "container" and produced == ["first"]
    assert next(stream)["Action"] == "die"
    assert list(stream) == []


def test_stream_cut_inside_a_document_raises_after_the_complete_ones() -> None:
    data = json.dumps(EVENT_1_21).encode()
    stream = ne.normalize_stream([data + b"\n" + data[:20]], "/v1.21/events")
    assert next(stream)["Action"] == "die"
    with pytest.raises(ne.TruncatedStreamError, match="ended inside a document"):
        next(stream)


def test_stream_with_garbage_is_an_error() -> None:
    with pytest.raises(ne.InvalidBodyError, match="not JSON"):
        list(ne.normalize_stream([b'{"a": 1}\n{"b": nope}\n'], "/v1.21/events"))


def test_stream_multibyte_characters_split_across_chunks() -> None:
    data = json.dumps({"status": "start", "id": "é€", "from": "x", "time": 1}, ensure_ascii=False).encode()
    chunks = [data[i : i + 1] for i in range(len(data))]
    (event,) = ne.normalize_stream(chunks, "/v1.21/events")
    assert event["Actor"]["ID"] == "é€"


def test_a_legacy_event_keeps_what_it_already_holds() -> None:
    event = {
        "status": "start",
        "id": "a",
        "from": "b",
        "time": 1,
        "Actor": {"ID": "a", "Attributes": {"x": "1"}},
    }
    out = ne.normalize(event, "/v1.21/events")
    assert out["Actor"] == {"ID": "a", "Attributes": {"x": "1"}}
    assert out["Type"] == "container" and out["Action"] == "start"


def test_bytes_and_parsed_input_give_the_same_answer() -> None:
    """A body given as text is decoded by normalize() itself, which then changes it in place instead of
    copying; the answer must be the same as for the same body given parsed (copied, never mutated)."""
    from tests.recorded import load_recorded

    checked = 0
    for daemon in load_recorded():
        for exchange in daemon.exchanges:
            if exchange.stream:
                continue
            for answer in exchange.versioned()[:3]:
                if answer.status >= 400 or not answer.text.strip():
                    continue
                url = exchange.url(answer.version)
                try:
                    parsed = json.loads(answer.text)
                except ValueError:
                    continue  # a raw answer (/_ping's "OK"): nothing to decode
                before = copy.deepcopy(parsed)
                expected = ne.normalize(parsed, url, method=exchange.method)
                assert ne.normalize(answer.text, url, method=exchange.method) == expected
                assert parsed == before
                # inplace=True: the same answer, from the caller's objects changed instead of copied
                assert ne.normalize(before, url, method=exchange.method, inplace=True) == expected
                checked += 1
    assert checked > 100


def test_inplace_changes_the_callers_body_instead_of_copying() -> None:
    body = [copy.deepcopy(IMAGE_1_41)]
    item = body[0]
    result = ne.normalize(body, "/v1.41/images/json", inplace=True)
    assert result == ne.normalize([copy.deepcopy(IMAGE_1_41)], "/v1.41/images/json")
    assert result is body and result[0]["RepoTags"] == []  # the list, changed
    assert item["RepoTags"] == []  # and the objects in it
    text = json.dumps([IMAGE_1_41])
    assert ne.normalize(text, "/v1.41/images/json", inplace=True) == result  # text: nothing to spare
