#!/usr/bin/env python3
"""Record a real daemon's answers to a fixed set of requests at every API version it serves.

    python3 tools/record.py --suite sid --populate
    python3 tools/record.py --socket unix:///tmp/ne-daemons/sid/docker.sock --out x.json
    python3 tools/record.py --all --populate          # every daemon in daemons.json
    python3 tools/record.py --suite docker29-floor --floor   # a daemon's refusals below its floor
    python3 tools/record.py --podman 5.8.6 --populate        # a Podman of tools/podman.sh
    python3 tools/record.py --all-podman --populate --parallel

Writes tests/fixtures/recorded/docker-<Version>.json (see tools/README.md for the format).
Each request is sent at every version from max(MinAPIVersion, 1.18) to ApiVersion, then once
without a version prefix, all versions of one request back to back. Requests that change the
state (progress streams) come last, the swarm phase after them.

Podman (told by its /version) answers the same shape at every prefix (its `Api-Version` header is always
its maximum), so it is asked at a few versions only (PODMAN_VERSIONS, its maximum, unprefixed), without
the swarm phase (it has none), and its past events with `since=...&stream=false` (no `until`: with the
file events backend since+until returns 0-2 events at random). Written to
tests/fixtures/podman/podman-<Version>.json, the daemon block with `"engine": "podman"` and its headers.

--floor records a few requests at every version from 1.18 to ApiVersion, below the daemon's
MinAPIVersion too, into tests/fixtures/floor/: what a Docker 29 host with its default floor answers a
client pinned to an older version (400 "client version 1.35 is too old"). It needs no populated state.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import base64
import datetime as dt
import hashlib
import json
import os
import sys
import threading
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import populate as pop  # noqa: E402
from engine_client import (  # noqa: E402
    Answer, Client, daemon_for_suite, load_daemons, load_podmans, podman_for_version)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "tests", "fixtures", "recorded")
FLOOR_DIR = os.path.join(REPO, "tests", "fixtures", "floor")
PODMAN_DIR = os.path.join(REPO, "tests", "fixtures", "podman")
# the prefixes a Podman is asked at (besides its own maximum and unprefixed): its floor and 1.41
PODMAN_VERSIONS = ("1.24", "1.41")
OLDEST = (1, 18)
KEEP_HEADERS = ("content-type", "api-version", "docker-experimental", "ostype", "server",
                "builder-version", "swarm", "cache-control", "pragma",
                "libpod-api-version")  # (Podman's; Docker sends none)
EXCHANGE_TIMEOUT = 20.0
STREAM_TIMEOUT = 60.0


def log(msg: str) -> None:
    name = threading.current_thread().name
    tag = "" if name == "MainThread" else f" {name}"
    print(f"[record{tag}] {msg}", file=sys.stderr, flush=True)


def vtuple(v: str) -> tuple[int, int]:
    a, b = v.split(".")[:2]
    return int(a), int(b)


def versions_served(min_v: str, max_v: str) -> list[str]:
    lo = max(vtuple(min_v), OLDEST)
    hi = vtuple(max_v)
    assert lo[0] == hi[0] == 1, (min_v, max_v)
    return [f"1.{m}" for m in range(lo[1], hi[1] + 1)]


def q(path: str, **params) -> str:
    return path + "?" + urllib.parse.urlencode(params, safe=":")


def filt(**f) -> str:
    return json.dumps(f, separators=(",", ":"))


class Tar:
    """A tar request body, with how it is described in the fixture."""

    def __init__(self, data: bytes, description: str):
        self.data = data
        self.description = description

    def describe(self) -> dict:
        return {"$tar": self.description, "size": len(self.data),
                "sha256": hashlib.sha256(self.data).hexdigest()}


class Recorder:
    def __init__(self, client: Client, versions: list[str], engine: str = "docker"):
        self.c = client
        self.engine = engine
        self.versions: list[str | None] = list(versions) + [None]
        self.exchanges: list[dict] = []
        self.bodies: dict[str, str] = {}
        self.keys: set[str] = set()
        self.failures: list[str] = []

    def body_key(self, raw: bytes) -> str:
        k = hashlib.sha256(raw).hexdigest()[:16]
        if k not in self.bodies:
            try:
                self.bodies[k] = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.bodies[k] = "base64:" + base64.b64encode(raw).decode()
        return k

    def record(self, key: str, method: str, path, body=None, *, stream: bool = False,
               headers: dict | None = None, timeout: float | None = None, versions=None) -> list[Answer]:
        """path: a string, or a function version -> path (for requests that must differ per version).
        body: None, a JSON value, a Tar, or a function version -> one of those."""
        assert key not in self.keys, key
        self.keys.add(key)
        timeout = timeout or (STREAM_TIMEOUT if stream else EXCHANGE_TIMEOUT)
        tmpl_path = path("{version}").replace("%7Bversion%7D", "{version}") if callable(path) else path
        tmpl_body = body("{version}") if callable(body) else body
        ex = {"key": key, "method": method, "path": tmpl_path,
              "request_body": tmpl_body.describe() if isinstance(tmpl_body, Tar) else tmpl_body,
              "stream": stream, "answers": []}
        if headers:
            ex["request_headers"] = headers
        answers = []
        for v in (versions or self.versions):
            p = path(v or "none") if callable(path) else path
            b = body(v or "none") if callable(body) else body
            data = b.data if isinstance(b, Tar) else b
            try:
                ans = self.c.request(method, p, data, headers=headers, version=v, timeout=timeout)
            except Exception as e:  # never let one exchange end the recording
                ans = Answer(0, [], b"", f"{type(e).__name__}: {e}")
            a = {"version": v, "status": ans.status,
                 "headers": {k: val for k, val in ans.headers if k.lower() in KEEP_HEADERS},
                 "body": self.body_key(ans.body)}
            if p != tmpl_path:
                a["path"] = p
            if isinstance(b, Tar) and b.describe() != ex["request_body"]:
                a["request_body"] = b.describe()
            elif not isinstance(b, Tar) and b != tmpl_body:
                a["request_body"] = b
            if ans.error:
                a["error"] = ans.error
                self.failures.append(f"{key} @ {v}: {ans.error}")
            ex["answers"].append(a)
            answers.append(ans)
        self.exchanges.append(ex)
        statuses = sorted({a["status"] for a in ex["answers"]})
        log(f"  {key:42} {method:6} {tmpl_path[:60]:60} {statuses}")
        return answers


# ------------------------------------------------------------------------------------- the requests

def wait_until_settled(c: Client, st: dict, age: float = 62.0) -> None:
    """Wait until the youngest container has run for `age` seconds, then for the moment when the
    next whole-minute change of any Status text is farthest away (at most about two minutes)."""
    import datetime as _dt
    started = []
    for cid in st["containers"].values():
        a = c.request("GET", f"/containers/{cid}/json")
        if a.status == 200:
            ts = (a.json().get("State") or {}).get("StartedAt") or ""
            if ts and not ts.startswith("0001"):
                t = _dt.datetime.fromisoformat(ts[:19]).replace(tzinfo=_dt.timezone.utc).timestamp()
                started.append(t)
    if not started:
        return
    youngest = max(started)
    now = time.time()
    if now - youngest < age:
        log(f"  waiting {age - (now - youngest):.0f}s for container Status texts to settle")
        time.sleep(age - (now - youngest))
    # then the moment in the next minute farthest from any container's next minute boundary
    now = time.time()

    def room(at: float) -> float:
        return min(60 - ((at - t) % 60) for t in started)

    best = max((now + i / 2 for i in range(120)), key=room)
    if best - now > 1:
        log(f"  waiting {best - now:.0f}s more ({room(best):.0f}s before a Status text changes)")
        time.sleep(best - now)


def phase_events(r: Recorder, st: dict) -> None:
    """The populate phase's events. A daemon keeps only its last 256 events: record these right
    after populating, before the health-checked containers start their probes."""
    ew = st["events_window"]
    if r.engine == "podman":
        # Podman's file events backend answers since+until with 0-2 events at random; since with
        # stream=false (a Podman extension) gives every past event. Nothing else happens meanwhile.
        window = {"since": ew["since"], "stream": "false"}
    else:
        window = {"since": ew["since"], "until": ew["until"]}
    answers = r.record("events.populate", "GET", q("/events", **window), stream=True)
    r.record("events.populate.filtered", "GET",
             q("/events", **window, filters=filt(type=["container"], event=["start"])),
             stream=True)
    # (the count may differ between versions: 28.x hides image `create` events below API 1.46)
    counts = [len(a.body.splitlines()) for a in answers]
    log(f"  events in the populate window: {sorted(set(counts))}")
    again = r.c.request("GET", q("/events", **window), version=r.versions[0])
    if not counts[0] or again.body != answers[0].body:
        r.failures.append(f"events.populate: empty or evicted ({counts[0]} events, {len(again.body.splitlines())} "
                          "when asked again); a daemon keeps only 256 events: record right after --populate")


def phase_read(r: Recorder, st: dict) -> None:
    C, I, N = st["containers"], st["images"], st["networks"]
    c = r.c
    r.record("system.ping", "GET", "/_ping")
    r.record("system.ping.head", "HEAD", "/_ping")
    r.record("system.version", "GET", "/version")
    r.record("system.info", "GET", "/info")
    for name in sorted(C):
        r.record(f"containers.inspect.{name.removeprefix('ne-')}", "GET", f"/containers/{C[name]}/json")
    r.record("containers.inspect.running.by_name", "GET", "/containers/ne-running/json")
    r.record("containers.inspect.running.size", "GET", f"/containers/{C['ne-running']}/json?size=1", timeout=60)
    r.record("containers.top.running", "GET", f"/containers/{C['ne-running']}/top")
    r.record("containers.top.paused", "GET", f"/containers/{C['ne-paused']}/top")
    r.record("containers.changes.running", "GET", f"/containers/{C['ne-running']}/changes")
    r.record("containers.changes.created", "GET", f"/containers/{C['ne-created']}/changes")
    r.record("containers.stats.running", "GET", f"/containers/{C['ne-running']}/stats?stream=0", stream=True)
    r.record("containers.stats.netted", "GET", f"/containers/{C['ne-netted']}/stats?stream=0", stream=True)
    r.record("containers.wait.exited", "POST", f"/containers/{C['ne-exited']}/wait")
    r.record("exec.inspect.created", "GET", f"/exec/{st['execs']['created']}/json")
    r.record("exec.inspect.finished", "GET", f"/exec/{st['execs']['finished']}/json")

    r.record("images.list", "GET", "/images/json")
    r.record("images.list.all", "GET", "/images/json?all=1")
    r.record("images.list.dangling", "GET", q("/images/json", filters=filt(dangling=["true"])))
    r.record("images.list.reference", "GET", q("/images/json", filters=filt(reference=["ne-app"])))
    r.record("images.inspect.base", "GET", "/images/ne-base:1/json")
    r.record("images.inspect.app", "GET", "/images/ne-app:1/json")
    r.record("images.inspect.app_by_id", "GET", f"/images/{I['ne-app:1']}/json")
    r.record("images.inspect.untagged", "GET", f"/images/{I['ne-app:untagged']}/json")
    if I.get("ne-app:parent"):
        r.record("images.inspect.intermediate", "GET", f"/images/{I['ne-app:parent']}/json")
    r.record("images.history.base", "GET", "/images/ne-base:1/history")
    r.record("images.history.app", "GET", "/images/ne-app:1/history")
    r.record("images.search", "GET", "/images/search?term=x")

    r.record("networks.list", "GET", "/networks")
    r.record("networks.list.filter_label", "GET",
             q("/networks", filters=filt(label=["com.example.ne.project=normalize-engine"])))
    for name in sorted(N):
        r.record(f"networks.inspect.{name.removeprefix('ne-')}", "GET", f"/networks/{N[name]}")
    r.record("networks.inspect.net-a.verbose", "GET", f"/networks/{N['ne-net-a']}?verbose=true")
    r.record("volumes.list", "GET", "/volumes")
    r.record("volumes.list.dangling", "GET", q("/volumes", filters=filt(dangling=["true"])))
    for name in sorted(st["volumes"]):
        r.record(f"volumes.inspect.{name.removeprefix('ne-')}", "GET", f"/volumes/{st['volumes'][name]}")
    anon = st.get("anonymous_volume")
    if anon:
        r.record("volumes.inspect.anonymous", "GET", f"/volumes/{anon}")

    r.record("plugins.list", "GET", "/plugins")

    # Lists carry Status texts ("Up 5 seconds"): past a minute of age they change once a minute
    # only, so every version of one request sees the same text (smaller fixtures, fewer masks).
    if r.engine == "docker":  # (Podman: a few versions, asked within seconds)
        wait_until_settled(c, st)
    r.record("containers.list.all", "GET", "/containers/json?all=1")
    r.record("containers.list.running", "GET", "/containers/json")
    r.record("containers.list.all_size", "GET", "/containers/json?all=1&size=1", timeout=60)
    r.record("containers.list.filter_label", "GET",
             q("/containers/json", all="1", filters=filt(label=["com.example.ne.role=running"])))
    r.record("containers.list.filter_bad", "GET", "/containers/json?filters=notjson")
    r.record("system.df", "GET", "/system/df", timeout=60)

    # errors
    r.record("errors.containers.inspect.missing", "GET", "/containers/ne-missing/json")
    r.record("errors.images.inspect.missing", "GET", "/images/ne-missing:1/json")
    r.record("errors.networks.inspect.missing", "GET", "/networks/ne-missing")
    r.record("errors.volumes.inspect.missing", "GET", "/volumes/ne-missing")
    r.record("errors.exec.inspect.missing", "GET", "/exec/0123456789abcdef/json")
    r.record("errors.containers.delete.running", "DELETE", f"/containers/{C['ne-running']}")
    r.record("errors.containers.create.no_image", "POST", "/containers/create?name=ne-rec-never",
             {"Image": "ne-missing:1", "Cmd": ["true"]})
    r.record("errors.containers.unpause.running", "POST", f"/containers/{C['ne-running']}/unpause")
    r.record("errors.path.unknown", "GET", "/ne-no-such-endpoint")
    del c


def phase_podman_absent(r: Recorder) -> None:
    """What Podman has not, under the keys Docker's answers have (Docker's swarm phase, the host network):
    its swarm endpoints answer a bare text 404 without any Libpod header, /secrets an empty list."""
    r.record("swarm.inspect", "GET", "/swarm")
    r.record("swarm.nodes.list", "GET", "/nodes")
    r.record("swarm.services.list", "GET", "/services")
    r.record("swarm.tasks.list", "GET", "/tasks")
    r.record("swarm.secrets.list", "GET", "/secrets")
    r.record("swarm.configs.list", "GET", "/configs")
    r.record("networks.inspect.host", "GET", "/networks/host")
    r.record("images.list.digests", "GET", "/images/json?digests=1")


def phase_streams(r: Recorder, st: dict) -> None:
    """Progress streams: they change the state, so they come after every read."""
    c = r.c
    small_rootfs = Tar(pop.context_tar({"hello.txt": "hello\n"}), "one file hello.txt")
    r.record("images.create.import", "POST",
             lambda v: q("/images/create", fromSrc="-", repo="ne-import", tag=f"v{v}"),
             small_rootfs, stream=True)
    r.record("images.create.pull_missing", "POST", "/images/create?fromImage=ne-nonexistent.invalid/x&tag=1",
             stream=True)
    r.record("images.build", "POST",
             lambda v: q("/build", t=f"ne-build:v{v}", rm="1", forcerm="1"),
             lambda v: Tar(pop.tiny_context(f"v{v}"), f"FROM ne-base:1, LABEL, RUN echo v{v}"),
             stream=True)
    r.record("images.build.failing", "POST", q("/build", t="ne-build-fail:1", rm="1", forcerm="1"),
             Tar(pop.context_tar({"Dockerfile": "FROM ne-base:1\nRUN echo failing && exit 7\n"}),
                 "FROM ne-base:1, RUN exit 7"), stream=True)
    r.record("images.build.bad_dockerfile", "POST", q("/build", t="ne-build-bad:1"),
             Tar(pop.context_tar({"Dockerfile": "FROM ne-base:1\nNOSUCHINSTRUCTION x\n"}),
                 "unknown instruction"), stream=True)
    saved = c.request("GET", "/images/ne-base:1/get", timeout=60)
    if saved.status == 200:
        r.record("images.load", "POST", "/images/load", Tar(saved.body, "GET /images/ne-base:1/get"),
                 stream=True)
        r.record("images.load.quiet", "POST", "/images/load?quiet=1", Tar(saved.body, "GET /images/ne-base:1/get"),
                 stream=True)
    else:
        r.failures.append(f"images.load: GET /images/ne-base:1/get gave {saved.status}")
    r.record("images.load.garbage", "POST", "/images/load", Tar(b"not a tarball" * 10, "not a tarball"),
             stream=True)
    c.call("POST", "/images/ne-base:1/tag", query={"repo": "127.0.0.1:1/ne-base", "tag": "1"}, ok=(200, 201))
    r.record("images.push.refused", "POST", "/images/127.0.0.1:1/ne-base/push?tag=1", stream=True,
             headers={"X-Registry-Auth": "e30="})
    r.record("images.tag", "POST", lambda v: q("/images/ne-base:1/tag", repo="ne-tagged", tag=f"v{v}"))
    r.record("containers.create", "POST", lambda v: q("/containers/create", name=f"ne-rec-{v}"),
             {"Image": "ne-base:1", "Cmd": ["true"], "Labels": dict(pop.LABELS)})
    r.record("images.delete.tag", "DELETE", lambda v: f"/images/ne-tagged:v{v}")
    # clean up what this phase left (not recorded)
    for ct in c.get_json("/containers/json", query={"all": "1", "filters": filt(name=["ne-rec-"])}):
        c.request("DELETE", f"/containers/{ct['Id']}", query={"force": "1"})


def phase_swarm(r: Recorder, st: dict, suite: str) -> dict:
    c = r.c
    log("swarm phase: init")
    try:
        sw = pop.swarm_setup(c, suite)
    except BaseException as e:  # noqa: BLE001 (SystemExit from a wait too)
        log(f"swarm phase skipped: {e}")
        r.failures.append(f"swarm: {e}")
        pop.swarm_teardown(c)
        return {"ok": False, "error": str(e)}
    try:
        # first: the daemon keeps only 256 events, and the health probes add six a second
        ew = sw["events_window"]
        r.record("swarm.events", "GET", f"/events?since={ew['since']}&until={ew['until']}", stream=True)
        r.record("swarm.events.filtered", "GET",
                 q("/events", since=ew["since"], until=ew["until"],
                   filters=filt(type=["service", "node", "secret", "config"])), stream=True)
        r.record("swarm.inspect", "GET", "/swarm")
        r.record("info.swarm", "GET", "/info")
        r.record("swarm.nodes.list", "GET", "/nodes")
        r.record("swarm.nodes.inspect", "GET", f"/nodes/{sw['node_id']}")
        r.record("swarm.services.list", "GET", "/services")
        r.record("swarm.services.list.status", "GET", "/services?status=true")
        r.record("swarm.services.inspect", "GET", f"/services/{sw['service']}")
        r.record("swarm.tasks.list", "GET", "/tasks")
        r.record("swarm.tasks.inspect", "GET", f"/tasks/{sw['task']}")
        r.record("swarm.secrets.list", "GET", "/secrets")
        r.record("swarm.secrets.inspect", "GET", f"/secrets/{sw['secret']}")
        r.record("swarm.configs.list", "GET", "/configs")
        r.record("swarm.configs.inspect", "GET", f"/configs/{sw['config']}")
        r.record("swarm.containers.inspect.task", "GET", f"/containers/{sw['task_container']}/json")
        r.record("swarm.networks.list", "GET", "/networks")
        r.record("swarm.networks.inspect.ingress", "GET", "/networks/ingress")
        r.record("swarm.errors.services.inspect.missing", "GET", "/services/ne-missing")
    finally:
        log("swarm phase: leave")
        pop.swarm_teardown(c)
    sw["ok"] = True
    return sw


def phase_floor(r: Recorder) -> None:
    """Requests a pinned old client sends first, or that change nothing if refused. The refusal comes
    from the daemon's version middleware, before any handler runs; a POST proves it (the container
    named here must not exist afterwards)."""
    r.record("floor.ping", "GET", "/_ping")
    r.record("floor.version", "GET", "/version")
    r.record("floor.containers.list", "GET", "/containers/json?all=1")
    r.record("floor.images.list", "GET", "/images/json")
    r.record("floor.containers.inspect.missing", "GET", "/containers/ne-missing/json")
    r.record("floor.containers.create", "POST", "/containers/create?name=ne-floor-never",
             {"Image": "ne-missing:1", "Cmd": ["true"]})
    r.record("floor.events", "GET", "/events?since=1&until=2", stream=True)
    leaked = r.c.request("GET", "/containers/ne-floor-never/json")
    if leaked.status != 404:
        r.failures.append(f"floor.containers.create: a refused create left a container ({leaked.status})")


def record_floor(sock: str, suite: str | None, out: str | None) -> str:
    c = Client(sock, timeout=EXCHANGE_TIMEOUT)
    ver = c.get_json("/version")
    versions = versions_served("1.18", ver["ApiVersion"])
    log(f"{suite or sock}: Docker {ver['Version']} floor {ver.get('MinAPIVersion')}, asked at "
        f"{versions[0]}..{versions[-1]}")
    r = Recorder(c, versions)
    phase_floor(r)
    doc = {
        "format": 1,
        "daemon": {
            "Version": ver.get("Version"), "ApiVersion": ver.get("ApiVersion"),
            "MinAPIVersion": ver.get("MinAPIVersion"), "Os": ver.get("Os"), "Arch": ver.get("Arch"),
            "KernelVersion": ver.get("KernelVersion"), "suite": suite,
        },
        "recorded_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "state": {"versions": versions, "failures": r.failures},
        "exchanges": r.exchanges,
        "bodies": r.bodies,
    }
    return write_fixture(doc, out or os.path.join(FLOOR_DIR, f"docker-{ver['Version']}.json"), r)


# -------------------------------------------------------------------------------------------- driver

def dump_fixture(doc: dict) -> str:
    """Plain JSON, laid out for small diffs: one line per answer and per body."""
    def one(v) -> str:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    out = ["{"]
    for k in ("format", "daemon", "recorded_at"):
        out.append(f"{one(k)}: {one(doc[k])},")
    out.append(f'"state": {json.dumps(doc["state"], ensure_ascii=False, indent=1, sort_keys=True)},')
    out.append('"exchanges": [')
    for i, ex in enumerate(doc["exchanges"]):
        head = {k: v for k, v in ex.items() if k != "answers"}
        out.append(one(head)[:-1] + ',"answers":[')
        out.append(",\n".join(one(a) for a in ex["answers"]))
        out.append("]}" + ("," if i < len(doc["exchanges"]) - 1 else ""))
    out.append("],")
    out.append('"bodies": {')
    items = list(doc["bodies"].items())
    out.append(",\n".join(f"{one(k)}: {one(v)}" for k, v in items))
    out.append("}")
    out.append("}")
    return "\n".join(out) + "\n"


def record_daemon(sock: str, suite: str | None, out: str | None, do_populate: bool,
                  state_path: str | None, swarm: bool) -> str:
    c = Client(sock, timeout=EXCHANGE_TIMEOUT)
    vans = c.call("GET", "/version")
    ver = vans.json()
    info = c.get_json("/info")
    engine = pop.engine_of(ver)
    versions = versions_served(ver.get("MinAPIVersion") or "1.18", ver["ApiVersion"])
    if engine == "podman":
        versions = [v for v in versions if v in PODMAN_VERSIONS or v == versions[-1]]
        swarm = False
    log(f"{suite or sock}: {engine} {ver['Version']} API {versions[0]}..{versions[-1]} "
        f"({len(versions)} versions + unprefixed)")
    r = Recorder(c, versions, engine)
    t = time.monotonic()
    if do_populate:
        bind_dir = os.path.join(os.path.dirname(c.socket), "bind")
        pc = Client(sock, timeout=60)
        state = pop.populate_base(pc, bind_dir)
        phase_events(r, state)
        pop.populate_health(pc, state)
        with open(pop.default_state_path(c.socket), "w") as f:
            json.dump(state, f, indent=2, sort_keys=True)
    else:
        sp = state_path or pop.default_state_path(c.socket)
        with open(sp) as f:
            state = json.load(f)
        phase_events(r, state)
    # the anonymous volume of ne-mounts
    mounts = c.get_json(f"/containers/{state['containers']['ne-mounts']}/json").get("Mounts") or []
    for m in mounts:
        if m.get("Destination") == "/anon" and m.get("Name"):
            state["anonymous_volume"] = m["Name"]

    networks = {n["Name"]: n for n in c.get_json("/networks")}
    default_bridge = "bridge" in networks and bool(
        (networks["bridge"].get("IPAM") or {}).get("Config"))
    phase_read(r, state)
    if engine == "podman":
        phase_podman_absent(r)
    phase_streams(r, state)
    if swarm:
        state["swarm"] = phase_swarm(r, state, suite or "other")
    log(f"recorded {len(r.exchanges)} exchanges x {len(r.versions)} versions in {time.monotonic() - t:.0f}s")

    doc = {
        "format": 1,
        "daemon": {
            "Version": ver.get("Version"), "ApiVersion": ver.get("ApiVersion"),
            "MinAPIVersion": ver.get("MinAPIVersion"), "Os": ver.get("Os"), "Arch": ver.get("Arch"),
            "KernelVersion": ver.get("KernelVersion"), "suite": suite, "Driver": info.get("Driver"),
            "default_bridge": default_bridge,
        },
        "recorded_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "state": {**state, "versions": versions, "failures": r.failures},
        "exchanges": r.exchanges,
        "bodies": r.bodies,
    }
    if engine == "podman":
        doc["daemon"].update({
            "engine": "podman",
            "LibpodApiVersion": vans.header("Libpod-Api-Version"),
            "ApiVersionHeader": vans.header("Api-Version"),
            "Server": vans.header("Server"),
            "Components": [{"Name": x.get("Name"), "Version": x.get("Version")}
                           for x in ver.get("Components") or []],
        })
        return write_fixture(doc, out or os.path.join(PODMAN_DIR, f"podman-{ver['Version']}.json"), r)
    return write_fixture(doc, out or os.path.join(OUT_DIR, f"docker-{ver['Version']}.json"), r)


def write_fixture(doc: dict, out: str, r: Recorder) -> str:
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write(dump_fixture(doc))
    os.replace(tmp, out)
    log(f"wrote {out} ({os.path.getsize(out) / 1e6:.2f} MB, {len(r.bodies)} bodies)")
    for fl in r.failures:
        log(f"  transport problem: {fl}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--socket", help="unix:///path/to/docker.sock")
    g.add_argument("--suite", action="append", help="suite(s) from daemons.json; repeatable")
    g.add_argument("--all", action="store_true", help="every daemon in daemons.json (one after the other unless --parallel)")
    g.add_argument("--podman", action="append",
                   help="Podman version(s) from podmans.json (tools/podman.sh); repeatable")
    g.add_argument("--all-podman", action="store_true", help="every Podman in podmans.json")
    ap.add_argument("--name", help="with --socket: the suite name to record under (e.g. docker29)")
    ap.add_argument("--out", help="output file (one daemon only); default tests/fixtures/recorded/docker-<Version>.json")
    ap.add_argument("--populate", action="store_true", help="(re)build the state first (tools/populate.py)")
    ap.add_argument("--state", help="state JSON from populate (default: state.json beside the socket)")
    ap.add_argument("--no-swarm", action="store_true", help="skip the swarm phase")
    ap.add_argument("--parallel", action="store_true", help="record several daemons at once (one thread each)")
    ap.add_argument("--floor", action="store_true",
                    help="record the answers below the daemon's floor instead (tests/fixtures/floor/)")
    args = ap.parse_args(argv)
    if args.socket:
        targets = [(args.socket, args.name)]
    elif args.all:
        targets = [(d["socket"], d["suite"]) for d in load_daemons()]
    elif args.all_podman:
        targets = [(d["socket"], f"podman-{d['version']}") for d in load_podmans()]
    elif args.podman:
        targets = [(podman_for_version(v)["socket"], f"podman-{v}") for v in args.podman]
    else:
        targets = [(daemon_for_suite(s)["socket"], s) for s in args.suite]
    if args.out and len(targets) > 1:
        ap.error("--out needs a single daemon")
    if args.populate and len(targets) > 1:
        # Podmans share one IPAM database keyed by network name (populate.reset_containers): remove every
        # target's containers before any target's networks go
        for sock, _ in targets:
            c = Client(sock, timeout=60)
            if pop.engine_of(c.get_json("/version")) == "podman":
                pop.reset_containers(c)

    def one(target) -> int:
        sock, suite = target
        threading.current_thread().name = suite or "daemon"
        try:
            if args.floor:
                record_floor(sock, suite, args.out)
            else:
                record_daemon(sock, suite, args.out, args.populate, args.state, not args.no_swarm)
            return 0
        except Exception:
            traceback.print_exc()
            log(f"{suite or sock}: FAILED")
            return 1

    if args.parallel and len(targets) > 1:
        with concurrent.futures.ThreadPoolExecutor(len(targets)) as pool:
            return max(pool.map(one, targets))
    return max(one(t) for t in targets)


if __name__ == "__main__":
    sys.exit(main())
