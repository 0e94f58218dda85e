#!/usr/bin/env bash
# Real Podman services (their Docker-compatible sockets) of four generations side by side, for recording
# fixtures and live tests. The recipe is ../shared/design/REAL-PODMAN.md.
#
#   tools/podman.sh install [version...]     # host tools by apt; each Podman downloaded and unpacked
#   tools/podman.sh start [--allow-missing] [version...]
#   tools/podman.sh stop [version...]        # containers first, then the service, by PID
#   tools/podman.sh status
#   tools/podman.sh clean                    # remove the containers, stop all, remove $NE_PODMAN_CACHE, $NE_PODMAN_ROOT
#   tools/podman.sh cli VERSION ARGS...      # the private `podman` CLI of that version (its storage)
#
# Versions: 4.3.1 (bookworm), 5.4.2 (trixie), 5.8.6 (sid), 6.1.1 (experimental); default: all four.
# Each is unpacked with its own libraries (patchelf: rpath, and for >= 5.4 the ELF interpreter of the
# glibc unpacked beside it; the host's libc is never replaced), runs with private config, storage, networks
# and socket, never touching /etc/containers, /var/lib/containers or /run/libpod. 6.1.1 refuses cgroup v1,
# so its service runs in a private mount namespace with cgroup2 over /sys/fs/cgroup.
# Env: NE_PODMAN_CACHE (unpacked trees, default /var/cache/normalize-engine/podman)
#      NE_PODMAN_ROOT  (sockets, storage, logs, podmans.json; default /tmp/ne-podman)
set -euo pipefail

CACHE="${NE_PODMAN_CACHE:-/var/cache/normalize-engine/podman}"
ROOT="${NE_PODMAN_ROOT:-/tmp/ne-podman}"
ALL_VERSIONS=(4.3.1 5.4.2 5.8.6 6.1.1)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
LIBDIR=usr/lib/x86_64-linux-gnu

say() { printf '[podman] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=tools/services.sh
. "$(dirname "${BASH_SOURCE[0]}")/services.sh"

version_index() {
    case "$1" in
        4.3.1) echo 1 ;;
        5.4.2) echo 2 ;;
        5.8.6) echo 3 ;;
        6.1.1) echo 4 ;;
        *) die "unknown Podman version: $1 (known: ${ALL_VERSIONS[*]})" ;;
    esac
}

# The Debian packages of each version (always by suite: sid moves, and unqualified `podman` is sid's).
packages() {
    local sid="libc6/sid libgpgme45/sid libseccomp2/sid libsubid6/sid libassuan9/sid libgpg-error0/sid libsqlite3-0/sid"
    case "$1" in
        4.3.1) echo "podman/bookworm libgpgme11/bookworm libassuan0/bookworm libsubid4/bookworm libdevmapper1.02.1/bookworm netavark/bookworm aardvark-dns/bookworm" ;;
        5.4.2) echo "podman/trixie libc6/trixie libsubid5/trixie libgpgme11/bookworm libassuan0/bookworm netavark/bookworm aardvark-dns/bookworm" ;;
        5.8.6) echo "podman/sid $sid netavark/bookworm aardvark-dns/bookworm" ;;
        6.1.1) echo "podman/experimental $sid netavark/experimental aardvark-dns/sid" ;;
    esac
    echo "conmon/bookworm golang-github-containers-common/bookworm"
}

# ---------------------------------------------------------------------------------------- install

private_apt_opts() {
    local d="$CACHE/apt"
    printf '%s\n' \
        -o "Dir::State::Lists=$d/lists" \
        -o "Dir::State::status=/var/lib/dpkg/status" \
        -o "Dir::Cache=$d/cache" \
        -o "Dir::Etc::sourcelist=$d/sources.list" \
        -o "Dir::Etc::sourceparts=$d/parts" \
        -o "Dir::Etc::preferences=$d/parts/none" \
        -o "Dir::Etc::preferencesparts=$d/parts" \
        -o "APT::Get::List-Cleanup=0" \
        -o "APT::Sandbox::User=root"
}

install_host() {
    # bookworm's own tools (the system's sources: the private ones would give sid's patchelf); nft only
    # for 6.1.1, whose netavark 2.0 writes nftables rules (the others: iptables)
    local need=() p want=(runc iptables busybox-static patchelf curl)
    case " $* " in *" 6.1.1 "*) want+=(nftables) ;; esac
    for p in "${want[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
    done
    if [ "${#need[@]}" = 0 ]; then
        say "host: ${want[*]} already installed"
        return
    fi
    say "host: apt-get install ${need[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        || die "apt-get install ${need[*]} failed"
}

