"""API 1.54 (Docker 29.3 to 29.5)."""

from __future__ import annotations

from normalize_engine.changes import Change


class ImageListManifestIdentity(Change):
    """With `identity=1` (which needs `manifests=1`), each entry of an image list item's `Manifests` may
    carry `ImageData.Identity`, what is known about where that image manifest comes from."""

    endpoint = "images.list"
    underivable = {
        "Manifests.*.ImageData.Identity": "older daemons ignore `identity=1`; the daemon computes it from "
        "the signatures and provenance in its image store, which an older answer does not hold"
    }
