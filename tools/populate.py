#!/usr/bin/env python3
"""Give a Docker daemon a fixed, offline state to record answers from (stdlib only).

    python3 tools/populate.py --suite sid [--state out.json]
    python3 tools/populate.py --socket unix:///tmp/ne-daemons/sid/docker.sock

Everything it creates is named `ne-...`; re-running first removes what an earlier run left
(containers, networks, volumes, images named ne-*, dangling images), then builds it all again.
Images come from busybox-static (/bin/busybox of the host), so no registry is needed.

Prints (or saves) a JSON "state" document: names -> ids, the events window of the populate
phase, and which values are volatile.

Podman's Docker-compatible socket (tools/podman.sh) gets the same state through the same requests, with
what Podman needs (told by `/version`, never by a flag): its compat import names images
`docker.io/library/...`; it has no health-check timer, so each health check is run by hand through the
libpod API (`GET /libpod/containers/{name}/healthcheck`); it has no swarm.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tarfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_client import APIError, Client, daemon_for_suite, podman_for_version  # noqa: E402

BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")
APPLETS = ("sh", "sleep", "echo", "true", "false", "cat", "ls", "top", "ps", "env", "hostname",
           "id", "mkdir", "rm", "test", "wget", "nc", "ip", "ping", "date", "uname")
PREFIX = "ne-"
# Names the tests and benchmarks use for their own objects: never ours to reset.
OTHERS = ("ne-live-", "ne-cross-", "ne-bench-")


def ours(name: str) -> bool:
    return name.startswith(PREFIX) and not name.startswith(OTHERS)

LABELS = {"com.example.ne.project": "normalize-engine", "com.example.ne.fixture": "1"}

# values that differ from one call (or one run) to the next; the recorder's users mask them
VOLATILE = [
    "ids of containers, images, networks, volumes, execs, nodes, services, tasks, secrets, configs",
    "timestamps: Created, State.StartedAt/FinishedAt, Health.Log[].Start/End, events time/timeNano",
    "container list Status text ('Up 3 seconds', '(healthy)'), Health.FailingStreak, Health.Log",
    "sizes: SizeRw, SizeRootFs, /system/df usage, image SharedSize",
    "stats: everything but the shape",
    "IP and MAC addresses, SandboxKey, Pids in /top",
    "host paths under the daemon root (bind source, volume Mountpoint, LogPath)",
    "order of list items created within the same second (images of one build, Mounts)",
    "/info: SystemTime, NGoroutines, NFd, NEventsListener, container counts",
]


def engine_of(version: dict) -> str:
    """ "podman" for Podman's Docker-compatible socket (its /version names the "Podman Engine"), else
    "docker"."""
    comps = version.get("Components") or []
    if comps and isinstance(comps[0], dict) and comps[0].get("Name") == "Podman Engine":
        return "podman"
    return "docker"


# the libpod API's own prefix (Podman accepts any version at or above its 4.0.0 floor)
LIBPOD = "/v4.0.0/libpod"


def log(msg: str) -> None:
    name = threading.current_thread().name
    tag = "" if name == "MainThread" else f" {name}"
    print(f"[populate{tag}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------- tarballs

def _add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = mode
    ti.mtime = 1_700_000_000
    tar.addfile(ti, io.BytesIO(data))


def _add_dir(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    ti = tarfile.TarInfo(name)
    ti.type = tarfile.DIRTYPE
    ti.mode = mode
    ti.mtime = 1_700_000_000
    tar.addfile(ti)


def busybox_path() -> str:
    for p in BUSYBOX_CANDIDATES:
        if os.path.exists(p):
            return p
    raise SystemExit("busybox not found: apt-get install -y busybox-static (tools/daemons.sh install)")


def rootfs_tar(extra: dict[str, bytes] | None = None) -> bytes:
    """A busybox root filesystem: bin/busybox + applet symlinks, a few folders."""
    bb = open(busybox_path(), "rb").read()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d in ("bin", "etc", "tmp", "root", "var", "proc", "sys", "dev", "data"):
            _add_dir(tar, d, 0o1777 if d == "tmp" else 0o755)
        _add_file(tar, "bin/busybox", bb, 0o755)
        for a in APPLETS:
            ti = tarfile.TarInfo(f"bin/{a}")
            ti.type = tarfile.SYMTYPE
            ti.linkname = "busybox"
            ti.mtime = 1_700_000_000
            tar.addfile(ti)
        _add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n")
        _add_file(tar, "etc/group", b"root:x:0:\nnogroup:x:65534:\n")
        for name, data in (extra or {}).items():
            _add_file(tar, name, data)
    return buf.getvalue()


def context_tar(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, text in files.items():
            _add_file(tar, name, text.encode())
    return buf.getvalue()


APP_DOCKERFILE = """\
FROM ne-base:1
LABEL com.example.ne.project="normalize-engine" com.example.ne.image="app" com.example.ne.variant="{variant}"
ENV NE_MODE=fixture NE_VARIANT={variant}
WORKDIR /app
COPY variant.txt /app/variant.txt
RUN echo built-{variant} > /app/built.txt
EXPOSE 8080/tcp
VOLUME /app/data
USER root
CMD ["/bin/sh", "-c", "sleep 100000"]
"""


def app_context(variant: int) -> bytes:
    return context_tar({"Dockerfile": APP_DOCKERFILE.format(variant=variant),
                        "variant.txt": f"variant {variant}\n"})


def tiny_context(tag: str) -> bytes:
    return context_tar({"Dockerfile": f'FROM ne-base:1\nLABEL com.example.ne.build="{tag}"\n'
                                      f'RUN echo {tag} > /built.txt\n'})


# ------------------------------------------------------------------------------------- operations

def reset_containers(c: Client) -> None:
    """Remove the ne-* containers an earlier run left.

    Rootful Podmans share one IPAM database (/run/containers/networks/ipam.db) keyed by network name, and
    removing a network drops its entry for every Podman: a Podman whose containers sat on a network of that
    name fails to remove them (500 `IPAM error: failed to get subnet bucket`; a second try, the network
    half done, succeeds, or says why). tools/record.py removes the containers of every Podman first."""
    podman = engine_of(c.get_json("/version")) == "podman"
    for ct in c.get_json("/containers/json", query={"all": "1"}):
        names = [n.lstrip("/") for n in ct.get("Names") or []]
        if any(ours(n) for n in names) or ct.get("Labels", {}).get("com.example.ne.fixture"):
            if ct.get("State") == "paused":
                c.request("POST", f"/containers/{ct['Id']}/unpause")
            if not podman:
                c.call("DELETE", f"/containers/{ct['Id']}", query={"force": "1", "v": "1"}, ok=(204, 404))
                continue
            for attempt in range(3):
                ans = c.request("DELETE", f"/containers/{ct['Id']}", query={"force": "1", "v": "1"},
                                timeout=60)
                if ans.status in (200, 204, 404):
                    break
                log(f"  removing {names[0] if names else ct['Id'][:12]}: {ans.status} {ans.body[:160]!r}")
                time.sleep(0.5)


def reset(c: Client) -> None:
    """Remove what an earlier run left: swarm, ne-* containers, networks, volumes, images."""
    info = c.get_json("/info")
    if (info.get("Swarm") or {}).get("LocalNodeState") not in (None, "", "inactive"):
        log("leaving the swarm left by an earlier run")
        c.request("POST", "/swarm/leave", query={"force": "1"})
    reset_containers(c)
    for net in c.get_json("/networks"):
        if ours(net["Name"]) or net["Name"] == "docker_gwbridge":
            c.call("DELETE", f"/networks/{net['Id']}", ok=(200, 204, 404))
    vols = c.get_json("/volumes").get("Volumes") or []
    for v in vols:
        if ours(v["Name"]):
            c.call("DELETE", f"/volumes/{v['Name']}", query={"force": "1"}, ok=(204, 404, 409))
    # images: every ne-* tag, then whatever dangles (several passes: parents free up)
    for _ in range(4):
        removed = 0
        for im in c.get_json("/images/json", query={"all": "1"}):
            tags = [t for t in (im.get("RepoTags") or []) if t != "<none>:<none>"]
            mine = any(ours(t.split("/")[-1]) for t in tags)
            if mine or not tags:
                a = c.request("DELETE", f"/images/{im['Id']}", query={"force": "1", "noprune": "0"})
                removed += a.status == 200
        if not removed:
            break
    c.request("POST", "/build/prune")  # no-op on the classic builder cache, harmless


def wait_for(pred, timeout: float, what: str, step: float = 0.25):
    t = time.monotonic() + timeout
    while time.monotonic() < t:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise SystemExit(f"timed out waiting for {what}")


def create_container(c: Client, name: str, config: dict, start: bool = True) -> str:
    cfg = {"Labels": dict(LABELS)}
    cfg.update(config)
    cfg["Labels"] = {**LABELS, **config.get("Labels", {})}
    ans = c.call("POST", "/containers/create", cfg, query={"name": name}, ok=(201,))
    cid = ans.json()["Id"]
    if start:
        c.call("POST", f"/containers/{cid}/start", ok=(204, 304))
    return cid


def container_state(c: Client, cid: str) -> dict:
    return c.get_json(f"/containers/{cid}/json")["State"]


def populate_base(c: Client, bind_dir: str) -> dict:
    """Everything but the health-checked containers; returns the state with its events window."""
    state: dict = {"images": {}, "containers": {}, "networks": {}, "volumes": {}, "execs": {}}
    version = c.get_json("/version")
    info = c.get_json("/info")
    default_bridge = any(n["Name"] == "bridge" for n in c.get_json("/networks"))
    engine = engine_of(version)
    log(f"{engine} {version['Version']} API {version['ApiVersion']} driver {info.get('Driver')}")

    reset(c)
    time.sleep(1.05)
    t0 = int(time.time())
    time.sleep(1.05)  # events strictly after t0's second

    # ---- images
    log("importing ne-base:1 from busybox-static")
    docs = c.stream_docs("POST", "/images/create", rootfs_tar(),
                  query={"fromSrc": "-", "repo": "ne-base", "tag": "1",
                         "changes": 'CMD ["/bin/sh"]', "message": "ne base image (busybox-static)"},
                  timeout=60)
    if engine == "podman" and c.request("GET", "/images/ne-base:1/json").status == 404:
        # Podman 4.3's compat import ignores `tag` (it stores ne-base:latest): tag it as asked
        iid = next(d["id"] for d in reversed(docs) if isinstance(d, dict) and d.get("id"))
        c.call("POST", f"/images/{iid}/tag", query={"repo": "ne-base", "tag": "1"}, ok=(200, 201))
        c.call("DELETE", "/images/ne-base:latest", ok=(200,))
    state["images"]["ne-base:1"] = c.get_json("/images/ne-base:1/json")["Id"]

    log("building ne-app:1 twice (classic builder) to leave an untagged image")
    for variant in (1, 2):
        c.stream_docs("POST", "/build", app_context(variant),
                      query={"t": "ne-app:1", "rm": "1", "forcerm": "1",
                             "labels": json.dumps({"com.example.ne.buildarg": str(variant)})},
                      timeout=120)
        iid = c.get_json("/images/ne-app:1/json")["Id"]
        if variant == 1:
            state["images"]["ne-app:untagged"] = iid
        else:
            state["images"]["ne-app:1"] = iid
    c.call("POST", "/images/ne-app:1/tag", query={"repo": "ne-app", "tag": "latest"}, ok=(200, 201))
    c.call("POST", "/images/ne-app:1/tag", query={"repo": "localhost:5999/ne-app", "tag": "1"}, ok=(200, 201))
    state["images"]["ne-app:latest"] = state["images"]["ne-app:1"]
    # an intermediate (parent) image of the build: the `all=1` image list shows those
    hist = c.get_json("/images/ne-app:1/history")
    state["images"]["ne-app:parent"] = c.get_json("/images/ne-app:1/json").get("Parent") or None
    state["images"]["history_len"] = len(hist)

    # ---- volumes
    c.post_json("/volumes/create", {"Name": "ne-vol-data", "Labels": {**LABELS, "com.example.ne.vol": "data"}})
    c.post_json("/volumes/create", {"Name": "ne-vol-unused", "Driver": "local",
                                    "Labels": {**LABELS, "com.example.ne.vol": "unused"}})
    c.post_json("/volumes/create", {"Name": "ne-vol-opts", "Driver": "local",
                                    # (Podman takes size= for a project quota, which vfs has not)
                                    "DriverOpts": {"type": "tmpfs", "device": "tmpfs",
                                                   "o": "nodev" if engine == "podman" else "size=1m"},
                                    "Labels": {"com.example.ne.vol": "opts"}})
    for v in ("ne-vol-data", "ne-vol-unused", "ne-vol-opts"):
        state["volumes"][v] = v

    # ---- networks
    def mknet(name, **extra):
        body = {"Name": name, "Driver": "bridge", "CheckDuplicate": True,
                "Labels": {**LABELS, "com.example.ne.net": name}}
        body.update(extra)
        nid = c.post_json("/networks/create", body)["Id"]
        state["networks"][name] = nid
        return nid

    mknet("ne-net-a", Options={"com.docker.network.bridge.enable_icc": "true"})
    mknet("ne-net-b")
    mknet("ne-net-internal", Internal=True)
    for n in c.get_json("/networks"):
        if n["Name"] in ("bridge", "host", "none"):
            state["networks"][n["Name"]] = n["Id"]

    # ---- containers
    os.makedirs(bind_dir, exist_ok=True)
    with open(os.path.join(bind_dir, "hello.txt"), "w") as f:
        f.write("hello from the host\n")
    sleep_cmd = ["sleep", "100000"]
    C = state["containers"]

    C["ne-running"] = create_container(c, "ne-running", {
        "Image": "ne-app:1", "Cmd": sleep_cmd,
        "Labels": {"com.example.ne.role": "running"},
        "Env": ["NE_EXTRA=1"],
        "HostConfig": {"NetworkMode": "bridge" if default_bridge else "none"}})
    C["ne-exited"] = create_container(c, "ne-exited", {
        "Image": "ne-base:1", "Cmd": ["sh", "-c", "echo bye; exit 3"],
        "Labels": {"com.example.ne.role": "exited"}})
    c.call("POST", f"/containers/{C['ne-exited']}/wait", ok=(200,), timeout=30)
    C["ne-created"] = create_container(c, "ne-created", {
        "Image": "ne-base:1", "Cmd": ["echo", "never started"],
        "Labels": {"com.example.ne.role": "created"}}, start=False)
    C["ne-paused"] = create_container(c, "ne-paused", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "paused"}})
    c.call("POST", f"/containers/{C['ne-paused']}/pause", ok=(204,))
    C["ne-restart"] = create_container(c, "ne-restart", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "restart"},
        "HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3}}})
    C["ne-mounts"] = create_container(c, "ne-mounts", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "mounts"},
        "Volumes": {"/anon": {}},
        "HostConfig": {
            "Binds": ["ne-vol-data:/data", f"{bind_dir}:/host:ro"],
            "Tmpfs": {"/scratch": "rw,size=1m"},
            "NetworkMode": "none"}})
    C["ne-netted"] = create_container(c, "ne-netted", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "netted"},
        "HostConfig": {"NetworkMode": "ne-net-a"},
        "NetworkingConfig": {"EndpointsConfig": {"ne-net-a": {"Aliases": ["alpha", "a1"]}}}})
    c.call("POST", f"/networks/{state['networks']['ne-net-b']}/connect",
           {"Container": C["ne-netted"], "EndpointConfig": {"Aliases": ["beta"]}}, ok=(200,))
    C["ne-internal"] = create_container(c, "ne-internal", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "internal"},
        "HostConfig": {"NetworkMode": "ne-net-internal"}})
    C["ne-hostname"] = create_container(c, "ne-hostname", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "hostname"},
        "Hostname": "ne-host", "Domainname": "example.test",
        "HostConfig": {"NetworkMode": "bridge" if default_bridge else "none"}})
    C["ne-hostnet"] = create_container(c, "ne-hostnet", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "hostnet"},
        "HostConfig": {"NetworkMode": "host"}})

    # ---- exec instances on the running container
    e1 = c.post_json(f"/containers/{C['ne-running']}/exec",
                     {"Cmd": ["echo", "never started"], "AttachStdout": True})["Id"]
    e2 = c.post_json(f"/containers/{C['ne-running']}/exec",
                     {"Cmd": ["sh", "-c", "echo done > /tmp/exec-done.txt; exit 0"], "AttachStdout": False,
                      "Env": ["NE_EXEC=1"], "WorkingDir": "/tmp"})["Id"]
    c.call("POST", f"/exec/{e2}/start", {"Detach": True, "Tty": False}, ok=(200, 204))
    def exec_done():
        return (not c.get_json(f"/exec/{e2}/json")["Running"]
                and c.get_json(f"/exec/{e2}/json").get("ExitCode") is not None)

    if engine == "podman":
        # Podman 4.3 keeps a detached exec "Running" (with its Pid) after the process is gone: record it so
        try:
            wait_for(exec_done, 10, "exec to finish")
        except SystemExit:
            log("  the finished exec still says Running (Podman): recorded as it is")
    else:
        wait_for(exec_done, 20, "exec to finish")
    state["execs"] = {"created": e1, "finished": e2}

    for name, cid in C.items():
        st = container_state(c, cid)
        log(f"  {name:12} {st['Status']:8} {cid[:12]}")

    time.sleep(1.05)
    t1 = int(time.time()) + 1
    wait_for(lambda: time.time() > t1 + 0.05, 5, "events window to close")
    state["events_window"] = {"since": t0, "until": t1}
    state["default_bridge"] = default_bridge
    state["bind_dir"] = bind_dir
    if engine != "docker":  # (Docker states stay as they were)
        state["engine"] = engine
    state["volatile"] = VOLATILE
    return state


def populate_health(c: Client, state: dict) -> dict:
    """Containers with health checks: last, outside the events window. Each probe (every second)
    is three events, and a daemon keeps only the last 256 events: record the populate window
    (GET /events?since=..&until=..) before calling this, or it is gone within a minute."""
    sleep_cmd = ["sleep", "100000"]
    C = state["containers"]
    C["ne-healthy"] = create_container(c, "ne-healthy", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "healthy"},
        "Healthcheck": {"Test": ["CMD", "/bin/true"], "Interval": 1_000_000_000,
                        "Timeout": 2_000_000_000, "Retries": 1}})
    C["ne-unhealthy"] = create_container(c, "ne-unhealthy", {
        "Image": "ne-base:1", "Cmd": sleep_cmd, "Labels": {"com.example.ne.role": "unhealthy"},
        "Healthcheck": {"Test": ["CMD-SHELL", "exit 1"], "Interval": 1_000_000_000,
                        "Timeout": 2_000_000_000, "Retries": 1}})

    def health(cid):
        return (container_state(c, cid).get("Health") or {}).get("Status")

    if state.get("engine") == "podman":
        # Podman runs health checks from systemd timers, and there is no systemd here: the check stays
        # "starting" until it is run, so run it as the timer would (Retries 1: one run decides).
        for _ in range(2):
            for name in ("ne-healthy", "ne-unhealthy"):
                c.request("GET", f"{LIBPOD}/containers/{C[name]}/healthcheck", timeout=30)
            time.sleep(1.05)
    wait_for(lambda: health(C["ne-healthy"]) == "healthy", 30, "ne-healthy to be healthy")
    wait_for(lambda: health(C["ne-unhealthy"]) == "unhealthy", 30, "ne-unhealthy to be unhealthy")
    log("  ne-healthy   healthy, ne-unhealthy unhealthy")
    return state


def populate(c: Client, bind_dir: str) -> dict:
    return populate_health(c, populate_base(c, bind_dir))


# ------------------------------------------------------------------------------------- swarm phase

def swarm_port(suite_or_sock: str) -> tuple[int, int]:
    """(raft listen port, VXLAN data path port), distinct per daemon."""
    idx = {"bookworm": 1, "trixie": 2, "sid": 3, "docker29": 4, "docker29-floor": 5}.get(suite_or_sock)
    if idx is None:
        idx = 6 + (sum(suite_or_sock.encode()) % 50)
    return 23770 + idx, 47890 + idx


def swarm_setup(c: Client, suite: str) -> dict:
    """Init a one-node swarm on 127.0.0.1, add a secret, a config and a service; wait for its task.
    Returns ids plus the events window of this phase. Raises APIError if the daemon refuses."""
    idx = {"bookworm": 1, "trixie": 2, "sid": 3, "docker29": 4, "docker29-floor": 5}.get(suite, 6)
    port, dport = swarm_port(suite)
    st: dict = {}
    time.sleep(1.05)
    t0 = int(time.time())
    time.sleep(1.05)
    # docker_gwbridge: our own bridge name and subnet, so three daemons do not share one interface
    c.request("DELETE", "/networks/docker_gwbridge")
    c.post_json("/networks/create", {
        "Name": "docker_gwbridge", "Driver": "bridge", "CheckDuplicate": True,
        "IPAM": {"Config": [{"Subnet": f"10.23{idx}.0.0/24", "Gateway": f"10.23{idx}.0.1"}]},
        "Options": {"com.docker.network.bridge.name": f"ne-gw-{suite}"[:15],
                    "com.docker.network.bridge.enable_icc": "false",
                    "com.docker.network.bridge.enable_ip_masquerade": "false"}})
    body = {"ListenAddr": f"127.0.0.1:{port}", "AdvertiseAddr": "127.0.0.1",
            "DataPathPort": dport, "DefaultAddrPool": [f"10.24{idx}.0.0/16"], "SubnetSize": 24,
            "ForceNewCluster": False, "Spec": {"Name": "default", "Labels": dict(LABELS)}}
    ans = c.request("POST", "/swarm/init", body, timeout=60)
    if ans.status != 200:
        raise APIError("POST", "/swarm/init", ans)
    st["node_id"] = json.loads(ans.body)
    st["swarm_listen"] = f"127.0.0.1:{port}"
    import base64
    st["secret"] = c.post_json("/secrets/create", {
        "Name": "ne-secret", "Labels": dict(LABELS),
        "Data": base64.b64encode(b"s3cret").decode()})["ID"]
    st["config"] = c.post_json("/configs/create", {
        "Name": "ne-config", "Labels": dict(LABELS),
        "Data": base64.b64encode(b"key=value\n").decode()})["ID"]
    svc = c.post_json("/services/create", {
        "Name": "ne-svc", "Labels": dict(LABELS),
        "TaskTemplate": {
            "ContainerSpec": {"Image": "ne-base:1", "Command": ["sleep", "100000"],
                              "Labels": {"com.example.ne.role": "task"},
                              "Secrets": [{"SecretID": st["secret"], "SecretName": "ne-secret",
                                           "File": {"Name": "ne-secret", "UID": "0", "GID": "0", "Mode": 0o400}}],
                              "Configs": [{"ConfigID": st["config"], "ConfigName": "ne-config",
                                           "File": {"Name": "/ne-config", "UID": "0", "GID": "0", "Mode": 0o444}}]},
            "RestartPolicy": {"Condition": "none"},
            "Networks": []},
        "Mode": {"Replicated": {"Replicas": 1}}},
        timeout=30)
    st["service"] = svc["ID"]

    def running_task():
        tasks = c.get_json("/tasks", query={"filters": json.dumps({"service": ["ne-svc"]})})
        for t in tasks:
            if t.get("Status", {}).get("State") == "running":
                return t
        for t in tasks:
            if t.get("Status", {}).get("State") in ("failed", "rejected"):
                raise SystemExit(f"swarm task failed: {t['Status']}")
        return None

    task = wait_for(running_task, 60, "the swarm service's task to run", 0.5)
    st["task"] = task["ID"]
    st["task_container"] = task["Status"]["ContainerStatus"]["ContainerID"]
    time.sleep(1.05)
    t1 = int(time.time()) + 1
    wait_for(lambda: time.time() > t1 + 0.05, 5, "events window to close")
    st["events_window"] = {"since": t0, "until": t1}
    return st


def swarm_teardown(c: Client) -> None:
    c.request("DELETE", "/services/ne-svc")
    c.request("POST", "/swarm/leave", query={"force": "1"}, timeout=60)
    c.request("DELETE", "/networks/docker_gwbridge")


# ---------------------------------------------------------------------------------------------- CLI

def default_state_path(sock: str) -> str:
    """populate also saves its state beside the daemon's socket, for record.py to find."""
    return os.path.join(os.path.dirname(sock), "state.json")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--socket", help="unix:///path/to/docker.sock")
    g.add_argument("--suite", help="a suite from daemons.json (bookworm, trixie, sid)")
    g.add_argument("--podman", help="a Podman version from podmans.json (tools/podman.sh: 4.3.1, 5.4.2, ...)")
    ap.add_argument("--state", help="write the state JSON here (default: stdout)")
    ap.add_argument("--bind-dir", help="host folder to bind-mount (default: beside the socket)")
    args = ap.parse_args(argv)
    if args.podman:
        sock = podman_for_version(args.podman)["socket"]
    else:
        sock = daemon_for_suite(args.suite)["socket"] if args.suite else args.socket
    c = Client(sock, timeout=60)
    bind_dir = args.bind_dir or os.path.join(os.path.dirname(c.socket), "bind")
    state = populate(c, bind_dir)
    text = json.dumps(state, indent=2, sort_keys=True) + "\n"
    with open(default_state_path(c.socket), "w") as f:
        f.write(text)
    if args.state:
        with open(args.state, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
