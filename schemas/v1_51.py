"""API 1.51 (Docker 28.3 to 28.5)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Change, Convert


def _not_counted(value: Any) -> Any:
    return -1 if type(value) is int else value


class ImageListContainers(Change):
    """Image list items count the containers using each image in `Containers`, which was always `-1`
    (not computed) before."""

    endpoint = "images.list"
    back = {"Containers": Convert(_not_counted)}  # below 1.51 the daemon does not count (image_routes.go)
    underivable = {
        "Containers": "older answers say `-1`; count `GET /containers/json?all=1` items by `ImageID` instead",
    }
