"""Podman 4.3 to 6.1 (Docker-compatible API 1.41 and 1.44): the dialect, the same at every API version.

Every change here turns a Podman form into the form a Docker daemon sends for the same state at the
answer's API version; Docker's chain then carries the answer to the target. What Podman sends and Docker
has no key for is kept (`Names`, `Digest`, `BuildahVersion`, `Rootless`, ...); what Docker sends and
Podman's answer holds no fact for is listed in the README, not invented.
"""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import (
    Change,
    Convert,
    Each,
    Nested,
    OmittedWhen,
    Replaced,
    edit,
    is_user_defined_network,
    own,
)
from normalize_engine.changes.moby import container_dns_names, dedup, short_id

from ._forms import (
    _EMPTY_LISTS_AS_NULL,
    _NULL_BLKIO,
    _appended,
    _asked_for_size,
    _default_network_renamed,
    _history_id,
    _network_mode,
    _sha256,
    _slashed,
    _slashed_names,
    _stop_signal,
)

# ------------------------------------------------------------------------------------------ networks


class PodmanDefaultNetwork(Change):
    """A container's default network is keyed `bridge`, as Docker keys it, not `podman` (Podman 4.3 to 6.1
    key it `podman` in container inspect and the container list, where Podman's own
    `/networks` answer calls the same network `bridge`)."""

    endpoint = ("containers.inspect", "containers.list")
    NetworkSettings = Nested(Networks=Convert(_default_network_renamed))


class PodmanNetworkNames(Change):
    """No name is lost: on user-defined networks, `DNSNames` is what Docker sends (the container's name, its
    aliases, its short ID and hostname), not `null` (Podman 5.4, 5.8 and 6.1 send `DNSNames: null`; 4.3 sends
    none, which Docker's chain derives), so the short ID and hostname that Docker's API 1.45 rule takes off
    `Aliases` stay in `DNSNames`. `Aliases` ends with the short ID, as Docker's did before 1.45 (Podman 6.1
    may send it first). On the default network, `Aliases` is `null` as Docker sends it (Podman 4.3 to 6.1
    send `[short ID]`, 5.4 to 6.1 with the hostname)."""

    endpoint = "containers.inspect"
    touches = (
        "NetworkSettings.Networks.*.DNSNames",
        "NetworkSettings.Networks.*.Aliases",
        "Config.Hostname",
        "Name",
        "Id",
    )

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = data.get("NetworkSettings")
        networks = settings.get("Networks") if type(settings) is dict else None
        if type(networks) is not dict:
            return data
        short, _ = _appended(data)
        before, after = container_dns_names(data)
        changes: dict[str, dict[str, Any]] = {}
        for net, endpoint in networks.items():
            if type(endpoint) is not dict:
                continue
            aliases = endpoint.get("Aliases")
            if not is_user_defined_network(net):
                if type(aliases) is list and aliases and all(a in after for a in aliases):
                    changes[net] = {"Aliases": None}
                continue
            new: dict[str, Any] = {}
            if type(aliases) is list and short is not None and aliases[:1] == [short] and len(aliases) > 1:
                aliases = [*aliases[1:], short]  # Podman 6.1: the short ID first
                new["Aliases"] = aliases
            if "DNSNames" in endpoint and endpoint["DNSNames"] is None:
                listed = [a for a in aliases if type(a) is str] if type(aliases) is list else []
                new["DNSNames"] = dedup(before + listed + after)
            if new:
                changes[net] = new
        if not changes:
            return data
        data = own(data)
        networks = edit(edit(data, "NetworkSettings"), "Networks")
        for net, new in changes.items():
            edit(networks, net).update(new)
        return data


