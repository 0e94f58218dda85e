"""API 1.45 (Docker 26.0 and 26.1)."""

from __future__ import annotations

from typing import Any

from normalize_engine._derive import short_id
from normalize_engine.schema import Change, Removed, is_user_defined_network


class ImageContainerConfig(Change):
    """Image inspect no longer sends `Container` and `ContainerConfig`, legacy-builder data that described
    the container an image was committed from."""

    endpoint = "images.inspect"
    Container = Removed()
    ContainerConfig = Removed()


class ContainerAliases(Change):
    """`Aliases` on a user-defined network holds only the aliases asked for: the short container ID and
    the hostname that older daemons appended are taken off its end (they stay in `DNSNames`)."""

    endpoint = "containers.inspect"

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = data.get("NetworkSettings")
        networks = settings.get("Networks") if isinstance(settings, dict) else None
        if not isinstance(networks, dict):
            return data
        config = data.get("Config") if isinstance(data.get("Config"), dict) else {}
        cid = data.get("Id") if isinstance(data.get("Id"), str) else ""
        appended = [short_id(cid)] if cid else []
        if isinstance(config.get("Hostname"), str) and config["Hostname"]:
            appended.append(config["Hostname"])
        changed = {}
        for net, endpoint in networks.items():
            if not (isinstance(endpoint, dict) and is_user_defined_network(net)):
                continue
            aliases = endpoint.get("Aliases")
            if not isinstance(aliases, list) or not aliases:
                continue
            kept = list(aliases)
            for extra in reversed(appended):  # appended as [short ID, hostname]: strip from the end
                if kept and kept[-1] == extra:
                    kept.pop()
            if len(kept) != len(aliases):
                changed[net] = {**endpoint, "Aliases": kept or None}
        if not changed:
            return data
        return {**data, "NetworkSettings": {**settings, "Networks": {**networks, **changed}}}
