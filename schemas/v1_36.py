"""API 1.36 (Docker 18.02)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import Change


class CreateResponseID(Change):
    """Creating a secret or a config answers with the new object's `ID` (some servers, following the API
    document of 1.36 and later, say `Id`: it becomes `ID`, which is what the Docker daemon sends)."""

    endpoint = ("secrets.create", "configs.create")
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Id" not in data or "ID" in data:
            return data
        out = {k: v for k, v in data.items() if k != "Id"}
        out["ID"] = data["Id"]
        return out
