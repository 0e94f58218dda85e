#!/usr/bin/env python3
"""How much normalize-engine costs, as ratios against baselines measured in the same process.

    python benchmarks/bench.py            # the full run (a few minutes; uses live daemons if running)
    python benchmarks/bench.py --quick    # a smoke run with small sizes (CI): a few seconds
    python benchmarks/bench.py --only containers,stream --repeat 31

Every figure is a ratio of two timings taken back to back, in one repeat, in this process, so that the
machine's speed cancels out; each line gives the median over the repeats and the spread (min, max and the
interquartile range). Each side of a ratio is the best of three back-to-back runs, which keeps other work
on the machine out of the figures. A collection runs before each timed block and the garbage collector is
off inside it, as ``timeit`` does: with it on (``--gc``), collections land at random points of either side
and the spread grows several times, while the medians move in the library's favour (``json.loads``
allocates far more objects, so it triggers more collections).

The bodies are built from answers real daemons gave (``tests/fixtures/recorded/``): the oldest answer the
20.10 daemon gives (API 1.18) for the container list, the image list and container inspect, repeated with
varied ids and names to the wanted size, and its event stream.

- ``parsed (held)``: ``normalize(parsed_json, path)`` / ``json.loads(bytes)``, on JSON decoded before the
  timing and held (1,000 inspect answers, or one 5,000-item list: tens of MB, out of the CPU caches).
  For inspect, ``parsed (held, 4 docs in cache)`` makes the same calls on 4 of the documents, which stay in
  the caches: the difference between the two is memory, not the library.
- ``parsed (fresh)``: ``normalize(json.loads(bytes), path)`` / ``json.loads(bytes)`` - 1: what a caller
  pays on top of decoding for ``normalize(response.json(), path)``, the JSON just decoded (in the caches).
- ``parsed (fresh, inplace=True)``: the same, with ``inplace=True``: the caller gives its objects up, which
  are then changed instead of copied.
- ``bytes``: ``normalize(bytes, path)`` / ``json.loads(bytes)`` - 1: the cost beyond decoding, when the
  library decodes the bytes itself (``normalize`` of bytes includes one ``json.loads``).
- ``same``: the same with the source version equal to the target (nothing to do).
- ``docker-py``: ``containers.list(all=True)`` on 200 real containers (created, not started), a wrapped
  client (``ne.wrap``) against an unwrapped one, on every running daemon of ``/tmp/ne-daemons`` (a daemon
  whose role is not "main", such as ``docker29-floor``, is labelled with its name). Skipped with a message
  when none runs. The containers are named ``ne-bench-*`` and removed afterwards.
- ``stream``: 100,000 events, one per chunk, through ``normalize_stream``: throughput, ratio against
  ``json.loads`` of each line, ``tracemalloc`` peak for 10k and for 100k events (flat means equal), and
  whether each event came out before the next chunk was asked for.
- ``compare`` (no targets): what users pick instead, as total time / ``json.loads`` of the same bytes, on
  the newest recorded daemon's inspect answers (29.7, API 1.55): ``orjson.loads``, and python-on-whales'
  pydantic model (``ContainerInspectResult.model_validate(json.loads(bytes))`` and
  ``model_validate_json(bytes)``), skipped with a message when not installed or when the model rejects a
  recorded answer; and ``orjson.loads`` on the container list.
- ``scale``: the per-call cost of wrapped docker-py clients under concurrency: the client process's CPU
  time (``time.process_time()``, every thread) over a run / the calls it made, each call a
  ``containers.list(all=True, filters=...)`` of 10 bench containers (11 requests). Against one thread on
  one daemon: 16 threads sharing one wrapped client of the 20.10 daemon (against one thread on it), and
  one thread on each of four daemons of four generations (20.10, 26.1, 28.5, 29.7) at once (against the
  mean of one thread on each); target 1.10x. For context, the wrapped / unwrapped wall time under the
  same concurrency. Runs under the library's default decoder.

The lines whose cost depends on the decoder the library uses (``bytes``, ``docker-py``, ``stream``) run
once with the standard library's decoder and once with orjson (the ``fast`` extra), labelled ``[json]``
and ``[orjson]``, in the same repeats; the baseline stays ``json.loads`` of the same bytes for both. Without
``normalize_engine._decoding.use_decoder`` or without orjson, only the ``[json]`` lines run.

This is a script, never a timed test: a busy machine would make a timed assertion flaky.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib
import importlib.metadata
import io
import json
import os
import statistics
import sys
import tarfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import normalize_engine as ne  # noqa: E402
import normalize_engine._decoding as ne_decoding  # noqa: E402
from tests.recorded import Daemon, load_recorded  # noqa: E402

DAEMONS_JSON = Path(os.environ.get("NE_DAEMON_ROOT", "/tmp/ne-daemons")) / "daemons.json"
BENCH_PREFIX = "ne-bench-"
BENCH_LABEL = "com.example.ne.bench"

# ------------------------------------------------------------------------------------------ decoders

# The lines whose cost depends on the decoder the library uses (bytes, docker-py, stream) run once per
# decoder, labelled [json] and [orjson]; their baseline is json.loads of the same bytes either way (what a
# caller pays without the library). The switch, ``_decoding.use_decoder(name) -> previous``, comes with the
# ``fast`` extra (issue 18); without it, or without orjson, only the standard library's lines run.
DECODERS: list[str] = ["json"]


def available_decoders() -> tuple[list[str], str]:
    """The decoders to run, and why the fast one is left out (empty when it is not)."""
    if getattr(ne_decoding, "use_decoder", None) is None:
        return ["json"], "normalize_engine._decoding.use_decoder is missing: [json] lines only"
    try:
        import orjson  # noqa: F401
    except ImportError:
        return ["json"], "orjson is not installed (pip install 'normalize-engine[fast]'): [json] lines only"
    return ["json", "orjson"], ""


@contextmanager
def decoder(name: str) -> Iterator[None]:
    """The library decoding with ``name`` inside the block (nothing to switch without ``use_decoder``)."""
    switch = getattr(ne_decoding, "use_decoder", None)
    if switch is None:
        yield
        return
    previous = switch(name)
    try:
        yield
    finally:
        switch(previous)


# ------------------------------------------------------------------------------------------ timing


GC_IN_TIMING = False  # --gc keeps the collector on inside timed blocks


BEST_OF = 3  # each side of a ratio is the best of this many back-to-back runs


def _timed(fn: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(BEST_OF):
        gc.collect()
        if not GC_IN_TIMING:
            gc.disable()
        try:
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def _timed_both(fn: Callable[[], Any]) -> tuple[float, float]:
    """``(wall, cpu)``: the best of :data:`BEST_OF` runs by ``perf_counter`` and by ``process_time`` (this
    process's CPU time: without the daemon's share of a call, which the wall clock holds)."""
    wall = cpu = float("inf")
    for _ in range(BEST_OF):
        gc.collect()
        if not GC_IN_TIMING:
            gc.disable()
        try:
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall = min(wall, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        finally:
            gc.enable()
    return wall, cpu


class Stats:
    """Ratios of one measurement over the repeats."""

    def __init__(self, values: list[float]) -> None:
        self.values = sorted(values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def quartiles(self) -> tuple[float, float]:
        if len(self.values) < 4:
            return self.values[0], self.values[-1]
        q = statistics.quantiles(self.values, n=4, method="inclusive")
        return q[0], q[2]

    def line(self, unit: str = "x") -> str:
        q1, q3 = self.quartiles()
        return (
            f"median {self.median:7.3f}{unit}  min {self.values[0]:.3f}  max {self.values[-1]:.3f}  "
            f"IQR {q1:.3f}..{q3:.3f}  (n={len(self.values)})"
        )


NAME_WIDTH = 56


def _row(
    name: str, stats: Stats, target: str = "", unit: str = "x", why: str = "", **extra: Any
) -> dict[str, Any]:
    verdict = ""
    if target:
        limit = float(target.rstrip("x"))
        verdict = "ok" if stats.median <= limit else "OVER"
        verdict = f"[target <= {target}: {verdict}{' - ' + why if why and verdict == 'OVER' else ''}]"
    print(f"  {name:<{NAME_WIDTH}} {stats.line(unit)} {verdict}", flush=True)
    q1, q3 = stats.quartiles()
    return {
        "name": name,
        "median": stats.median,
        "min": stats.values[0],
        "max": stats.values[-1],
        "q1": q1,
        "q3": q3,
        "n": len(stats.values),
        "target": target,
        **extra,  # decoder, daemon: what a line was measured with, for the JSON output
    }


# ------------------------------------------------------------------------------------------ bodies


def _daemon(newest: bool = False) -> Daemon:
    """The recorded daemon with the oldest API (or the newest)."""
    daemons = load_recorded()
    if not daemons:
        raise SystemExit("no recorded answers in tests/fixtures/recorded/")
    pick = max if newest else min
    return pick(daemons, key=lambda d: tuple(int(p) for p in d.api_version.split(".")))


def _hex(i: int, salt: str) -> str:
    return hashlib.sha256(f"{salt}{i}".encode()).hexdigest()


def _oldest(daemon: Daemon, key: str) -> tuple[str, Any]:
    exchange = daemon.exchange(key)
    answer = exchange.versioned()[0]
    return str(answer.version), answer.json()


def container_list(n: int) -> tuple[str, list[Any]]:
    version, items = _oldest(_daemon(), "containers.list.all")
    out = []
    for i in range(n):
        item = json.loads(json.dumps(items[i % len(items)]))
        item["Id"] = _hex(i, "c")
        item["Names"] = [f"/bench-{i}"]
        item["Created"] = int(item.get("Created", 0)) + i
        out.append(item)
    return version, out


def image_list(n: int) -> tuple[str, list[Any]]:
    version, items = _oldest(_daemon(), "images.list.all")
    out = []
    for i in range(n):
        item = json.loads(json.dumps(items[i % len(items)]))
        item["Id"] = "sha256:" + _hex(i, "i")
        if item.get("RepoTags") and item["RepoTags"] != ["<none>:<none>"]:
            item["RepoTags"] = [f"bench-{i}:latest"]
        out.append(item)
    return version, out


def container_inspects(n: int, daemon: Daemon | None = None) -> tuple[str, list[tuple[str, Any]]]:
    """``n`` inspect answers: the oldest API's of the oldest daemon, or the newest API's of ``daemon``."""
    pick = (lambda e: e.versioned()[0]) if daemon is None else (lambda e: e.newest())
    daemon = daemon or _daemon()
    templates = []
    for exchange in daemon.exchanges:
        if exchange.key.startswith("containers.inspect.") and not exchange.stream:
            answer = pick(exchange)
            if answer.status == 200:
                templates.append(answer.json())
    version = str(pick(daemon.exchange("containers.inspect.running")).version)
    out = []
    for i in range(n):
        doc = json.loads(json.dumps(templates[i % len(templates)]))
        doc["Id"] = _hex(i, "c")
        doc["Name"] = f"/bench-{i}"
        out.append((doc["Id"], doc))
    return version, out


def event_lines() -> tuple[str, list[bytes]]:
    daemon = _daemon()
    answer = daemon.exchange("events.populate").versioned()[0]
    lines = [line.encode() + b"\n" for line in answer.text.splitlines() if line.strip()]
    return str(answer.version), lines


# ------------------------------------------------------------------------------------------ benches


def _rows(
    name: str,
    held: list[float],
    fresh: list[float],
    given_up: list[float],
    raw: dict[str, list[float]],
    targets: tuple[str, str],
) -> list[dict[str, Any]]:
    """The lines of one body; ``raw`` holds the bytes line's ratios for each decoder."""
    copies = "parsed input is copied where it changes; inplace=True does not copy"
    return [
        _row(f"{name} parsed (held)", Stats(held), targets[0], why=copies),
        _row(f"{name} parsed (fresh, +loads - 1)", Stats(fresh), targets[0], why=copies),
        # inplace=True is opt-in (the caller gives its objects up): not the default contract, no target.
        _row(f"{name} parsed (fresh, inplace=True)", Stats(given_up)),
        *(
            _row(f"{name} bytes [{dec}] (total/json.loads - 1)", Stats(ratios), targets[1], decoder=dec)
            for dec, ratios in raw.items()
        ),
    ]


