"""The forms Podman writes and Docker's for the same facts: helpers of the dialect's changes (``v1_18``)."""

from __future__ import annotations

import re
import signal
from typing import Any
from urllib.parse import parse_qs

from normalize_engine.changes import current_request
from normalize_engine.changes.moby import short_id

__all__ = [
    "_EMPTY_LISTS_AS_NULL",
    "_NULL_BLKIO",
    "_appended",
    "_asked_for_size",
    "_default_network_renamed",
    "_history_id",
    "_network_mode",
    "_sha256",
    "_slashed",
    "_slashed_names",
    "_stop_signal",
]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _sha256(value: Any) -> Any:
    """A bare 64-hex image id as Docker writes it, ``sha256:<hex>``; anything else unchanged."""
    if type(value) is str and _HEX64.match(value):
        return "sha256:" + value
    return value


def _slashed(value: Any) -> Any:
    """A container name as Docker writes it, with its leading ``/``."""
    if type(value) is str and value and not value.startswith("/"):
        return "/" + value
    return value


def _slashed_names(value: Any) -> Any:
    if type(value) is list and any(type(n) is str and n and not n.startswith("/") for n in value):
        return [_slashed(n) for n in value]
    return value


def _default_network_renamed(networks: Any) -> Any:
    """``Networks`` with Podman's default network, ``podman``, under Docker's name ``bridge``."""
    if type(networks) is not dict or "podman" not in networks or "bridge" in networks:
        return networks
    return {("bridge" if k == "podman" else k): v for k, v in networks.items()}


def _appended(data: dict[str, Any]) -> tuple[str | None, str | None]:
    cid, config = data.get("Id"), data.get("Config")
    hostname = config.get("Hostname") if type(config) is dict else None
    short = short_id(cid) if type(cid) is str and cid else None
    return short, hostname if type(hostname) is str and hostname else None


def _network_mode(data: dict[str, Any]) -> str | None:
    settings = data.get("NetworkSettings")
    networks = settings.get("Networks") if type(settings) is dict else None
    if type(networks) is not dict or not networks:
        return None
    if "bridge" in networks or "podman" in networks:
        return "bridge"
    return next(iter(networks)) if len(networks) == 1 else None


def _stop_signal(value: Any) -> Any:
    """Podman's numeric stop signal (`15`) as Docker's name (`SIGTERM`)."""
    if type(value) is int:
        try:
            return signal.Signals(value).name
        except ValueError:
            return str(value)
    if type(value) is str and value.isdigit():
        return _stop_signal(int(value))
    return value


def _history_id(value: Any) -> Any:
    if value == "sha256:<missing>":  # Podman 5.4 to 6.1
        return "<missing>"
    return _sha256(value)


def _asked_for_size() -> bool:
    query = parse_qs(current_request().query)
    return any(v.lower() in ("1", "true") for v in query.get("size", ()))


#: `HostConfig` lists Podman sends as `[]` where Docker sends `null` for nothing asked.
_EMPTY_LISTS_AS_NULL = (
    "Binds",
    "CapAdd",
    "CapDrop",
    "Devices",
    "Dns",
    "DnsOptions",
    "DnsSearch",
    "ExtraHosts",
    "GroupAdd",
    "SecurityOpt",
    "Links",
    "VolumesFrom",
)

#: The blkio lists Podman has no figures for, sent as `null`, where Docker sends `[]` on cgroup v2.
_NULL_BLKIO = (
    "io_serviced_recursive",
    "io_queue_recursive",
    "io_service_time_recursive",
    "io_wait_time_recursive",
    "io_merged_recursive",
    "io_time_recursive",
    "sectors_recursive",
)
