"""The compiler of change chains (pure: it imports only the DSL). See :mod:`.fuse`."""

from __future__ import annotations

from ..changes.shapes import use_compiler
from .fuse import fuse, fuse_many
from .planning import Step
from .reference import run, run_reference

__all__ = ["Step", "fuse", "fuse_many", "run", "run_reference"]

use_compiler(fuse)  # what Shape.compiled() compiles with