def bench_body(
    name: str,
    path: str,
    body: Any,
    repeat: int,
    targets: tuple[str, str],
    floor_line: bool = True,
    target: str | None = None,
) -> list[dict[str, Any]]:
    """``normalize`` of one big body: parsed and bytes, against ``json.loads`` of the same bytes (and, with
    ``floor_line``, a copy of each item, for a body whose items all change)."""
    raw = json.dumps(body).encode()
    parsed = json.loads(raw)
    ne.normalize(parsed, path, target=target)  # warm the caches (plan, compiled chain)
    held, fresh, given_up, floor = [], [], [], []
    from_bytes: dict[str, list[float]] = {dec: [] for dec in DECODERS}
    for _ in range(repeat):
        base = _timed(lambda: json.loads(raw))
        held.append(_timed(lambda: ne.normalize(parsed, path, target=target)) / base)
        fresh.append(_timed(lambda: ne.normalize(json.loads(raw), path, target=target)) / base - 1)
        given_up.append(
            _timed(lambda: ne.normalize(json.loads(raw), path, inplace=True, target=target)) / base - 1
        )
        for dec in DECODERS:
            with decoder(dec):
                from_bytes[dec].append(_timed(lambda: ne.normalize(raw, path, target=target)) / base - 1)
        if floor_line:
            # Parsed input is never changed: each changed item is copied first. What one dict() of every
            # item costs on its own (+ json.loads - 1), a floor under the fresh line.
            floor.append(_timed(lambda: [dict(item) for item in json.loads(raw)]) / base - 1)
    rows = _rows(name, held, fresh, given_up, from_bytes, targets)
    if floor_line:
        rows.append(_row(f"{name} floor: dict() of each item (fresh)", Stats(floor)))
    return rows


