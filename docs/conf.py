"""Sphinx configuration: the API reference is generated from the docstrings (autodoc).

    python -m pip install -e '.[docs]'
    sphinx-build -W -b html docs docs/_build/html        # warnings are errors, as in CI
    sphinx-build -W -b doctest docs docs/_build/doctest  # every >>> example runs

tools/check_docs.sh runs both.
"""

from __future__ import annotations

import normalize_engine

project = "normalize-engine"
author = "The normalize-engine maintainers"
copyright = "the normalize-engine maintainers; Apache-2.0"  # Sphinx's name
release = normalize_engine.__version__
version = ".".join(release.split(".")[:2])

extensions = ["sphinx.ext.autodoc", "sphinx.ext.doctest", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

# Signatures as users write them: no module prefix, type hints in the signature.
add_module_names = False
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True

# api-changes.md is generated (tools/gen_docs.py) and has headings that other pages link to.
myst_heading_anchors = 3

# The doctest builder runs the ``>>>`` blocks of every page and of the docstrings autodoc pulls in.
# Docstring examples of the DSL's hook helpers use their names as a schema module imports them.
doctest_global_setup = """
import normalize_engine as ne
from normalize_engine.changes import edit, own, typed, typed_list
"""

html_theme = "alabaster"
html_theme_options = {"description": "Docker Engine API answers of any age, in one shape", "fixed_sidebar": True}
html_static_path: list[str] = []
