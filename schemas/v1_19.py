"""API 1.19 (Docker 1.7)."""

from __future__ import annotations

from typing import Any

from normalize_engine.schema import Change, Convert

_INT_FLAGS = ("Debug", "IPv4Forwarding", "MemoryLimit", "SwapLimit")


def _flag(value: Any) -> Any:
    return bool(value) if isinstance(value, int) and not isinstance(value, bool) else value


class InfoFlagsBoolean(Change):
    """`/info` sends `Debug`, `IPv4Forwarding`, `MemoryLimit` and `SwapLimit` as booleans, where Docker 1.6
    sent 0 or 1."""

    endpoint = "system.info"
    versioned = False
    Debug = Convert(_flag)
    IPv4Forwarding = Convert(_flag)
    MemoryLimit = Convert(_flag)
    SwapLimit = Convert(_flag)
