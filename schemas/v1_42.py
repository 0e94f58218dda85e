"""API 1.42 (Docker 23.0)."""

from __future__ import annotations

from typing import Any

from normalize_engine.schema import Change, Each, Removed, Shape


class InfoLegacyCluster(Change):
    """`/info` no longer sends `ClusterStore`, `ClusterAdvertise` (legacy overlay networking) and
    `KernelMemory` (kernel memory limits are not supported any more)."""

    endpoint = "system.info"
    ClusterStore = Removed()
    ClusterAdvertise = Removed()
    KernelMemory = Removed()


class _BuildCacheParents(Shape):
    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Parent" not in data and " Parents" not in data:
            return data
        out = dict(data)
        parent = out.pop("Parent", None)
        spaced = out.pop(" Parents", None)  # the daemon's Go tag has a stray leading space
        if "Parents" not in out:
            if spaced:
                out["Parents"] = spaced
            elif parent:
                out["Parents"] = [parent]
        return out


class DiskUsageBuildCacheParents(Change):
    """`/system/df` drops `BuilderSize` (the sum of `BuildCache[].Size`), and each build cache record lists
    its parents in `Parents` instead of a single `Parent`."""

    endpoint = "system.df"
    BuilderSize = Removed()
    BuildCache = Each(_BuildCacheParents)
