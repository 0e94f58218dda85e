#!/usr/bin/env bash
# The release as a stranger gets it: build the sdist and the wheel (the wheel from the sdist), check them
# with twine, check what each ships, install the wheel into a fresh venv outside the checkout and run the
# demo there, and build once more with exactly the setuptools floor that pyproject.toml declares.
# Needs PyPI (build, twine, setuptools). Leaves nothing behind but dist/.
#
#   tools/check_release.sh            # PYTHON=python3.12 tools/check_release.sh for another interpreter
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ne-release.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
PIP=(--quiet --disable-pip-version-check)

say() { printf '[release] %s\n' "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

say "build: sdist, then the wheel from the sdist"
"$PYTHON" -m venv "$WORK/tools"
"$WORK/tools/bin/python" -m pip install "${PIP[@]}" build twine
rm -rf dist
"$WORK/tools/bin/python" -m build --outdir dist . >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "python -m build"; }
if grep -n '^!!$\|Warning:' "$WORK/build.log"; then fail "the build warned (above; full log: python -m build)"; fi
sdist="$(ls dist/*.tar.gz)"
wheel="$(ls dist/*.whl)"
say "built $(basename "$sdist") and $(basename "$wheel")"

say "twine check --strict"
"$WORK/tools/bin/python" -m twine check --strict dist/*

say "contents"
"$WORK/tools/bin/python" - "$sdist" "$wheel" <<'EOF'
import sys, tarfile, zipfile
sdist, wheel = sys.argv[1:]
with tarfile.open(sdist) as tar:
    names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
with zipfile.ZipFile(wheel) as whl:
    wheel_names = set(whl.namelist())
problems = []
for need in ("LICENSE", "CHANGELOG.md", "README.md", "docs/api-changes.md", "docs/conf.py", "docs/index.rst",
             "schemas/__init__.py", "normalize_engine/_data/demo.json", "normalize_engine/py.typed"):
    if need not in names:
        problems.append(f"the sdist lacks {need}")
# The sdist ships no tests: the suite needs the repository (recorded answers, tools/, daemons).
problems += [f"the sdist ships {n}" for n in sorted(names) if n.startswith(("tests/", "tools/", "benchmarks/"))]
for need in ("LICENSE", "normalize_engine/py.typed", "normalize_engine/_data/demo.json",
             "normalize_engine/schemas/v1_55.py"):
    if not any(n == need or n.endswith(f".dist-info/licenses/{need}") for n in wheel_names):
        problems.append(f"the wheel lacks {need}")
problems += [f"the wheel ships {n}" for n in sorted(wheel_names) if n.startswith(("tests/", "schemas/"))]
if problems:
    sys.exit("\n".join(problems))
print(f"sdist: {len(names)} entries, wheel: {len(wheel_names)}; licence, changelog and docs in place")
EOF

say "the wheel in a fresh venv, run outside the checkout"
"$PYTHON" -m venv "$WORK/user"
"$WORK/user/bin/python" -m pip install "${PIP[@]}" "$REPO/$wheel"
(
    cd "$WORK"
    "$WORK/user/bin/python" -c 'import normalize_engine as ne, sys; assert "site-packages" in ne.__file__, ne.__file__; print("import:", ne.__file__, ne.LATEST); assert "requests" not in sys.modules'
    "$WORK/user/bin/normalize-engine" demo >"$WORK/demo.txt"
    cat "$WORK/demo.txt"
    "$WORK/user/bin/python" - "$WORK/demo.txt" <<'EOF' || fail "the demo does not fit one screen of 80 columns"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
too_wide = [line for line in lines if len(line) > 80]
sys.exit(f"{len(lines)} lines, {len(too_wide)} wider than 80" if too_wide or len(lines) > 24 else 0)
EOF
    "$WORK/user/bin/python" -m normalize_engine changes --since 1.54 >/dev/null
)

floor="$(sed -n 's/^requires = \["setuptools>=\([0-9.]*\)"\]$/\1/p' pyproject.toml)"
[ -n "$floor" ] || fail "cannot read the setuptools floor from pyproject.toml"
say "build with the declared floor, setuptools==$floor exactly"
"$PYTHON" -m venv "$WORK/floor"
"$WORK/floor/bin/python" -m pip install "${PIP[@]}" "setuptools==$floor" build
mkdir "$WORK/src"
tar xzf "$sdist" -C "$WORK/src" --strip-components=1
"$WORK/floor/bin/python" -m build --no-isolation --wheel --outdir "$WORK/floor-dist" "$WORK/src" >"$WORK/floor.log" 2>&1 \
    || { cat "$WORK/floor.log"; fail "setuptools $floor cannot build the sdist"; }
say "setuptools $floor built $(basename "$(ls "$WORK"/floor-dist/*.whl)")"
say "ok"
