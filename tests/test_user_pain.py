"""The breakages users reported (shared/design/USER-PAIN.md), replayed on every recorded answer of every
daemon at every API version: code written against the canonical shape must not meet them again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import normalize_engine as ne
from normalize_engine._derive import short_id
from tests.recorded import Daemon, Exchange, load_recorded

DAEMONS = load_recorded()


def canonical(prefix: str) -> Iterator[tuple[str, Any]]:
    """(where, canonical body) for every recorded answer of the exchanges whose key starts with prefix."""
    for daemon in DAEMONS:
        for exchange in daemon.exchanges:
            if not exchange.key.startswith(prefix):
                continue
            for answer in exchange.versioned():
                if answer.status >= 400 or not answer.text.strip():
                    continue
                yield (
                    f"{daemon.name} {exchange.key} @{answer.version}",
                    _normalise(exchange, answer.text, answer.version),
                )


def _normalise(exchange: Exchange, text: str, version: str | None) -> Any:
    if exchange.stream:
        return list(ne.normalize_stream([text], exchange.url(version), method=exchange.method))
    return ne.normalize(text, exchange.url(version), method=exchange.method)


def test_image_answers_have_no_removed_fields_and_tag_lists_are_lists() -> None:
    """compose#11742 (`KeyError: 'ContainerConfig'` — code must not rely on it: it is gone everywhere),
    portainer#11469 (`VirtualSize`), docker-py#1351 and salt#35447 (`RepoTags` None)."""
    seen = 0
    for where, body in [*canonical("images.list"), *canonical("images.inspect")]:
        for image in body if isinstance(body, list) else [body]:
            seen += 1
            assert (
                "VirtualSize" not in image and "ContainerConfig" not in image and "Container" not in image
            ), where
            assert isinstance(image["RepoTags"], list) and "<none>:<none>" not in image["RepoTags"], where
            assert isinstance(image["RepoDigests"], list), where
    assert seen > 100


def test_the_containers_own_network_is_always_in_networks() -> None:
    """testcontainers-python#141 (`KeyError: 'bridge'`), zimfarm#1521 and tox-docker#199 (`KeyError:
    'IPAddress'`/`'Gateway'` at the top level): the address is read from `Networks[<NetworkMode>]` on every
    daemon, and the top-level copy is gone on every daemon too."""
    seen = 0
    for where, body in canonical("containers.inspect"):
        settings = body["NetworkSettings"]
        assert "IPAddress" not in settings and "Gateway" not in settings, where
        mode = body["HostConfig"]["NetworkMode"]
        old_shape = where.endswith(("@1.18", "@1.19", "@1.20"))  # one network only: the underivable table
        if mode.startswith("container:") or (old_shape and mode != "bridge"):
            continue
        endpoint = settings["Networks"][mode]
        assert {"IPAddress", "Gateway", "MacAddress", "DNSNames", "Aliases"} <= set(endpoint), where
        seen += 1
    assert seen > 100


def test_aliases_hold_only_what_was_asked_for() -> None:
    """docker-py#3261 and moby#47182: `Aliases` without the short container ID, `DNSNames` with it."""
    for where, body in canonical("containers.inspect.netted"):
        if where.endswith(("@1.18", "@1.19", "@1.20")):
            continue
        sid = short_id(body["Id"])
        for endpoint in body["NetworkSettings"]["Networks"].values():
            assert sid not in (endpoint["Aliases"] or []), where
            assert sid in endpoint["DNSNames"], where


def test_stats_always_count_online_cpus() -> None:
    """elacheche/docker_check#13 and about ten others: `KeyError: 'online_cpus'`."""
    seen = 0
    for where, documents in canonical("containers.stats"):
        for stats in documents:
            assert isinstance(stats["cpu_stats"].get("online_cpus"), int), where
            assert "networks" in stats and "network" not in stats, where
            seen += 1
    assert seen


def test_events_say_type_action_and_actor_and_nothing_legacy() -> None:
    """INGInious#1091 (`KeyError: 'status'`), traefik_network_connector#20 (`KeyError: 'id'`),
    watchtower#2123 and wud#1208: events are read through `Type`, `Action` and `Actor.ID`, whatever the
    daemon; salt#40981: network events too."""
    types = set()
    for where, documents in [*canonical("events."), *canonical("swarm.events")]:
        for event in documents:
            assert event["Type"] and event["Action"] and event["Actor"]["ID"], where
            assert not {"status", "id", "from"} & set(event), where
            types.add(event["Type"])
    assert {"container", "image", "network", "volume"} <= types


def test_errors_are_json_with_a_message() -> None:
    """reproxy#171 and moby#49666: plain-text errors of old API versions come out as `{"message": ...}`."""
    plain = 0
    for daemon in DAEMONS:
        for exchange in daemon.exchanges:
            for answer in exchange.versioned():
                if answer.status < 400:
                    continue
                body = ne.normalize(answer.text, exchange.url(answer.version), status=answer.status)
                assert isinstance(body["message"], str) and body["message"], exchange.key
                plain += not answer.text.lstrip().startswith("{")
    assert plain, "the 20.10 daemon answers errors at API < 1.24 in plain text"


def test_wait_kernel_memory_onbuild_and_service_networks() -> None:
    """ann-benchmarks#369 (`wait()` `Error`), moby#43214 (`KernelMemory`), docker-py#3336 (`OnBuild`),
    docker-py#3362 (`Spec.Networks`): each has one shape on every daemon."""
    for where, body in canonical("containers.wait"):
        assert "Error" not in body or body["Error"] is not None, where
    for where, body in canonical("containers.inspect"):
        assert "KernelMemory" not in body["HostConfig"] and "KernelMemoryTCP" not in body["HostConfig"], where
        assert "OnBuild" not in body["Config"] or body["Config"]["OnBuild"], where
    for where, body in canonical("swarm.services"):
        for service in body if isinstance(body, list) else [body]:
            assert "Networks" not in service["Spec"], where


@pytest.mark.parametrize("daemon", DAEMONS, ids=[d.name for d in DAEMONS])
def test_docker_py_models_read_canonical_attrs(daemon: Daemon) -> None:
    """docker-py's own models (`Container.status`, `Image.labels`, `Container.health`) on canonical attrs:
    `State.Status` exists, image `Config` exists, a health check's status is there (docker-py#1351 kin)."""
    for where, body in canonical("containers.inspect"):
        if daemon.name in where:
            assert body["State"]["Status"] in {"created", "running", "paused", "restarting", "exited", "dead"}
    for where, body in canonical("containers.inspect.healthy"):
        if daemon.name in where:
            assert body["State"]["Health"]["Status"] in {"healthy", "starting"}
