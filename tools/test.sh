#!/usr/bin/env bash
# The test command: install what the tests need, start real Docker daemons of four generations (20.10,
# 26.1, 28.5 and 29.7, the last twice: every version from 1.24, and at its own floor 1.40), run the whole
# suite, stop the daemons. Needs root (the daemons), Debian's package registry (docker.io 20.10, and the 26.1
# and 28.5 engines, which are unpacked, not installed) and ../shared/engines (Docker 29.7, built from moby's
# source). Arguments go to pytest.
#
#   tools/test.sh                # everything
#   NE_DAEMONS=0 tools/test.sh   # no daemons: live tests skip (outside CI)
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

if [ "${NE_DAEMONS:-1}" != 0 ]; then
    tools/daemons.sh install
    trap 'tools/daemons.sh stop || true' EXIT
    tools/daemons.sh start
fi

status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" = 0 ] && [ $# = 0 ]; then
    # A smoke run of the benchmarks (small sizes; figures are printed, never asserted).
    .venv/bin/python benchmarks/bench.py --quick || status=$?
fi
exit "$status"
