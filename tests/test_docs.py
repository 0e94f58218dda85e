"""docs/api-changes.md is generated from the schemas and must be up to date; the change table's builders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from packaging.version import Version

from normalize_engine import _changes
from normalize_engine._changes import UnknownEndpointError, find_endpoint, render_document, sections
from normalize_engine._errors import UnknownVersionError
from normalize_engine._registry import REGISTRY, VersionEntry
from normalize_engine.schema import Added, Change, Convert, Each, Nested, OmittedWhen, Removed, Shape, Values

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / _changes.DOC_PATH


def test_api_changes_doc_is_up_to_date() -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if current != render_document():
        pytest.fail(
            f"{_changes.DOC_PATH} is out of date with schemas/: run `{_changes.REGENERATE}`", pytrace=False
        )


def test_gen_docs_check() -> None:
    proc = subprocess.run(
        [sys.executable, "tools/gen_docs.py", "--check"], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert proc.returncode == 0, proc.stderr


def test_gen_docs_check_fails_on_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "api-changes.md"
    stale.write_text("# old\n")
    proc = subprocess.run(
        [sys.executable, "tools/gen_docs.py", "--check", "--out", str(stale)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert proc.returncode == 1
    assert "python tools/gen_docs.py" in proc.stderr


def test_every_change_and_underivable_field_is_documented() -> None:
    text = render_document()
    assert "generated" in text.lower().split("\n\n")[1] and _changes.REGENERATE in text
    for entry in REGISTRY.entries:
        if entry.changes:
            assert f"\n## {entry.summary.rstrip('.')}\n" in text
        for change in entry.changes:
            row = _changes.change_row(str(entry.version), change)
            assert _changes._cell(row.summary) in text, change
            for field, _ in row.underivable:
                assert f"| {entry.version} | " in text and f"`{field}`" in text
    assert text.count("\n## Fields that cannot be derived\n") == 1


# ------------------------------------------------------------------------------ the rows, on a fake registry


class _Port(Shape):
    PublicPort = OmittedWhen(0)


class _Network(Shape):
    """Copies the gateway."""

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        return data


class _Settings(Shape):
    IPAddress = Removed(doc="moved to Networks")
    Networks = Values(_Network)


class FakeListChange(Change):
    """`Ports` items leave out a zero `PublicPort`; `Flag` is a | boolean.

    A second paragraph that the table leaves out.
    """

    endpoint = ("containers.list", "containers.inspect")
    Ports = Each(_Port)
    Flag = Convert(bool)
    NetworkSettings = Nested(_Settings)


class FakeAddedChange(Change):
    """`Health` is added."""

    endpoint = "containers.list"
    versioned = False
    underivable: ClassVar[dict[str, str]] = {"Health.FailingStreak": "the list\n never said"}
    Health = Added({"Status": "none"})


class FakeCodeChange(Change):
    """Events get `Type`."""

    endpoint = "system.events"

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        return data


FAKE_ENTRIES = (
    VersionEntry(Version("1.30"), "fake.v1_30", "API 1.30 (Docker 17.06).", ()),
    VersionEntry(
        Version("1.31"), "fake.v1_31", "API 1.31 (Docker 17.07).", (FakeListChange, FakeAddedChange)
    ),
    VersionEntry(Version("1.32"), "fake.v1_32", "API 1.32 (Docker 17.09).", (FakeCodeChange,)),
)


class FakeRegistry:
    entries = FAKE_ENTRIES


def test_rows() -> None:
    found = sections(FakeRegistry())
    assert [s.version for s in found] == ["1.31", "1.32"]
    first, added = found[0].changes
    assert first.endpoints == ("containers.list", "containers.inspect")
    assert first.summary == "`Ports` items leave out a zero `PublicPort`; `Flag` is a | boolean."
    assert [(f.key, f.description) for f in first.fields] == [
        ("Ports[].PublicPort", "omitted when 0"),
        ("Flag", "converted"),
        ("NetworkSettings.IPAddress", "removed: moved to Networks"),
        ("NetworkSettings.Networks.*", "derived in code: Copies the gateway."),
    ]
    assert first.versioned and not first.custom
    assert added.fields[0].description == 'added (default {"Status": "none"})'
    assert added.underivable == (("Health.FailingStreak", "the list never said"),)
    assert not added.versioned
    assert found[1].changes[0].custom


def test_filters() -> None:
    fake = FakeRegistry()
    assert [s.version for s in sections(fake, since="1.31")] == ["1.32"]
    assert [s.version for s in sections(fake, until="1.31")] == ["1.31"]
    assert [s.version for s in sections(fake, endpoint="system.events")] == ["1.32"]
    assert [s.version for s in sections(fake, empty=True)] == ["1.30", "1.31", "1.32"]
    inspect_only = sections(fake, endpoint="containers.inspect")
    assert [c.name for s in inspect_only for c in s.changes] == ["FakeListChange"]
    with pytest.raises(UnknownVersionError, match=r"1\.30 to 1\.32"):
        sections(fake, since="1.29")
    with pytest.raises(UnknownVersionError):
        sections(fake, until="2.0")


def test_markdown_and_text() -> None:
    found = sections(FakeRegistry())
    markdown = _changes.render_markdown(found)
    assert "## API 1.31 (Docker 17.07)\n" in markdown
    assert "`Flag` is a \\| boolean." in markdown  # a | would split the cell
    assert "A second paragraph" not in markdown
    assert "`Ports[].PublicPort`: omitted when 0<br>`Flag`: converted" in markdown
    assert "*Not versioned: daemons send the new shape at every API version.*" in markdown
    assert "| 1.31 | `containers.list` | `Health.FailingStreak` | the list never said |" in markdown
    text = _changes.render_text(found, width=80)
    assert "  containers.list: FakeAddedChange  [not versioned]" in text
    assert "\n      Health.FailingStreak: cannot be derived: the list never said\n" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert _changes.render_text([]) == "No changes match.\n"
    data = _changes.to_json(found)
    assert data[0]["changes"][1]["underivable"] == {"Health.FailingStreak": "the list never said"}
    assert data[0]["changes"][0]["fields"][0] == {
        "key": "Ports[].PublicPort",
        "description": "omitted when 0",
    }


def test_document_lists_quiet_versions() -> None:
    text = render_document(FakeRegistry())
    assert "Versions without response changes: 1.30." in text
    assert "default: the newest, 1.32" in text


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("containers.inspect", ("containers.inspect", None)),
        ("/v1.41/containers/abc/json", ("containers.inspect", "1.41")),
        ("/containers/json?all=1", ("containers.list", None)),
        ("/v1.24/images/create?fromImage=busybox", ("images.create", "1.24")),
        ("POST /build", ("build", None)),
        ("DELETE /v1.44/images/busybox:latest", ("images.delete", "1.44")),
        ("http://localhost/v1.41/info", ("system.info", "1.41")),
    ],
)
def test_find_endpoint(given: str, expected: tuple[str, str | None]) -> None:
    assert find_endpoint(given) == expected


@pytest.mark.parametrize("given", ["containers.inspct", "/nothing", "GET /build", "nonsense"])
def test_find_endpoint_unknown(given: str) -> None:
    with pytest.raises(UnknownEndpointError):
        find_endpoint(given)
