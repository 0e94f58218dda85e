#!/usr/bin/env bash
# The no-daemon suite on every supported Python (3.11, 3.12, 3.13), each in its own venv under
# .venv-pythons/ (kept between runs), the versions side by side (about 3 minutes each on 2 cores), each
# one's output printed whole once it ends. An interpreter is taken from $NE_PYTHONS (space-separated
# paths), else python3.X on PATH, else pyenv's versions. $NE_PYTHONS_DONE names versions already covered
# ("3.11": tools/test.sh has just run the whole suite on .venv's Python), which are left out.
#
#   tools/check_pythons.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local minor="$1" p
    for p in "python3.$minor" "$HOME"/.pyenv/versions/3."$minor".*/bin/python; do
        if command -v "$p" >/dev/null 2>&1 && "$p" -c "import sys; sys.exit(sys.version_info[:2] != (3, $minor))" 2>/dev/null; then
            command -v "$p"
            return 0
        fi
    done
    return 1
}

pythons=()
if [ -n "${NE_PYTHONS:-}" ]; then
    read -r -a pythons <<<"$NE_PYTHONS"
else
    for minor in 11 12 13; do
        p="$(find_python "$minor")" || { echo "[pythons] no Python 3.$minor found (set NE_PYTHONS)" >&2; exit 1; }
        pythons+=("$p")
    done
fi

one_version() {
    local py="$1" v="$2" venv=".venv-pythons/$2"
    [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
    echo "[pythons] Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())'): the no-daemon suite"
    # -m "not live": the live half runs once, in tools/test.sh, against the daemons it started.
    "$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not live" "${@:3}"
}

mkdir -p .venv-pythons
versions=() pids=()
for py in "${pythons[@]}"; do
    v="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    if [[ " ${NE_PYTHONS_DONE:-} " == *" $v "* ]]; then
        echo "[pythons] Python $v: covered by the run before this one"
        continue
    fi
    one_version "$py" "$v" "$@" >".venv-pythons/$v.log" 2>&1 &
    versions+=("$v") pids+=($!)
done

status=0
for i in "${!pids[@]}"; do
    rc=0
    wait "${pids[$i]}" || rc=$?
    cat ".venv-pythons/${versions[$i]}.log"
    [ "$rc" = 0 ] || { echo "[pythons] Python ${versions[$i]}: FAILED (exit $rc)"; status=1; }
done
exit "$status"
