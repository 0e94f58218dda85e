"""API 1.48 (Docker 28.0)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change, Each, Nested, Removed, Replaced, Shape, Values


class ImageInspectEmptyLists(Change):
    """Image inspect sends `RepoTags: []` and `RepoDigests: []` for an image without tags or digests, where
    Docker 24.0 to 27.x sent `null`."""

    endpoint = "images.inspect"
    versioned = False
    RepoTags = Replaced(None, [])
    RepoDigests = Replaced(None, [])


class _NetworkSettings(Shape):
    Networks = Values(GwPriority=Added(0))


class ContainerGwPriority(Change):
    """Each network of a container (inspect and list) has `GwPriority`, the priority of its gateway as the
    default route; `0`, the default, for containers made by older daemons."""

    endpoint = ("containers.inspect", "containers.list")
    versioned = False
    NetworkSettings = Nested(_NetworkSettings)


class DiskUsageContainerGwPriority(Change):
    """`/system/df` `Containers` carry `GwPriority` in each network, as the container list does, and never
    `ImageManifestDescriptor` (the daemon strips it there)."""

    endpoint = "system.df"
    versioned = False
    Containers = Each(NetworkSettings=Nested(_NetworkSettings), ImageManifestDescriptor=Removed())


class NetworkEnableIPv4(Change):
    """Networks say whether IPv4 is enabled in `EnableIPv4`; it always was before Docker 28.0, so older
    answers get `true`."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    EnableIPv4 = Added(True)
