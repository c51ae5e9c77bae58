"""Image analysis: wasted space with reasons, dive's numbers, and image comparison.

- :func:`efficiency`: which shipped bytes a container never sees, path by path, and why;
- :func:`dive_efficiency`: the same question answered as dive answers it (its score, wasted
  bytes and user-wasted percent, quirks included);
- :func:`compare`: layers shared by two images and the files added, changed or removed.

``docs/analysis.md`` explains how the two efficiency measures differ.
"""

from __future__ import annotations

from .compare import Comparison, compare
from .dive import DivePath, DiveReport, dive_efficiency, humanize_bytes
from .efficiency import REASONS, Report, WastedPath, efficiency

__all__ = [
    "REASONS",
    "Comparison",
    "DivePath",
    "DiveReport",
    "Report",
    "WastedPath",
    "compare",
    "dive_efficiency",
    "efficiency",
    "humanize_bytes",
]
