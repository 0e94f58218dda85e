"""API 1.35 (Docker 17.12)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Change, own

_DETAILS = (
    "ApiVersion",
    "Arch",
    "BuildTime",
    "Experimental",
    "GitCommit",
    "GoVersion",
    "KernelVersion",
    "MinAPIVersion",
    "Os",
)


class VersionComponents(Change):
    """`/version` lists its components: an answer without `Components` gets the Engine entry built from its
    own fields, as the daemon does, and `Platform {Name}`."""

    endpoint = "system.version"
    versioned = False
    underivable = {
        "Components.*": "only the Engine component can be rebuilt; containerd, runc and docker-init versions "
        "are not in an older answer",
        "Platform.Name": "the product name (e.g. `Docker Engine - Community`) is not in an older answer",
    }

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Components" in data:
            return data
        details = {key: data[key] for key in _DETAILS if key in data}
        if "Experimental" in details:
            details["Experimental"] = str(bool(details["Experimental"])).lower()
        engine = {"Name": "Engine", "Version": data.get("Version", ""), "Details": details}
        out = own(data)
        out["Components"] = [engine]
        out.setdefault("Platform", {"Name": ""})
        return out
