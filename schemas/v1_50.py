"""API 1.50 (Docker 28.2)."""

from __future__ import annotations

from normalize_engine.changes import Change, Nested, Removed


class ImageConfigContainerFields(Change):
    """Image inspect's `Config` holds only the image's OCI configuration: the container-only fields
    `Hostname`, `Domainname`, `AttachStdin`, `AttachStdout`, `AttachStderr`, `Tty`, `OpenStdin`,
    `StdinOnce`, `Image`, `NetworkDisabled`, `MacAddress` and `StopTimeout` are dropped (deprecated in
    1.46)."""

    endpoint = "images.inspect"
    Config = Nested(
        Hostname=Removed(),
        Domainname=Removed(),
        AttachStdin=Removed(),
        AttachStdout=Removed(),
        AttachStderr=Removed(),
        Tty=Removed(),
        OpenStdin=Removed(),
        StdinOnce=Removed(),
        Image=Removed(),
        NetworkDisabled=Removed(),
        MacAddress=Removed(),
        StopTimeout=Removed(),
    )


class InfoBridgeNf(Change):
    """`/info` no longer sends `BridgeNfIptables` and `BridgeNfIp6tables` (always `false` since 1.48)."""

    endpoint = "system.info"
    underivable = {"DiscoveredDevices": "an older answer does not list the devices the daemon discovered"}
    BridgeNfIptables = Removed()
    BridgeNfIp6tables = Removed()
