"""API 1.52 (Docker 29.0 and 29.1)."""

from __future__ import annotations

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
