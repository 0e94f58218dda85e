"""API 1.32 (Docker 17.09)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Change, Derived


def _platform(data: dict[str, Any]) -> str:
    return "windows" if data.get("Driver") == "windowsfilter" else "linux"


class ContainerPlatform(Change):
    """Container inspect says which operating system the container runs in `Platform`: `windows` for
    containers on the `windowsfilter` storage driver, `linux` otherwise."""

    endpoint = "containers.inspect"
    versioned = False
    Platform = Derived(_platform, reads=("Driver",))
