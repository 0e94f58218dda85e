"""API 1.46 (Docker 27.0 and 27.1)."""

from __future__ import annotations

from normalize_engine.changes import Change, Removed


class InfoContainerd(Change):
    """`/info` describes the daemon's containerd in `Containerd {Address, Namespaces}`."""

    endpoint = "system.info"
    underivable = {"Containerd": "an older answer does not say where containerd listens"}
    back = {"Containerd": Removed()}  # below 1.46 the daemon leaves it out (system_routes.go)


class EventImageCreate(Change):
    """Event streams include image `create` events (an image was built, committed or imported)."""

    endpoint = "system.events"
    underivable = {
        "(image create events)": "daemons leave image `create` events out of streams asked for below 1.46; "
        "a normaliser cannot bring them back",
    }
