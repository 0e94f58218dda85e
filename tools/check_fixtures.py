#!/usr/bin/env python3
"""Sanity checks of recorded fixtures (stdlib only).

    python3 tools/check_fixtures.py [tests/fixtures/recorded/docker-*.json ...]
    python3 tools/check_fixtures.py --podman [tests/fixtures/podman/podman-*.json ...]

Checks the file's structure, then a few facts every recording of a real daemon must show
(they are the API changes this project exists for). Exit status 1 if any check fails. A Podman
recording (daemon.engine "podman") is asked at a few versions only and has no swarm; its own facts are
checked instead (check_podman).
"""

from __future__ import annotations

import glob
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAULTS = os.path.join(REPO, "tests", "fixtures", "recorded", "faults.json")


def known_fault(daemon: str, key: str, version: str | None) -> bool:
    """Whether a broken answer is one of the reviewed daemon faults (faults.json)."""
    if version is None or not os.path.exists(FAULTS):
        return False
    with open(FAULTS) as f:
        faults = json.load(f)["faults"]
    return any(f["daemon"] == daemon and f["key"] == key and vt(version) < vt(f["below"]) for f in faults)


def vt(v: str) -> tuple[int, int]:
    a, b = v.split(".")[:2]
    return int(a), int(b)


class Fixture:
    def __init__(self, path: str):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            self.doc = json.load(f)
        self.ex = {e["key"]: e for e in self.doc["exchanges"]}
        self.versions = self.doc["state"]["versions"]
        self.api = self.doc["daemon"]["ApiVersion"]

    def answer(self, key: str, version: str | None) -> dict:
        for a in self.ex[key]["answers"]:
            if a["version"] == version:
                return a
        raise KeyError((key, version))

    def body(self, key: str, version: str | None) -> str:
        return self.doc["bodies"][self.answer(key, version)["body"]]

    def json(self, key: str, version: str | None):
        return json.loads(self.body(key, version))


def check(fx: Fixture) -> list[str]:
    errs: list[str] = []

    def expect(cond: bool, msg: str) -> None:
        if not cond:
            errs.append(msg)

    d = fx.doc
    expect(d.get("format") == 1, "format is not 1")
    for k in ("Version", "ApiVersion", "MinAPIVersion", "Os", "Arch", "KernelVersion", "suite", "Driver",
              "default_bridge"):
        expect(k in d["daemon"], f"daemon.{k} missing")
    want = fx.versions + [None]
    expect(fx.versions[-1] == fx.api, "last recorded version is not ApiVersion")
    expect(fx.versions[0] == max(d["daemon"]["MinAPIVersion"], "1.18", key=vt), "first version is wrong")
    podman = d["daemon"].get("engine") == "podman"
    for e in d["exchanges"]:
        got = [a["version"] for a in e["answers"]]
        expect(got == want, f"{e['key']}: versions {got[:3]}... are not the served ones")
        for a in e["answers"]:
            expect(a["body"] in d["bodies"], f"{e['key']}@{a['version']}: body {a['body']} missing")
            if a.get("error") and known_fault(fx.name, e["key"], a["version"]):
                continue
            expect(a["status"] != 0, f"{e['key']}@{a['version']}: no answer ({a.get('error')})")
            expect(not a.get("error"), f"{e['key']}@{a['version']}: broke off ({a.get('error')}); a daemon "
                   "fault must be reviewed into tests/fixtures/recorded/faults.json")

    def reviewed(failure: str) -> bool:  # "key @ version: error", for an answer in faults.json
        key, _, rest = failure.partition(" @ ")
        return known_fault(fx.name, key, rest.partition(":")[0] or None)

    failures = [f for f in d["state"].get("failures") or [] if not reviewed(f)]
    expect(not failures, f"failures while recording: {failures}")
    if podman:
        return errs + check_podman(fx)

    lo, hi = fx.versions[0], fx.versions[-1]
    # images: VirtualSize gone at 1.44, <none>:<none> gone at 1.44 (dangling images)
    old_images = fx.body("images.list", lo)
    new_images = fx.body("images.list", hi)
    expect("VirtualSize" in old_images, f"images.list@{lo} has no VirtualSize")
    expect("<none>:<none>" in fx.body("images.list.dangling", lo), f"images.list.dangling@{lo} has no <none>:<none>")
    if vt(hi) >= (1, 44):
        expect("VirtualSize" not in new_images, f"images.list@{hi} still has VirtualSize")
        expect("<none>:<none>" not in fx.body("images.list.dangling", hi),
               f"images.list.dangling@{hi} still has <none>:<none>")
    # networks: DNSNames from 1.44, short id out of Aliases from 1.45
    cid = d["state"]["containers"]["ne-netted"][:12]
    old_net = fx.json("containers.inspect.netted", "1.24" if vt(lo) <= (1, 24) else lo)
    new_net = fx.json("containers.inspect.netted", hi)
    old_a = old_net["NetworkSettings"]["Networks"]["ne-net-a"]
    new_a = new_net["NetworkSettings"]["Networks"]["ne-net-a"]
    expect(cid in (old_a.get("Aliases") or []), "old Aliases lack the short id")
    if vt(hi) >= (1, 44):
        expect("DNSNames" in new_a, f"containers.inspect.netted@{hi} has no DNSNames")
    if vt(hi) >= (1, 45):
        expect(cid not in (new_a.get("Aliases") or []), f"Aliases@{hi} still hold the short id")
    # default bridge: containers on it have an address
    if d["daemon"]["default_bridge"]:
        ns = fx.json("containers.inspect.running", hi)["NetworkSettings"]
        expect(bool(ns["Networks"].get("bridge", {}).get("IPAddress")), "ne-running has no address on bridge")
    # states
    for name, status in (("running", "running"), ("exited", "exited"), ("created", "created"),
                         ("paused", "paused"), ("healthy", "running"), ("unhealthy", "running")):
        st = fx.json(f"containers.inspect.{name}", hi)["State"]
        expect(st.get("Status") == status, f"ne-{name} is {st.get('Status')}, not {status}")
    expect(fx.json("containers.inspect.healthy", hi)["State"]["Health"]["Status"] == "healthy", "not healthy")
    expect(fx.json("containers.inspect.unhealthy", hi)["State"]["Health"]["Status"] == "unhealthy", "not unhealthy")
    expect(fx.json("containers.inspect.exited", hi)["State"]["ExitCode"] == 3, "ne-exited did not exit 3")
    # errors and streams
    expect(fx.answer("errors.containers.inspect.missing", hi)["status"] == 404, "missing container is not 404")
    expect(fx.answer("errors.containers.delete.running", hi)["status"] == 409, "delete running is not 409")
    expect(fx.body("events.populate", hi).count("\n") > 10, "events.populate has (almost) no events")
    expect('"error"' in fx.body("images.push.refused", hi), "push to 127.0.0.1:1 did not fail in the stream")
    if d["state"].get("swarm", {}).get("ok"):
        expect("ne-svc" in fx.body("swarm.services.list", hi), "swarm.services.list lacks ne-svc")
    return errs


