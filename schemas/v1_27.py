"""API 1.27 (Docker 17.03.1)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import MISSING, Added, Change, Derived, Nested, Shape


def _online_cpus(data: dict[str, Any]) -> Any:
    usage = data.get("cpu_usage")
    percpu = usage.get("percpu_usage") if isinstance(usage, dict) else None
    return len(percpu) if isinstance(percpu, list) else MISSING


class _CPUStats(Shape):
    online_cpus = Derived(_online_cpus, reads=("cpu_usage",))


class StatsOnlineCPUs(Change):
    """`cpu_stats.online_cpus` and `precpu_stats.online_cpus` are derived from the length of
    `cpu_usage.percpu_usage`, as the daemon counts them."""

    endpoint = "containers.stats"
    versioned = False
    underivable = {
        "cpu_stats.online_cpus": "without `percpu_usage` (cgroup v2) an old answer does not say how many "
        "CPUs "
        "are online; `NCPU` of `/info` is the caller's best substitute",
    }
    cpu_stats = Nested(_CPUStats)
    precpu_stats = Nested(_CPUStats)


class NetworkAttachable(Change):
    """Networks say whether standalone containers may attach to them (`Attachable`)."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    Attachable = Added(False)
