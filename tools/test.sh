#!/usr/bin/env bash
# The test command: install what the tests need, start three real Docker daemons, run the whole suite,
# stop the daemons. Needs root (the daemons) and Debian's package registry (docker.io 20.10, and the 26.1
# and newer engines, which are unpacked, not installed). Arguments go to pytest.
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
