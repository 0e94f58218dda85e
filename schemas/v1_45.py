"""API 1.45 (Docker 26.0 and 26.1)."""

from __future__ import annotations

from typing import Any

from normalize_engine._derive import short_id
from normalize_engine.schema import Added, Change, Convert, Nested, Removed, Shape, is_user_defined_network


class ImageContainerConfig(Change):
    """Image inspect no longer sends `Container` and `ContainerConfig`, legacy-builder data that described
    the container an image was committed from."""

    endpoint = "images.inspect"
    Container = Removed()
    ContainerConfig = Removed()


class ContainerAliases(Change):
    """`Aliases` on a user-defined network holds only the aliases asked for: the short container ID and
    the hostname that older daemons appended are taken off its end (they stay in `DNSNames`)."""

    endpoint = "containers.inspect"

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = data.get("NetworkSettings")
        networks = settings.get("Networks") if isinstance(settings, dict) else None
        if not isinstance(networks, dict):
            return data
        config = data.get("Config") if isinstance(data.get("Config"), dict) else {}
        cid = data.get("Id") if isinstance(data.get("Id"), str) else ""
        appended = [short_id(cid)] if cid else []
        if isinstance(config.get("Hostname"), str) and config["Hostname"]:
            appended.append(config["Hostname"])
        changed = {}
        for net, endpoint in networks.items():
            if not (isinstance(endpoint, dict) and is_user_defined_network(net)):
                continue
            aliases = endpoint.get("Aliases")
            if not isinstance(aliases, list) or not aliases:
                continue
            kept = list(aliases)
            for extra in reversed(appended):  # appended as [short ID, hostname]: strip from the end
                if kept and kept[-1] == extra:
                    kept.pop()
            if len(kept) != len(aliases):
                changed[net] = {**endpoint, "Aliases": kept or None}
        if not changed:
            return data
        return {**data, "NetworkSettings": {**settings, "Networks": {**networks, **changed}}}


# The changes below were found by comparing the recorded 20.10 and 26.1 daemons: daemons since Docker 23.0
# to 26.1 (the release is not pinned down) send the new shape at every API version, so they sit here, at
# the newest version that can have made them, where an answer of any daemon before gets them.


def _empty_to_null(value: Any) -> Any:
    return None if value == [] else value


class _RegistryConfig(Shape):
    Mirrors = Convert(_empty_to_null)
    AllowNondistributableArtifactsCIDRs = Convert(_empty_to_null)
    AllowNondistributableArtifactsHostnames = Convert(_empty_to_null)


class InfoRegistryConfigNulls(Change):
    """`/info` `RegistryConfig` sends empty `Mirrors` and `AllowNondistributableArtifacts*` lists as
    `null`."""

    endpoint = "system.info"
    versioned = False
    RegistryConfig = Nested(_RegistryConfig)


class _IPAM(Shape):
    Config = Convert(_empty_to_null)


class NetworkIPAMConfigNull(Change):
    """Networks without address pools (`host`, `none`) send `IPAM.Config: null` instead of `[]`."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    IPAM = Nested(_IPAM)


def _null_to_empty(value: Any) -> Any:
    return [] if value is None else value


class DiskUsageBuildCacheList(Change):
    """`/system/df` sends `BuildCache: []` when there is no build cache, instead of `null`."""

    endpoint = "system.df"
    versioned = False
    BuildCache = Convert(_null_to_empty)


class _HostConfigRuntime(Shape):
    Runtime = Added("runc")


class ContainerRuntime(Change):
    """A container that was never started has `HostConfig.Runtime` too: daemons now record the runtime when
    the container is created. Older answers get `runc`, the runtime daemons use unless configured with
    another `--default-runtime` (see `/info` `DefaultRuntime`)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(_HostConfigRuntime)


def _default_mode(windows: bool) -> Any:
    def convert(value: Any) -> Any:
        return ("nat" if windows else "bridge") if value == "default" else value

    return convert


class _HostConfigNetworkMode(Shape):
    NetworkMode = Convert(_default_mode(windows=False))


class _WindowsHostConfigNetworkMode(Shape):
    NetworkMode = Convert(_default_mode(windows=True))


class ContainerNetworkModeDefault(Change):
    """A container on the default network has `HostConfig.NetworkMode: "bridge"` (`"nat"` on Windows)
    instead of `"default"`, as daemons since Docker 26.1 record it."""

    endpoint = "containers.inspect"
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        host = data.get("HostConfig")
        if not isinstance(host, dict) or host.get("NetworkMode") != "default":
            return data
        windows = data.get("Platform") == "windows" or data.get("Driver") == "windowsfilter"
        shape = _WindowsHostConfigNetworkMode if windows else _HostConfigNetworkMode
        return {**data, "HostConfig": shape.compiled()(host)}


class ContainerListNetworkModeDefault(Change):
    """Container list items on the default network have `HostConfig.NetworkMode: "bridge"` instead of
    `"default"` (a Windows daemon's list says `"nat"`, which this does not tell apart)."""

    endpoint = "containers.list"
    versioned = False
    HostConfig = Nested(_HostConfigNetworkMode)
