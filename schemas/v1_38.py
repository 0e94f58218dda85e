"""API 1.38 (Docker 18.06)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change, Nested


class PluginProtocolScheme(Change):
    """A plugin's `Config.Interface` names its `ProtocolScheme` (`""` for the default, plain HTTP)."""

    endpoint = ("plugins.list", "plugins.inspect")
    versioned = False
    Config = Nested(Interface=Nested(ProtocolScheme=Added("")))


class HostConfigMaskedPaths(Change):
    """`HostConfig` lists the `MaskedPaths` and `ReadonlyPaths` of the container's /proc."""

    endpoint = "containers.inspect"
    versioned = False
    underivable = {
        "HostConfig.MaskedPaths": "the daemon's default list, which differs between releases, is "
        "not in an older answer",
        "HostConfig.ReadonlyPaths": "the daemon's default list, which differs between releases, is "
        "not in an older answer",
    }
