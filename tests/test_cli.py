"""The ``normalize-engine`` command line: every command, in-process through ``main(argv)``."""

from __future__ import annotations

import argparse
import http.server
import importlib.util
import io
import json
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

import normalize_engine as ne
from normalize_engine import _changes, _cli
from normalize_engine._cli import main
from tests.recorded import load_recorded

REPO = Path(__file__).resolve().parent.parent
IMAGES_141 = [
    {
        "Id": "sha256:ab",
        "ParentId": "",
        "RepoTags": ["<none>:<none>"],
        "RepoDigests": ["<none>@<none>"],
        "Created": 1,
        "Size": 10,
        "VirtualSize": 10,
        "SharedSize": -1,
        "Labels": None,
        "Containers": -1,
    },
]
EVENTS_121 = [
    {"status": "start", "id": "4f2a", "from": "busybox", "time": 1},
    {"status": "die", "id": "4f2a", "from": "busybox", "time": 2},
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status: int, err: str, *words: str) -> None:
    assert status == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("normalize-engine: error: "), err
    for word in words:
        assert word in lines[0]


def json_documents(text: str) -> list[Any]:
    """The JSON values starting at the beginning of a line of ``text`` (demo --json mixes them with text)."""
    decoder = json.JSONDecoder()
    found, index = [], 0
    while index < len(text):
        if text[index] in "[{" and (index == 0 or text[index - 1] == "\n"):
            value, index = decoder.raw_decode(text, index)
            found.append(value)
        else:
            index += 1
    return found


# ----------------------------------------------------------------------------------------------- help


def test_help_runs_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "normalize_engine", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: normalize-engine")
    for command in ("demo", "normalize", "changes", "probe"):
        assert f"\n    {command} " in proc.stdout
    assert "examples:" in proc.stdout
    assert proc.stderr == ""


@pytest.mark.parametrize("command", ["demo", "normalize", "changes", "probe"])
def test_each_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    status, out, _ = run(capsys, command, "--help")
    assert status == 0
    assert out.startswith(f"usage: normalize-engine {command}")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert ne.__version__ in out and ne.LATEST in out


