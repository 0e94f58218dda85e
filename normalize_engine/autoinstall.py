"""The switch for interpreters you do not start yourself: ``NORMALIZE_ENGINE_INSTALL=1``.

ansible runs each module in an interpreter of its own on the target host, and other tools start Python
processes the user never sees. To have their docker-py clients normalised, put one line in that
interpreter's ``site-packages``, once::

    python -m normalize_engine.autoinstall          # writes normalize-engine-autoinstall.pth

and switch it on per process with the environment: ``NORMALIZE_ENGINE_INSTALL=1`` (``NORMALIZE_ENGINE_TARGET``
picks the target version, ``NORMALIZE_ENGINE_STRICT=1`` raises instead of failing open). The ``.pth`` line
reads one environment variable and imports nothing else when it is unset (``python -X importtime`` shows no
import of normalize_engine); when it is set, it imports this module, which calls
:func:`~normalize_engine.install`. ``--remove`` takes the line away again, ``--site DIR`` writes it elsewhere.
A ``sitecustomize.py`` can hold :data:`PTH_LINE` instead (it is one Python statement).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from ._errors import NormalizeError
from ._install import install

__all__ = ["ENV", "PTH_LINE", "PTH_NAME", "activate", "main"]

ENV = "NORMALIZE_ENGINE_INSTALL"
_OFF = ("", "0", "false", "no", "off")
PTH_NAME = "normalize-engine-autoinstall.pth"
#: What the ``.pth`` file holds: a line that ``site`` executes at every start of the interpreter.
PTH_LINE = (
    f"import os; os.environ.get({ENV!r}, '').strip().lower() not in {_OFF!r} "
    "and __import__('normalize_engine.autoinstall')\n"
)


def activate(environ: Mapping[str, str] = os.environ) -> bool:
    """:func:`~normalize_engine.install` when ``NORMALIZE_ENGINE_INSTALL`` is set (to anything but ``""``,
    ``0``, ``false``, ``no``, ``off``); returns whether it did. A bad ``NORMALIZE_ENGINE_TARGET`` is said on
    stderr and installs nothing: a normaliser must never be the reason an interpreter does not start."""
    if environ.get(ENV, "").strip().lower() in _OFF:
        return False
    strict = environ.get("NORMALIZE_ENGINE_STRICT", "").strip().lower() not in _OFF
    try:
        install(target=environ.get("NORMALIZE_ENGINE_TARGET") or None, strict=strict)
    except NormalizeError as exc:
        print(f"normalize-engine: {ENV} is set but nothing was installed: {exc}", file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    # The command line's own imports wait for it: the .pth line imports this module at every start of an
    # interpreter that has it switched on.
    import argparse
    import sysconfig
    from pathlib import Path

    parser = argparse.ArgumentParser(
        prog="python -m normalize_engine.autoinstall",
        description=f"Write (or --remove) {PTH_NAME}: {ENV}=1 then wraps every docker-py client.",
    )
    parser.add_argument("--site", type=Path, default=Path(sysconfig.get_paths()["purelib"]))
    parser.add_argument("--remove", action="store_true")
    args = parser.parse_args(argv)
    path = args.site / PTH_NAME
    if args.remove:
        path.unlink(missing_ok=True)
        print(f"removed {path}")
    else:
        path.write_text(PTH_LINE, encoding="utf-8")
        print(f"wrote {path}: set {ENV}=1 to wrap every docker-py client of this interpreter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
else:
    activate()
