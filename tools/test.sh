#!/usr/bin/env bash
# The test command: install what the tests need, start real Docker daemons of four generations (20.10,
# 26.1, 28.5 and 29.7, the last twice: every version from 1.24, and at its own floor 1.40), run the whole
# suite, stop the daemons, then (a full run only) the release checks. Needs root, Debian's package registry
# and ../shared/engines (Docker 29.7, built from moby's source). It installs:
#   - .venv/ and .venv-pythons/3.1x/ in the checkout (the test, typing and docs extras, from PyPI);
#   - Debian's docker.io (20.10, with containerd and runc) through apt, system-wide;
#   - the 26.1 and 28.5 engines, downloaded and unpacked (not installed), and 29.7, unpacked from
#     ../shared/engines, into /var/cache/normalize-engine/daemons (NE_DAEMON_CACHE; about 540 MB);
#   - each daemon's socket, data and logs under /tmp/ne-daemons (NE_DAEMON_ROOT);
#   - one Podman (NE_CI_PODMAN, default 4.3.1: bookworm's, the quickest, about 5 s to install and start),
#     its Debian packages downloaded and unpacked into /var/cache/normalize-engine/podman (NE_PODMAN_CACHE;
#     about 75 MB), its socket and storage under /tmp/ne-podman (NE_PODMAN_ROOT); patchelf and nftables
#     through apt (tools/podman.sh).
# `tools/daemons.sh clean` stops the daemons and removes the cache and that state (not the apt package:
# `apt-get remove docker.io`). Arguments go to pytest (and skip the release checks).
#
#   tools/test.sh                # everything
#   NE_DAEMONS=0 tools/test.sh   # no daemons: live tests skip (outside CI)
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

if [ "${NE_DAEMONS:-1}" != 0 ]; then
    podman="${NE_CI_PODMAN:-4.3.1}"
    tools/daemons.sh install
    tools/podman.sh install "$podman"
    trap 'tools/podman.sh stop "$podman" || true; tools/daemons.sh stop || true' EXIT
    tools/daemons.sh start
    tools/podman.sh start "$podman"
fi

status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" = 0 ] && [ $# = 0 ]; then
    # A smoke run of the benchmarks (small sizes; figures are printed, never asserted).
    .venv/bin/python benchmarks/bench.py --quick || status=$?
fi
if [ "$status" = 0 ] && [ $# = 0 ]; then
    # The release as users get it (a few minutes): the no-daemon suite on the other supported Pythons
    # (.venv's has just run it); mypy and pyright --strict; the documentation with warnings as errors and
    # its examples run; the sdist and the wheel built, checked, and the wheel installed in a fresh venv
    # running the demo.
    NE_PYTHONS_DONE="$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
        tools/check_pythons.sh || status=$?
    tools/check_typing.sh || status=$?
    tools/check_docs.sh || status=$?
    tools/check_release.sh || status=$?
fi
exit "$status"
