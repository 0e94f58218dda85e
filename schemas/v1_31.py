"""API 1.31 (Docker 17.07)."""

from __future__ import annotations

from normalize_engine.changes import Added, Change


class ImageMetadataLastTagTime(Change):
    """Image inspect carries `Metadata.LastTagTime`; an answer without `Metadata` gets Go's zero time, which
    is what a daemon sends for an image it never tagged."""

    endpoint = "images.inspect"
    versioned = False
    underivable = {"Metadata.LastTagTime": "an older answer does not say when the image was last tagged"}
    Metadata = Added({"LastTagTime": "0001-01-01T00:00:00Z"})
