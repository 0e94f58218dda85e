"""API 1.43 (Docker 24.0)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Change, Convert, Each, own


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

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        # below 1.43 (daemon/server/router/image/image_routes.go): an image with neither tags nor digests
        # lists `["<none>:<none>"]` and `["<none>@<none>"]`; otherwise an empty list is `null`
        tags, digests = data.get("RepoTags"), data.get("RepoDigests")
        if tags is None and digests is None and not ("RepoTags" in data or "RepoDigests" in data):
            return data
        if not tags and not digests:
            new_tags: Any = ["<none>:<none>"]
            new_digests: Any = ["<none>@<none>"]
        else:
            new_tags = tags if tags else None
            new_digests = digests if digests else None
        if new_tags == tags and new_digests == digests and type(tags) is type(new_tags):
            if type(digests) is type(new_digests):
                return data
        data = own(data)
        data["RepoTags"], data["RepoDigests"] = new_tags, new_digests
        return data


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
