"""API 1.29 (Docker 17.05)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change, Nested


class NetworkIngress(Change):
    """Networks say whether they are the swarm routing-mesh network (`Ingress`)."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    Ingress = Added(False)


class PluginHostNamespaces(Change):
    """A plugin's `Config` says whether it shares the host's IPC and PID namespaces (`IpcHost`,
    `PidHost`)."""

    endpoint = ("plugins.list", "plugins.inspect")
    versioned = False
    Config = Nested(IpcHost=Added(False), PidHost=Added(False))