class PodmanListAliases(Change):
    """Container list items carry no appended short ID in `Aliases`: Podman 4.3 to 6.1 list `Aliases` with
    the container's short ID (Docker sends `null` in lists); the aliases asked for are kept, a list holding
    nothing else becomes `null`."""

    endpoint = "containers.list"
    touches = ("NetworkSettings.Networks.*.Aliases", "Id")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = data.get("NetworkSettings")
        networks = settings.get("Networks") if type(settings) is dict else None
        cid = data.get("Id")
        if type(networks) is not dict or type(cid) is not str or not cid:
            return data
        short = short_id(cid)
        changed = {}
        for net, endpoint in networks.items():
            aliases = endpoint.get("Aliases") if type(endpoint) is dict else None
            if type(aliases) is list and short in aliases:
                changed[net] = [a for a in aliases if a != short] or None
        if not changed:
            return data
        data = own(data)
        networks = edit(edit(data, "NetworkSettings"), "Networks")
        for net, aliases in changed.items():
            edit(networks, net)["Aliases"] = aliases
        return data


class PodmanListNetworkMode(Change):
    """Container list items carry `HostConfig.NetworkMode`, read from their networks: `bridge` on the
    default network, else the one network's name (Podman 4.3 to 5.8 send no `HostConfig`; 6.1 does). With
    several user-defined networks the mode is not in the answer and stays absent."""

    endpoint = "containers.list"
    touches = ("HostConfig", "NetworkSettings.Networks")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if type(data.get("HostConfig")) is dict:
            return data
        mode = _network_mode(data)
        if mode is None:
            return data
        data = own(data)
        data["HostConfig"] = {"NetworkMode": mode}
        return data


class PodmanListCreateLeftovers(Change):
    """Container list items do not carry the empty create-request keys Podman 4.3 to 6.1 leave in them:
    `Config`, `NetworkingConfig` and `Platform` (`null`), `Name` (`""`, or `null` in 6.1)."""

    endpoint = "containers.list"
    Config = OmittedWhen(None)
    NetworkingConfig = OmittedWhen(None)
    Platform = OmittedWhen(None)
    Name = OmittedWhen(None, "")


# ------------------------------------------------------------------------------------------ inspect


class PodmanHostConfigNulls(Change):
    """`HostConfig` sends what was not asked for as Docker does: `null` for empty `Binds`, `CapAdd`,
    `CapDrop`, `Devices`, `Dns`, `DnsOptions`, `DnsSearch`, `ExtraHosts`, `GroupAdd`, `SecurityOpt`, `Links`
    and `VolumesFrom` (Podman 4.3 to 6.1 send `[]`; 6.1 sends `null` for some), `{}` for an empty
    `LogConfig.Config` (4.3 to 6.1 send `null`), and `null` for `MemorySwappiness` `0` (4.3 to 5.8 send `0`
    when it was not set; 6.1 sends `null`) and `PidsLimit` `0` (6.1). Podman's default `PidsLimit` (2048,
    from containers.conf) is a limit it applies and stays."""

    endpoint = "containers.inspect"
    HostConfig = Nested(
        {key: Replaced([], None) for key in _EMPTY_LISTS_AS_NULL},
        LogConfig=Nested(Config=Replaced(None, {})),
        MemorySwappiness=Replaced(0, None),
        PidsLimit=Replaced(0, None),
    )


class PodmanStopSignal(Change):
    """`Config.StopSignal` is a signal name, sent only when it is not the default: Podman 4.3 to 6.1 send the
    number (`15`, python-on-whales #472) always; Docker sends a name such as `SIGKILL`, and nothing for
    `SIGTERM`. `Config.StopTimeout` likewise: Podman sends its default (`0` in 4.3, `10` from 5.4) always;
    Docker sends it only when it was set (a timeout of exactly 10 seconds reads as the default)."""

    endpoint = "containers.inspect"
    Config = Nested(StopSignal=Convert(_stop_signal))


class PodmanStopDefaults(Change):
    """`Config.StopSignal` `SIGTERM` and Podman's default `Config.StopTimeout` (`0` in Podman 4.3, `10` in
    5.4 to 6.1) are left out, as Docker leaves out what was not set."""

    endpoint = "containers.inspect"
    Config = Nested(StopSignal=OmittedWhen("SIGTERM"), StopTimeout=OmittedWhen(0, 10))


