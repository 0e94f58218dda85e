"""Instruction counts of normalisation against json.loads, under valgrind: steady where timings are not.

The timings of ``bench.py`` move by 10 % and more between runs on a shared VM, more than most single
optimisations gain. The number of instructions a run executes does not depend on the neighbours: this
script runs one workload several times under ``valgrind --tool=callgrind`` (in a child process, with a fixed
hash seed and the garbage collector off) and prints the extra instructions of normalising, as a ratio of the
instructions of ``json.loads`` on the same bytes. Use it to compare two commits; it is not the figure the
targets are stated in (instructions do not count cache misses or memory copies the same as time does).

    python benchmarks/instructions.py                    # containers, images, inspect
    python benchmarks/instructions.py --only inspect
    python benchmarks/instructions.py --only docker      # docker-py on the running daemons (tools/daemons.sh)

``docker`` counts the whole client process of docker-py ``containers.list(all=True)`` of 50 containers (51
requests), wrapped and unwrapped, on each daemon of ``daemons.json`` (their "main" role): the figure the
docker-py lines of ``bench.py`` time, without the daemon's time and the noise of the machine.

Needs valgrind (Debian: ``apt install valgrind``); about a minute a workload.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODES = ("none", "loads", "bytes", "parsed")


def _bodies(which: str) -> list[tuple[str, str]]:
    """The workload's (path, JSON text) pairs: the same bodies as bench.py builds, smaller."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench

    if which == "inspect":
        version, docs = bench.container_inspects(300)
        return [(f"/v{version}/containers/{cid}/json", json.dumps(doc)) for cid, doc in docs]
    build = bench.container_list if which == "containers" else bench.image_list
    version, body = build(1000)
    return [(f"/v{version}/{which}/json", json.dumps(body))]


def _child(data: str, mode: str) -> None:
    """What runs under valgrind: decode and (per mode) normalise every body once."""
    import gc

    gc.disable()
    import normalize_engine as ne

    requests = [(path, text.encode()) for path, text in json.loads(Path(data).read_text())]
    parsed = [(path, json.loads(raw)) for path, raw in requests]
    for path, document in parsed:
        ne.normalize(document, path)  # plans and compiled chains built, as in a long-running program
    if mode == "loads":
        for _, raw in requests:
            json.loads(raw)
    elif mode == "bytes":
        for path, raw in requests:
            ne.normalize(raw, path)
    elif mode == "parsed":
        for path, document in parsed:
            ne.normalize(document, path)


DOCKER_COUNT = 50  # containers of the docker workload (bench.py's docker-py lines list 200)


def _docker_child(socket: str, mode: str) -> None:
    """What runs under valgrind for the docker workload: a client, one warm listing (connections, plans and
    chains built), then two more in the modes ending in ``run``."""
    import gc

    import docker

    import normalize_engine as ne

    client = docker.DockerClient(base_url=socket, timeout=60)
    if mode.startswith("wrapped"):
        client = ne.wrap(client)
    filters = {"label": "com.example.ne.bench"}
    assert len(client.containers.list(all=True, filters=filters)) == DOCKER_COUNT
    gc.disable()
    if mode.endswith("run"):
        for _ in range(2):
            client.containers.list(all=True, filters=filters)


def _docker_rows() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench
    import docker

    if not bench.DAEMONS_JSON.exists():
        print(f"docker: no daemon is running ({bench.DAEMONS_JSON}; tools/daemons.sh start)", file=sys.stderr)
        return []
    rows = []
    for entry in json.loads(bench.DAEMONS_JSON.read_text()):
        if entry.get("role", "main") != "main":
            continue
        api = docker.DockerClient(base_url=entry["socket"], timeout=60).api
        bench._remove_bench_containers(api)
        image = bench._bench_image(api)
        try:
            for i in range(DOCKER_COUNT):
                api.create_container(
                    image, command=["true"], name=f"{bench.BENCH_PREFIX}{i}", labels={bench.BENCH_LABEL: "1"}
                )
            socket = entry["socket"]
            # per listing: (two listings - none) / 2
            plain = (_count(socket, "plain-run", "docker") - _count(socket, "plain", "docker")) / 2
            row: dict[str, Any] = {"workload": f"docker {entry['version']}", "unwrapped": plain}
            for decoder in ("json", "orjson"):
                env = {"NORMALIZE_ENGINE_JSON": decoder}
                wrapped = (
                    _count(socket, "wrapped-run", "docker", env) - _count(socket, "wrapped", "docker", env)
                ) / 2
                row[decoder] = wrapped / plain
        finally:
            bench._remove_bench_containers(api)
        rows.append(row)
        print(
            f"docker-py list {DOCKER_COUNT} @ {entry['version']}: unwrapped {plain / 1e6:.1f}M instructions "
            f"a listing; wrapped / unwrapped [json] {row['json']:.3f}x, [orjson] {row['orjson']:.3f}x"
        )
    return rows


def _count(data: str, mode: str, child: str = "normalize", env: dict[str, str] | None = None) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0", **(env or {})}
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child" if child == "normalize" else "--docker-child",
            data,
            mode,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    for line in run.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="containers,images,inspect")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--docker-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    if args.docker_child:
        _docker_child(*args.docker_child)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt install valgrind", file=sys.stderr)
        return 2
    rows: list[dict[str, Any]] = []
    for which in args.only.split(","):
        if which == "docker":
            rows += _docker_rows()
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
            json.dump(_bodies(which), out)
        try:
            none, loads, by_bytes, by_parsed = (_count(out.name, mode) for mode in MODES)
        finally:
            os.unlink(out.name)
        base = loads - none
        row = {
            "workload": which,
            "loads_instructions": base,
            "bytes_extra": (by_bytes - loads) / base,
            "parsed": (by_parsed - none) / base,
        }
        rows.append(row)
        print(
            f"{which:10} json.loads {base / 1e6:6.1f}M instructions; normalize(bytes) extra "
            f"{row['bytes_extra']:.3f}x; normalize(parsed) {row['parsed']:.3f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
