"""API 1.44 (Docker 25.0)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import (
    MISSING,
    Added,
    Change,
    Derived,
    Each,
    Nested,
    OmittedWhen,
    Removed,
    Replaced,
    Shape,
    Values,
    edit,
    is_user_defined_network,
    own,
    typed_list,
)
from normalize_engine.changes.moby import ZERO_TIME, container_dns_names, dedup


def _virtual_size(image: dict[str, Any]) -> Any:
    """Going down: `VirtualSize` is `Size`, as the daemon adds it below 1.44 (image_routes.go)."""
    size = image.get("Size")
    return size if type(size) is int else MISSING


class _WithoutVirtualSize(Shape):
    VirtualSize = Removed(back=Derived(_virtual_size, reads=("Size",)))

    touches = ("VirtualSize", "Size")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        virtual = data.get("VirtualSize")
        if type(virtual) is int and data.get("Size") != virtual:
            # Before Docker 1.10 `Size` was the top layer only; the image's total is this.
            data = own(data)
            data["Size"] = virtual
        return data


class ImageVirtualSize(Change, _WithoutVirtualSize):
    """`VirtualSize` is no longer sent. Daemons since Docker 1.10 sent it equal to `Size`; on older ones it
    was the image's full size while `Size` was its top layer, so its value becomes `Size`."""

    endpoint = ("images.list", "images.inspect")


class DiskUsageImageVirtualSize(Change):
    """`/system/df` lists its `Images` without `VirtualSize` (its value becomes `Size`, as in the image
    list)."""

    endpoint = "system.df"
    Images = Each(_WithoutVirtualSize)


class ImageCreatedOmitted(Change):
    """Image inspect leaves `Created` out when the image has no creation time, instead of sending Go's zero
    time `0001-01-01T00:00:00Z`."""

    endpoint = "images.inspect"
    Created = OmittedWhen(ZERO_TIME)


class ContainerDNSNames(Change):
    """Each user-defined network of a container gets `DNSNames`, as the daemon builds it: the container's
    name, its aliases on that network, its short ID and its hostname, without repeats. Other networks
    (`bridge`, `host`, `none`) get `null`."""

    endpoint = "containers.inspect"
    versioned = False

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
        for ep in networks.values():  # most answers have nothing to do: tell it without a list
            if type(ep) is dict and "DNSNames" not in ep:
                break
        else:
            return data
        missing = [net for net, ep in networks.items() if type(ep) is dict and "DNSNames" not in ep]
        data = own(data)
        networks = edit(edit(data, "NetworkSettings"), "Networks")
        names: tuple[list[str], list[str]] | None = None
        for net in missing:
            endpoint = edit(networks, net)
            if not is_user_defined_network(net):
                endpoint["DNSNames"] = None
                continue
            if names is None:
                names = container_dns_names(data)
            aliases = typed_list(endpoint, "Aliases", str, [], at=("NetworkSettings", "Networks", net))
            before, after = names
            endpoint["DNSNames"] = dedup(before + aliases + after)
        return data


class InfoCDISpecDirs(Change):
    """`/info` lists `CDISpecDirs`, the folders the daemon reads CDI device specs from; a daemon without CDI
    support sends `[]`."""

    endpoint = "system.info"
    versioned = False
    CDISpecDirs = Added([])
    underivable = {"Runtimes.*.status": "older answers do not carry a runtime's feature report"}
    # below 1.44 the daemon reduces each runtime to {path, runtimeArgs} (system_routes.go)
    back = {"Runtimes": Values(status=Removed())}


class _SummaryNetworkSettings(Shape):
    Networks = Values(DNSNames=Added(None))


class ContainerListDNSNames(Change):
    """Container list items (and `/system/df` `Containers`) carry `DNSNames` in each network, always `null`
    there, as `Aliases` is: the list holds a reduced copy of the network settings."""

    endpoint = "containers.list"
    versioned = False
    NetworkSettings = Nested(_SummaryNetworkSettings)


class DiskUsageContainerDNSNames(Change):
    """`/system/df` lists its `Containers` as the container list does (`DNSNames` is `null`)."""

    endpoint = "system.df"
    versioned = False
    Containers = Each(NetworkSettings=Nested(_SummaryNetworkSettings))


class SearchNotAutomated(Change):
    """Image search results say `is_automated: false` always: Docker Hub's automated builds are gone."""

    endpoint = "images.search"
    versioned = False
    is_automated = Replaced(True, False)
