"""API 1.18 (Docker 1.6).

The oldest shape the library reads in full. The changes here carry answers of even older API versions
(a 20.10 daemon still serves 1.12) to the 1.18 shape; every later module carries an answer on from there.
"""

from __future__ import annotations

from normalize_engine.changes import Added, Change


class ImageListRepoDigests(Change):
    """Image list items carry `RepoDigests`."""

    endpoint = "images.list"
    versioned = False
    RepoDigests = Added([])


class InfoProxies(Change):
    """`/info` carries `SystemTime`, `HttpProxy`, `HttpsProxy` and `NoProxy` (empty when unknown)."""

    endpoint = "system.info"
    versioned = False
    underivable = {"SystemTime": "an older answer does not say the daemon's time"}
    HttpProxy = Added("")
    HttpsProxy = Added("")
    NoProxy = Added("")


class VersionPlatform(Change):
    """`/version` carries `Os`, `Arch` and `KernelVersion`."""

    endpoint = "system.version"
    versioned = False
    underivable = {
        "Os": "older answers do not say; `/info` `OSType` does",
        "Arch": "older answers do not say; `/info` `Architecture` does",
        "KernelVersion": "older answers do not say; `/info` `KernelVersion` does",
    }
