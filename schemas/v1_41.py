"""API 1.41 (Docker 20.10)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change, OmittedWhen, Removed


class InfoOmitEmpty(Change):
    """`/info` leaves out `SystemStatus` when it is empty, and `ClusterStore` and `ClusterAdvertise` when
    they are unset."""

    endpoint = "system.info"
    versioned = False
    SystemStatus = OmittedWhen(None)
    ClusterStore = OmittedWhen("")
    ClusterAdvertise = OmittedWhen("")


class ServiceStatus(Change):
    """The service list reports `ServiceStatus {RunningTasks, DesiredTasks, CompletedTasks}` when asked
    with `status=true`."""

    endpoint = "services.list"
    underivable = {"ServiceStatus": "daemons ignore `status=true` before 1.41; count the tasks instead"}
    back = {"ServiceStatus": Removed()}  # not sent below 1.41


class NetworkConfigFrom(Change):
    """Networks say whether they are a configuration-only network (`ConfigOnly`) and which one they take
    their configuration from (`ConfigFrom {Network}`)."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    ConfigFrom = Added({"Network": ""})
    ConfigOnly = Added(False)


class InfoCgroupVersion(Change):
    """`/info` says the `CgroupVersion` and the `OSVersion`."""

    endpoint = "system.info"
    versioned = False
    underivable = {
        "CgroupVersion": "older answers do not say (cgroup v2 support came with Docker 20.10)",
        "OSVersion": "older answers do not say",
    }


class HostConfigCgroupnsMode(Change):
    """`HostConfig` says the container's `CgroupnsMode` (`host` or `private`)."""

    endpoint = "containers.inspect"
    versioned = False
    underivable = {
        "HostConfig.CgroupnsMode": "the daemon's default (`host` on cgroup v1, `private` on "
        "cgroup v2) is not in an older answer",
    }
