"""API 1.43 (Docker 24.0)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Change, Convert, Each


def _without(marker: str) -> Any:
    alone = [marker]

    def convert(value: Any) -> Any:
        if value is None or value == alone:  # null, or the marker alone (most untagged images)
            return []
        if type(value) is list and marker in value:
            return [item for item in value if item != marker]
        return value

    return convert


class ImageListNoneTags(Change):
    """Untagged images list `RepoTags: []` and `RepoDigests: []` instead of `["<none>:<none>"]` and
    `["<none>@<none>"]`; a missing list (`null`) becomes `[]`."""

    endpoint = "images.list"
    RepoTags = Convert(_without("<none>:<none>"))
    RepoDigests = Convert(_without("<none>@<none>"))


def _without_or_null(marker: str) -> Any:
    def convert(value: Any) -> Any:
        if type(value) is list and marker in value:
            return [item for item in value if item != marker] or None
        return value

    return convert


class DiskUsageNoneTags(Change):
    """`/system/df` lists untagged images with `RepoTags: null` and `RepoDigests: null` instead of
    `["<none>:<none>"]` and `["<none>@<none>"]` (unlike the image list, which sends `[]`)."""

    endpoint = "system.df"
    versioned = False
    Images = Each(
        RepoTags=Convert(_without_or_null("<none>:<none>")),
        RepoDigests=Convert(_without_or_null("<none>@<none>")),
    )
