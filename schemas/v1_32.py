"""API 1.32 (Docker 17.09)."""

from __future__ import annotations

from typing import Any

from normalize_engine.schema import Change


class ContainerPlatform(Change):
    """Container inspect says which operating system the container runs in `Platform`: `windows` for
    containers on the `windowsfilter` storage driver, `linux` otherwise."""

    endpoint = "containers.inspect"
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Platform" in data:
            return data
        return {**data, "Platform": "windows" if data.get("Driver") == "windowsfilter" else "linux"}
