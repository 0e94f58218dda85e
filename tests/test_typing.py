"""The typed example (tests/typing/example.py) runs as the program it claims to be; CI type-checks it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import normalize_engine as ne

REPO = Path(__file__).resolve().parent.parent


def test_the_typed_example_runs() -> None:
    # In a subprocess: it declares a Change class, which must not leak into this process's registry checks.
    proc = subprocess.run(
        [sys.executable, "tests/typing/example.py"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.splitlines()
    assert first.startswith(f"{ne.LATEST} 2 ['start'] <NormalizingAdapter target=1.44")
    assert "UnixHTTPAdapter" in second
    errors = ("InvalidBodyError", "UnknownVersionError", "TruncatedStreamError", "UnsupportedClientError")
    for name in (*errors, "NormalizeWarning"):
        assert name in second
