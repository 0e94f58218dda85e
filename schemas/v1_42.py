"""API 1.42 (Docker 23.0)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Added, Change, Each, Nested, OmittedWhen, Removed, Shape, own


class InfoLegacyCluster(Change):
    """`/info` no longer sends `ClusterStore`, `ClusterAdvertise` (legacy overlay networking) and
    `KernelMemory` (kernel memory limits are not supported any more)."""

    endpoint = "system.info"
    ClusterStore = Removed()
    ClusterAdvertise = Removed()
    KernelMemory = Removed()
    lost = {
        "KernelMemory": "Docker 28 and before say below 1.42 whether the kernel supports kernel memory "
        "limits; a newer answer no longer holds it (Docker 29 never sends it)",
    }


# The daemon's Go struct tag for this field is `json:" Parents,omitempty"`: a leading space that Go's
# encoder keeps, so every daemon since Docker 23.0 sends the key as " Parents" (the API documents "Parents").
PARENTS = " Parents"


class _BuildCacheParents(Shape):
    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Parent" not in data:
            return data
        out = own(data)
        parent = out.pop("Parent")
        if parent and PARENTS not in out and "Parents" not in out:
            out[PARENTS] = [parent]
        return out


class DiskUsageBuildCacheParents(Change):
    """`/system/df` drops `BuilderSize` (the sum of `BuildCache[].Size`), and each build cache record lists
    its parents in a list instead of a single `Parent`. The daemon sends that list under the key
    `" Parents"`, with a leading space (a typo in its Go struct tag, kept on the wire since Docker 23.0),
    so the canonical answer has it that way too; a `Parents` key some servers send is left alone."""

    endpoint = "system.df"
    BuilderSize = Removed()
    BuildCache = Each(_BuildCacheParents)


class ContainerKernelMemory(Change):
    """Container inspect leaves `HostConfig.KernelMemory` and `HostConfig.KernelMemoryTCP` out when they are
    not set (kernel memory limits are deprecated)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(KernelMemory=OmittedWhen(0), KernelMemoryTCP=OmittedWhen(0))


class WaitError(Change):
    """The answer to waiting for a container leaves `Error` out when there was none, instead of sending
    `"Error": null`."""

    endpoint = "containers.wait"
    versioned = False
    Error = OmittedWhen(None)


class TaskVolumes(Change):
    """Tasks list the cluster volumes they use in `Volumes` (`null` when none)."""

    endpoint = ("tasks.list", "tasks.inspect")
    versioned = False
    Volumes = Added(None)
