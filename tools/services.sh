# shellcheck shell=bash
# Shell functions shared by tools/daemons.sh and tools/podman.sh (sourced, never run). Each script defines
# its own `say` and `die` (their messages carry its name) before sourcing this file.

# The Debian mirror this machine's own apt sources name.
mirror_uri() {
    local f=/etc/apt/sources.list.d/debian.sources uri=""
    if [ -r "$f" ]; then
        uri="$(sed -n 's/^[Uu][Rr][Ii][Ss]:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$f" | head -n 1)"
    fi
    if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
        uri="$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)"
    fi
    [ -n "$uri" ] || die "cannot find the Debian mirror in /etc/apt/sources.list.d/debian.sources"
    echo "$uri"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

read_pid() { if [ -r "$1" ]; then tr -dc '0-9' <"$1"; fi; }

# Remove the given folders (a cache, a state root), refusing system folders and folders with file systems
# still mounted under them.
remove_folders() {
    local d
    for d in "$@"; do
        case "$d" in "" | / | /tmp | /var | /var/cache) die "refusing to remove '$d'" ;; esac
        if [ -d "$d" ] && grep -q -e " $d/" -e " $d " /proc/mounts; then
            die "file systems are still mounted under $d (see /proc/mounts); unmount them, then clean again"
        fi
        if [ -e "$d" ]; then
            say "removing $d ($(du -sh "$d" 2>/dev/null | cut -f1))"
            rm -rf --one-file-system "$d"
        fi
    done
}
