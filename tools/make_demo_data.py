#!/usr/bin/env python3
"""Build normalize_engine/_data/demo.json, the answers `normalize-engine demo` normalises, from recordings.

    python tools/make_demo_data.py                 # from tests/fixtures/recorded/docker-*.json
    python tools/make_demo_data.py --check         # exit 1 when demo.json differs from what it would write
    python tools/make_demo_data.py --recorded DIR --out FILE

Every sample is a real answer recorded by tools/record.py (format: tests/recorded.py), taken from the oldest
and the newest recorded daemon. Long lists and streams keep their first items only, to stay small; a
sample says so in `trimmed`. The `ablated` samples are real answers of the oldest daemon with the fields
listed in their `ablated.removed` taken out, as the daemons of an older API version sent them (the
recorded daemons send those fields at every version, so no recording shows the library deriving them).
Nothing else is changed, and nothing is written by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RECORDED = REPO / "tests" / "fixtures" / "recorded"
OUT = REPO / "normalize_engine" / "_data" / "demo.json"
MAX_BYTES = 100_000
MAX_ITEMS = 4  # array items kept of a list answer
MAX_DOCUMENTS = 6  # documents kept of a stream

# (exchange keys, endpoint name, title, the API version to take, the daemons to take it from), where the
# version is a number, "oldest" or "newest" (of what the daemon serves, from 1.18), and the daemons
# "oldest", "newest" or "both" (by API version). The first exchange with a non-empty answer is taken; a
# version the daemon does not serve is replaced by the nearest one it does.
SAMPLES: tuple[tuple[tuple[str, ...], str, str, str, str], ...] = (
    (("containers.inspect.netted",), "containers.inspect", "container inspect", "oldest", "oldest"),
    (("images.list",), "images.list", "image list", "1.24", "oldest"),
    (("containers.inspect.running",), "containers.inspect", "container inspect", "oldest", "newest"),
    (("events.populate", "swarm.events"), "system.events", "events", "oldest", "newest"),
)

# Fields the recorded daemons send at every API version, though older daemons did not: the library derives
# them for answers that lack them, which no recording shows. These samples are the oldest daemon's real
# answers with those fields taken out, as the daemon of that API version sent them (the way
# tests/test_change_examples.py checks the changes). They are marked `ablated` and the demo says so.
# (exchange key, endpoint, title, API version, the paths taken out of the answer or of each document,
#  documents kept of a stream (container events only, for events), the API version's release)
ABLATED: tuple[tuple[str, str, str, str, tuple[str, ...], int, str], ...] = (
    ("events.populate", "system.events", "events", "1.21", ("Type", "Action", "Actor"), 2, "Docker 1.9"),
    (
        "containers.inspect.running",
        "containers.inspect",
        "container inspect",
        "1.20",
        ("State.Status",),
        0,
        "Docker 1.8",
    ),
    (
        "containers.stats.running",
        "containers.stats",
        "stats",
        "1.26",
        ("cpu_stats.online_cpus", "precpu_stats.online_cpus"),
        1,
        "Docker 17.03.0",
    ),
)


def _vkey(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _documents(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each JSON document of a stream, so the kept ones stay byte for byte."""
    decoder = json.JSONDecoder()
    spans, index = [], 0
    while True:
        while index < len(text) and text[index] in " \t\r\n\x1e":
            index += 1
        if index >= len(text):
            return spans
        _, end = decoder.raw_decode(text, index)
        spans.append((index, end))
        index = end


def _trim(text: str, stream: bool) -> tuple[str, str | None]:
    if stream:
        spans = _documents(text)
        if len(spans) <= MAX_DOCUMENTS:
            return text, None
        kept = "".join(text[start:end] + "\n" for start, end in spans[:MAX_DOCUMENTS])
        return kept, f"the first {MAX_DOCUMENTS} of {len(spans)} documents"
    value = json.loads(text)
    if isinstance(value, list) and len(value) > MAX_ITEMS:
        kept = json.dumps(value[:MAX_ITEMS], separators=(",", ":"), ensure_ascii=False) + "\n"
        return kept, f"the first {MAX_ITEMS} of {len(value)} items"
    return text, None


def _choose(served: list[str], wanted: str) -> str:
    if wanted == "newest":
        return served[-1]
    if wanted == "oldest":
        wanted = OLDEST
    for version in served:
        if _vkey(version) >= _vkey(wanted):
            return version
    return served[-1]


OLDEST = "1.18"  # the oldest API version the library reads in full


def _short(release: str) -> str:
    return release.split("+")[0]


