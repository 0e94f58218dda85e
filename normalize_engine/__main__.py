"""``python -m normalize_engine``: the same as the ``normalize-engine`` command."""

from __future__ import annotations

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
