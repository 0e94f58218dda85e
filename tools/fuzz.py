#!/usr/bin/env python3
"""Mutation fuzzing of the recorded answers (tests/fuzz.py), by hand, for long runs.

    python tools/fuzz.py --mutations 1000000 --seed 13 [--jobs 2] [--target 1.44] [--engine docker]
    python tools/fuzz.py --seed 13 --case 41523        # one case again: its mutations and what failed

Prints a summary (count, seed, time, outcomes, mutations by kind, failures with the case numbers that
repeat them) and exits 1 if anything failed. Every case depends on (seed, case number) alone, so the
figures do not depend on --jobs. The quick, bounded run of the same fuzzer is tests/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import fuzz


def _part(args: tuple[int, int, int, str | None, str, bool]) -> fuzz.Report:
    seed, start, count, target, engine, reference = args
    return fuzz.run(seed, count, fuzz.Target(target, engine), start=start, reference=reference)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mutations", type=int, default=100_000, help="how many mutated documents")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (the machine has 2 cores)")
    parser.add_argument("--target", default=None, help="the API version to produce (default: the newest)")
    parser.add_argument("--engine", default="docker", help="whose recorded answers: docker or podman")
    parser.add_argument("--no-reference", action="store_true", help="skip the marshmallow comparison")
    parser.add_argument("--case", type=int, default=None, help="run one case and show it")
    args = parser.parse_args(argv)
    target = fuzz.Target(args.target, args.engine)
    if args.case is not None:
        case = fuzz.make_case(args.seed, args.case, target)
        print(case.describe())
        outcome, failure = fuzz.check(case, target, reference=not args.no_reference)
        print(f"{outcome}: {failure or 'every check passed'}")
        return 1 if failure else 0
    began = time.monotonic()
    fuzz.corpus(target)  # loaded once before the workers fork
    jobs = max(1, args.jobs)
    size = -(-args.mutations // jobs)
    parts = [
        (args.seed, start, min(size, args.mutations - start), args.target, args.engine, not args.no_reference)
        for start in range(0, args.mutations, size)
    ]
    if jobs == 1:
        reports = [_part(part) for part in parts]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            reports = pool.map(_part, parts)
    total = fuzz.Report(args.seed, target)
    for report in reports:
        total.merge(report)
    total.seconds = time.monotonic() - began
    print(total.summary())
    return 1 if total.failures else 0


if __name__ == "__main__":
    sys.exit(main())