@pytest.mark.parametrize(
    "argv",
    [[], ["nope"], ["normalize", "x.json"], ["changes", "--format", "yaml"], ["probe", "--timeout", "-1"]],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert "error:" in err and "Traceback" not in err


# ----------------------------------------------------------------------------------------------- demo


def demo_samples() -> list[dict[str, Any]]:
    return list(_cli.load_demo()["samples"])


def test_demo_fits_a_screen(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "demo")
    assert status == 0, err
    assert err == ""
    lines = out.splitlines()
    assert len(lines) <= 24  # one classic terminal screen
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    for sample in demo_samples():
        if sample["ablated"]:
            assert f"  {sample['title']}, {sample['ablated']['as']}: + " in out
        else:
            assert f"{sample['daemon']} · {sample['title']} · " in out
    assert not json_documents(out)


def test_demo_fits_80_columns_in_a_wider_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    status, out, _ = run(capsys, "demo")
    assert status == 0
    assert all(len(line) <= 80 for line in out.splitlines())


def test_demo_shows_the_oldest_and_the_newest_daemon() -> None:
    recorded = sorted(load_recorded(), key=lambda d: Version(d.api_version))
    daemons = {s["daemon"] for s in demo_samples() if not s["ablated"]}
    releases = {f"Docker {d.name.removeprefix('docker-').split('+')[0]}" for d in (recorded[0], recorded[-1])}
    assert daemons == releases


def test_demo_shows_derivations_conversions_and_removals(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo")
    assert status == 0
    changes = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert any(line.startswith("+ ") and ".DNSNames = [" in line for line in changes)  # derived, not empty
    assert any(line.startswith("~ ") and "<none>:<none>" in line for line in changes)
    assert any(line.startswith("- ") and "IPAddress" in line for line in changes)
    assert any(line.startswith("- ") and "VirtualSize" in line for line in changes)
    # what the recorded daemons send at every version, derived for the older answers that lack it
    assert 'State.Status = "running"' in out
    assert 'Type = "container"; Action = ' in out and "Actor" in out
    assert "cpu_stats.online_cpus = 2" in out


def test_demo_groups_removals_of_one_object() -> None:
    deltas = [_cli.Delta("-", ("NetworkSettings", key)) for key in ("Bridge", "IPAddress", "Gateway")]
    assert _cli.highlights(deltas, 80) == ["- NetworkSettings.{IPAddress, Bridge, Gateway}  (3 keys)"]
    many = [_cli.Delta("-", ("NetworkSettings", f"Key{n:02}")) for n in range(30)]
    (line,) = _cli.highlights(many, 60)
    assert line.endswith("…}  (30 keys)") and len(line) <= 58


def test_demo_leaves_keys_added_empty_to_the_full_view() -> None:
    deltas = list(_cli.diff({"a": 1}, {"a": 1, "Empty": None, "Zero": 0, "Derived": ["x"]}))
    assert _cli.highlights(deltas, 80) == ['+ Derived = ["x"]']
    assert len(_cli.summarize(deltas)) == 3


def test_demo_shows_what_changed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--endpoint", "images.list")
    assert status == 0
    # every image-list sample is from a daemon older than the library's newest version: VirtualSize goes
    assert "- [*].VirtualSize" in out or "- [0].VirtualSize" in out


def test_demo_json_prints_the_canonical_json(capsys: pytest.CaptureFixture[str]) -> None:
    samples = [s for s in demo_samples() if s["endpoint"] == "containers.inspect"]
    assert samples
    status, out, _ = run(capsys, "demo", "--json", "--endpoint", "containers.inspect")
    assert status == 0
    expected = [ne.normalize(s["body"], s["path"], method=s["method"]) for s in samples]
    assert json_documents(out) == expected


def test_demo_json_of_a_stream_is_its_documents(capsys: pytest.CaptureFixture[str]) -> None:
    samples = [s for s in demo_samples() if s["stream"]]
    assert samples
    status, out, _ = run(capsys, "demo", "--json", "--endpoint", samples[0]["id"])
    assert status == 0
    expected = list(ne.normalize_stream([samples[0]["body"].encode()], samples[0]["path"]))
    assert json_documents(out) == [expected]


def test_demo_endpoint_by_path(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--endpoint", "/v1.24/events")
    assert status == 0
    assert " · events · " in out and " · image list · " not in out


def test_demo_unknown_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "demo", "--endpoint", "plugins.list")
    assert_one_line_error(status, err, "no demo sample", "images.list")


def test_demo_data_is_small_and_real() -> None:
    path = REPO / "normalize_engine" / "_data" / "demo.json"
    assert path.stat().st_size < 100_000
    samples = demo_samples()
    daemons = {s["daemon"] for s in samples}
    assert len(daemons) >= 1
    endpoints = {s["endpoint"] for s in samples}
    assert {"images.list", "containers.inspect", "system.events"} <= endpoints
    recorded = {f"tests/fixtures/recorded/{d.name}.json": d for d in load_recorded()}
    for sample in samples:
        assert sample["path"].startswith(f"/v{sample['version']}/")
        daemon = recorded.get(sample["source"])
        if daemon is None:
            continue  # recorded again since: the demo still holds what an earlier recording said
        answer = daemon.exchange(sample["exchange"]).at(sample["version"])
        assert answer is not None and answer.status == sample["status"]
        if sample["ablated"]:
            # the recorded documents, less exactly the paths taken out
            kept = [json.loads(line) for line in sample["body"].splitlines()]
            real = list(_cli._documents(answer.text)) if sample["stream"] else [answer.json()]
            for document in kept:
                original = next(
                    r
                    for r in real
                    if r.get("time") == document.get("time")
                    and _without(r, sample["ablated"]["removed"]) == document
                )
                assert original != document
            continue
        if not sample["trimmed"]:
            assert answer.text == sample["body"]
        elif sample["stream"]:
            assert answer.text.startswith(sample["body"].rstrip("\n").split("\n")[0])
        else:
            items = json.loads(sample["body"])
            assert answer.json()[: len(items)] == items


def _without(document: Any, paths: list[str]) -> Any:
    out = json.loads(json.dumps(document))
    for path in paths:
        *parents, last = path.split(".")
        node = out
        for part in parents:
            node = node[part]
        del node[last]
    return out


# ------------------------------------------------------------------------------------------ make_demo_data


def load_tool(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"_tool_{name}", REPO / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_recording(release: str, api: str, versions: list[str]) -> dict[str, Any]:
    bodies: dict[str, str] = {}

    def body(text: str) -> str:
        key = f"{len(bodies):016x}"
        bodies[key] = text
        return key

    def exchange(key: str, path: str, texts: dict[str, str], stream: bool = False) -> dict[str, Any]:
        answers = [{"version": v, "status": 200, "headers": {}, "body": body(texts[v])} for v in versions]
        answers.append({"version": None, "status": 200, "headers": {}, "body": body(texts[versions[-1]])})
        return {"key": key, "method": "GET", "path": path, "stream": stream, "answers": answers}

    images = {
        v: json.dumps([{"Id": f"sha256:{i}", "VirtualSize": i, "v": v} for i in range(7)]) for v in versions
    }
    inspect = {v: json.dumps({"Id": "c1", "v": v}) for v in versions}
    events = {
        v: "".join(
            json.dumps(
                {
                    "status": "start",
                    "n": n,
                    "v": v,
                    "Type": ("image", "container")[n % 2],
                    "Action": "x",
                    "Actor": {},
                }
            )
            + "\n"
            for n in range(9)
        )
        for v in versions
    }
    stats = {v: json.dumps({"cpu_stats": {}, "precpu_stats": {}}) + "\n" for v in versions}
    return {
        "format": 1,
        "daemon": {"Version": release, "ApiVersion": api},
        "state": {},
        "exchanges": [
            exchange("images.list", "/images/json", images),
            exchange("containers.inspect.running", "/containers/c1/json", inspect),
            exchange("containers.inspect.netted", "/containers/c1/json", inspect),
            exchange("events.populate", "/events?since=1&until=2", events, stream=True),
            exchange("containers.stats.running", "/containers/c1/stats?stream=0", stats, stream=True),
        ],
        "bodies": bodies,
    }


def test_make_demo_data_picks_trims_and_keeps_bytes(tmp_path: Path) -> None:
    tool = load_tool("make_demo_data")
    old = synthetic_recording("20.10.24+dfsg1", "1.41", [f"1.{m}" for m in range(18, 42)])
    mid = synthetic_recording("26.1.5", "1.45", [f"1.{m}" for m in range(24, 46)])
    new = synthetic_recording("28.5.2", "1.51", [f"1.{m}" for m in range(24, 52)])
    for name, data in (("docker-28.5.2", new), ("docker-20.10.24+dfsg1", old), ("docker-26.1.5", mid)):
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    out = tmp_path / "demo.json"
    assert tool.main(["--recorded", str(tmp_path), "--out", str(out)]) == 0
    samples = json.loads(out.read_text())["samples"]
    got = {(s["daemon"], s["endpoint"], bool(s["ablated"])): s for s in samples}
    assert {daemon for daemon, _, _ in got} == {
        "Docker 20.10.24",
        "Docker 28.5.2",
    }  # the oldest and the newest
    images = got["Docker 20.10.24", "images.list", False]
    assert images["path"] == "/v1.24/images/json"
    assert images["trimmed"] == f"the first {tool.MAX_ITEMS} of 7 items"
    assert [i["Id"] for i in json.loads(images["body"])] == [f"sha256:{i}" for i in range(tool.MAX_ITEMS)]
    assert got["Docker 20.10.24", "containers.inspect", False]["version"] == "1.18"  # "oldest", from 1.18
    inspect = got["Docker 28.5.2", "containers.inspect", False]
    assert inspect["version"] == "1.24"  # the oldest it serves
    assert inspect["trimmed"] is None and inspect["body"] == json.dumps({"Id": "c1", "v": "1.24"})
    assert inspect["source"] == "tests/fixtures/recorded/docker-28.5.2.json"
    # the oldest daemon's events, container events only, with Type, Action and Actor taken out
    events = got["Docker 20.10.24", "system.events", True]
    assert events["path"] == "/v1.21/events?since=1&until=2"
    assert events["ablated"] == {"removed": ["Type", "Action", "Actor"], "as": "API 1.21 (Docker 1.9)"}
    kept = [json.loads(line) for line in events["body"].splitlines()]
    assert kept == [{"status": "start", "n": n, "v": "1.21"} for n in (1, 3)]
    # an answer that lacks what is to be taken out gives no sample (the stats here have no online_cpus)
    assert ("Docker 20.10.24", "containers.stats", True) not in got
    assert tool.main(["--recorded", str(tmp_path), "--out", str(out), "--check"]) == 0
    out.write_text("{}")
    assert tool.main(["--recorded", str(tmp_path), "--out", str(out), "--check"]) == 1


# ----------------------------------------------------------------------------------------------- normalize


def test_normalize_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = json.dumps(IMAGES_141).encode()
    (tmp_path / "images.json").write_bytes(body)
    status, out, err = run(capsys, "normalize", str(tmp_path / "images.json"), "--path", "/v1.41/images/json")
    assert status == 0, err
    assert err == ""
    assert json.loads(out) == ne.normalize(body, "/v1.41/images/json")
    assert json.loads(out)[0]["RepoTags"] == []
    assert out.count("\n") > 5  # indented


def test_normalize_stdin_compact_with_version_and_target(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps(IMAGES_141).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body)))
    argv = ["normalize", "-", "--path", "/images/json", "--version", "1.41", "--target", "1.43", "--compact"]
    status, out, err = run(capsys, *argv)
    assert status == 0, err
    assert out.count("\n") == 1
    assert json.loads(out) == ne.normalize(body, "/images/json", version="1.41", target="1.43")


def test_normalize_stream_is_json_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = b"".join(json.dumps(e).encode() + b"\n" for e in EVENTS_121)
    (tmp_path / "events.jsonl").write_bytes(lines)
    status, out, err = run(capsys, "normalize", str(tmp_path / "events.jsonl"), "--path", "/v1.21/events")
    assert status == 0, err
    got = [json.loads(line) for line in out.splitlines()]
    assert got == list(ne.normalize_stream([lines], "/v1.21/events"))
    assert [e["Action"] for e in got] == ["start", "die"]


def test_normalize_post_stream(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    progress = b'{"status":"Pulling from library/busybox","id":"latest"}\r\n{"status":"Done"}\r\n'
    (tmp_path / "pull.jsonl").write_bytes(progress)
    argv = ["normalize", str(tmp_path / "pull.jsonl"), "--path", "/v1.41/images/create?fromImage=busybox"]
    status, out, err = run(capsys, *argv, "--method", "POST")
    assert status == 0, err
    assert len(out.splitlines()) == 2


def test_normalize_plain_text_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "err.txt").write_bytes(b"No such container: abc\n")
    argv = ["normalize", str(tmp_path / "err.txt"), "--path", "/v1.18/containers/abc/json", "--status", "404"]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert json.loads(out) == {"message": "No such container: abc"}


def test_normalize_stream_error_is_one_document(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "err.txt").write_bytes(b"page not found")
    status, out, _ = run(
        capsys, "normalize", str(tmp_path / "err.txt"), "--path", "/v1.18/events", "--status", "404"
    )
    assert status == 0
    assert json.loads(out) == {"message": "page not found"}


def test_normalize_unknown_endpoint_passes_through(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "x.json").write_text('{"Vendor": 1}')
    status, out, err = run(capsys, "normalize", str(tmp_path / "x.json"), "--path", "/v1.41/vendor/thing")
    assert status == 0
    assert json.loads(out) == {"Vendor": 1}
    assert err.startswith("normalize-engine: warning: no Engine API endpoint answers GET /vendor/thing")


def test_normalize_brings_a_newer_answer_down(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    image = {"Id": "sha256:ab", "RepoTags": [], "RepoDigests": [], "Size": 10, "Containers": -1}
    (tmp_path / "x.json").write_text(json.dumps([image]))
    status, out, err = run(
        capsys, "normalize", str(tmp_path / "x.json"), "--path", "/v1.45/images/json", "--target", "1.41"
    )
    assert status == 0
    assert json.loads(out) == [
        {**image, "RepoTags": ["<none>:<none>"], "RepoDigests": ["<none>@<none>"], "VirtualSize": 10}
    ]
    assert err == ""


def test_normalize_warns_for_a_version_it_does_not_know(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "x.json").write_text("[]")
    status, out, err = run(
        capsys, "normalize", str(tmp_path / "x.json"), "--path", "/v1.99/images/json", "--target", "1.41"
    )
    assert status == 0
    assert json.loads(out) == []
    assert err.startswith("normalize-engine: warning: ") and "newer than the versions" in err


def test_normalize_raw_endpoint_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "logs").write_bytes(b"\x01\x00\x00\x00\x00\x00\x00\x02hi")
    status, _, err = run(capsys, "normalize", str(tmp_path / "logs"), "--path", "/v1.41/containers/a/logs")
    assert_one_line_error(status, err, "raw bytes")


@pytest.mark.parametrize(
    ("body", "extra", "words"),
    [
        (b"{not json", [], ["not JSON"]),
        (b"\xff\xfe", [], ["UTF-8"]),
        (b'{"Id": 1}', ["--path", "/v1.41/images/json"], ["shape"]),
        (b"[]", ["--version", "1.x"], ["'1.x'", "1.41"]),
        (b"[]", ["--version", "99.0"], ["'99.0'"]),
        (b"[]", ["--target", "99.0"], ["'99.0'"]),
        (b"[]", ["--target", "1.99"], ["upgrade"]),
        (b'{"status":"start"}\n{"status":', ["--path", "/v1.41/events"], ["ended inside a document"]),
    ],
)
def test_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, body: bytes, extra: list[str], words: list[str]
) -> None:
    (tmp_path / "body").write_bytes(body)
    path = [] if "--path" in extra else ["--path", "/containers/json"]
    status, _, err = run(capsys, "normalize", str(tmp_path / "body"), *path, *extra)
    assert_one_line_error(status, err, *words)


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(
        capsys, "normalize", str(tmp_path / "nope.json"), "--path", "/v1.41/containers/json"
    )
    assert out == ""
    assert_one_line_error(status, err, "nope.json", "No such file")


