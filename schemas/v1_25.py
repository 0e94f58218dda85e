"""API 1.25 (Docker 1.13)."""

from __future__ import annotations

from typing import Any

from normalize_engine.schema import Added, Change, Convert, Nested, Removed, Shape


def _security_option(entry: Any) -> Any:
    if not isinstance(entry, str) or "=" in entry:
        return entry
    if entry == "seccomp":
        return "name=seccomp,profile=builtin"
    return "name=" + entry


def _security_options(value: Any) -> Any:
    if not isinstance(value, list) or all(not isinstance(e, str) or "=" in e for e in value):
        return value
    return [_security_option(e) for e in value]


class InfoSecurityOptions(Change):
    """`/info` `SecurityOptions` entries are `key=value` lists: `seccomp` becomes
    `name=seccomp,profile=builtin` (the built-in profile, which daemons run unless started with
    `--seccomp-profile`) and any other bare name `NAME` becomes `name=NAME`."""

    endpoint = "system.info"
    underivable = {
        "SecurityOptions": "answers before 1.25 name no seccomp profile: daemons since 23.0 call the "
        "built-in one `builtin` (what this change assumes), older ones `default`, and a custom one is a "
        "file path",
    }
    SecurityOptions = Convert(_security_options)


class ImageListSharedSize(Change):
    """Image list items carry `SharedSize` and `Containers`; `-1` means "not computed", which is what the
    daemon sends unless asked to count."""

    endpoint = "images.list"
    versioned = False
    SharedSize = Added(-1)
    Containers = Added(-1)


class _RootFS(Shape):
    BaseLayer = Removed()


class ImageRootFSBaseLayer(Change):
    """Image inspect's `RootFS` no longer has `BaseLayer` (a Windows-only field of Docker 1.12)."""

    endpoint = "images.inspect"
    versioned = False
    RootFS = Nested(_RootFS)


class InfoExecutionDriver(Change):
    """`/info` no longer sends `ExecutionDriver`, which daemons since Docker 1.12 filled with
    `<not supported>` for older clients."""

    endpoint = "system.info"
    ExecutionDriver = Removed()
