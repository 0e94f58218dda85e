#!/usr/bin/env python3
"""Write normalize_engine/_known.py, the API versions the library knows, from the registry of the schemas.

``import normalize_engine`` reads ``ne.VERSIONS`` and ``ne.LATEST`` from that small module instead of
building the registry, which imports marshmallow and every schema module (issue 18: the registry is built
when first needed). Adding a version module to ``schemas/`` means running this once.

python tools/gen_known.py            # (re)write normalize_engine/_known.py
python tools/gen_known.py --check    # exit 1 when the file is out of date (tests/test_startup.py does too)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OUT = REPO / "normalize_engine" / "_known.py"
REGENERATE = "python tools/gen_known.py"


def render() -> str:
    """The text of ``_known.py`` for the versions the registry finds in the schemas."""
    from normalize_engine._registry import DOCKER

    versions = [str(v) for v in DOCKER.versions]
    rows = []
    for start in range(0, len(versions), 10):
        rows.append("    " + " ".join(f'"{v}",' for v in versions[start : start + 10]))
    body = "\n".join(rows)
    return (
        '"""The API versions the library knows, as text: what ``import normalize_engine`` reads of them.\n'
        "\n"
        f"Generated from the registry of ``schemas/`` by ``{REGENERATE}``: do not edit. A test checks it\n"
        "against the registry, so a version module added without regenerating it fails the suite.\n"
        '"""\n'
        "\n"
        "from __future__ import annotations\n"
        "\n"
        '__all__ = ["LATEST", "VERSIONS"]\n'
        "\n"
        "#: Every API version the registry holds, ascending.\n"
        f"VERSIONS: tuple[str, ...] = (\n{body}\n)\n"
        "#: The newest of them: the default target.\n"
        "LATEST: str = VERSIONS[-1]\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 when the file is out of date"
    )
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