# ----------------------------------------------------------------------------------------------- changes


def test_changes_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "changes")
    assert status == 0
    found = _changes.sections()
    count = sum(len(s.changes) for s in found)
    assert out.startswith(f"{count} response change")
    for section in found:
        assert f"\n{section.summary.rstrip('.')}\n" in out
        for row in section.changes:
            assert f": {row.name}" in out


def test_changes_json_equals_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "changes", "--format", "json")
    assert status == 0
    assert json.loads(out) == _changes.to_json(_changes.sections())


def test_changes_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "changes", "--format", "markdown", "--since", "1.40")
    assert status == 0
    assert "## Fields that cannot be derived" in out
    assert out == _changes.render_markdown(_changes.sections(since="1.40"))


def test_changes_since_until(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "changes", "--since", "1.24", "--until", "1.44", "--format", "json")
    assert status == 0
    versions = [ne.VERSIONS.index(s["version"]) for s in json.loads(out)]
    assert versions and all(ne.VERSIONS.index("1.24") < v <= ne.VERSIONS.index("1.44") for v in versions)


def test_changes_for_an_endpoint_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "changes", "--endpoint", "images.list", "--format", "json")
    assert status == 0
    rows = [c for s in json.loads(out) for c in s["changes"]]
    assert rows and all("images.list" in c["endpoints"] for c in rows)
    status, text, _ = run(capsys, "changes", "--endpoint", "images.list")
    assert "VirtualSize" in text and "images.list answers" in text.splitlines()[0]


