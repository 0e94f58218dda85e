#!/usr/bin/env bash
# Real Docker daemons of four generations side by side, for recording fixtures and live tests.
#
#   tools/daemons.sh install                 # docker.io (bookworm) + unpacked trixie/sid engines + 29.7
#   tools/daemons.sh start [--allow-missing] [suite...]
#   tools/daemons.sh stop [suite...]
#   tools/daemons.sh status
#   tools/daemons.sh clean                   # stop all, remove $NE_DAEMON_CACHE and $NE_DAEMON_ROOT
#
# Suites: bookworm (20.10), trixie (26.1), sid (whatever sid carries, 28.5 when written), docker29
# (Docker 29.7.2 from ../shared/engines, its floor lowered to API 1.24 so that it answers every version the
# others do) and docker29-floor (the same engine with its own default floor, 1.40: what a pinned old client
# meets on a Docker 29 host). Both 29.7 suites run on sid's containerd and bookworm's runc.
# Env: NE_DAEMON_CACHE (unpacked engines, default /var/cache/normalize-engine/daemons)
#      NE_DAEMON_ROOT  (sockets, data, logs, daemons.json; default /tmp/ne-daemons)
#      NE_SHARED       (the shared folder with engines/, default: ../shared beside the project)
set -euo pipefail

HERE="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${NE_DAEMON_CACHE:-/var/cache/normalize-engine/daemons}"
ROOT="${NE_DAEMON_ROOT:-/tmp/ne-daemons}"
SHARED="${NE_SHARED:-$HERE/../shared}"
ENGINE29="docker-29.7.2"
ALL_SUITES=(bookworm trixie sid docker29 docker29-floor)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
APT_UPDATED=0

say() { printf '[daemons] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=tools/services.sh
. "$(dirname "${BASH_SOURCE[0]}")/services.sh"

# Per-suite network plan. Each daemon gets its own local bridge with a /24 that only exists on
# that bridge, and its own pool for user-defined networks, so the three never collide.
suite_index() {
    case "$1" in
        bookworm) echo 1 ;;
        trixie) echo 2 ;;
        sid) echo 3 ;;
        docker29) echo 4 ;;
        docker29-floor) echo 5 ;;
        *) die "unknown suite: $1 (known: ${ALL_SUITES[*]})" ;;
    esac
}
bridge_name() {
    # an interface name has at most 15 characters
    case "$1" in
        docker29-floor) echo "ne-d29-floor" ;;
        *) echo "ne-$1" ;;
    esac
}
bridge_cidr() { echo "10.20$(suite_index "$1").0.1/24"; }
address_pool() { echo "base=10.21$(suite_index "$1").0.0/16,size=24"; }

engine_dir() {
    # prints the folder whose usr/bin, usr/sbin hold this suite's dockerd/containerd ("" for bookworm)
    case "$1" in
        bookworm) echo "" ;;
        docker29 | docker29-floor) echo "$CACHE/docker29" ;;
        *) echo "$CACHE/$1" ;;
    esac
}

is_docker29() { case "$1" in docker29 | docker29-floor) return 0 ;; *) return 1 ;; esac; }

apt_update_once() {
    if [ "$APT_UPDATED" = 0 ]; then
        say "apt-get update"
        apt-get update -qq >/dev/null
        APT_UPDATED=1
    fi
}

# ---------------------------------------------------------------------------------------- install

private_apt_opts() {
    local d="$CACHE/apt"
    printf '%s\n' \
        -o "Dir::State::Lists=$d/lists" \
        -o "Dir::State::status=/var/lib/dpkg/status" \
        -o "Dir::Cache=$d/cache" \
        -o "Dir::Etc::sourcelist=$d/sources.list" \
        -o "Dir::Etc::sourceparts=$d/sources.list.d" \
        -o "Dir::Etc::preferences=$d/preferences" \
        -o "Dir::Etc::preferencesparts=$d/preferences.d" \
        -o "APT::Get::List-Cleanup=0" \
        -o "APT::Sandbox::User=root"
}

