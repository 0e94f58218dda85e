"""The table of response changes the library applies, built from the registry: data first, text second.

:func:`sections` turns :data:`~normalize_engine._registry.DOCKER` into rows (one per version, one per
change, one per declared field), which ``normalize-engine changes`` prints and ``tools/gen_docs.py`` writes
to ``docs/api-changes.md`` through :func:`render_document`. Nothing here is written by hand: a change's
description is its class docstring, a field's is its ``describe()``.
"""

from __future__ import annotations

import difflib
import inspect
import json
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from packaging.version import Version

from ._endpoints import BY_NAME, route
from ._errors import UnknownEndpointError, UnknownVersionError
from ._registry import DOCKER, PODMAN
from ._versions import parse_version, split_path
from .changes import Change, Each, Nested, Shape, Values, down_shapes

__all__ = [
    "ChangeRow",
    "FieldRow",
    "Section",
    "UnderivableRow",
    "UnknownEndpointError",
    "find_endpoint",
    "render_document",
    "render_markdown",
    "render_text",
    "sections",
    "to_json",
    "underivable_rows",
]

DOC_PATH = "docs/api-changes.md"
REGENERATE = "python tools/gen_docs.py"


class _Entry(Protocol):
    @property
    def version(self) -> Version: ...
    @property
    def summary(self) -> str: ...
    @property
    def changes(self) -> tuple[type[Change], ...]: ...


class _Registry(Protocol):
    @property
    def entries(self) -> Sequence[_Entry]: ...


@dataclass(frozen=True)
class FieldRow:
    """One declared field of a change: ``key`` is a path such as ``NetworkSettings.IPAddress``."""

    key: str
    description: str


@dataclass(frozen=True)
class ChangeRow:
    version: str
    name: str  # the change class's name
    endpoints: tuple[str, ...]
    summary: str  # the docstring's first paragraph, on one line
    fields: tuple[FieldRow, ...]
    underivable: tuple[tuple[str, str], ...]  # (field, reason)
    versioned: bool
    custom: bool  # has a migrate() hook: what it does is in the description, not in the fields
    #: how the change goes back down (DESIGN rule 9): field rows of its way back
    back: tuple[FieldRow, ...] = ()
    #: (field, reason): what an older answer held that a newer one does not
    lost: tuple[tuple[str, str], ...] = ()
    #: a versioned hook without a revert(): it does not go back
    one_way: bool = False


@dataclass(frozen=True)
class Section:
    """One API version: its module docstring (``summary`` is the first line) and its changes."""

    version: str
    summary: str
    details: str
    changes: tuple[ChangeRow, ...]


@dataclass(frozen=True)
class UnderivableRow:
    version: str
    endpoints: tuple[str, ...]
    field: str
    reason: str
    change: str


# ------------------------------------------------------------------------------------------ building


def _default_registry() -> _Registry:
    return DOCKER


def _paragraphs(doc: str | None) -> list[str]:
    text = inspect.cleandoc(doc or "")
    return [" ".join(line.strip() for line in p.splitlines()) for p in text.split("\n\n") if p.strip()]


