"""API 1.24 (Docker 1.12)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Added, Change, Each, Nested, own


class InfoSecurityOptionsAdded(Change):
    """`/info` lists the daemon's `SecurityOptions`."""

    endpoint = "system.info"
    versioned = False
    underivable = {"SecurityOptions": "older answers do not say which security options are on"}
    SecurityOptions = Added([])


class VolumeScope(Change):
    """Volumes say their `Scope`: `local` (cluster volumes came later)."""

    endpoint = "volumes.inspect"
    versioned = False
    Scope = Added("local")


class VolumeListScope(Change):
    """Volumes of the volume list say their `Scope`: `local`."""

    endpoint = "volumes.list"
    versioned = False
    Volumes = Each(Scope=Added("local"))


def _automated(data: dict[str, Any]) -> dict[str, Any]:
    if "is_trusted" not in data:
        return data
    out = own(data)
    trusted = out.pop("is_trusted")
    out["is_automated"] = bool(out.get("is_automated") or trusted)
    return out


class SearchIsAutomated(Change):
    """Image search results say `is_automated`; the old `is_trusted` (the same thing, renamed) is folded
    into it."""

    endpoint = "images.search"
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        return _automated(data)


class HostConfigIOLimits(Change):
    """`HostConfig` carries `IOMaximumBandwidth`, `IOMaximumIOps` and `CpuPercent` (Windows limits, `0`
    elsewhere)."""

    endpoint = "containers.inspect"
    versioned = False
    HostConfig = Nested(IOMaximumBandwidth=Added(0), IOMaximumIOps=Added(0), CpuPercent=Added(0))
