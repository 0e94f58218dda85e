#!/usr/bin/env bash
# The no-daemon suite on every supported Python (3.11, 3.12, 3.13), each in its own venv under
# .venv-pythons/ (kept between runs: about 30 s of tests per version once installed). An interpreter is
# taken from $NE_PYTHONS (space-separated paths), else python3.X on PATH, else pyenv's versions.
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

for py in "${pythons[@]}"; do
    v="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    venv=".venv-pythons/$v"
    [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
    echo "[pythons] Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())'): the no-daemon suite"
    # -m "not live": the live half runs once, in tools/test.sh, against the daemons it started.
    "$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not live" "$@"
done
