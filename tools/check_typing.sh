#!/usr/bin/env bash
# Typing as a user meets it: mypy --strict and pyright --strict on tests/typing/example.py, a program that
# uses every way in, and mypy --strict on the package itself. Installs the [typing] extra into .venv.
#
#   tools/check_typing.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[typing]'
echo "[typing] mypy --strict (the package, then the user's example)"
.venv/bin/mypy
.venv/bin/mypy --strict tests/typing/example.py
echo "[typing] pyright --strict (the user's example; [tool.pyright] in pyproject.toml)"
.venv/bin/pyright
