#!/usr/bin/env bash
# The documentation (docs/, Sphinx with autodoc and MyST): the HTML built with warnings as errors, and every
# >>> example of its pages and of the docstrings it pulls in run by the doctest builder. Installs the
# [docs] extra into .venv; the HTML is left in docs/_build/html.
#
#   tools/check_docs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[docs]'
rm -rf docs/_build
echo "[docs] sphinx-build -W -b html"
.venv/bin/python -m sphinx -q -W --keep-going -b html docs docs/_build/html
echo "[docs] sphinx-build -W -b doctest"
.venv/bin/python -m sphinx -q -W --keep-going -b doctest docs docs/_build/doctest
tail -n 4 docs/_build/doctest/output.txt
echo "[docs] ok: docs/_build/html/index.html"