def bench_many(
    name: str, requests: list[tuple[str, Any]], repeat: int, targets: tuple[str, str]
) -> list[dict[str, Any]]:
    """One ``normalize`` call per document (inspect of many containers), against ``json.loads`` of each."""
    raws = [(path, json.dumps(doc).encode()) for path, doc in requests]
    parsed = [(path, json.loads(raw)) for path, raw in raws]
    normalize, loads_ = ne.normalize, json.loads
    for path, doc in parsed:
        normalize(doc, path)

    def loads() -> None:
        for _, raw in raws:
            loads_(raw)

    def run_held() -> None:
        for path, doc in parsed:
            normalize(doc, path)

    # The same calls on 4 documents that stay in the CPU caches: how much of the held figure is memory.
    cached = [(path, parsed[index % 4][1]) for index, (path, _) in enumerate(parsed)]

    def run_cached() -> None:
        for path, doc in cached:
            normalize(doc, path)

    def run_fresh() -> None:
        for path, raw in raws:
            normalize(loads_(raw), path)

    def run_given_up() -> None:
        for path, raw in raws:
            normalize(loads_(raw), path, inplace=True)

    def run_bytes() -> None:
        for path, raw in raws:
            normalize(raw, path)

    held, in_cache, fresh, given_up = [], [], [], []
    from_bytes: dict[str, list[float]] = {dec: [] for dec in DECODERS}
    for _ in range(repeat):
        base = _timed(loads)
        held.append(_timed(run_held) / base)
        in_cache.append(_timed(run_cached) / base)
        fresh.append(_timed(run_fresh) / base - 1)
        given_up.append(_timed(run_given_up) / base - 1)
        for dec in DECODERS:
            with decoder(dec):
                from_bytes[dec].append(_timed(run_bytes) / base - 1)
    return [
        *_rows(name, held, fresh, given_up, from_bytes, targets),
        _row(f"{name} parsed (held, 4 docs in cache)", Stats(in_cache)),
    ]


# "Flat" memory: the peak for 10x the events within 10 % of the smaller run's (a leak would show ~10x).
FLAT_MEMORY = 1.10