install_bookworm() {
    local need=()
    command -v dockerd >/dev/null 2>&1 && [ -x /usr/sbin/dockerd ] || need+=(docker.io)
    [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx sleep && dpkg -s busybox-static >/dev/null 2>&1 \
        || need+=(busybox-static)
    if [ "${#need[@]}" = 0 ]; then
        say "bookworm: docker.io and busybox-static already installed"
        return
    fi
    apt_update_once
    say "bookworm: apt-get install ${need[*]}"
    # The package's maintainer scripts would start a system-wide dockerd (with iptables rules and
    # docker0); keep them from starting any service while installing.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        created_policy=1
    fi
    local rc=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || rc=$?
    if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
    [ "$rc" = 0 ] || die "apt-get install ${need[*]} failed ($rc)"
}

install_unpacked() {
    # trixie and sid engines: download the packages and unpack them, never install them
    local todo=()
    local s
    for s in trixie sid; do
        if [ -x "$CACHE/$s/usr/sbin/dockerd" ] && [ -x "$CACHE/$s/usr/bin/containerd" ]; then
            say "$s: already unpacked in $CACHE/$s ($(cat "$CACHE/$s/.versions" 2>/dev/null | tr '\n' ' '))"
        else
            todo+=("$s")
        fi
    done
    [ "${#todo[@]}" = 0 ] && return

    local d="$CACHE/apt"
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/sources.list.d" "$d/preferences.d" "$d/debs"
    local uri
    uri="$(mirror_uri)"
    {
        for s in "${todo[@]}"; do
            echo "deb [signed-by=$KEYRING] $uri $s main"
        done
    } >"$d/sources.list"
    : >"$d/preferences"
    local opts
    mapfile -t opts < <(private_apt_opts)
    say "private apt-get update (${todo[*]} from $uri)"
    apt-get "${opts[@]}" update -qq >/dev/null
    for s in "${todo[@]}"; do
        local sd="$d/debs/$s"
        rm -rf "$sd"
        mkdir -p "$sd"
        say "$s: apt-get download docker.io/$s containerd/$s (runc: bookworm's; theirs need a newer libc)"
        (cd "$sd" && apt-get "${opts[@]}" download -qq "docker.io/$s" "containerd/$s" >/dev/null)
        local tmp="$CACHE/.$s.tmp"
        rm -rf "$tmp"
        mkdir -p "$tmp"
        local deb
        : >"$tmp/.versions"
        for deb in "$sd"/*.deb; do
            dpkg-deb -x "$deb" "$tmp"
            dpkg-deb --show --showformat='${Package}=${Version}\n' "$deb" >>"$tmp/.versions"
        done
        [ -x "$tmp/usr/sbin/dockerd" ] || die "$s: no usr/sbin/dockerd in the unpacked packages"
        rm -rf "${CACHE:?}/$s"
        mv "$tmp" "$CACHE/$s"
        say "$s: unpacked into $CACHE/$s ($(tr '\n' ' ' <"$CACHE/$s/.versions"))"
    done
}

install_docker29() {
    # Docker 29.7.2 is in no Debian suite: the shared folder carries a build of moby's source. Outside CI a
    # missing shared folder skips these suites (with this message); under CI it is a failure.
    local src="$SHARED/engines/$ENGINE29" dest="$CACHE/docker29"
    if [ ! -r "$src/dockerd.xz" ] || [ ! -r "$src/SHA256SUMS" ]; then
        if [ -n "${CI:-}" ]; then
            die "docker29: no $src/dockerd.xz (the shared folder must be beside the project, or NE_SHARED set)"
        fi
        say "docker29: SKIPPED: no $src/dockerd.xz (the shared folder beside the project, or NE_SHARED);" \
            "the docker29 and docker29-floor suites will not start"
        return
    fi
    local want
    want="$(awk '$2 == "dockerd" {print $1}' "$src/SHA256SUMS")"
    [ -n "$want" ] || die "docker29: $src/SHA256SUMS names no dockerd"
    if [ -x "$dest/usr/sbin/dockerd" ] && [ "$(sha256sum "$dest/usr/sbin/dockerd" | cut -d' ' -f1)" = "$want" ]; then
        say "docker29: already unpacked in $dest (sha256 $want)"
        return
    fi
    mkdir -p "$dest/usr/sbin"
    xz -dc "$src/dockerd.xz" >"$dest/usr/sbin/dockerd.tmp"
    local got
    got="$(sha256sum "$dest/usr/sbin/dockerd.tmp" | cut -d' ' -f1)"
    if [ "$got" != "$want" ]; then
        rm -f "$dest/usr/sbin/dockerd.tmp"
        die "docker29: $src/dockerd.xz unpacks to sha256 $got, SHA256SUMS says $want"
    fi
    chmod +x "$dest/usr/sbin/dockerd.tmp"
    mv "$dest/usr/sbin/dockerd.tmp" "$dest/usr/sbin/dockerd"
    # Docker 29 gives each container a time namespace, which bookworm's runc 1.1.5 does not know; this is the
    # daemon's own switch back to the host's.
    printf '{"features": {"time-namespaces": false}}\n' >"$dest/daemon.json"
    say "docker29: unpacked $ENGINE29 into $dest (sha256 checked; runs on sid's containerd, bookworm's runc)"
}

cmd_install() {
    mkdir -p "$CACHE"
    install_bookworm
    install_unpacked
    install_docker29
    say "install done"
}

# ------------------------------------------------------------------------------------ start/stop

ping_socket() {
    # GET /_ping over the unix socket; prints the body
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(3)
try:
    s.connect(sys.argv[1])
    s.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
except OSError:
    sys.exit(1)
head, _, body = data.partition(b"\r\n\r\n")
sys.exit(0 if head.split(b" ")[1:2] == [b"200"] and body.strip() == b"OK" else 1)
EOF
}

setup_bridge() {
    # prints the dockerd network flags for this suite
    local suite="$1" br cidr
    br="$(bridge_name "$suite")"
    cidr="$(bridge_cidr "$suite")"
    if ! ip link show "$br" >/dev/null 2>&1; then
        if ip link add "$br" type bridge 2>/dev/null; then
            echo "$br" >"$ROOT/$suite/bridge.created"
        else
            say "$suite: cannot create bridge $br; starting with --bridge=none (no default bridge network)"
            echo "--bridge=none"
            return
        fi
    fi
    if ! ip -4 addr show dev "$br" | grep -q "inet ${cidr%/*}/"; then
        ip addr flush dev "$br" 2>/dev/null || true
        ip addr add "$cidr" dev "$br" 2>/dev/null || {
            say "$suite: cannot give $br the address $cidr; starting with --bridge=none"
            echo "--bridge=none"
            return
        }
    fi
    ip link set "$br" up 2>/dev/null || true
    echo "--bridge=$br"
}

start_one() {
    local suite="$1" dir eng pidfile log sock
    dir="$ROOT/$suite"
    eng="$(engine_dir "$suite")"
    pidfile="$dir/docker.pid"
    log="$dir/dockerd.log"
    sock="$dir/docker.sock"
    if is_docker29 "$suite" && [ ! -x "$eng/usr/sbin/dockerd" ] && [ -z "${CI:-}" ] \
        && [ ! -r "$SHARED/engines/$ENGINE29/dockerd.xz" ]; then
        say "$suite: SKIPPED: Docker 29.7 needs the shared folder ($SHARED/engines/$ENGINE29)"
        return 0
    fi
    [ -x "$eng/usr/sbin/dockerd" ] || { say "$suite: no dockerd in ${eng:-/} (run: tools/daemons.sh install)"; return 1; }
    mkdir -p "$dir/data" "$dir/exec"

    local pid
    pid="$(read_pid "$pidfile")"
    if pid_alive "$pid" && ping_socket "$sock"; then
        say "$suite: already running (pid $pid, $sock)"
        return 0
    fi
    if pid_alive "$pid"; then
        say "$suite: pid $pid in $pidfile is alive but not answering; stopping it first"
        stop_one "$suite"
    fi

    local netflags
    netflags="$(setup_bridge "$suite")"
    echo "$netflags" >"$dir/bridge.flags"

    local path="$eng/usr/bin:$eng/usr/sbin:$eng/usr/libexec/docker:$eng/usr/lib/docker:/usr/sbin:/usr/bin:/sbin:/bin"
    [ -z "$eng" ] && path="/usr/bin:/usr/sbin:/usr/libexec/docker:/sbin:/bin"
    local extra=() envs=()
    if is_docker29 "$suite"; then
        # sid's containerd, shim and docker-init; bookworm's runc (on /usr/bin)
        local sidbin="$CACHE/sid/usr/bin"
        [ -x "$sidbin/containerd" ] || { say "$suite: needs sid's containerd in $sidbin (run: tools/daemons.sh install)"; return 1; }
        path="$eng/usr/sbin:$sidbin:$CACHE/sid/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
        extra=(--config-file "$eng/daemon.json")
        # docker29 answers every version from 1.24 as the older engines do; docker29-floor keeps 29.7's own
        # floor (1.40) and refuses older clients with the real 400 "client version ... is too old".
        if [ "$suite" = docker29 ]; then envs=(DOCKER_MIN_API_VERSION=1.24); fi
    fi
    say "$suite: starting $eng/usr/sbin/dockerd ($netflags)"
    # setsid: its own process group, so it outlives this shell and is never killed with it
    env PATH="$path" "${envs[@]+"${envs[@]}"}" setsid "$eng/usr/sbin/dockerd" \
        "${extra[@]+"${extra[@]}"}" \
        --host "unix://$sock" \
        --data-root "$dir/data" \
        --exec-root "$dir/exec" \
        --pidfile "$pidfile" \
        --iptables=false --ip6tables=false --ip-forward=false \
        --storage-driver=vfs \
        "$netflags" \
        --default-address-pool "$(address_pool "$suite")" \
        </dev/null >>"$log" 2>&1 &
    local launched=$!
    echo "$launched" >"$dir/launcher.pid"

    local i
    for i in $(seq 1 120); do
        if ping_socket "$sock"; then
            say "$suite: up (pid $(read_pid "$pidfile"))"
            return 0
        fi
        if ! pid_alive "$launched"; then
            break
        fi
        sleep 0.5
    done
    say "$suite: dockerd did not come up; last lines of $log:"
    tail -n 25 "$log" | sed 's/^/    /' >&2
    if pid_alive "$launched"; then kill "$launched" 2>/dev/null || true; fi
    return 1
}

write_daemons_json() {
    python3 - "$ROOT" "${ALL_SUITES[@]}" <<'EOF'
import http.client, json, os, socket, sys

class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.unix_path = path
    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.unix_path)
        self.sock = s

root, suites = sys.argv[1], sys.argv[2:]
out = []
for suite in suites:
    sock = os.path.join(root, suite, "docker.sock")
    if not os.path.exists(sock):
        continue
    try:
        c = UnixHTTPConnection(sock)
        c.request("GET", "/version")
        r = c.getresponse()
        v = json.loads(r.read())
        c.close()
    except Exception:
        continue
    flags = ""
    try:
        flags = open(os.path.join(root, suite, "bridge.flags")).read().strip()
    except OSError:
        pass
    out.append({
        "suite": suite,
        "socket": "unix://" + sock,
        "version": v.get("Version"),
        "api_version": v.get("ApiVersion"),
        "min_api_version": v.get("MinAPIVersion"),
        "default_bridge": flags not in ("", "--bridge=none"),
        "bridge": flags.split("=", 1)[1] if flags.startswith("--bridge=") else None,
        "root": os.path.join(root, suite),
        # "floor": a daemon kept at its own default floor, for the tests of clients pinned below it; the
        # general live tests use the "main" ones
        "role": "floor" if suite.endswith("-floor") else "main",
    })
tmp = os.path.join(root, "daemons.json.tmp")
with open(tmp, "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
os.replace(tmp, os.path.join(root, "daemons.json"))
for d in out:
    print(f"[daemons] {d['suite']:9} {d['version']:10} API {d['min_api_version']}..{d['api_version']}  {d['socket']}", file=sys.stderr)
EOF
}

daemon_bridges() {
    # interface names of the daemon's user-defined bridge networks (dockerd leaves them behind)
    python3 - "$1" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
    s.sendall(b"GET /networks HTTP/1.0\r\nHost: docker\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    nets = json.loads(data.partition(b"\r\n\r\n")[2])
except (OSError, ValueError):
    sys.exit(0)
for n in nets:
    if n.get("Driver") != "bridge" or n.get("Name") == "bridge":
        continue
    print((n.get("Options") or {}).get("com.docker.network.bridge.name") or "br-" + n["Id"][:12])
EOF
}

stop_one() {
    local suite="$1" dir pid cpid i
    dir="$ROOT/$suite"
    if [ -S "$dir/docker.sock" ]; then daemon_bridges "$dir/docker.sock" >>"$dir/bridges.list" || true; fi
    pid="$(read_pid "$dir/docker.pid")"
    [ -n "$pid" ] || pid="$(read_pid "$dir/launcher.pid")"
    # the containerd this dockerd started (its pidfile lives under the exec root)
    cpid="$(read_pid "$dir/exec/containerd/containerd.pid")"
    if pid_alive "$pid" && [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null | xargs -r basename)" = dockerd ]; then
        say "$suite: stopping dockerd (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 60); do pid_alive "$pid" || break; sleep 0.5; done
        if pid_alive "$pid"; then
            say "$suite: dockerd $pid still alive after 30 s; SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    else
        say "$suite: not running"
    fi
    if pid_alive "$cpid" && [ "$(readlink -f "/proc/$cpid/exe" 2>/dev/null | xargs -r basename)" = containerd ]; then
        say "$suite: stopping leftover containerd (pid $cpid)"
        kill -TERM "$cpid" 2>/dev/null || true
        for i in $(seq 1 20); do pid_alive "$cpid" || break; sleep 0.5; done
        pid_alive "$cpid" && kill -KILL "$cpid" 2>/dev/null || true
    fi
    rm -f "$dir/docker.pid" "$dir/launcher.pid"
    if [ -r "$dir/bridge.created" ]; then
        local br
        br="$(cat "$dir/bridge.created")"
        ip link del "$br" 2>/dev/null && say "$suite: removed bridge $br" || true
        rm -f "$dir/bridge.created"
    fi
    if ! pid_alive "$pid"; then
        # bridges of this daemon's networks: those it listed, and any left with an address from
        # the pools that are this daemon's alone (10.21N.0.0/16 networks, 10.23N.0.0/24 gwbridge)
        local n b
        n="$(suite_index "$suite")"
        {
            cat "$dir/bridges.list" 2>/dev/null || true
            ip -o -4 addr show 2>/dev/null | awk -v a="inet 10.21$n." -v g="inet 10.23$n." \
                'index($0, a) || index($0, g) {print $2}'
        } | sort -u | while read -r b; do
            case "$b" in br-*|ne-gw-*) ip link del "$b" 2>/dev/null && say "$suite: removed bridge $b" || true ;; esac
        done
        rm -f "$dir/bridges.list"
    fi
}

parse_suites() {
    local s
    for s in "$@"; do suite_index "$s" >/dev/null; done
    if [ "$#" = 0 ]; then printf '%s\n' "${ALL_SUITES[@]}"; else printf '%s\n' "$@"; fi
}

cmd_start() {
    local allow_missing=0 args=()
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --allow-missing) allow_missing=1 ;;
            -*) die "unknown option $1" ;;
            *) args+=("$1") ;;
        esac
        shift
    done
    mkdir -p "$ROOT"
    local suites failed=()
    mapfile -t suites < <(parse_suites "${args[@]+"${args[@]}"}")
    local s
    for s in "${suites[@]}"; do
        start_one "$s" || failed+=("$s")
    done
    write_daemons_json
    if [ "${#failed[@]}" -gt 0 ]; then
        say "FAILED to start: ${failed[*]}"
        [ "$allow_missing" = 1 ] || exit 1
    fi
}

cmd_stop() {
    local suites s
    mapfile -t suites < <(parse_suites "$@")
    for s in "${suites[@]}"; do stop_one "$s"; done
    if [ -d "$ROOT" ]; then write_daemons_json; fi
}

cmd_status() {
    local s dir pid rc=0
    for s in "${ALL_SUITES[@]}"; do
        dir="$ROOT/$s"
        pid="$(read_pid "$dir/docker.pid")"
        if pid_alive "$pid" && ping_socket "$dir/docker.sock"; then
            printf '%-9s running  pid %-7s unix://%s  %s\n' "$s" "$pid" "$dir/docker.sock" "$(cat "$dir/bridge.flags" 2>/dev/null)"
        elif pid_alive "$pid"; then
            printf '%-9s starting/hung  pid %s\n' "$s" "$pid"; rc=1
        else
            printf '%-9s stopped\n' "$s"; rc=1
        fi
    done
    [ -r "$ROOT/daemons.json" ] && echo "daemons.json: $ROOT/daemons.json"
    return "$rc"
}

cmd_clean() {
    # Stop every daemon, then remove the unpacked engines (about 540 MB) and the daemons' sockets, data and
    # logs. Debian's docker.io stays installed: `apt-get remove docker.io` removes it.
    cmd_stop
    remove_folders "$CACHE" "$ROOT"
    say "clean"
}

main() {
    local cmd="${1:-}"
    shift || true
    case "$cmd" in
        install) cmd_install "$@" ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        clean) cmd_clean ;;
        *) echo "usage: $0 install | start [--allow-missing] [suite...] | stop [suite...] | status | clean" >&2; exit 2 ;;
    esac
}

main "$@"