class PodmanInspectNulls(Change):
    """`Config.Entrypoint` and `ExecIDs` are `null` when empty, as Docker sends them (Podman 4.3 to 6.1
    send `[]`); `State.Health` is left out for a container without a health check (Podman 4.3 sends
    `{"Status": "", "FailingStreak": 0, "Log": null}`)."""

    endpoint = "containers.inspect"
    ExecIDs = Replaced([], None)
    Config = Nested(Entrypoint=Replaced([], None))
    State = Nested(Health=OmittedWhen({"Status": "", "FailingStreak": 0, "Log": None}))


class PodmanInspectSize(Change):
    """`SizeRw` and `SizeRootFs` are sent only when asked for with `size=1`, as Docker does (Podman 4.3 to
    6.1 send `SizeRootFs` always; without `size=1` it is `0`, not a measurement)."""

    endpoint = "containers.inspect"
    touches = ("SizeRw", "SizeRootFs")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if ("SizeRootFs" not in data and "SizeRw" not in data) or _asked_for_size():
            return data
        data = own(data)
        data.pop("SizeRootFs", None)
        data.pop("SizeRw", None)
        return data


class PodmanStatsId(Change):
    """Stats carry the container's `id`, as Docker sends it (Podman 4.3 sends `Id`), and its `name` with
    the leading `/` (Podman 4.3 to 6.1 send it without); the blkio lists Podman has no figures for are `[]`
    as Docker sends them on cgroup v2 (4.3 to 6.1 send `null`)."""

    endpoint = "containers.stats"
    touches = ("Id", "id")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Id" not in data or "id" in data:
            return data
        data = own(data)
        data["id"] = data.pop("Id")
        return data


class PodmanStatsShape(Change):
    """Stats `name` has the leading `/` and the blkio lists are `[]` (see `PodmanStatsId`)."""

    endpoint = "containers.stats"
    name = Convert(_slashed)
    blkio_stats = Nested({key: Replaced(None, []) for key in _NULL_BLKIO})


class PodmanWaitError(Change):
    """A wait answer without an error has no `Error` (Podman 5.8 and 6.1 send `"Error": null`)."""

    endpoint = "containers.wait"
    Error = OmittedWhen(None)


# ------------------------------------------------------------------------------------------ images


class PodmanImageIds(Change):
    """Image ids carry Docker's `sha256:` prefix: image inspect `Parent` (Podman 4.3 to 6.1 send bare hex),
    the image list's `ParentId`, and history `Id`, where a layer without an image is `<missing>` (Podman
    4.3 sends bare hex and `<missing>`; 5.4 to 6.1 send `sha256:<missing>`)."""

    endpoint = ("images.inspect", "images.list", "images.history")
    Parent = Convert(_sha256)
    ParentId = Convert(_sha256)
    Id = Convert(_history_id)


class PodmanDiskUsage(Change):
    """`/system/df` writes ids and names as the lists do: `Images` `Id`/`ParentId` and `Containers`
    `ImageID` with `sha256:` (Podman 4.3 to 6.1 send bare hex), container `Names` with the leading `/` (4.3
    to 6.1 send them without), and container `Ports` as a list (4.3 to 6.1 send `null`)."""

    endpoint = "system.df"
    Images = Each(Id=Convert(_sha256), ParentId=Convert(_sha256))
    Containers = Each(ImageID=Convert(_sha256), Names=Convert(_slashed_names), Ports=Replaced(None, []))


class PodmanInfoNulls(Change):
    """`/info` sends `DriverStatus` `null` when empty and `Labels` `[]`, as Docker does (Podman 4.3 to 6.1
    send `[]` and `null`), and `CDISpecDirs` `[]` for no CDI folders (5.4 and 5.8 send `null`)."""

    endpoint = "system.info"
    DriverStatus = Replaced([], None)
    Labels = Replaced(None, [])
    CDISpecDirs = Replaced(None, [])


class PodmanVolumeListWarnings(Change):
    """The volume list sends `Warnings: null` when there are none, as Docker does (Podman 4.3 to 6.1 send
    `[]`)."""

    endpoint = "volumes.list"
    Warnings = Replaced([], None)
