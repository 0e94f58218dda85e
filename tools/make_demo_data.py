#!/usr/bin/env python3
"""Build normalize_engine/_data/demo.json, the answers `normalize-engine demo` normalises, from recordings.

    python tools/make_demo_data.py                 # from tests/fixtures/recorded/docker-*.json
    python tools/make_demo_data.py --check         # exit 1 when demo.json differs from what it would write
    python tools/make_demo_data.py --recorded DIR --out FILE

Every sample is a real answer recorded by tools/record.py (format: tests/recorded.py), taken from the oldest
and the newest recorded daemon. Long lists and streams keep their first items only, to stay small; a
sample says so in `trimmed`. Nothing is written by hand.
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

# (exchange keys, endpoint name, title, the API version to take: a number, or "newest"), per daemon. The
# first exchange with a non-empty answer is taken; a version the daemon does not serve is replaced by the
# nearest one it does.
SAMPLES: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (("images.list",), "images.list", "image list", "1.24"),
    (("containers.inspect.running",), "containers.inspect", "container inspect", "newest"),
    (("events.populate", "swarm.events"), "system.events", "events", "1.21"),
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
    for version in served:
        if _vkey(version) >= _vkey(wanted):
            return version
    return served[-1]


def _short(release: str) -> str:
    return release.split("+")[0]


def samples_of(name: str, recording: dict[str, Any]) -> list[dict[str, Any]]:
    daemon = recording["daemon"]
    release = _short(str(daemon.get("Version") or name.removeprefix("docker-")))
    exchanges = {e["key"]: e for e in recording["exchanges"]}
    out = []
    for keys, endpoint, title, wanted in SAMPLES:
        for key in keys:
            exchange = exchanges.get(key, {"answers": []})
            answers = {
                a["version"]: a
                for a in exchange["answers"]
                if a["version"] and a["status"] < 400 and recording["bodies"][a["body"]].strip()
            }
            if answers:
                break
        else:
            print(f"[demo] {name}: no answer to {' or '.join(keys)}, skipped", file=sys.stderr)
            continue
        version = _choose(sorted(answers, key=_vkey), wanted)
        answer = answers[version]
        body, trimmed = _trim(recording["bodies"][answer["body"]], bool(exchange.get("stream")))
        path = answer.get("path") or exchange["path"]
        out.append(
            {
                "id": f"{endpoint}@{'.'.join(release.split('.')[:2])}",
                "endpoint": endpoint,
                "title": title,
                "daemon": f"Docker {release}",
                "source": f"tests/fixtures/recorded/{name}.json",
                "exchange": key,
                "version": version,
                "method": exchange["method"],
                "path": f"/v{version}{path}",
                "status": answer["status"],
                "stream": bool(exchange.get("stream")),
                "trimmed": trimmed,
                "body": body,
            }
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
    chosen = [recordings[0]] if len(recordings) == 1 else [recordings[0], recordings[-1]]
    samples = [sample for name, recording in chosen for sample in samples_of(name, recording)]
    return {
        "about": "Real answers of Docker daemons (tools/record.py), picked by tools/make_demo_data.py",
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
