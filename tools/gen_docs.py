#!/usr/bin/env python3
"""Write docs/api-changes.md, the table of response changes, from the schemas (normalize_engine._changes).

python tools/gen_docs.py            # (re)write docs/api-changes.md
python tools/gen_docs.py --check    # exit 1 when the file is out of date (tests/test_docs.py does too)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from normalize_engine._changes import DOC_PATH, REGENERATE, render_document  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 when the file is out of date"
    )
    parser.add_argument("--out", type=Path, default=REPO / DOC_PATH, help="default: %(default)s")
    args = parser.parse_args(argv)
    text = render_document()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
