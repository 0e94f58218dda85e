"""API 1.51 (Docker 28.3 to 28.5)."""

from __future__ import annotations

from normalize_engine.changes import Change


class ImageListContainers(Change):
    """Image list items count the containers using each image in `Containers`, which was always `-1`
    (not computed) before."""

    endpoint = "images.list"
    underivable = {
        "Containers": "older answers say `-1`; count `GET /containers/json?all=1` items by `ImageID` instead",
    }