installed() { [ -x "$CACHE/$1/usr/bin/podman" ] && [ -r "$CACHE/$1/.ok" ]; }

install_one() {
    local v="$1" d="$CACHE/apt" opts x tmp debs rp
    mapfile -t opts < <(private_apt_opts)
    debs="$d/debs/$v"
    rm -rf "$debs"
    mkdir -p "$debs"
    local pk
    read -r -a pk <<<"$(packages "$v" | tr '\n' ' ')"
    say "$v: apt-get download ${pk[*]}"
    (cd "$debs" && apt-get "${opts[@]}" download -qq "${pk[@]}" >/dev/null)
    tmp="$CACHE/.$v.tmp"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    : >"$tmp/.versions"
    local deb
    for deb in "$debs"/*.deb; do
        dpkg-deb -x "$deb" "$tmp"
        # shellcheck disable=SC2016  # dpkg-deb's own ${...} format
        dpkg-deb --show --showformat='${Package}=${Version}\n' "$deb" >>"$tmp/.versions"
    done
    # the final paths are baked into the binaries, so patch for $CACHE/$v, not for the temporary folder
    x="$CACHE/$v"
    rp="$x/$LIBDIR:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu"
    if [ "$v" = 4.3.1 ]; then
        patchelf --force-rpath --set-rpath "$rp" "$tmp/usr/bin/podman"
    else
        patchelf --set-interpreter "$x/$LIBDIR/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$rp" "$tmp/usr/bin/podman"
    fi
    if [ "$v" = 6.1.1 ]; then
        patchelf --set-interpreter "$x/$LIBDIR/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$rp" \
            "$tmp/usr/lib/podman/netavark"
    fi
    rm -rf "${CACHE:?}/$v"
    mv "$tmp" "$x"
    local pv nv
    pv="$("$x/usr/bin/podman" --version 2>&1)" || die "$v: $x/usr/bin/podman does not run: $pv"
    nv="$("$x/usr/lib/podman/netavark" --version 2>&1)" || die "$v: netavark does not run: $nv"
    case "$pv" in *" $v"*) ;; *) die "$v: the unpacked podman says '$pv' (the suite has moved?)" ;; esac
    echo "$pv; $nv" >"$x/.ok"
    say "$v: unpacked into $x ($pv; $nv)"
}

cmd_install() {
    local versions v todo=()
    mapfile -t versions < <(parse_versions "$@")
    install_host "${versions[@]}"
    for v in "${versions[@]}"; do
        if installed "$v"; then say "$v: already unpacked in $CACHE/$v ($(cat "$CACHE/$v/.ok"))"; else todo+=("$v"); fi
    done
    [ "${#todo[@]}" = 0 ] && return 0
    local d="$CACHE/apt" uri opts suites=(bookworm) s
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts"
    # only the suites these versions need (experimental also needs sid's libraries): 4.3.1 alone is quick
    for v in "${todo[@]}"; do
        case "$v" in
            5.4.2) suites+=(trixie) ;;
            5.8.6) suites+=(sid) ;;
            6.1.1) suites+=(sid experimental) ;;
        esac
    done
    uri="$(mirror_uri)"
    printf '%s\n' "${suites[@]}" | awk '!seen[$0]++' | while read -r s; do
        echo "deb [signed-by=$KEYRING] $uri $s main"
    done >"$d/sources.list"
    mapfile -t opts < <(private_apt_opts)
    say "private apt-get update ($(printf '%s ' "${suites[@]}" | tr ' ' '\n' | awk 'NF && !seen[$0]++' | tr '\n' ' ')from $uri)"
    apt-get "${opts[@]}" update -qq >/dev/null
    for v in "${todo[@]}"; do install_one "$v"; done
    say "install done"
}

# ------------------------------------------------------------------------------------ start/stop

ping_socket() { curl -sf --max-time 3 --unix-socket "$1" http://d/_ping >/dev/null 2>&1; }

configure() {
    # the private configuration of one version (REAL-PODMAN.md), rewritten at every start
    local v="$1" x="$CACHE/$1" s="$ROOT/$1" n
    n="$(version_index "$v")"
    mkdir -p "$s/netconf" "$s/tmp" "$s/home/.config/containers"
    echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$s/home/.config/containers/policy.json"
    printf 'unqualified-search-registries = ["docker.io"]\nshort-name-mode = "permissive"\n' >"$s/registries.conf"
    {
        echo '[containers]'
        # 6.1.1's cgroup v2 has no pids controller here
        if [ "$v" = 6.1.1 ]; then echo 'pids_limit = 0'; fi
        # nproc: without it 4.3.1 fails every run (error setting rlimit type 6; no CAP_SYS_RESOURCE)
        cat <<EOF
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
seccomp_profile = "$x/usr/share/containers/seccomp.json"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$s/events.log"
runtime = "runc"
tmp_dir = "$s/tmp"
conmon_path = ["$x/usr/bin/conmon"]
helper_binaries_dir = ["$x/usr/lib/podman", "$x/usr/libexec/podman"]
[network]
network_backend = "netavark"
network_config_dir = "$s/netconf"
# user networks of this version only: 10.25$n.0.0/16 (the Docker daemons use 10.20N..10.24N)
default_subnet_pools = [{"base" = "10.25$n.0.0/16", "size" = 24}]
EOF
    } >"$s/containers.conf"
    cat >"$s/podman" <<EOF
#!/bin/sh
# Podman $v with its private configuration and storage (tools/podman.sh)
export CONTAINERS_CONF=$s/containers.conf CONTAINERS_REGISTRIES_CONF=$s/registries.conf HOME=$s/home PODMAN_IGNORE_CGROUPSV1_WARNING=1
exec $x/usr/bin/podman --storage-driver vfs --root $s/root --runroot $s/runroot --cgroup-manager cgroupfs \\
  --events-backend file --tmpdir $s/tmp --network-config-dir $s/netconf "\$@"
EOF
    chmod +x "$s/podman"
}

cli() {
    # the CLI of a running version (6.1.1: inside its service's mount namespace)
    local v="$1" s="$ROOT/$1"
    shift
    if [ "$v" = 6.1.1 ]; then
        local pid
        pid="$(read_pid "$s/service.pid")"
        pid_alive "$pid" || die "6.1.1: its service is not running (the CLI needs its namespace)"
        nsenter -t "$pid" -m "$s/podman" "$@"
    else
        "$s/podman" "$@"
    fi
}

start_one() {
    local v="$1" s="$ROOT/$1" pid
    installed "$v" || { say "$v: not installed (run: tools/podman.sh install $v)"; return 1; }
    pid="$(read_pid "$s/service.pid")"
    if pid_alive "$pid" && ping_socket "$s/podman.sock"; then
        say "$v: already running (pid $pid, $s/podman.sock)"
        return 0
    fi
    if pid_alive "$pid"; then stop_one "$v"; fi
    configure "$v"
    rm -f "$s/podman.sock"
    local g="exec setsid $s/podman system service --time=0 unix://$s/podman.sock"
    say "$v: starting $CACHE/$v/usr/bin/podman system service"
    if [ "$v" = 6.1.1 ]; then
        # Podman 6 refuses cgroup v1: cgroup2 over /sys/fs/cgroup in a mount namespace of its own
        nohup unshare -m --propagation private sh -c "mount -t cgroup2 cgroup2 /sys/fs/cgroup && $g" \
            >>"$s/service.log" 2>&1 </dev/null &
    else
        nohup sh -c "$g" >>"$s/service.log" 2>&1 </dev/null &
    fi
    # sh, unshare and setsid all exec: this is podman's own PID
    echo $! >"$s/service.pid"
    pid="$(read_pid "$s/service.pid")"
    for _ in $(seq 1 150); do
        if ping_socket "$s/podman.sock"; then
            say "$v: up (pid $pid, unix://$s/podman.sock)"
            return 0
        fi
        pid_alive "$pid" || break
        sleep 0.2
    done
    say "$v: the service did not come up; last lines of $s/service.log:"
    tail -n 20 "$s/service.log" | sed 's/^/    /' >&2
    if pid_alive "$pid"; then kill "$pid" 2>/dev/null || true; fi
    return 1
}

stop_one() {
    local v="$1" s="$ROOT/$1" pid _
    pid="$(read_pid "$s/service.pid")"
    if ! pid_alive "$pid" || [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null | xargs -r basename)" != podman ]; then
        say "$v: not running"
        rm -f "$s/service.pid"
        return 0
    fi
    # containers first: killing the service leaves them running under conmon. busybox sleep as PID 1
    # ignores SIGTERM, so stop waits out -t, then kills.
    say "$v: stopping its containers"
    cli "$v" unpause -a >/dev/null 2>&1 || true
    cli "$v" stop -a -t 1 >/dev/null 2>&1 || say "$v: podman stop -a failed (continuing)"
    say "$v: stopping the service (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.2; done
    if pid_alive "$pid"; then
        say "$v: service $pid still alive after 20 s; SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$s/service.pid"
}

write_podmans_json() {
    python3 - "$ROOT" "${ALL_VERSIONS[@]}" <<'EOF'
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

root, versions = sys.argv[1], sys.argv[2:]
out = []
for v in versions:
    d = os.path.join(root, v)
    sock = os.path.join(d, "podman.sock")
    if not os.path.exists(sock):
        continue
    try:
        c = UnixHTTPConnection(sock)
        c.request("GET", "/version")
        r = c.getresponse()
        body = json.loads(r.read())
        headers = dict(r.getheaders())
        c.close()
        pid = int(open(os.path.join(d, "service.pid")).read().strip())
    except Exception:
        continue
    details = ((body.get("Components") or [{}])[0].get("Details") or {})
    out.append({
        "version": body.get("Version"),
        "engine": "podman",
        "socket": "unix://" + sock,
        "api_version": body.get("ApiVersion"),
        "min_api_version": body.get("MinAPIVersion"),
        "libpod_api_version": headers.get("Libpod-Api-Version") or details.get("APIVersion"),
        "api_version_header": headers.get("Api-Version"),
        "server": headers.get("Server"),
        "root": d,
        "pid": pid,
        # the CLI of this version, on its own storage: argv prefix
        "cli": (["nsenter", "-t", str(pid), "-m"] if v == "6.1.1" else []) + [os.path.join(d, "podman")],
    })
tmp = os.path.join(root, "podmans.json.tmp")
with open(tmp, "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
os.replace(tmp, os.path.join(root, "podmans.json"))
for p in out:
    print(f"[podman] {p['version']:6} API {p['min_api_version']}..{p['api_version']} libpod {p['libpod_api_version']}"
          f"  {p['socket']}", file=sys.stderr)
EOF
}

parse_versions() {
    local v
    for v in "$@"; do version_index "$v" >/dev/null; done
    if [ "$#" = 0 ]; then printf '%s\n' "${ALL_VERSIONS[@]}"; else printf '%s\n' "$@"; fi
}

cmd_start() {
    local allow_missing=0 args=() versions v failed=()
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --allow-missing) allow_missing=1 ;;
            -*) die "unknown option $1" ;;
            *) args+=("$1") ;;
        esac
        shift
    done
    mkdir -p "$ROOT"
    mapfile -t versions < <(parse_versions "${args[@]+"${args[@]}"}")
    for v in "${versions[@]}"; do start_one "$v" || failed+=("$v"); done
    write_podmans_json
    if [ "${#failed[@]}" -gt 0 ]; then
        say "FAILED to start: ${failed[*]}"
        [ "$allow_missing" = 1 ] || exit 1
    fi
}

cmd_stop() {
    local versions v
    mapfile -t versions < <(parse_versions "$@")
    for v in "${versions[@]}"; do stop_one "$v"; done
    if [ -d "$ROOT" ]; then write_podmans_json; fi
}

cmd_status() {
    local v s pid rc=0
    for v in "${ALL_VERSIONS[@]}"; do
        s="$ROOT/$v"
        pid="$(read_pid "$s/service.pid")"
        if pid_alive "$pid" && ping_socket "$s/podman.sock"; then
            printf '%-6s running  pid %-7s unix://%s\n' "$v" "$pid" "$s/podman.sock"
        elif installed "$v"; then
            printf '%-6s stopped  (installed: %s)\n' "$v" "$(cat "$CACHE/$v/.ok")"; rc=1
        else
            printf '%-6s not installed\n' "$v"; rc=1
        fi
    done
    if [ -r "$ROOT/podmans.json" ]; then echo "podmans.json: $ROOT/podmans.json"; fi
    return "$rc"
}

cmd_clean() {
    # Remove every container (their shm mounts go with them), stop every service, then remove the unpacked
    # trees ($CACHE, ~75 MB a version) and the state ($ROOT). The apt packages of the host stay.
    local v pid
    for v in "${ALL_VERSIONS[@]}"; do
        pid="$(read_pid "$ROOT/$v/service.pid")"
        if pid_alive "$pid"; then cli "$v" rm -a -f -t 0 >/dev/null 2>&1 || true; fi
    done
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
        status) cmd_status ;;
        clean) cmd_clean ;;
        cli) [ "$#" -ge 1 ] || die "usage: $0 cli VERSION ARGS..."; version_index "$1" >/dev/null; cli "$@" ;;
        *) echo "usage: $0 install [version...] | start [--allow-missing] [version...] | stop [version...]" \
            "| status | clean | cli VERSION ARGS..." >&2; exit 2 ;;
    esac
}

main "$@"