def _key(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _fields(shape: type[Shape], prefix: str = "") -> list[FieldRow]:
    rows: list[FieldRow] = []
    if prefix and shape.migrate is not Shape.migrate:
        first = _paragraphs(shape.__dict__.get("__doc__"))
        rows.append(FieldRow(prefix, "derived in code" + (f": {first[0]}" if first else "")))
    for key, fld in shape.declared():
        if isinstance(fld, Nested):
            rows.extend(_fields(fld.shape, _key(prefix, key)))
        elif isinstance(fld, Each):
            rows.extend(_fields(fld.shape, _key(prefix, key) + "[]"))
        elif isinstance(fld, Values):
            rows.extend(_fields(fld.shape, _key(prefix, key) + ".*"))
        else:
            text = fld.describe()
            if fld.doc:
                text += f": {' '.join(fld.doc.split())}"
            rows.append(FieldRow(_key(prefix, key), text))
    return rows


def _back_rows(change: type[Change]) -> tuple[FieldRow, ...]:
    if change.kept:
        return (FieldRow("", f"does not go back: {' '.join(change.kept.split())}"),)
    rows: list[FieldRow] = []
    for shape in down_shapes(change):
        if shape.declared():
            rows += _fields(shape)
        elif shape.migrate is not Shape.migrate:
            rows.append(FieldRow("", "reverted in code, as the daemon builds the older shape"))
    if not rows and not change.versioned:
        rows.append(FieldRow("", "kept: newer daemons send this shape at every version"))
    return tuple(rows)


def change_row(version: str, change: type[Change]) -> ChangeRow:
    paragraphs = _paragraphs(change.__doc__)
    return ChangeRow(
        version=version,
        name=change.__name__,
        endpoints=change.endpoints(),
        summary=paragraphs[0] if paragraphs else "",
        fields=tuple(_fields(change)),
        underivable=tuple((str(k), " ".join(str(v).split())) for k, v in change.underivable.items()),
        versioned=bool(change.versioned),
        custom=change.migrate is not Shape.migrate,
        back=_back_rows(change),
        lost=tuple((str(k), " ".join(str(v).split())) for k, v in change.lost.items()),
        one_way=bool(
            change.versioned
            and change.migrate is not Shape.migrate
            and not change.has_revert()
            and not change.kept
            and not change.lost
            and not down_shapes(change)
        ),
    )


def _bound(value: str | Version | None, what: str, versions: Sequence[Version]) -> Version | None:
    if value is None:
        return None
    version = parse_version(value)
    if versions and not versions[0] <= version <= versions[-1]:
        raise UnknownVersionError(
            f"{what} {str(value)!r} is not a version this library knows: it knows {versions[0]} to "
            f"{versions[-1]}"
        )
    return version


def find_endpoint(name_or_path: str) -> tuple[str, str | None]:
    """An endpoint name (``containers.inspect``) or request path (``/v1.41/containers/abc/json``) as
    ``(endpoint name, the path's version prefix or None)``.

    :raises UnknownEndpointError: neither a known name nor a path that routes to an endpoint.
    """
    text = name_or_path.strip()
    if text in BY_NAME:
        return text, None
    if "/" in text:
        method, _, path = text.rpartition(" ")
        prefix, bare, _ = split_path(path if path.startswith("/") or "://" in path else "/" + path)
        methods = [method.upper()] if method else ["GET", "POST", "DELETE", "HEAD"]
        for candidate in methods:
            endpoint = route(candidate, bare)
            if endpoint is not None:
                return endpoint.name, prefix
        raise UnknownEndpointError(
            f"no Engine API endpoint answers {' or '.join(methods)} {bare}: give a path such as "
            "/v1.41/containers/abc/json, or an endpoint name (normalize-engine changes lists them)"
        )
    close = difflib.get_close_matches(text, BY_NAME, n=3)
    hint = f"did you mean {' or '.join(close)}?" if close else "names look like containers.inspect"
    raise UnknownEndpointError(f"unknown endpoint {text!r}: {hint} (a request path works too)")


def sections(
    registry: _Registry | None = None,
    *,
    since: str | Version | None = None,
    until: str | Version | None = None,
    endpoint: str | None = None,
    empty: bool = False,
) -> list[Section]:
    """The changes, oldest version first, as :class:`Section` rows.

    :param since: keep the versions after this one (the changes an answer at ``since`` goes through).
    :param until: keep the versions up to and including this one.
    :param endpoint: keep the changes for this endpoint name.
    :param empty: also return the versions that have no (remaining) changes.
    :raises UnknownVersionError: ``since`` or ``until`` is not a version the registry knows.
    """
    registry = registry or _default_registry()
    known = [entry.version for entry in registry.entries]
    low = _bound(since, "--since", known)
    high = _bound(until, "--until", known)
    out = []
    for entry in registry.entries:
        if (low is not None and entry.version <= low) or (high is not None and entry.version > high):
            continue
        rows = tuple(
            change_row(str(entry.version), change)
            for change in entry.changes
            if endpoint is None or endpoint in change.endpoints()
        )
        if rows or empty:
            module = _module_of(entry)
            doc = (inspect.getdoc(module) if module is not None else None) or entry.summary
            details = "\n\n".join(_paragraphs(doc.partition("\n")[2]))
            out.append(Section(str(entry.version), entry.summary, details, rows))
    return out


def _module_of(entry: _Entry) -> Any:
    return sys.modules.get(getattr(entry, "name", ""))


def underivable_rows(found: Iterable[Section]) -> list[UnderivableRow]:
    return [
        UnderivableRow(row.version, row.endpoints, field, reason, row.name)
        for section in found
        for row in section.changes
        for field, reason in row.underivable
    ]


def to_json(found: Iterable[Section]) -> list[dict[str, Any]]:
    """Sections as plain JSON data (what ``changes --format json`` prints): lists, dicts, strings."""
    out = []
    for section in found:
        data = asdict(section)
        for change in data["changes"]:
            change["underivable"] = dict(change["underivable"])
        out.append(data)
    result: list[dict[str, Any]] = json.loads(json.dumps(out))  # tuples become lists
    return result


# ------------------------------------------------------------------------------------------ markdown


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code_list(items: Iterable[str]) -> str:
    return ", ".join(f"`{item}`" for item in items)


def _change_cell(row: ChangeRow) -> str:
    text = _cell(row.summary)
    if not row.versioned:
        text += " *Not versioned: daemons send the new shape at every API version.*"
    return text


def _back_cell(row: ChangeRow) -> str:
    parts = [(f"`{_cell(f.key)}`: " if f.key else "") + _cell(f.description) for f in row.back]
    for field, _ in row.lost:
        parts.append(f"`{_cell(field)}`: lost going down (see below)")
    if row.one_way:
        parts.append("*no way back declared*")
    return "<br>".join(parts) or "nothing to undo"


def _fields_cell(row: ChangeRow) -> str:
    parts = [f"`{_cell(f.key)}`: {_cell(f.description)}" for f in row.fields]
    if row.custom:
        parts.append("*derived in code, as described*")
    for field, _ in row.underivable:
        parts.append(f"`{_cell(field)}`: cannot be derived (see below)")
    return "<br>".join(parts) or "&nbsp;"


def render_markdown(found: Sequence[Section], *, heading: int = 2) -> str:
    """Sections as markdown: a heading and a table per version, then the underivable fields."""
    h = "#" * heading
    lines: list[str] = []
    for section in found:
        lines += [f"{h} {section.summary.rstrip('.')}", ""]
        if section.details:
            lines += [section.details, ""]
        if not section.changes:
            lines += ["No response changes.", ""]
            continue
        lines += ["| Endpoints | Change | Fields | Way back |", "| --- | --- | --- | --- |"]
        for row in section.changes:
            cells = (_code_list(row.endpoints), _change_cell(row), _fields_cell(row), _back_cell(row))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [f"{h} Fields that cannot be derived", ""]
    missing = underivable_rows(found)
    if not missing:
        lines += ["None: every field these versions added is derived from the older answer.", ""]
    else:
        lines += [
            "An older answer holds no information for these fields; they get what a daemon of the version "
            "that added them sends when it knows nothing.",
            "",
            "| Version | Endpoints | Field | Reason |",
            "| --- | --- | --- | --- |",
        ]
        for item in missing:
            endpoints, field, reason = _code_list(item.endpoints), _cell(item.field), _cell(item.reason)
            lines.append(f"| {item.version} | {endpoints} | `{field}` | {reason} |")
        lines.append("")
    lost = [(s.version, r, f, why) for s in found for r in s.changes for f, why in r.lost]
    lines += [f"{h} Fields that cannot go back", ""]
    if not lost:
        lines += ["None: every change goes back as the daemon builds the older shape.", ""]
    else:
        lines += [
            "Going down (a target older than the answer), an older answer held these facts and a newer one "
            "does not; they get what an old daemon sends when it knows nothing.",
            "",
            "| Version | Endpoints | Field | Reason |",
            "| --- | --- | --- | --- |",
        ]
        for version, row, field, why in lost:
            lines.append(f"| {version} | {_code_list(row.endpoints)} | `{_cell(field)}` | {_cell(why)} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_document(registry: _Registry | None = None) -> str:
    """The whole of ``docs/api-changes.md``."""
    registry = registry or _default_registry()
    found = sections(registry)
    quiet = [str(e.version) for e in registry.entries if not any(s.version == str(e.version) for s in found)]
    versions = [str(e.version) for e in registry.entries]
    intro = [
        "# Docker Engine API response changes",
        "",
        f"<!-- Generated from the schemas in schemas/ by `{REGENERATE}`. Do not edit by hand: "
        "edit the change docstrings and regenerate. -->",
        "",
        "What normalize-engine changes in a response to carry it from one API version to the next, oldest "
        "first. An answer at version V goes through every change listed after V, up to the target "
        f"(default: the newest, {versions[-1] if versions else '?'}). The same table is printed by "
        "`normalize-engine changes` (`--since`, `--until`, `--endpoint`).",
        "",
        "In *Fields*, `a.b` is a nested key, `a[]` every item of an array and `a.*` every value of a map.",
        "",
        "*Way back* says how each change goes down, for a target older than the answer (DESIGN rule 9): "
        "what a daemon answering at the older version sends, as moby's server builds it for old clients "
        "(checked by the downgrade oracle on the same recordings).",
        "",
        "Every change is checked against the recorded answers of four real daemons, each at every API "
        "version it serves: Docker 20.10 (API 1.18 to 1.41), 26.1 (1.24 to 1.45), 28.5 (1.24 to 1.51) and "
        "29.7 (1.24 to 1.55, the newest version and the authority for it). Where daemons of two releases "
        "send different forms at the same API version, the change says which send which, and the newest "
        "decides.",
        "",
    ]
    if quiet:
        intro += [f"Versions without response changes: {', '.join(quiet)}.", ""]
    text = "\n".join(intro) + "\n" + render_markdown(found)
    if registry is DOCKER:
        text += "\n" + _podman_document()
    return text


def _podman_document() -> str:
    """The Podman dialect's part of the document: its changes, which run before Docker's on Podman answers."""
    intro = [
        "# Podman's dialect",
        "",
        "Podman's Docker-compatible API answers in its own dialect, the same at every API version. An answer "
        'that carries `Libpod-Api-Version` or `Server: Libpod/...` (or is given `engine="podman"`) goes '
        "through these changes first, to Docker's shape at its `Api-Version`, then through Docker's "
        "changes above to the target. Checked against the recorded answers of Podman 4.3.1, 5.4.2, 5.8.6 "
        "and 6.1.1 (tests/test_cross_engine.py), each compared with Docker 29.7's.",
        "",
    ]
    table = render_markdown(sections(PODMAN)).split("\n## Fields that cannot be derived\n")[0].rstrip()
    underivable = [
        "",
        "## What Podman's answers do not hold",
        "",
        "Kept as Podman sends them, never invented (the reviewed list of tests/test_cross_engine.py gives "
        "each with its reason): Docker's default `MaskedPaths`/`ReadonlyPaths`; the cgroup figures Podman "
        "does not report in stats (`memory_stats.max_usage`, `memory_stats.stats`, `precpu_stats`, and in "
        "6.1 `percpu_usage`, memory `usage`/`limit`, `pids_stats.current`); exec `ExitCode` (Podman 5.x "
        "sends 0 and Pid 0 for an exec never started and one finished alike); `/system/df` container "
        "`Mounts`, `NetworkSettings` and `HostConfig.NetworkMode`, volume `CreatedAt` (sent empty); "
        "`/version` `GitCommit`; `/info` `DefaultAddressPools` (4.3, 5.4) and runtime feature reports.",
        "",
    ]
    return "\n".join(intro) + "\n" + table + "\n" + "\n".join(underivable)


# ------------------------------------------------------------------------------------------ text


def render_text(found: Sequence[Section], *, width: int = 100) -> str:
    """Sections as plain text for a terminal."""
    width = max(50, width)
    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="    ")
    detail = textwrap.TextWrapper(width=width, initial_indent="      ", subsequent_indent="          ")
    lines: list[str] = []
    for section in found:
        lines.append(section.summary.rstrip("."))
        if not section.changes:
            lines += ["  (no response changes)", ""]
            continue
        for row in section.changes:
            flag = "" if row.versioned else "  [not versioned]"
            lines.append(f"  {', '.join(row.endpoints)}: {row.name}{flag}")
            lines += wrap.wrap(row.summary)
            for f in row.fields:
                lines += detail.wrap(f"{f.key}: {f.description}")
            for field, reason in row.underivable:
                lines += detail.wrap(f"{field}: cannot be derived: {reason}")
        lines.append("")
    if not lines:
        return "No changes match.\n"
    return "\n".join(lines).rstrip("\n") + "\n"
