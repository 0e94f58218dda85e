"""API 1.47 (Docker 27.2 to 27.5)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change, Nested, Removed


class InfoNondistributableArtifacts(Change):
    """`/info` `RegistryConfig` no longer sends `AllowNondistributableArtifactsCIDRs` and
    `AllowNondistributableArtifactsHostnames` (the daemon always pushes non-distributable layers now)."""

    endpoint = "system.info"
    RegistryConfig = Nested(
        AllowNondistributableArtifactsCIDRs=Removed(back=Added(None)),  # null below 1.47 (system_routes.go)
        AllowNondistributableArtifactsHostnames=Removed(back=Added(None)),
    )
