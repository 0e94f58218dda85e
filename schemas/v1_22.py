"""API 1.22 (Docker 1.10)."""

from __future__ import annotations

from typing import Any

from normalize_engine.schema import Change


class EventTypeActionActor(Change):
    """Events get `Type`, `Action` and `Actor {ID, Attributes}` from the legacy `status`, `id` and `from`:
    an event with `from` is a container event whose image goes to `Actor.Attributes.image`, one without is
    an image event."""

    endpoint = "system.events"
    versioned = False
    underivable = {
        "Actor.Attributes": "old events carry only the image of a container event; names and labels are lost",
    }

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "Type" in data or "status" not in data:
            return data
        attributes = {} if data.get("from") is None else {"image": data["from"]}
        derived = {
            "Type": "container" if "from" in data else "image",
            "Action": data["status"],
            "Actor": {"ID": data.get("id", ""), "Attributes": attributes},
        }
        return {**derived, **data}  # what the answer already holds wins


class ExecInspectContainerID(Change):
    """Exec inspect names its container by `ContainerID` instead of embedding the whole container as
    `Container`; `CanRemove` and `DetachKeys` are added; `ExitCode` is `null` while the process runs."""

    endpoint = "exec.inspect"
    versioned = False

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "ContainerID" in data and "CanRemove" in data and "DetachKeys" in data:
            return data
        out = dict(data)
        container = out.pop("Container", None)
        if "ContainerID" not in out:
            cid = ""
            if isinstance(container, dict):
                cid = container.get("ID") or container.get("Id") or ""
            out["ContainerID"] = cid
        out.setdefault("CanRemove", False)
        out.setdefault("DetachKeys", "")
        if out.get("Running") is True and out.get("ExitCode") == 0:
            out["ExitCode"] = None
        return out