def _answers(recording: dict[str, Any], exchange: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The exchange's answers by API version: successful, non-empty, at a version the library reads."""
    return {
        a["version"]: a
        for a in exchange["answers"]
        if a["version"]
        and _vkey(a["version"]) >= _vkey(OLDEST)
        and a["status"] < 400
        and recording["bodies"][a["body"]].strip()
    }


def _sample(
    name: str, recording: dict[str, Any], exchange: dict[str, Any], answer: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    release = _short(str(recording["daemon"].get("Version") or name.removeprefix("docker-")))
    version = answer["version"]
    path = answer.get("path") or exchange["path"]
    endpoint = fields.pop("endpoint")
    body, trimmed = fields.pop("body", None), fields.pop("trimmed", None)
    if body is None:
        body, trimmed = _trim(recording["bodies"][answer["body"]], bool(exchange.get("stream")))
    short = ".".join(release.split(".")[:2])
    return {
        "id": f"{endpoint}@{short}" + ("-old" if fields.get("ablated") else ""),
        "endpoint": endpoint,
        "title": fields.pop("title"),
        "daemon": f"Docker {release}",
        "role": fields.pop("role"),
        "source": f"tests/fixtures/recorded/{name}.json",
        "exchange": exchange["key"],
        "version": version,
        "method": exchange["method"],
        "path": f"/v{version}{path}",
        "status": answer["status"],
        "stream": bool(exchange.get("stream")),
        "trimmed": trimmed,
        "ablated": fields.pop("ablated", None),
        "body": body,
    }


def samples_of(name: str, recording: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The samples of one recording; ``role`` is "oldest" or "newest" (or "both": the only recording)."""
    exchanges = {e["key"]: e for e in recording["exchanges"]}
    out = []
    for keys, endpoint, title, wanted, daemons in SAMPLES:
        if daemons != "both" and role not in (daemons, "both"):
            continue
        for key in keys:
            exchange = exchanges.get(key, {"key": key, "answers": []})
            answers = _answers(recording, exchange)
            if answers:
                break
        else:
            print(f"[demo] {name}: no answer to {' or '.join(keys)}, skipped", file=sys.stderr)
            continue
        answer = answers[_choose(sorted(answers, key=_vkey), wanted)]
        sample_role = "newest" if role == "both" else role
        out.append(
            _sample(name, recording, exchange, answer, endpoint=endpoint, title=title, role=sample_role)
        )
    return out


def _take_out(document: Any, path: str) -> bool:
    *parents, last = path.split(".")
    for part in parents:
        document = document.get(part) if isinstance(document, dict) else None
    if isinstance(document, dict) and last in document:
        del document[last]
        return True
    return False


def ablated_of(name: str, recording: dict[str, Any]) -> list[dict[str, Any]]:
    """The oldest daemon's answers with what older daemons did not send taken out (see ABLATED)."""
    exchanges = {e["key"]: e for e in recording["exchanges"]}
    out = []
    for key, endpoint, title, wanted, paths, keep, release in ABLATED:
        exchange = exchanges.get(key)
        answers = _answers(recording, exchange) if exchange else {}
        if not answers:
            print(f"[demo] {name}: no answer to {key}, skipped", file=sys.stderr)
            continue
        version = _choose(sorted(answers, key=_vkey), wanted)
        answer = answers[version]
        text = recording["bodies"][answer["body"]]
        if exchange.get("stream"):
            spans = _documents(text)
            documents = [json.loads(text[start:end]) for start, end in spans]
            if endpoint == "system.events":
                documents = [d for d in documents if d.get("Type") == "container"]
                trimmed = f"the first {keep} of {len(spans)} documents that are container events"
            else:
                trimmed = f"the first {keep} of {len(spans)} documents" if len(spans) > keep else None
            documents = documents[:keep]
        else:
            documents, trimmed = [json.loads(text)], None
        if not documents or not all(_take_out(d, path) for d in documents for path in paths):
            print(
                f"[demo] {name}: {key} at API {version} lacks {' or '.join(paths)}, skipped", file=sys.stderr
            )
            continue
        lines = [json.dumps(d, separators=(",", ":"), ensure_ascii=False) + "\n" for d in documents]
        body = "".join(lines)
        ablated = {"removed": list(paths), "as": f"API {version} ({release})"}
        out.append(
            _sample(
                name,
                recording,
                exchange,
                answer,
                endpoint=endpoint,
                title=title,
                role="ablated",
                body=body,
                trimmed=trimmed,
                ablated=ablated,
            )
        )
    return out


def build(recorded: Path = RECORDED) -> dict[str, Any]:
    """The demo data: samples of the oldest and the newest recorded daemon (by API version)."""
    files = sorted(recorded.glob("docker-*.json"))
    if not files:
        raise SystemExit(f"no recordings in {recorded}: run tools/record.py first")
    recordings = sorted(
        ((path.stem, _load(path)) for path in files),
        key=lambda item: _vkey(str(item[1]["daemon"]["ApiVersion"])),
    )
    if len(recordings) == 1:
        chosen = [(*recordings[0], "both")]
    else:
        chosen = [(*recordings[0], "oldest"), (*recordings[-1], "newest")]
    samples = [sample for name, recording, role in chosen for sample in samples_of(name, recording, role)]
    samples += ablated_of(*recordings[0])
    return {
        "about": "Real answers of Docker daemons (tools/record.py), picked by tools/make_demo_data.py; "
        "the `ablated` ones have the fields listed there taken out, as older daemons sent them",
        "samples": samples,
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--recorded", type=Path, default=RECORDED, help="the folder of docker-*.json recordings"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: %(default)s)")
    parser.add_argument(
        "--check", action="store_true", help="only compare with --out; exit 1 when it differs"
    )
    args = parser.parse_args(argv)
    text = render(build(args.recorded))
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        print(f"[demo] {size} bytes is more than {MAX_BYTES}: keep fewer samples or items", file=sys.stderr)
        return 1
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"[demo] {args.out} is out of date: run python tools/make_demo_data.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(
        f"[demo] wrote {args.out} ({size} bytes, {len(json.loads(text)['samples'])} samples)", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
