"""API 1.26 (Docker 17.03.0)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change


class PluginReference(Change):
    """Plugins carry `PluginReference`, the reference they were pulled from."""

    endpoint = ("plugins.list", "plugins.inspect")
    versioned = False
    underivable = {"PluginReference": "older answers do not say where the plugin came from"}
    PluginReference = Added("")
