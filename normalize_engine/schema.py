"""Compatibility: the DSL content is declared with lives in :mod:`normalize_engine.changes`.

``from normalize_engine.schema import Change, Removed`` keeps working for content not yet migrated; new
content imports :mod:`normalize_engine.changes`.
"""

from __future__ import annotations

from . import changes as _changes
from ._context import OWNED as _OWNED
from ._context import REQUEST as _REQUEST
from .changes import (
    MISSING,
    Added,
    Change,
    Convert,
    Derived,
    Each,
    Nested,
    OmittedWhen,
    Removed,
    Replaced,
    Request,
    Shape,
    ShapeError,
    Values,
    current_request,
    edit,
    is_user_defined_network,
    map_items,
    map_values,
    only_builtin_networks,
    own,
)
from .changes.fields import _ChangeField
from .changes.hooks import _owned

__all__ = list(_changes.__all__)
