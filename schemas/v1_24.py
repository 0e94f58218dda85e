"""API 1.24 (Docker 1.12)."""

from __future__ import annotations

from normalize_engine.schema import Change, Removed


class InfoExecutionDriver(Change):
    """`/info` no longer sends `ExecutionDriver` (Docker 1.12 removed execution drivers)."""

    endpoint = "system.info"
    ExecutionDriver = Removed()
