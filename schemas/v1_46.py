"""API 1.46 (Docker 27.0 and 27.1)."""

from __future__ import annotations

from normalize_engine.schema import Change


class InfoContainerd(Change):
    """`/info` describes the daemon's containerd in `Containerd {Address, Namespaces}`."""

    endpoint = "system.info"
    underivable = {"Containerd": "an older answer does not say where containerd listens"}
