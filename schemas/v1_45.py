"""API 1.45 (Docker 26.0 and 26.1)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import (
    Added,
    Change,
    Nested,
    Removed,
    Replaced,
    edit,
    is_user_defined_network,
    only_builtin_networks,
    own,
)
from normalize_engine.changes.moby import dedup, short_id


class ImageContainerConfig(Change):
    """Image inspect no longer sends `Container` and `ContainerConfig`, legacy-builder data that described
    the container an image was committed from."""

    endpoint = "images.inspect"
    Container = Removed(back=Added(""))
    ContainerConfig = Removed()
    lost = {
        "Container": "a graph-driver daemon sends below 1.45 the legacy builder's container, which a newer "
        "answer no longer holds; the containerd store has none (`\"\"`), which is what comes back",
        "ContainerConfig": "the same, for the legacy builder's container configuration",
    }


def _appended_aliases(data: dict[str, Any]) -> list[str]:
    """What older daemons appended to a container's aliases, [short ID, hostname], in the order they are
    stripped from the end: hostname first."""
    config, cid = data.get("Config"), data.get("Id")
    hostname = config.get("Hostname") if type(config) is dict else None
    appended = [hostname] if type(hostname) is str and hostname else []
    if type(cid) is str and cid:
        appended.append(short_id(cid))
    return appended


def _without_appended(aliases: list[Any], appended: list[str], short: str | None) -> int:
    """How many of ``aliases`` were asked for: older daemons appended the short ID, then the hostname,
    each only when the list did not hold it yet (daemon/container_operations.go, before 26.0). So their
    lists always hold the short ID (a list without it is in the new shape already), and an alias that is
    also earlier in the list was asked for."""
    kept = len(aliases)
    if short is not None and short not in aliases:
        return kept
    for extra in appended:
        if kept and aliases[kept - 1] == extra and extra not in aliases[: kept - 1]:
            kept -= 1
    return kept


def _with_aliases(data: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    data = own(data)
    networks = edit(edit(data, "NetworkSettings"), "Networks")
    for net, aliases in changed.items():
        edit(networks, net)["Aliases"] = aliases
    return data


class ContainerAliases(Change):
    """`Aliases` on a user-defined network holds only the aliases asked for: the short container ID and
    the hostname that older daemons appended are taken off its end (they stay in `DNSNames`)."""

    endpoint = "containers.inspect"

    touches = ("NetworkSettings.Networks.*.Aliases", "Config.Hostname", "Id")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = data.get("NetworkSettings")
        networks = settings.get("Networks") if type(settings) is dict else None
        if type(networks) is not dict or only_builtin_networks(networks):
            return data
        appended: list[str] | None = None
        short: str | None = None
        changed = {}
        for net, endpoint in networks.items():
            if type(endpoint) is not dict or not is_user_defined_network(net):
                continue
            aliases = endpoint.get("Aliases")
            if type(aliases) is not list or not aliases:
                continue
            if appended is None:
                appended = _appended_aliases(data)
                cid = data.get("Id")
                short = short_id(cid) if type(cid) is str and cid else None
            kept = _without_appended(aliases, appended, short)
            # Taking them off must leave an answer the change leaves alone, or normalising twice would
            # take off one more.
            if kept != len(aliases) and _without_appended(aliases[:kept], appended, short) == kept:
                changed[net] = aliases[:kept] or None
        if not changed:
            return data
        return _with_aliases(data, changed)

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        # below 1.45 the daemon appends the short ID and the hostname to the aliases of every user-defined
        # network, without repeats (daemon/server/router/container/inspect.go)
        settings = data.get("NetworkSettings")
        networks = settings.get("Networks") if type(settings) is dict else None
        if type(networks) is not dict or only_builtin_networks(networks):
            return data
        cid, config = data.get("Id"), data.get("Config")
        hostname = config.get("Hostname") if type(config) is dict else None
        extra = [short_id(cid)] if type(cid) is str and cid else []
        if type(hostname) is str:
            extra.append(hostname)
        changed = {}
        for net, endpoint in networks.items():
            if type(endpoint) is not dict or not is_user_defined_network(net):
                continue
            aliases = endpoint.get("Aliases")
            aliases = aliases if type(aliases) is list else []
            new = dedup(aliases + extra)
            if new != aliases:
                changed[net] = new
        if not changed:
            return data
        return _with_aliases(data, changed)


# The changes below were found by comparing the recorded 20.10 and 26.1 daemons: daemons since Docker 23.0
# to 26.1 (the release is not pinned down) send the new shape at every API version, so they sit here, at
# the newest version that can have made them, where an answer of any daemon before gets them. Each says
# which recorded daemons (20.10, 26.1, 28.5, 29.7) send which form; where they disagree, 29.7 decides.


class InfoRegistryConfigNulls(Change):
    """`/info` `RegistryConfig` sends empty `AllowNondistributableArtifacts*` lists as `null` (Docker 20.10
    sent `[]`; 26.1, 28.5 and 29.7 send `null` at every version that still has them). `Mirrors` went the
    same way and came back: see `InfoRegistryMirrorsList` (API 1.52)."""

    endpoint = "system.info"
    versioned = False
    RegistryConfig = Nested(
        AllowNondistributableArtifactsCIDRs=Replaced([], None),
        AllowNondistributableArtifactsHostnames=Replaced([], None),
    )


class NetworkIPAMConfigNull(Change):
    """Networks without address pools (`host`, `none`) send `IPAM.Config: null` instead of `[]` (Docker 20.10
    sent `[]`; 26.1, 28.5 and 29.7 send `null` at every API version)."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    IPAM = Nested(Config=Replaced([], None))


class DiskUsageBuildCacheList(Change):
    """`/system/df` sends `BuildCache: []` when there is no build cache, instead of `null` (Docker 20.10 sent
    `null`; 26.1, 28.5 and 29.7 send `[]` at every API version)."""

    endpoint = "system.df"
    versioned = False
    BuildCache = Replaced(None, [])


class ContainerRuntime(Change):
    """A container that was never started has `HostConfig.Runtime` too: daemons now record the runtime when
    the container is created (Docker 20.10 left it out; 26.1, 28.5 and 29.7 send it at every API version).
    Older answers get `runc`, the runtime daemons use unless configured with another `--default-runtime`
    (see `/info` `DefaultRuntime`)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(Runtime=Added("runc"))


class ContainerNetworkModeDefault(Change):
    """A container on the default network has `HostConfig.NetworkMode: "bridge"` (`"nat"` on Windows)
    instead of `"default"`, as daemons since Docker 26.1 record it."""

    endpoint = "containers.inspect"
    versioned = False

    touches = ("HostConfig.NetworkMode", "Platform", "Driver")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        host = data.get("HostConfig")
        if type(host) is not dict or host.get("NetworkMode") != "default":
            return data
        windows = data.get("Platform") == "windows" or data.get("Driver") == "windowsfilter"
        data = own(data)
        edit(data, "HostConfig")["NetworkMode"] = "nat" if windows else "bridge"
        return data


class ContainerListNetworkModeDefault(Change):
    """Container list items on the default network have `HostConfig.NetworkMode: "bridge"` instead of
    `"default"` (Docker 20.10 sent `"default"`; 26.1, 28.5 and 29.7 send `"bridge"` at every API version; a
    Windows daemon's list says `"nat"`, which this does not tell apart)."""

    endpoint = "containers.list"
    versioned = False
    HostConfig = Nested(NetworkMode=Replaced("default", "bridge"))
