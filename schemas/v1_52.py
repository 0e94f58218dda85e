"""API 1.52 (Docker 29.0 and 29.1)."""

from __future__ import annotations

from typing import Any

from normalize_engine._derive import health_from_status_text
from normalize_engine.schema import Change, Nested, OmittedWhen, Removed, Shape


class _ImageConfig(Shape):
    Cmd = OmittedWhen(None, [])
    Entrypoint = OmittedWhen(None, [])
    Env = OmittedWhen(None, [])
    Labels = OmittedWhen(None, {})
    OnBuild = OmittedWhen(None, [])
    User = OmittedWhen(None, "")
    Volumes = OmittedWhen(None, {})
    WorkingDir = OmittedWhen(None, "")


class ImageConfigOmitEmpty(Change):
    """Image inspect's `Config` leaves out `Cmd`, `Entrypoint`, `Env`, `Labels`, `OnBuild`, `User`,
    `Volumes` and `WorkingDir` when they are empty."""

    endpoint = "images.inspect"
    Config = Nested(_ImageConfig)


class ImageLegacyFieldsOmitEmpty(Change):
    """Image inspect leaves out `Parent`, `Comment`, `DockerVersion` and `Author` when they are empty."""

    endpoint = "images.inspect"
    Parent = OmittedWhen("")
    Comment = OmittedWhen("")
    DockerVersion = OmittedWhen("")
    Author = OmittedWhen("")


class _NetworkSettings(Shape):
    EndpointID = Removed()
    Gateway = Removed()
    GlobalIPv6Address = Removed()
    GlobalIPv6PrefixLen = Removed()
    IPAddress = Removed()
    IPPrefixLen = Removed()
    IPv6Gateway = Removed()
    MacAddress = Removed()
    Bridge = Removed()
    HairpinMode = Removed()
    LinkLocalIPv6Address = Removed()
    LinkLocalIPv6PrefixLen = Removed()
    SecondaryIPAddresses = Removed()
    SecondaryIPv6Addresses = Removed()


class ContainerNetworkSettingsLegacy(Change):
    """Container inspect's `NetworkSettings` no longer repeats the default network's addresses at its top
    level (`IPAddress`, `Gateway`, `MacAddress`, `EndpointID`, `IPPrefixLen`, `IPv6Gateway`,
    `GlobalIPv6Address`, `GlobalIPv6PrefixLen`): read them from `NetworkSettings.Networks.bridge`. `Bridge`,
    `HairpinMode`, `LinkLocalIPv6Address`, `LinkLocalIPv6PrefixLen`, `SecondaryIPAddresses` and
    `SecondaryIPv6Addresses` are gone too."""

    endpoint = "containers.inspect"
    NetworkSettings = Nested(_NetworkSettings)


class _ContainerConfig(Shape):
    MacAddress = Removed()
    OnBuild = OmittedWhen(None, [])


class _HostConfig(Shape):
    KernelMemory = Removed()
    KernelMemoryTCP = Removed()


class ContainerConfigMacAddress(Change):
    """Container inspect drops `Config.MacAddress` (the address is in each network's `MacAddress`),
    `HostConfig.KernelMemory` and `HostConfig.KernelMemoryTCP`, and leaves out an empty `Config.OnBuild`."""

    endpoint = "containers.inspect"
    Config = Nested(_ContainerConfig)
    HostConfig = Nested(_HostConfig)


class EventLegacyFields(Change):
    """Events no longer carry the legacy `status`, `id` and `from`: read `Action`, `Actor.ID` and
    `Actor.Attributes.image`."""

    endpoint = "system.events"
    status = Removed()
    id = Removed()
    from_ = Removed(data_key="from")


class ContainerListHealth(Change):
    """Container list items carry `Health {Status, FailingStreak}` for every container: the status is read
    from the `Status` text (`(healthy)`, `(unhealthy)`, `(health: starting)`, else `none`)."""

    endpoint = "containers.list"
    underivable = {
        "Health.FailingStreak": "the list's `Status` text does not count failed checks; inspect the "
        "container "
        "(`State.Health.FailingStreak`) for it",
    }

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Health" in data or not isinstance(data.get("Status"), str):
            return data
        return {**data, "Health": {"Status": health_from_status_text(data["Status"]), "FailingStreak": 0}}


class NetworkListContainers(Change):
    """Network list items no longer have a `Containers` key (it was always empty since API 1.28)."""

    endpoint = "networks.list"
    versioned = False
    Containers = Removed()


class VersionOmitEmpty(Change):
    """`/version` leaves out `GitCommit` and `GoVersion` when they are empty."""

    endpoint = "system.version"
    versioned = False
    GitCommit = OmittedWhen("")
    GoVersion = OmittedWhen("")


class StatsOSType(Change):
    """Stats carry `os_type`, the daemon's operating system (`linux` or `windows`)."""

    endpoint = "containers.stats"
    versioned = False
    underivable = {"os_type": "an older stats answer does not say; the `Ostype` response header does"}


class ProgressBar(Change):
    """Progress messages (pull, push, build, load, import, plugin pull) no longer carry `progress`, the
    pre-rendered text bar: `progressDetail {current, total}` holds the numbers."""

    endpoint = ("images.create", "images.push", "images.load", "build", "plugins.pull")
    versioned = False
    progress = Removed()