def test_changes_for_a_path(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "changes", "--endpoint", "/v1.41/containers/abc/json", "--format", "json")
    assert status == 0
    expected = _changes.to_json(_changes.sections(since="1.41", endpoint="containers.inspect"))
    assert json.loads(out) == expected
    status, text, _ = run(capsys, "changes", "--endpoint", "POST /v1.41/build")
    assert status == 0
    assert "build answers after API 1.41" in text.splitlines()[0]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--endpoint", "containers.inspct"], ["did you mean containers.inspect"]),
        (["--endpoint", "/v1.41/nothing/here"], ["/nothing/here"]),
        (["--since", "1.x"], ["'1.x'"]),
        (["--until", "99.0"], ["'99.0'"]),
        (["--since", "1.99"], ["1.18 to"]),
    ],
)
def test_changes_bad_arguments(capsys: pytest.CaptureFixture[str], argv: list[str], words: list[str]) -> None:
    status, _, err = run(capsys, "changes", *argv)
    assert_one_line_error(status, err, *words)


# ----------------------------------------------------------------------------------------------- probe


def test_probe_without_daemon(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    host = f"unix://{tmp_path}/docker.sock"
    status, out, err = run(capsys, "probe", "--host", host, "--timeout", "2")
    assert out == ""
    assert_one_line_error(status, err, "no Docker daemon answers at", host, "DOCKER_HOST")


def test_probe_uses_docker_host(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/other.sock")
    status, _, err = run(capsys, "probe")
    assert_one_line_error(status, err, "other.sock")


def test_probe_bad_host(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "probe", "--host", "ssh://me@host")
    assert_one_line_error(status, err, "ssh://me@host", "tcp://")


class FakeDaemon(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    answers: dict[str, tuple[int, Any]]


class FakeHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, FakeDaemon)
        status, body = self.server.answers.get(self.path, (404, {"message": f"page not found: {self.path}"}))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def address_string(self) -> str:
        return "unix"


@pytest.fixture
def fake_daemon(tmp_path: Path) -> Iterator[FakeDaemon]:
    server = FakeDaemon(str(tmp_path / "d.sock"), FakeHandler)
    server.answers = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_probe_on_a_fake_daemon(capsys: pytest.CaptureFixture[str], fake_daemon: FakeDaemon) -> None:
    image = dict(IMAGES_141[0])
    new_image = ne.normalize([image], "/v1.41/images/json", target="1.43")[0]
    info_118 = {"Containers": 0}
    info_143 = {**ne.normalize(info_118, "/v1.18/info", target="1.43"), "NewThing": True}
    fake_daemon.answers = {
        "/version": (200, {"Version": "24.0.9", "ApiVersion": "1.43", "MinAPIVersion": "1.12"}),
        "/v1.18/containers/json?all=1": (200, []),
        "/v1.43/containers/json?all=1": (200, []),
        "/v1.18/images/json": (200, [image]),
        "/v1.43/images/json": (200, [new_image]),
        "/v1.18/info": (200, info_118),
        "/v1.43/info": (200, info_143),
        "/v1.43/networks": (200, []),
        "/v1.18/volumes": (200, {"Volumes": [], "Warnings": None}),
        "/v1.43/volumes": (200, {"Volumes": [], "Warnings": None}),
    }
    status, out, err = run(capsys, "probe", "--host", f"unix://{fake_daemon.server_address}")
    assert status == 0, err
    assert "24.0.9, API 1.18 to 1.43" in out  # MinAPIVersion 1.12 is below what the library knows
    sections = out.split("\nGET ")
    assert len(sections) == 6
    containers, images, info, networks, volumes = sections[1:]
    assert "0 changes; same structure as the API 1.43 answer" in containers
    assert "same structure as the API 1.43 answer" in images and "RepoTags" in images
    assert "1 structural difference" in info and "missing after normalising: NewThing" in info
    assert "answered 404 at API 1.18: page not found: /v1.18/networks" in networks
    assert "same structure" in volumes


@pytest.mark.live
def test_probe_live(capsys: pytest.CaptureFixture[str], daemons: list[dict[str, Any]]) -> None:
    for daemon in daemons:
        status, out, err = run(capsys, "probe", "--host", daemon["socket"])
        assert status == 0, err
        assert out.splitlines()[0].endswith(f" to {daemon['api_version']}")
        assert out.count("\nGET ") == len(_cli.PROBE_PATHS)


def test_ascii_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(["demo"]) == 0
    stream.flush()
    assert isinstance(stream.buffer, io.BytesIO)
    text = stream.buffer.getvalue().decode("ascii")
    assert " - image list - " in text


# ------------------------------------------------------------------------------------------ probe, recorded


def recorded_daemon(fake: FakeDaemon, name_prefix: str) -> str:
    """Serve a recording's answers to probe's questions (every API version) and its /version."""
    daemon = next(d for d in load_recorded() if d.name.startswith(name_prefix))
    answers: dict[str, tuple[int, Any]] = {}
    for path in _cli.PROBE_PATHS:
        exchange = next(e for e in daemon.exchanges if e.path == path and e.method == "GET")
        for answer in exchange.answers:
            if answer.version is not None:
                answers[f"/v{answer.version}{path}"] = (answer.status, answer.json())
    answers["/version"] = (200, daemon.exchange("system.version").newest().json())
    fake.answers = answers
    return daemon.api_version


def test_probe_marks_underivable_fields_as_expected(
    capsys: pytest.CaptureFixture[str], fake_daemon: FakeDaemon
) -> None:
    newest = recorded_daemon(fake_daemon, "docker-28.5")
    status, out, err = run(capsys, "probe", "--host", f"unix://{fake_daemon.server_address}")
    assert status == 0, err
    info = out.split("\nGET /info\n")[1].split("\nGET ")[0]
    # /info at API 1.24 cannot tell the firewall backend (1.48) nor the containerd sockets (1.46)
    assert f"same structure as the API {newest} answer, and " in info
    assert "= expected (cannot be derived): missing after normalising: FirewallBackend" in info
    assert "= expected (cannot be derived): missing after normalising: Runtimes.runc.status" in info
    assert "!" not in out  # every other answer has the newest answer's structure


def test_underivable_fields_come_from_the_change_table() -> None:
    fields = _cli.underivable_fields("/v1.24/info", Version("1.24"), Version("1.51"))
    assert ("FirewallBackend",) in fields and ("Runtimes", "*", "status") in fields
    assert ("SystemTime",) not in fields  # added in 1.18's change: not after 1.24
    assert _cli.underivable_fields("/v1.24/info", Version("1.51"), Version("1.51")) == {}
    assert _cli._inside(("Runtimes", "runc", "status"), ("Runtimes", "*", "status"), many=False)
    assert not _cli._inside(("Runtimes",), ("Runtimes", "*", "status"), many=False)
    assert _cli._inside((3, "Mounts", 0, "Mode"), ("Mounts", "*", "Mode"), many=True)


# ------------------------------------------------------------------------------------------ messages


def test_target_too_old_says_which_are_produced(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "images.json").write_text("[]")
    argv = ["normalize", str(tmp_path / "images.json"), "--path", "/v1.41/images/json"]
    status, _, err = run(capsys, *argv, "--target", "1.17")
    assert_one_line_error(status, err, "'1.17' is not a version", "older than the oldest", "1.18 to", "from 1.18 on")
    assert "upgrade" not in err
    status, _, err = run(capsys, *argv, "--target", "1.99")
    assert_one_line_error(status, err, "'1.99' is not a version", "upgrade normalize-engine")


def test_changes_since_after_until_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "changes", "--since", "1.50", "--until", "1.40")
    assert out == ""
    assert_one_line_error(status, err, "--since 1.50 is not older than --until 1.40")
    status, out, err = run(capsys, "changes", "--endpoint", "/v1.50/images/json", "--until", "1.40")
    assert_one_line_error(status, err, "/v1.50 is not older than --until 1.40")
    status, out, _ = run(capsys, "changes", "--since", "1.40", "--until", "1.50")
    assert status == 0 and " response changes after API 1.40 up to API 1.50:" in out


def test_shape_errors_name_the_path_given_in_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "object.json").write_text('{"x": 1}')
    path = "/v1.41/images/json?all=1"
    status, _, err = run(capsys, "normalize", str(tmp_path / "object.json"), "--path", path)
    assert_one_line_error(status, err, f"GET {path}: ", "of an image list answer")
    status, _, err = run(
        capsys, "normalize", str(tmp_path / "object.json"), "--path", "/v1.41/containers/json"
    )
    assert_one_line_error(status, err, "GET /v1.41/containers/json: ", "of a container list answer")


def test_every_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = _cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
    status, out, _ = run(capsys, "changes", "--help")
    assert status == 0 and "or json for programs" in " ".join(out.split())
