#!/usr/bin/env python3
"""How each recorded Podman's normalised answers differ in structure from Docker 29.7's (issue 15's to-do).

    .venv/bin/python tools/podman_report.py            # per exchange, then the summary
    .venv/bin/python tools/podman_report.py --summary  # the summary only
    .venv/bin/python tools/podman_report.py --version 5.8.6 --limit 40

For every request recorded on a Podman (tests/fixtures/podman/) and on Docker 29.7 (tests/fixtures/
recorded/), it normalises Podman's answer (source version: its `Api-Version` header; headers passed where
`normalize()` takes them) and Docker 29.7's newest answer to the library's target, and compares their
structure (keys and value types) as tests/test_cross_daemon.py does (`structure`, `reconcile`, and
tests/oracle.py's `diff`; the fields the library declares underivable between the two versions are left
out). Nothing here is asserted: it reports. Needs the project's venv (the library and pytest importable).
"""

from __future__ import annotations

import argparse
import collections
import inspect
import json
import os
import sys
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from packaging.version import Version  # noqa: E402

import normalize_engine as ne  # noqa: E402
from normalize_engine._endpoints import Kind, route  # noqa: E402
from normalize_engine._versions import split_path  # noqa: E402
from tests.oracle import diff, prune, underivable_paths  # noqa: E402
from tests.recorded import Answer, Daemon, Exchange, load_podman, load_recorded  # noqa: E402
from tests.test_cross_daemon import reconcile, structure  # noqa: E402

NORMALIZE_PARAMS = frozenset(inspect.signature(ne.normalize).parameters)
STREAM_PARAMS = frozenset(inspect.signature(ne.normalize_stream).parameters)


def api_version(answer: Answer) -> str | None:
    for key, value in answer.headers.items():
        if key.lower() == "api-version":
            return value
    return None


def normalised(exchange: Exchange, answer: Answer, source: str | None) -> Any:
    if exchange.stream:
        extra = {"headers": dict(answer.headers)} if "headers" in STREAM_PARAMS else {}
        return list(ne.normalize_stream([answer.text], exchange.path, method=exchange.method, version=source,
                                        target=ne.LATEST, **extra))
    extra = {"headers": dict(answer.headers)} if "headers" in NORMALIZE_PARAMS else {}
    return ne.normalize(answer.text, exchange.path, method=exchange.method, status=answer.status,
                        version=source, target=ne.LATEST, **extra)


def general(path: str) -> str:
    """A difference's path with list positions as `*` (the same field of every item counts once)."""
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def short(value: Any) -> str:
    text = "(absent)" if repr(value) == "(absent)" else json.dumps(value, sort_keys=True)
    return text if len(text) <= 50 else text[:47] + "..."


def compare(podman: Daemon, docker: Daemon, exchange: Exchange) -> tuple[str, list[str]]:
    """("alike" | "differ" | "status" | "skip" | "error", differences as text)."""
    _, bare, _ = split_path(exchange.path)
    endpoint = route(exchange.method, bare)
    if endpoint is None or endpoint.kind is Kind.RAW:
        return "skip", []
    try:
        theirs_ex = docker.exchange(exchange.key)
    except KeyError:
        return "skip", []
    ours, theirs = exchange.newest(), theirs_ex.newest()
    if ours.status != theirs.status:
        return "status", [f"status: Docker {theirs.status}, Podman {ours.status}"]
    if not (ours.text.strip() and theirs.text.strip()):
        return "skip", []
    source = api_version(ours) or str(ours.version)
    try:
        got = normalised(exchange, ours, source)
        want = normalised(theirs_ex, theirs, str(theirs.version))
    except Exception as e:
        return "error", [f"{type(e).__name__}: {e}"]
    excused = underivable_paths(endpoint.name, source, ne.LATEST)
    if endpoint.many or exchange.stream:
        excused = tuple(f"*.{p}" for p in excused)
    want_shape = structure(prune(want, excused))
    found = diff(want_shape, reconcile(want_shape, structure(prune(got, excused))))
    if not found:
        return "alike", []
    return "differ", [f"{general(d.path)}: Docker {short(d.expected)}, Podman {short(d.got)}" for d in found]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--summary", action="store_true", help="the summary only")
    ap.add_argument("--version", action="append", help="only this Podman version (repeatable)")
    ap.add_argument("--limit", type=int, default=12, help="differences shown per exchange (default 12)")
    ap.add_argument("--top", type=int, default=15, help="differences listed per version in the summary")
    args = ap.parse_args(argv)
    docker = max(load_recorded(), key=lambda d: Version(d.api_version))
    podmans = [p for p in load_podman() if not args.version or str(p.info["Version"]) in args.version]
    summary = []
    for podman in podmans:
        counts: collections.Counter[str] = collections.Counter()
        paths: collections.Counter[str] = collections.Counter()
        endpoints: dict[str, set[str]] = collections.defaultdict(set)
        if not args.summary:
            print(f"\n## Podman {podman.info['Version']} (Api-Version {podman.api_version}) against Docker "
                  f"{docker.info['Version']} ({docker.api_version}), both normalised to {ne.LATEST}")
        for exchange in podman.exchanges:
            verdict, found = compare(podman, docker, exchange)
            counts[verdict] += 1
            for line in dict.fromkeys(found):
                paths[line] += 1
                endpoints[line].add(exchange.key)
            if not args.summary and verdict != "skip":
                print(f"- {exchange.key}: {verdict}" + (f" ({len(found)})" if verdict == "differ" else ""))
                for line in found[: args.limit]:
                    print(f"    {line}")
                if len(found) > args.limit:
                    print(f"    ... {len(found) - args.limit} more")
        summary.append((podman, counts, paths))
    print(f"\n## Summary: each Podman's answers normalised to {ne.LATEST} against Docker "
          f"{docker.info['Version']}'s (structure: keys and value types)")
    for podman, counts, paths in summary:
        judged = counts["alike"] + counts["differ"] + counts["status"] + counts["error"]
        print(f"\nPodman {podman.info['Version']}: {counts['alike']} of {judged} exchanges alike, "
              f"{counts['differ']} differ in structure, {counts['status']} answer another status, "
              f"{counts['error']} fail to normalise ({counts['skip']} not comparable: raw, empty or "
              f"not recorded on Docker); {len(paths)} distinct differences. Most frequent:")
        for line, n in paths.most_common(args.top):
            print(f"  {n:3}x {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
