"""API 1.49 (Docker 28.1)."""

from __future__ import annotations

from normalize_engine.changes import Change, Nested, Removed, Shape


class _Commit(Shape):
    Expected = Removed()


class InfoCommitExpected(Change):
    """`/info` `ContainerdCommit`, `RuncCommit` and `InitCommit` no longer send `Expected` (it always
    equalled `ID`)."""

    endpoint = "system.info"
    underivable = {"FirewallBackend": "an older answer does not say which firewall backend the daemon uses"}
    ContainerdCommit = Nested(_Commit)
    RuncCommit = Nested(_Commit)
    InitCommit = Nested(_Commit)
