"""API 1.39 (Docker 18.09)."""

from __future__ import annotations

from typing import Any

from normalize_engine.schema import Change, Convert


def _known(value: Any) -> Any:
    return "" if value == "<unknown>" else value


class InfoUnknownStrings(Change):
    """`/info` sends an empty `KernelVersion` or `OperatingSystem` as `""` instead of `"<unknown>"`."""

    endpoint = "system.info"
    KernelVersion = Convert(_known)
    OperatingSystem = Convert(_known)