def check_podman(fx: Fixture) -> list[str]:
    """What every recording of a real Podman socket must show (REAL-PODMAN.md)."""
    errs: list[str] = []

    def expect(cond: bool, msg: str) -> None:
        if not cond:
            errs.append(msg)

    d = fx.doc
    dm = d["daemon"]
    for k in ("LibpodApiVersion", "ApiVersionHeader", "Server"):
        expect(bool(dm.get(k)), f"daemon.{k} missing")
    expect(str(dm.get("Server", "")).startswith("Libpod/"), "Server is not Libpod/...")
    hi = fx.versions[-1]
    # the same shape at every prefix: Api-Version always carries the server's maximum
    for e in d["exchanges"]:
        for a in e["answers"]:
            h = {k.lower(): v for k, v in a["headers"].items()}
            if a["status"] == 404 and "libpod-api-version" not in h:
                continue  # unknown paths (plugins, swarm) answer a bare text 404
            expect(h.get("api-version") == fx.api,
                   f"{e['key']}@{a['version']}: Api-Version {h.get('api-version')}")
            expect(h.get("libpod-api-version") == dm["LibpodApiVersion"],
                   f"{e['key']}@{a['version']}: Libpod-Api-Version {h.get('libpod-api-version')}")
    version = fx.json("system.version", hi)
    expect((version.get("Components") or [{}])[0].get("Name") == "Podman Engine",
           "/version names no Podman Engine")
    # compat import names images docker.io/library/...; Podman-only keys are there
    images = fx.json("images.list", hi)
    tags = {t for im in images for t in im.get("RepoTags") or []}
    expect("docker.io/library/ne-base:1" in tags,
           f"images.list has no docker.io/library/ne-base:1 ({sorted(tags)})")
    expect(any("Names" in im for im in images), "images.list has no Podman Names")
    expect("BuildahVersion" in fx.body("system.info", hi), "/info has no BuildahVersion")
    # states, health run by hand, errors, events
    for name, status in (("running", "running"), ("exited", "exited"), ("created", "created"),
                         ("paused", "paused"), ("healthy", "running"), ("unhealthy", "running")):
        st = fx.json(f"containers.inspect.{name}", hi)["State"]
        expect(st.get("Status") == status, f"ne-{name} is {st.get('Status')}, not {status}")
    expect(fx.json("containers.inspect.healthy", hi)["State"]["Health"]["Status"] == "healthy", "not healthy")
    expect(fx.json("containers.inspect.unhealthy", hi)["State"]["Health"]["Status"] == "unhealthy", "not unhealthy")
    expect(fx.json("containers.inspect.exited", hi)["State"]["ExitCode"] == 3, "ne-exited did not exit 3")
    expect(fx.answer("errors.containers.inspect.missing", hi)["status"] == 404, "missing container is not 404")
    expect(fx.body("events.populate", hi).count("\n") > 10, "events.populate has (almost) no events")
    expect("swarm" not in d["state"], "a Podman recording has a swarm phase")
    return errs


def main(argv: list[str]) -> int:
    podman = "--podman" in argv
    argv = [a for a in argv if a != "--podman"]
    where = ("podman", "podman-*.json") if podman else ("recorded", "docker-*.json")
    paths = argv or sorted(glob.glob(os.path.join(REPO, "tests", "fixtures", *where)))
    if not paths:
        print("no fixtures found", file=sys.stderr)
        return 1
    rc = 0
    for p in paths:
        fx = Fixture(p)
        errs = check(fx)
        dm = fx.doc["daemon"]
        swarm = fx.doc["state"].get("swarm", {}).get("ok")
        print(f"{os.path.basename(p)}: {dm['suite']} {dm['Version']} API {fx.versions[0]}..{fx.versions[-1]}, "
              f"{len(fx.doc['exchanges'])} exchanges, {len(fx.doc['bodies'])} bodies, "
              f"{os.path.getsize(p) / 1e6:.2f} MB, bridge={dm['default_bridge']} swarm={swarm}: "
              f"{'OK' if not errs else 'FAILED'}")
        for e in errs:
            print(f"  - {e}")
        rc |= bool(errs)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
