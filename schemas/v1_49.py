"""API 1.49 (Docker 28.1)."""

from __future__ import annotations

from typing import Any

from normalize_engine.changes import KEPT, Change, Nested, Removed, Shape, edit, own
from normalize_engine.changes.moby import daemon_release

_COMMITS = ("ContainerdCommit", "RuncCommit", "InitCommit")


class _Commit(Shape):
    Expected = Removed(back=KEPT)  # going down: InfoCommitExpected.revert


class InfoCommitExpected(Change):
    """`/info` `ContainerdCommit`, `RuncCommit` and `InitCommit` no longer send `Expected` (it always
    equalled `ID`)."""

    endpoint = "system.info"
    underivable = {"FirewallBackend": "an older answer does not say which firewall backend the daemon uses"}
    back = {"FirewallBackend": Removed()}  # left out below 1.49
    ContainerdCommit = Nested(_Commit)
    RuncCommit = Nested(_Commit)
    InitCommit = Nested(_Commit)

    def revert(self, data: dict[str, Any]) -> dict[str, Any]:
        # Below 1.49 `Expected` is `ID` again: Docker 29 adds it always (`compat.WithExtraFields`,
        # daemon/server/router/system/system_routes.go), Docker 28 set the struct field, which is
        # `omitempty`, so an empty `ID` leaves it out there.
        release = daemon_release(data)
        omit_empty = release is not None and release < 29
        todo = []
        for key in _COMMITS:
            commit = data.get(key)
            if type(commit) is not dict or "Expected" in commit:
                continue
            value = commit.get("ID")
            if type(value) is str and (value or not omit_empty):
                todo.append((key, value))
        if not todo:
            return data
        data = own(data)
        for key, value in todo:
            edit(data, key)["Expected"] = value
        return data
