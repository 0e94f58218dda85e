"""API 1.50 (Docker 28.2)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change, Nested, Removed


class ImageConfigContainerFields(Change):
    """Image inspect's `Config` holds only the image's OCI configuration: the container-only fields
    `Hostname`, `Domainname`, `AttachStdin`, `AttachStdout`, `AttachStderr`, `Tty`, `OpenStdin`,
    `StdinOnce`, `Image`, `NetworkDisabled`, `MacAddress` and `StopTimeout` are dropped (deprecated in
    1.46)."""

    endpoint = "images.inspect"
    # Going down the daemon re-adds the zero values below 1.50 (`legacyConfigFields["v1.49"]`,
    # daemon/server/router/image/inspect_response.go), not `NetworkDisabled`, `MacAddress`, `StopTimeout`.
    Config = Nested(
        Hostname=Removed(back=Added("")),
        Domainname=Removed(back=Added("")),
        AttachStdin=Removed(back=Added(False)),
        AttachStdout=Removed(back=Added(False)),
        AttachStderr=Removed(back=Added(False)),
        Tty=Removed(back=Added(False)),
        OpenStdin=Removed(back=Added(False)),
        StdinOnce=Removed(back=Added(False)),
        Image=Removed(back=Added("")),
        NetworkDisabled=Removed(),
        MacAddress=Removed(),
        StopTimeout=Removed(),
    )
    lost = {
        "Config.Hostname": "daemons before Docker 28.2 kept the builder's container settings in the image's "
        "`Config`; a newer answer no longer holds them, and Docker 28.2 and later send zero values",
        "Config.Image": "the same: the image the builder ran from is not in newer answers",
    }


class InfoBridgeNf(Change):
    """`/info` no longer sends `BridgeNfIptables` and `BridgeNfIp6tables` (always `false` since 1.48)."""

    endpoint = "system.info"
    underivable = {"DiscoveredDevices": "an older answer does not list the devices the daemon discovered"}
    BridgeNfIptables = Removed(back=Added(False))  # re-added as false below 1.50 (system_routes.go)
    BridgeNfIp6tables = Removed(back=Added(False))
    back = {"DiscoveredDevices": Removed()}  # left out below 1.50