def bench_stream(n_small: int, n_big: int, repeat: int) -> list[dict[str, Any]]:
    version, lines = event_lines()
    path = f"/v{version}/events"

    def chunks(n: int, produced: list[int]) -> Iterator[bytes]:
        count = len(lines)
        for i in range(n):
            produced[0] += 1
            yield lines[i % count]

    rows: list[dict[str, Any]] = []
    for dec in DECODERS:
        with decoder(dec):
            # Delivery: every event comes out before the next chunk is asked for.
            produced = [0]
            late = 0
            for index, _ in enumerate(ne.normalize_stream(chunks(min(n_small, 5000), produced), path)):
                if produced[0] != index + 1:
                    late += 1
            delivered = "all" if not late else f"{late} late"
            print(f"  [{dec}] events delivered before the next chunk was read: {delivered}")

            # Memory: tracemalloc peak for n_small and n_big events (the events are consumed and dropped).
            peaks = {}
            for n in (n_small, n_big):
                gc.collect()
                tracemalloc.start()
                for _ in ne.normalize_stream(chunks(n, [0]), path):
                    pass
                peaks[n] = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
        growth = peaks[n_big] / peaks[n_small]
        print(
            f"  [{dec}] tracemalloc peak: {n_small:,} events {peaks[n_small] / 1024:.1f} KiB, "
            f"{n_big:,} events {peaks[n_big] / 1024:.1f} KiB (ratio {growth:.2f}; flat is 1.00) "
            f"[target flat, <= {FLAT_MEMORY:.2f}: {'ok' if growth <= FLAT_MEMORY else 'OVER'}]"
        )
        rows.append(
            {
                "name": f"stream peak memory {n_big:,} vs {n_small:,} events [{dec}]",
                "median": growth,
                "target": f"{FLAT_MEMORY:.2f}x",
                "small_kib": peaks[n_small] / 1024,
                "big_kib": peaks[n_big] / 1024,
                "late": late,
                "decoder": dec,
            }
        )

    # Throughput, and the ratio against json.loads of each line (the baseline for every decoder).
    def loads() -> None:
        for chunk in chunks(n_big, [0]):
            json.loads(chunk)

    def run() -> None:
        for _ in ne.normalize_stream(chunks(n_big, [0]), path):
            pass

    rates: dict[str, list[float]] = {dec: [] for dec in DECODERS}
    ratios: dict[str, list[float]] = {dec: [] for dec in DECODERS}
    for _ in range(repeat):
        base = _timed(loads)
        for dec in DECODERS:
            with decoder(dec):
                t = _timed(run)
            rates[dec].append(n_big / t)
            ratios[dec].append(t / base)
    for dec in DECODERS:
        rates_stats = Stats(rates[dec])
        q1, q3 = rates_stats.quartiles()
        name = f"stream throughput [{dec}] (events/s)"
        print(
            f"  {name:<{NAME_WIDTH}} median {rates_stats.median:,.0f}/s  min {rates_stats.values[0]:,.0f}  "
            f"max {rates_stats.values[-1]:,.0f}  IQR {q1:,.0f}..{q3:,.0f}  (n={len(rates_stats.values)})"
        )
        rows.append(
            {
                "name": f"stream events/s [{dec}]",
                "median": rates_stats.median,
                "min": rates_stats.values[0],
                "max": rates_stats.values[-1],
                "decoder": dec,
            }
        )
    for dec in DECODERS:
        # The target (1.0x json.loads per event) is for the standard library's decoder.
        target = "1.0x" if dec == "json" else ""
        name = f"stream {n_big:,} events [{dec}] / json.loads per line"
        rows.append(_row(name, Stats(ratios[dec]), target, decoder=dec))
    return rows


# ------------------------------------------------------------------------------------------ docker-py


def _busybox_tar() -> bytes:
    for candidate in ("/bin/busybox", "/usr/bin/busybox"):
        if os.path.exists(candidate):
            data = Path(candidate).read_bytes()
            break
    else:
        raise RuntimeError("no busybox binary to import an image from (apt-get install busybox-static)")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("bin/busybox")
        info.size, info.mode, info.mtime = len(data), 0o755, 1_700_000_000
        tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("bin/true")
        link.type, link.linkname, link.mtime = tarfile.SYMTYPE, "busybox", 1_700_000_000
        tar.addfile(link)
    return buf.getvalue()


def _bench_image(api: Any) -> str:
    for image in ("ne-base:1", "ne-bench:1"):
        try:
            api.inspect_image(image)
            return image
        except Exception:
            continue
    api.import_image_from_data(_busybox_tar(), repository="ne-bench", tag="1")
    return "ne-bench:1"


def _remove_bench_containers(api: Any) -> None:
    for c in api.containers(all=True, filters={"label": BENCH_LABEL}):
        api.remove_container(c["Id"], force=True)


# wrapped / unwrapped docker-py, by the decoder the library uses (issue 18)
DOCKER_PY_TARGETS = {"json": "1.03x", "orjson": "1.00x"}


def _daemon_label(entry: dict[str, Any]) -> str:
    """A daemon of daemons.json, told apart from another of the same version: its version, and its suite
    when its role is not "main" (docker29-floor is a second 29.7 daemon, with a raised minimum API)."""
    version = str(entry.get("version", "?"))
    role = entry.get("role", "main")
    return version if role == "main" else f"{version} {entry.get('suite', role)}"


def _docker_py() -> Any:
    """docker-py, when it is installed and a daemon is running; else None, with the reason printed."""
    try:
        import docker
    except ImportError:
        print("  skipped: docker-py is not installed (pip install docker)")
        return None
    if not DAEMONS_JSON.exists():
        print(f"  skipped: no daemon is running ({DAEMONS_JSON} not found; tools/daemons.sh start)")
        return None
    return docker


