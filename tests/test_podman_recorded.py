"""Podman's recorded answers (tests/fixtures/podman/, by ``tools/record.py --podman``) through the library.

No live Podman is needed. For every recorded answer of the four Podman versions:

- it normalises without an error, with its source version taken from its ``Api-Version`` header (Podman
  answers the same shape at every prefix, so the request's prefix says nothing) and its headers passed
  where ``normalize()`` takes them;
- a second pass changes nothing;
- every Podman-only key (a key no recorded Docker daemon sends at any version for the same request:
  ``Names``, ``Digest``, ``BuildahVersion``, ``Rootless``, ...) is still there. (Docker's own keys may go:
  a key Docker dropped at a version newer than Podman's source, such as ``NetworkSettings.Bridge``, is
  Docker's chain at work.)

Whether the answers come out in Docker's structure is the dialect's work (issue 15); its list is printed
by ``tools/podman_report.py``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

import normalize_engine as ne
from normalize_engine._endpoints import Kind, route
from normalize_engine._versions import split_path
from tests.recorded import Answer, Daemon, Exchange, load_podman, load_recorded

PODMANS = load_podman()
VERSIONS = ("4.3.1", "5.4.2", "5.8.6", "6.1.1")

# Objects whose keys are data (label names, option names, ids), not fields: their entries are not keys.
DATA_MAPS = frozenset(
    {"Labels", "Options", "DriverOpts", "Containers", "Ports", "ExposedPorts", "Volumes", "Networks",
     "Sysctls", "Tmpfs", "Annotations", "Data", "PortBindings", "IndexConfigs", "Runtimes", "Status",
     "Attributes", "Plugins", "Peers", "Services", "networks", "blkio_stats", "CapDrop", "CapAdd"}
)

# Docker's own keys that no recorded Docker answer happens to hold, each with where Docker has it: the
# library may drop them as Docker's chain says.
DOCKER_KEYS: dict[str, str] = {
    "*.progress": "the pre-rendered progress bar of pull/push/load progress messages (Docker's, removed "
    "at 1.52: schemas/v1_52.py); Podman sends it empty in its import stream",
}

# Podman-only keys the library removes on purpose (by key path, or by last key), each with its reason: the
# dialect (normalize_engine/schemas_podman/) writes them as Docker does for the same state.
DROPPED: dict[str, str] = {
    "Config.StopSignal": "Podman sends its default (15, SIGTERM) always; Docker sends a stop signal only "
    "when one was set, by name (another signal is kept, as its name)",
    "Config.StopTimeout": "Podman sends its default (0 in 4.3, 10 from 5.4) always; Docker only one set",
    "SizeRootFs": "sent without size=1, as 0: Docker sends the sizes only when asked (size=1 keeps them)",
    "State.Health": "Podman 4.3's empty health of a container without a health check, which Docker omits",
    "*.Config": "the empty (null) create-request keys Podman leaves in container list items",
    "*.NetworkingConfig": "the empty (null) create-request keys Podman leaves in container list items",
    "*.Platform": "the empty (null) create-request keys Podman leaves in container list items",
    "*.Name": "the empty (\"\" or null) create-request keys Podman leaves in container list items",
    "*.Id": "Podman 4.3's stats `Id`, sent as Docker's `id`",
    "Error": "a wait answer's `Error: null` (Podman 5.8, 6.1), which Docker omits when there is no error",
}


def _dropped(path: str) -> bool:
    return any(path == k or path.startswith(k + ".") for k in DROPPED)


def _takes(function: Any) -> frozenset[str]:
    return frozenset(inspect.signature(function).parameters)


# `headers=` and `engine=` are part of the contract (DESIGN.md), but may not exist yet: pass what exists.
NORMALIZE_PARAMS = _takes(ne.normalize)
STREAM_PARAMS = _takes(ne.normalize_stream)


def source_version(answer: Answer) -> str | None:
    """Its ``Api-Version`` header; None for the bare text 404s of the swarm endpoints, which carry none."""
    for key, value in answer.headers.items():
        if key.lower() == "api-version":
            return value
    assert answer.status == 404, "a Podman answer without an Api-Version header"
    return None


def _headers(params: frozenset[str], answer: Answer) -> dict[str, Any]:
    return {"headers": dict(answer.headers)} if "headers" in params else {}


def normalise(exchange: Exchange, answer: Answer, text: str | None = None, version: str | None = None) -> Any:
    """One answer through the library, as a client of a Podman socket gets it."""
    body = answer.text if text is None else text
    source = version or source_version(answer)
    if exchange.stream:
        return list(
            ne.normalize_stream(
                [body],
                exchange.path,
                method=exchange.method,
                version=source,
                **_headers(STREAM_PARAMS, answer),
            )
        )
    return ne.normalize(
        body,
        exchange.path,
        method=exchange.method,
        status=answer.status,
        version=source,
        **_headers(NORMALIZE_PARAMS, answer),
    )


def _judged(exchange: Exchange) -> bool:
    _, bare, _ = split_path(exchange.path)
    endpoint = route(exchange.method, bare)
    return endpoint is None or endpoint.kind is not Kind.RAW


def _cases() -> list[Any]:
    out = []
    for daemon in PODMANS:
        for exchange in daemon.exchanges:
            if not _judged(exchange):
                continue
            for answer in exchange.answers:
                if answer.text.strip() and not answer.error:
                    out.append(
                        pytest.param(
                            daemon, exchange, answer, id=f"{daemon.name}:{exchange.key}@{answer.version}"
                        )
                    )
    return out


CASES = _cases()


def test_all_four_podmans_are_recorded() -> None:
    assert [str(d.info["Version"]) for d in PODMANS] == list(VERSIONS)
    for daemon in PODMANS:
        assert daemon.info.get("engine") == "podman"
        assert daemon.info["LibpodApiVersion"] == daemon.info["Version"]
        assert daemon.info["ApiVersionHeader"] == daemon.api_version
    assert not {d.name for d in PODMANS} & {d.name for d in load_recorded()}, "Podman mixed into the oracle"


def test_a_podman_answers_the_same_shape_at_every_prefix() -> None:
    """What makes the Api-Version header, not the prefix, the source version (REAL-PODMAN.md)."""
    for daemon in PODMANS:
        version = daemon.exchange("system.version")
        assert {a.headers.get("Api-Version") for a in version.answers} == {daemon.api_version}
        assert len({a.text for a in daemon.exchange("containers.inspect.exited").answers}) == 1


@pytest.mark.parametrize(("daemon", "exchange", "answer"), CASES)
def test_every_podman_answer_normalises_and_a_second_pass_changes_nothing(
    daemon: Daemon, exchange: Exchange, answer: Answer
) -> None:
    first = normalise(exchange, answer)
    again_text = "\n".join(json.dumps(d) for d in first) if exchange.stream else json.dumps(first)
    second = normalise(exchange, answer, again_text, version=ne.LATEST)
    assert second == first


def keys(document: Any, path: str = "") -> Iterator[str]:
    """Every key path of a document (list items as ``*``; entries of data maps not descended into)."""
    if isinstance(document, dict):
        for key, value in document.items():
            sub = f"{path}.{key}" if path else str(key)
            yield sub
            if key not in DATA_MAPS:
                yield from keys(value, sub)
    elif isinstance(document, list):
        for item in document:
            yield from keys(item, f"{path}.*" if path else "*")


@cache
def docker_keys(key: str) -> frozenset[str]:
    """The key paths any recorded Docker daemon sends for the same request at any version."""
    out: set[str] = set()
    answers = []
    for docker in load_recorded():
        try:
            exchange = docker.exchange(key)
        except KeyError:
            continue
        answers += [(exchange, a) for a in exchange.answers]
    for exchange, answer in answers:
        if answer.status < 400 and answer.text.strip():
            try:
                document = [json.loads(line) for line in answer.text.splitlines() if line.strip()] if (
                    exchange.stream
                ) else json.loads(answer.text)
            except ValueError:
                continue
            out |= set(keys(document))
    return frozenset(out)


@pytest.mark.parametrize(("daemon", "exchange", "answer"), [c for c in CASES if c.values[2].status < 400])
def test_every_podman_only_key_survives(daemon: Daemon, exchange: Exchange, answer: Answer) -> None:
    """Error bodies are excepted: the library's error body is always ``{"message"}`` (Podman's ``cause`` and
    ``response`` repeat the message and the status)."""
    raw: Any = (
        [json.loads(line) for line in answer.text.splitlines() if line.strip()]
        if exchange.stream
        else json.loads(answer.text)
    )
    own = set(keys(raw)) - docker_keys(exchange.key) - set(DOCKER_KEYS)
    if not own:
        return
    got = set(keys(normalise(exchange, answer)))
    lost = sorted(k for k in own if k not in got and not _dropped(k))
    assert not lost, f"{daemon.name} {exchange.key}: Podman-only keys lost: {lost[:12]}"


def test_podman_only_keys_are_seen() -> None:
    """The check above has something to check: the keys the issue names are Podman's own."""
    seen: set[str] = set()
    for daemon in PODMANS:
        for key in ("images.list", "system.info", "containers.list.all"):
            exchange = daemon.exchange(key)
            answer = exchange.newest()
            seen |= {k.rsplit(".", 1)[-1] for k in set(keys(json.loads(answer.text))) - docker_keys(key)}
    assert {"Names", "Digest", "BuildahVersion", "Rootless"} <= seen
