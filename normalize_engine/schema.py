"""Compatibility: the DSL content is declared with lives in :mod:`normalize_engine.changes`.

``from normalize_engine.schema import Change, Removed`` keeps working for content not yet migrated; new
content imports :mod:`normalize_engine.changes`.
"""

from __future__ import annotations

from ._context import OWNED as _OWNED  # noqa: F401  # tests read them here
from ._context import REQUEST as _REQUEST  # noqa: F401
from .changes import MISSING as MISSING
from .changes import Added as Added
from .changes import Change as Change
from .changes import Convert as Convert
from .changes import Derived as Derived
from .changes import Each as Each
from .changes import HookFailed as HookFailed
from .changes import Nested as Nested
from .changes import OmittedWhen as OmittedWhen
from .changes import Removed as Removed
from .changes import Replaced as Replaced
from .changes import Request as Request
from .changes import Shape as Shape
from .changes import ShapeError as ShapeError
from .changes import Values as Values
from .changes import current_request as current_request
from .changes import edit as edit
from .changes import is_user_defined_network as is_user_defined_network
from .changes import map_items as map_items
from .changes import map_values as map_values
from .changes import only_builtin_networks as only_builtin_networks
from .changes import own as own
from .changes import typed as typed
from .changes import typed_list as typed_list
from .changes.fields import _ChangeField as _ChangeField
from .changes.hooks import _owned as _owned