def bench_docker_py(count: int, repeat: int) -> list[dict[str, Any]]:
    docker = _docker_py()
    if docker is None:
        return []
    rows = []
    for entry in json.loads(DAEMONS_JSON.read_text()):
        socket = entry["socket"]
        try:
            plain = docker.DockerClient(base_url=socket, timeout=60)
            plain.ping()
        except Exception as exc:
            print(f"  skipped {entry.get('version', socket)}: not answering ({type(exc).__name__})")
            continue
        wrapped = ne.wrap(docker.DockerClient(base_url=socket, timeout=60))
        api = plain.api
        try:
            _remove_bench_containers(api)
            image = _bench_image(api)
            for i in range(count):
                api.create_container(
                    image, command=["true"], name=f"{BENCH_PREFIX}{i}", labels={BENCH_LABEL: "1"}
                )
            filters = {"label": BENCH_LABEL}

            def listing(client: Any, filters: dict[str, str] = filters) -> Callable[[], Any]:
                return lambda: client.containers.list(all=True, filters=filters)

            assert len(listing(wrapped)()) == count and len(listing(plain)()) == count
            ratios: dict[str, list[float]] = {dec: [] for dec in DECODERS}
            cpu_ratios: dict[str, list[float]] = {dec: [] for dec in DECODERS}
            sides = [None, *DECODERS]  # None: the unwrapped client
            for r in range(repeat):
                # Alternate the order so that no side always runs on a warmer daemon.
                times: dict[str | None, tuple[float, float]] = {}
                for side in sides if r % 2 == 0 else sides[::-1]:
                    if side is None:
                        times[side] = _timed_both(listing(plain))
                    else:
                        with decoder(side):
                            times[side] = _timed_both(listing(wrapped))
                for dec in DECODERS:
                    ratios[dec].append(times[dec][0] / times[None][0])
                    cpu_ratios[dec].append(times[dec][1] / times[None][1])
            label = f"docker-py list {count} @ {_daemon_label(entry)} (API {api.api_version})"
            daemon = entry.get("suite", socket)
            for dec in DECODERS:
                target = DOCKER_PY_TARGETS[dec]
                rows.append(_row(f"{label} [{dec}]", Stats(ratios[dec]), target, decoder=dec, daemon=daemon))
            for dec in DECODERS:
                # The client's CPU time alone: what the library adds, without the daemon's time in both
                rows.append(
                    _row(f"{label} [{dec}] client CPU", Stats(cpu_ratios[dec]), decoder=dec, daemon=daemon)
                )
        finally:
            _remove_bench_containers(api)
            plain.close()
            wrapped.close()
    if not rows:
        print("  skipped: no daemon answered")
    return rows


# ------------------------------------------------------------------------------------------ scale

# The four Docker generations of the scale lines, one daemon each (role "main" first).
SCALE_GENERATIONS = ("20.10", "26.1", "28.5", "29.7")
SCALE_THREADS = 16


def _generation(entry: dict[str, Any]) -> str:
    """A daemons.json entry's Docker generation: "20.10" for 20.10.24+dfsg1."""
    return ".".join(str(entry.get("version", "")).split(".")[:2])


def _scale_daemons() -> list[dict[str, Any]]:
    """One daemons.json entry per generation of SCALE_GENERATIONS, oldest first (role "main" preferred)."""
    entries = json.loads(DAEMONS_JSON.read_text())
    picked: dict[str, dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda e: e.get("role", "main") != "main"):
        generation = _generation(entry)
        if generation in SCALE_GENERATIONS and generation not in picked:
            picked[generation] = entry
    return [picked[g] for g in SCALE_GENERATIONS if g in picked]


def _run_threads(jobs: list[tuple[Callable[[], Any], int]]) -> tuple[float, float, int]:
    """Run each job (a call, how many times) in a thread of its own, all released at once: the process's
    CPU time, the wall time and the number of calls. A call that fails is raised here."""
    barrier = threading.Barrier(len(jobs) + 1)
    errors: list[BaseException] = []

    def work(call: Callable[[], Any], times: int) -> None:
        barrier.wait()
        try:
            for _ in range(times):
                call()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    gc.collect()
    if not GC_IN_TIMING:
        gc.disable()
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        barrier.wait()
        for thread in threads:
            thread.join()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        gc.enable()
    if errors:
        raise errors[0]
    return cpu, wall, sum(times for _, times in jobs)


def bench_scale(count: int, calls: int, repeat: int) -> list[dict[str, Any]]:
    """Per-call cost of wrapped docker-py clients under concurrency, against one thread on one daemon."""
    docker = _docker_py()
    if docker is None:
        return []
    daemons, setups = [], []
    for entry in _scale_daemons():
        try:
            setup = docker.DockerClient(base_url=entry["socket"], timeout=60)
            setup.ping()
        except Exception as exc:
            print(f"  left out {_daemon_label(entry)}: not answering ({type(exc).__name__})")
            continue
        daemons.append(entry)
        setups.append(setup)
    missing = [g for g in SCALE_GENERATIONS if g not in {_generation(e) for e in daemons}]
    if missing:
        print(f"  no daemon of {', '.join(missing)}: the four-daemon line runs on {len(daemons)}")
    if not daemons:
        print("  skipped: no daemon answered")
        return []
    clients: list[tuple[Any, Any]] = []  # (wrapped, plain) per daemon
    try:
        for setup in setups:
            _remove_bench_containers(setup.api)
            image = _bench_image(setup.api)
            for i in range(count):
                setup.api.create_container(
                    image, command=["true"], name=f"{BENCH_PREFIX}scale-{i}", labels={BENCH_LABEL: "1"}
                )
        # A pool per client as large as the threads: docker-py's default (10) would have the 16 threads
        # open and drop connections, a cost of the pool size and not of the library.
        pool = {"timeout": 60, "max_pool_size": SCALE_THREADS}
        for entry in daemons:
            wrapped = ne.wrap(docker.DockerClient(base_url=entry["socket"], **pool))
            clients.append((wrapped, docker.DockerClient(base_url=entry["socket"], **pool)))
        rows = _scale_rows(daemons, clients, count, calls, repeat)
    finally:
        for setup in setups:
            _remove_bench_containers(setup.api)
            setup.close()
        for wrapped, plain in clients:
            wrapped.close()
            plain.close()
    return rows


