"""Debuggable chains: generated source in linecache, comments and constants named after their change,
and ``normalize-engine explain``."""

from __future__ import annotations

import json
import linecache
import re
import traceback
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine import _chains, _cli
from normalize_engine._compiler import fuse
from normalize_engine._errors import HookFailed
from normalize_engine._registry import DOCKER
from normalize_engine.changes import Change, Removed
from normalize_engine.changes.hooks import own

OLD_INSPECT = {
    "Id": "ab" * 32,
    "State": {"Running": True, "StartedAt": "2024-01-01T00:00:00Z"},
    "HostConfig": {"KernelMemory": 0, "NetworkMode": "default"},
    "NetworkSettings": {"IPAddress": "172.17.0.2", "Networks": {"bridge": {"IPAddress": "172.17.0.2"}}},
}


class DropLegacy(Change):
    """`Legacy` is dropped."""

    endpoint = "system.info"
    version = "1.56"
    Legacy = Removed()


class BrokenHook(Change):
    """A hook with a bug."""

    endpoint = "system.info"
    version = "1.56"

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = own(data)
        data["Ratio"] = data["Used"] / data["Total"]  # ZeroDivisionError for Total = 0
        return data


def test_a_traceback_from_a_failing_hook_shows_the_generated_line_and_its_change() -> None:
    chain = fuse((DropLegacy, BrokenHook))
    with pytest.raises(HookFailed) as caught:  # what the chain makes of the hook's ZeroDivisionError
        chain({"Legacy": 1, "Used": 1, "Total": 0})
    assert "BrokenHook.migrate" in caught.value.describe()
    error = caught.value.__cause__
    assert isinstance(error, ZeroDivisionError)
    text = "".join(traceback.format_exception(caught.value))  # the cause's traceback first, then this one
    frame = next(f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<normalize"))
    assert frame.line == "n = BrokenHook_migrate(obj)" and frame.line in text
    above = [linecache.getline(frame.filename, n).strip() for n in range(frame.lineno - 1, 0, -1)]
    assert next(line for line in above if line.startswith("#")) == "# 1.56 BrokenHook: migrate()"
    assert 'data["Ratio"] = data["Used"] / data["Total"]' in text  # and the hook's own line below it


def test_every_fields_code_follows_a_comment_naming_its_version_and_change() -> None:
    source = fuse((DropLegacy,))._source  # type: ignore[attr-defined]
    assert "    # Legacy: 1.56 DropLegacy removed\n    if 'Legacy' in obj:" in source


def test_constants_are_named_after_their_change() -> None:
    anonymous = re.compile(r"\b(conv|hook|derive|fields|keys|c|t|f)\d+\b")
    for endpoint in DOCKER.by_endpoint:
        step = _chains.chain(DOCKER, endpoint, None, Version(ne.LATEST))
        source = step._source  # type: ignore[union-attr]
        assert not anonymous.search(source), (endpoint, anonymous.search(source))
        assert source.count("# ") >= 1


def test_explain_prints_change_by_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = tmp_path / "inspect.json"
    body.write_text(json.dumps(OLD_INSPECT))
    assert _cli.main(["explain", str(body), "--path", "/v1.24/containers/x/json", "--source"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("GET /v1.24/containers/x/json: container inspect, API 1.24 -> " + ne.LATEST)
    assert re.search(r"^\* 1\.42 ContainerKernelMemory: .*\n +- HostConfig\.KernelMemory$", out, re.M)
    assert re.search(
        r"^\* 1\.52 ContainerNetworkSettingsDefaultNetwork: .*\n +- NetworkSettings\.IPAddress$", out, re.M
    )
    assert "  1.25 ContainerMountType: " in out  # it changed nothing here
    assert "disagree" not in out
    assert "# 1.44 ContainerDNSNames" in out  # the generated source, with its comments


def test_explain_of_a_stream_goes_document_by_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text('{"status":"start","id":"abc","from":"busybox","time":1}\n' * 2)
    assert _cli.main(["explain", str(events), "--path", "/v1.21/events"]) == 0
    out = capsys.readouterr().out
    assert "document 1 of 2" in out and "document 2 of 2" in out and '+ Action = "start"' in out


def test_explain_refuses_raw_endpoints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = tmp_path / "logs"
    body.write_text("x")
    assert _cli.main(["explain", str(body), "--path", "/v1.41/containers/x/logs"]) == 1
    assert "nothing to explain" in capsys.readouterr().err
