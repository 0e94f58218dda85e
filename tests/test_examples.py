"""The user's own three examples, on real recorded answers of every daemon: `DNSNames` filled as the daemon
builds it, `VirtualSize` dropped, untagged images listed with `[]`."""

from __future__ import annotations

from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine._derive import short_id
from normalize_engine.schema import is_user_defined_network
from tests.recorded import Daemon, load_recorded

DAEMONS = load_recorded()
NEWEST_DAEMON = max(DAEMONS, key=lambda d: Version(d.api_version))


def _ids(daemons: list[Daemon]) -> list[Any]:
    return [pytest.param(d, id=d.name) for d in daemons]


def _neutral(names: list[str] | None, container: dict[str, Any]) -> list[str] | None:
    """Names with the container's own short ID written as <id> (it differs between daemons)."""
    if names is None:
        return None
    sid = short_id(container["Id"])
    return ["<id>" if n == sid else n for n in names]


@pytest.mark.parametrize("daemon", _ids(DAEMONS))
def test_dns_names_are_built_as_the_newest_daemon_builds_them(daemon: Daemon) -> None:
    """Every old answer of a container on user-defined networks, normalised, names the same DNS names (and
    the same aliases) as the newest recorded daemon sends for the same container at its newest version."""
    reference = NEWEST_DAEMON.exchange("containers.inspect.netted").newest().json()
    want = {
        net: (_neutral(ep.get("DNSNames"), reference), _neutral(ep.get("Aliases"), reference))
        for net, ep in reference["NetworkSettings"]["Networks"].items()
    }
    assert any(is_user_defined_network(n) and names for n, (names, _) in want.items())
    exchange = daemon.exchange("containers.inspect.netted")
    for answer in exchange.versioned():
        if answer.version in ("1.18", "1.19", "1.20"):
            continue  # before 1.21 an answer names one network only: see the underivable table
        out = ne.normalize(answer.text, exchange.url(answer.version))
        got = {
            net: (_neutral(ep.get("DNSNames"), out), _neutral(ep.get("Aliases"), out))
            for net, ep in out["NetworkSettings"]["Networks"].items()
        }
        assert got == want, f"{daemon.name} at {answer.version}"


def _images(key: str, body: Any) -> list[dict[str, Any]]:
    """The image objects of an image list, an image inspect or a /system/df answer."""
    if key.startswith("system.df"):
        return list(body.get("Images") or [])
    return list(body) if isinstance(body, list) else [body]


@pytest.mark.parametrize("daemon", _ids(DAEMONS))
def test_virtual_size_is_dropped_and_its_value_kept_as_size(daemon: Daemon) -> None:
    sent = 0
    for exchange in daemon.exchanges:
        if not exchange.key.startswith(("images.list", "images.inspect", "system.df")):
            continue
        for answer in exchange.versioned():
            if answer.status != 200:
                continue
            out = ne.normalize(answer.text, exchange.url(answer.version))
            before, after = _images(exchange.key, answer.json()), _images(exchange.key, out)
            for old, new in zip(before, after, strict=True):
                assert "VirtualSize" not in new
                if "VirtualSize" in old:
                    sent += 1
                    assert new["Size"] == old["VirtualSize"]
    if Version(daemon.api_version) < Version("1.44"):
        assert sent, f"{daemon.name} should have sent VirtualSize"


@pytest.mark.parametrize("daemon", _ids(DAEMONS))
def test_untagged_images_list_empty_tags(daemon: Daemon) -> None:
    exchange = daemon.exchange("images.list.all")
    sent_none = 0
    for answer in exchange.versioned():
        old = answer.json()
        sent_none += sum("<none>:<none>" in (i.get("RepoTags") or []) for i in old)
        for image in ne.normalize(answer.text, exchange.url(answer.version)):
            assert "<none>:<none>" not in image["RepoTags"]
            assert "<none>@<none>" not in image["RepoDigests"]
            assert isinstance(image["RepoTags"], list) and isinstance(image["RepoDigests"], list)
    assert sent_none, f"{daemon.name} has no untagged image in its recorded lists"
    newest = exchange.newest()
    untagged_newest = [
        i["Id"] for i in ne.normalize(newest.text, exchange.url(newest.version)) if not i["RepoTags"]
    ]
    assert untagged_newest


def test_default_network_mode_is_named_bridge_as_newer_daemons_name_it() -> None:
    """20.10 records `default` for a container on the default network; 26.1 and later record `bridge`."""
    oldest = min(DAEMONS, key=lambda d: Version(d.api_version))
    checked = 0
    for exchange in oldest.exchanges:
        if not exchange.key.startswith("containers.inspect.") or exchange.newest().status != 200:
            continue
        answer = exchange.newest()
        if answer.json()["HostConfig"]["NetworkMode"] != "default":
            continue
        theirs = NEWEST_DAEMON.exchange(exchange.key).newest().json()["HostConfig"]["NetworkMode"]
        ours = ne.normalize(answer.text, exchange.url(answer.version))
        assert ours["HostConfig"]["NetworkMode"] == theirs == "bridge"
        checked += 1
    assert checked