def _scale_rows(
    daemons: list[dict[str, Any]], clients: list[tuple[Any, Any]], count: int, calls: int, repeat: int
) -> list[dict[str, Any]]:
    filters = {"label": BENCH_LABEL}

    def listing(client: Any) -> Callable[[], Any]:
        return lambda: client.containers.list(all=True, filters=filters)

    for wrapped, plain in clients:  # warm: plans, connections; and every container is there
        assert len(listing(wrapped)()) == count and len(listing(plain)()) == count
    n = len(clients)
    per_thread, per_daemon = max(1, calls // SCALE_THREADS), max(1, calls // n)
    # name -> jobs; "ref <i>": one thread on daemon i; the 16 threads share the oldest daemon's client.
    scenarios: dict[str, list[tuple[Callable[[], Any], int]]] = {}
    for i, (wrapped, plain) in enumerate(clients):
        scenarios[f"ref {i}"] = [(listing(wrapped), calls)]
        scenarios[f"ref plain {i}"] = [(listing(plain), calls)]
    scenarios["threads"] = [(listing(clients[0][0]), per_thread)] * SCALE_THREADS
    scenarios["threads plain"] = [(listing(clients[0][1]), per_thread)] * SCALE_THREADS
    scenarios["daemons"] = [(listing(wrapped), per_daemon) for wrapped, _ in clients]
    scenarios["daemons plain"] = [(listing(plain), per_daemon) for _, plain in clients]
    names = list(scenarios)
    ref_cost, threads_ratio, daemons_ratio = [], [], []
    threads_plain, daemons_plain = [], []  # the same ratios of the unwrapped clients, for comparison
    wall_one, wall_threads, wall_daemons = [], [], []
    for r in range(repeat):
        cost: dict[str, float] = {}  # CPU seconds per call
        wall: dict[str, float] = {}  # wall seconds per call
        for name in names if r % 2 == 0 else names[::-1]:
            cpu, elapsed, done = _run_threads(scenarios[name])
            cost[name], wall[name] = cpu / done, elapsed / done
        reference = statistics.fmean(cost[f"ref {i}"] for i in range(n))
        reference_plain = statistics.fmean(cost[f"ref plain {i}"] for i in range(n))
        ref_cost.append(reference * 1000)
        threads_ratio.append(cost["threads"] / cost["ref 0"])
        daemons_ratio.append(cost["daemons"] / reference)
        threads_plain.append(cost["threads plain"] / cost["ref plain 0"])
        daemons_plain.append(cost["daemons plain"] / reference_plain)
        wall_one.append(wall["ref 0"] / wall["ref plain 0"])
        wall_threads.append(wall["threads"] / wall["threads plain"])
        wall_daemons.append(wall["daemons"] / wall["daemons plain"])
    oldest = _daemon_label(daemons[0])
    return [
        _row(f"scale CPU ms per call, 1 thread x 1 daemon (mean of {n})", Stats(ref_cost), unit="ms"),
        _row(
            f"scale CPU/call {SCALE_THREADS} threads, 1 client @ {oldest} / 1 thread",
            Stats(threads_ratio),
            "1.10x",
        ),
        _row(f"scale CPU/call {n} daemons at once / 1 thread x 1 daemon", Stats(daemons_ratio), "1.10x"),
        # What the process pays for threads and daemons without the library: the part of the two lines
        # above that is not the library's.
        _row(f"scale CPU/call {SCALE_THREADS} threads / 1 thread, unwrapped", Stats(threads_plain)),
        _row(f"scale CPU/call {n} daemons at once / 1 thread x 1 daemon, unwrapped", Stats(daemons_plain)),
        _row(
            f"scale the library's part: {SCALE_THREADS} threads, wrapped ratio / unwrapped ratio",
            Stats([w / p for w, p in zip(threads_ratio, threads_plain, strict=True)]),
        ),
        _row(
            f"scale the library's part: {n} daemons, wrapped ratio / unwrapped ratio",
            Stats([w / p for w, p in zip(daemons_ratio, daemons_plain, strict=True)]),
        ),
        _row(f"scale wall wrapped/unwrapped, 1 thread @ {oldest}", Stats(wall_one)),
        _row(f"scale wall wrapped/unwrapped, {SCALE_THREADS} threads @ {oldest}", Stats(wall_threads)),
        _row(f"scale wall wrapped/unwrapped, {n} daemons at once", Stats(wall_daemons)),
    ]


# ------------------------------------------------------------------------------------------ comparison


def _pydantic_inspect_model() -> tuple[Any, str]:
    """python-on-whales' model of a container inspect and where it was found, or None and why not."""
    try:
        import python_on_whales
    except ImportError:
        return None, "python-on-whales is not installed (pip install python-on-whales)"
    try:
        version = importlib.metadata.version("python-on-whales")
    except importlib.metadata.PackageNotFoundError:
        version = getattr(python_on_whales, "__version__", "?")
    # Where python-on-whales keeps it (components.container.models since the pydantic models were split).
    for module_name in (
        "python_on_whales.components.container.models",
        "python_on_whales.components.container.cli_wrapper",
        "python_on_whales.components.container",
    ):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        model = getattr(module, "ContainerInspectResult", None)
        if model is not None:
            return model, f"python-on-whales {version}, {module_name}.ContainerInspectResult"
    return None, f"no ContainerInspectResult model found in python-on-whales {version}"


def _model_rejects(model: Any, daemon: Daemon) -> str:
    """The first recorded inspect of ``daemon`` that ``model`` rejects ("" when it takes them all)."""
    validate = getattr(model, "model_validate", None) or model.parse_obj  # pydantic 2, or 1
    for exchange in daemon.exchanges:
        if exchange.key.startswith("containers.inspect.") and not exchange.stream:
            answer = exchange.newest()
            if answer.status == 200:
                try:
                    validate(answer.json())
                except Exception as exc:
                    first = (str(exc) or type(exc).__name__).splitlines()[0]
                    return f"{exchange.key} @ {answer.version}: {type(exc).__name__}: {first}"
    return ""


def bench_compare(n_inspect: int, n_containers: int, repeat: int) -> list[dict[str, Any]]:
    """What users pick instead, on the same bytes, as ratios of totals against ``json.loads``: orjson's
    decoder, and python-on-whales' pydantic model of a container inspect (a typed, consistent shape)."""
    daemon = _daemon(newest=True)  # the model is written for current daemons' answers
    version, docs = container_inspects(n_inspect, daemon)
    raws = [json.dumps(doc).encode() for _, doc in docs]
    _, body = container_list(n_containers)
    list_raw = json.dumps(body).encode()
    print(
        f"  {n_inspect:,} container inspects as {daemon.name} answers them (API {version}), one call each; "
        f"the {n_containers:,}-container list of the containers lines"
    )
    loads_ = json.loads

    def loads() -> None:
        for raw in raws:
            loads_(raw)

    sides: dict[str, Callable[[], Any]] = {}  # the inspect lines: name -> run over every document
    try:
        from orjson import loads as orjson_loads
    except ImportError:
        orjson_loads = None
        print("  skipped the orjson lines: orjson is not installed (pip install orjson)")
    else:

        def orjson_inspects() -> None:
            for raw in raws:
                orjson_loads(raw)

        sides[f"inspect x{n_inspect}: orjson.loads / json.loads"] = orjson_inspects

    model, where = _pydantic_inspect_model()
    rejected = _model_rejects(model, daemon) if model is not None else ""
    if model is None:
        print(f"  skipped the pydantic lines: {where}")
    elif rejected:
        print(f"  skipped the pydantic lines: {where} rejects the recorded inspect {rejected}")
    else:
        print(f"  pydantic model: {where}")
        validate = getattr(model, "model_validate", None) or model.parse_obj  # pydantic 2, or 1
        validate_json = getattr(model, "model_validate_json", None) or model.parse_raw

        def pydantic_inspects() -> None:
            for raw in raws:
                validate(loads_(raw))

        def pydantic_json_inspects() -> None:
            for raw in raws:
                validate_json(raw)

        sides[f"inspect x{n_inspect}: model_validate(json.loads) / json.loads"] = pydantic_inspects
        sides[f"inspect x{n_inspect}: model_validate_json / json.loads"] = pydantic_json_inspects

    ratios: dict[str, list[float]] = {name: [] for name in sides}
    list_ratios: list[float] = []
    # pydantic and python-on-whales add tens of thousands of long-lived objects, which every collection
    # before a timed block would walk again: set aside (gc.freeze) for this section's timings.
    gc.collect()
    gc.freeze()
    try:
        for _ in range(repeat):
            base = _timed(loads)
            for name, run in sides.items():
                ratios[name].append(_timed(run) / base)
            if orjson_loads is not None:
                list_base = _timed(lambda: loads_(list_raw))
                list_ratios.append(_timed(lambda: orjson_loads(list_raw)) / list_base)
    finally:
        gc.unfreeze()
    rows = [_row(f"compare {name}", Stats(values)) for name, values in ratios.items()]
    if list_ratios:
        name = f"compare containers.list x{n_containers}: orjson.loads / json.loads"
        rows.append(_row(name, Stats(list_ratios)))
    return rows


# ------------------------------------------------------------------------------------------ main


# ------------------------------------------------------------------------------------------ startup

#: What a fresh process runs to time planning: the first inspect of a 1.18 path, minus the same call's
#: steady cost; ``warm`` first normalises a container list (another endpoint), so that the registries are
#: built and the figure is the planning of the inspect chain alone. Prints JSON: milliseconds.
_PLANNING_CHILD = """
import json, sys, time
bodies = json.load(open(sys.argv[1]))
warm = sys.argv[2] == "warm"
body = json.dumps(bodies["inspect"]).encode()
path = "/v%s/containers/%s/json" % (bodies["version"], bodies["id"])
import normalize_engine as ne
start = time.perf_counter()
if warm:
    ne.normalize(json.dumps(bodies["list"]).encode(), "/v%s/containers/json" % bodies["list_version"])
middle = time.perf_counter()
ne.normalize(body, path)
first = time.perf_counter() - middle
steady = []
for _ in range(51):
    t0 = time.perf_counter()
    ne.normalize(body, path)
    steady.append(time.perf_counter() - t0)
steady.sort()
print(json.dumps({"warm_up": 1e3 * (middle - start), "first": 1e3 * first, "steady": 1e3 * steady[25]}))
"""


def _startup_env(cache: str) -> dict[str, str]:
    """The children's environment: bytecode cached in ``cache`` (written by a warm-up run), as an installed
    package has it (pip compiles at install); PYTHONDONTWRITEBYTECODE would make every run compile the
    package's sources again, which is not what users pay."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def _import_ms(env: dict[str, str]) -> float:
    """The cumulative figure of the ``normalize_engine`` line of ``python -X importtime``, in ms."""
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import normalize_engine"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == "normalize_engine":
            return int(parts[1]) / 1000
    raise RuntimeError(f"no normalize_engine line in -X importtime's output:\n{proc.stderr[-2000:]}")


def _planning(env: dict[str, str], bodies: str, warm: bool) -> dict[str, float]:
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-c", _PLANNING_CHILD, bodies, "warm" if warm else "cold"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(proc.stdout.splitlines()[-1])
    return result


def bench_startup(runs: int) -> list[dict[str, Any]]:
    """``import normalize_engine`` and planning a new inspect path, each over ``runs`` fresh processes."""
    import tempfile

    version, docs = container_inspects(1)
    list_version, items = container_list(20)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ne-bench-startup-") as tmp:
        env = _startup_env(os.path.join(tmp, "pycache"))
        bodies = os.path.join(tmp, "bodies.json")
        Path(bodies).write_text(
            json.dumps(
                {"version": version, "id": docs[0][0], "inspect": docs[0][1], "list_version": list_version,
                 "list": items}
            )
        )
        _planning(env, bodies, warm=False)  # the warm-up run: writes the bytecode of everything involved
        imports = [_import_ms(env) for _ in range(runs)]
        rows.append(_row("import normalize_engine (cumulative, -X importtime)", Stats(imports), "50", " ms"))
        warm = [_planning(env, bodies, warm=True) for _ in range(runs)]
        plans = [r["first"] - r["steady"] for r in warm]
        rows.append(_row("planning a new inspect path", Stats(plans), "1", " ms"))
        cold = [_planning(env, bodies, warm=False) for _ in range(runs)]
        firsts = Stats([r["first"] - r["steady"] for r in cold])
        builds = Stats([r["warm_up"] for r in warm])
        print(
            f"  (planning: the first normalize() of /v{version}/containers/<id>/json minus the same call's "
            f"steady {statistics.median(r['steady'] for r in warm):.3f} ms, after a container list built "
            f"the registries; that first list took median {builds.median:.1f} ms. Without it, the first "
            f"inspect after the import, registries included: median {firsts.median:.1f} ms, min "
            f"{firsts.values[0]:.1f}, max {firsts.values[-1]:.1f}, n={len(firsts.values)})",
            flush=True,
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (a smoke run)")
    parser.add_argument("--repeat", type=int, help="repeats per measurement (default 15, quick 3)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated subset of: "
        "containers,down,images,inspect,same,docker,stream,compare,scale,startup",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument(
        "--gc", action="store_true", help="keep the garbage collector on inside timed blocks (noisier)"
    )
    args = parser.parse_args(argv)
    global GC_IN_TIMING, DECODERS
    GC_IN_TIMING = args.gc
    DECODERS, why_not = available_decoders()
    quick = args.quick
    repeat = args.repeat or (3 if quick else 15)
    only = {s.strip() for s in args.only.split(",") if s.strip()}

    def wanted(name: str) -> bool:
        return not only or name in only

    n_containers, n_images, n_inspect = (200, 100, 50) if quick else (5000, 2000, 1000)
    n_docker = 10 if quick else 200
    n_stream = (1000, 10000) if quick else (10_000, 100_000)
    n_scale = (2, 16) if quick else (10, 64)  # containers a daemon, calls a run
    print(
        f"normalize-engine {ne.__version__} bench, Python {sys.version.split()[0]}, target {ne.LATEST}, "
        f"{os.cpu_count()} CPUs, {repeat} repeats, gc {'on' if args.gc else 'off'} while timing"
        f"{' (quick)' if quick else ''}"
    )
    print(f"decoders: {', '.join(DECODERS)}" + (f" ({why_not})" if why_not else ""))
    rows: list[dict[str, Any]] = []
    if wanted("containers"):
        version, body = container_list(n_containers)
        print(f"{n_containers:,} containers, GET /containers/json, {version} -> {ne.LATEST}:")
        path = f"/v{version}/containers/json"
        rows += bench_body(f"containers.list x{n_containers}", path, body, repeat, ("0.5x", "0.25x"))
    if wanted("down"):
        # Down (a tool pinned to 1.24 on the newest daemon): the canonical list brought back to 1.24.
        version, body = container_list(n_containers)
        canonical = ne.normalize(body, f"/v{version}/containers/json")
        print(f"{n_containers:,} containers, GET /containers/json, {ne.LATEST} -> 1.24 (down):")
        rows += bench_body(
            f"down containers.list x{n_containers}",
            f"/v{ne.LATEST}/containers/json",
            canonical,
            repeat,
            ("", "0.5x"),  # issue 18 sets a target for the downgrade from bytes only
            target="1.24",
        )
    if wanted("images"):
        version, body = image_list(n_images)
        print(f"{n_images:,} images, GET /images/json, {version} -> {ne.LATEST}:")
        rows += bench_body(
            f"images.list x{n_images}", f"/v{version}/images/json", body, repeat, ("0.5x", "0.25x")
        )
    if wanted("inspect"):
        version, docs = container_inspects(n_inspect)
        print(f"{n_inspect:,} container inspects, one call each, {version} -> {ne.LATEST}:")
        requests = [(f"/v{version}/containers/{cid}/json", doc) for cid, doc in docs]
        rows += bench_many(f"containers.inspect x{n_inspect}", requests, repeat, ("0.5x", "0.25x"))
    if wanted("same"):
        print(f"source version = target ({ne.LATEST}):")
        latest = ne.LATEST
        version, body = container_list(n_containers)
        canonical = ne.normalize(body, f"/v{version}/containers/json")
        rows += bench_body(
            f"same containers.list x{n_containers}",
            f"/v{latest}/containers/json",
            canonical,
            repeat,
            ("0.02x", "0.02x"),
            floor_line=False,  # nothing changes, nothing is copied
        )
        version, docs = container_inspects(n_inspect)
        requests = [
            (f"/v{latest}/containers/{cid}/json", ne.normalize(doc, f"/v{version}/containers/{cid}/json"))
            for cid, doc in docs
        ]
        rows += bench_many(f"same containers.inspect x{n_inspect}", requests, repeat, ("0.02x", "0.02x"))
    if wanted("docker"):
        print(f"docker-py containers.list(all=True) of {n_docker} containers, wrapped / unwrapped:")
        rows += bench_docker_py(n_docker, repeat if not quick else 3)
    if wanted("stream"):
        print(f"event stream through normalize_stream ({n_stream[1]:,} events, one chunk each):")
        rows += bench_stream(n_stream[0], n_stream[1], max(3, repeat // 5))
    if wanted("startup"):
        print("startup, fresh processes (bytecode cached, as installed):")
        rows += bench_startup(max(5, repeat) if not quick else 3)
    if wanted("compare"):
        print("for comparison, what users pick instead, total time / json.loads of the same bytes:")
        rows += bench_compare(n_inspect, n_containers, repeat)
    if wanted("scale"):
        count, calls = n_scale
        print(
            f"scale: containers.list(all=True) of {count} containers ({count + 1} requests) a call, {calls} "
            "calls a run; per-call cost = the process's CPU time / calls (wrapped clients):"
        )
        rows += bench_scale(count, calls, 2 if quick else max(3, repeat // 3))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
