"""Sphinx configuration for layerlab's documentation (built with ``make docs``, warnings as errors)."""

from __future__ import annotations

import sys
from pathlib import Path

# Document the source tree itself, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

project = "layerlab"
author = "the layerlab authors"
copyright = "the layerlab authors"

extensions = [
    "myst_parser",  # pages in Markdown
    "sphinx.ext.autodoc",  # API pages from docstrings
    "sphinx.ext.napoleon",  # Google-style docstrings
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

napoleon_google_docstring = True
napoleon_numpy_docstring = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"

myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

html_theme = "alabaster"
html_title = "layerlab"
