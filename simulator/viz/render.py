"""Rendering DOT with Graphviz's ``dot``: files for slides, SVG for notebooks.

DOT generation never needs ``dot``; only this module runs it.  Without the binary every
function here raises :class:`GraphvizMissing`, whose message says how to install it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import graphviz

from ..errors import SimulatorError

__all__ = ["FORMATS", "INSTALL_HINT", "GraphvizMissing", "dot_available", "pipe", "render"]

FORMATS = ("svg", "png", "pdf")
PNG_DPI = "150"
"""PNG resolution: sharp on a 1080p projector when the slide shows the image at full width."""

INSTALL_HINT = (
    "Install Graphviz to see diagrams: `sudo apt-get install graphviz`, `brew install graphviz`, "
    "`conda install -c conda-forge graphviz`, or https://graphviz.org/download/"
)


class GraphvizMissing(SimulatorError, RuntimeError):
    """Graphviz's ``dot`` program is not installed (the diagram's DOT text is still available)."""

    def __init__(self) -> None:
        super().__init__(f"Graphviz's `dot` program was not found on PATH. {INSTALL_HINT}")


def dot_available() -> bool:
    """Whether the ``dot`` executable can be found on ``PATH`` (checked on every call)."""
    return shutil.which("dot", path=os.environ.get("PATH", "")) is not None


def pipe(graph: graphviz.Digraph, fmt: str = "svg") -> bytes:
    """The rendered bytes of ``graph`` in ``fmt`` (``svg``, ``png`` or ``pdf``).

    Raises:
        ValueError: an unknown format.
        GraphvizMissing: ``dot`` is not installed.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not dot_available():
        raise GraphvizMissing()
    if fmt == "png":
        graph = graph.copy()
        graph.attr("graph", dpi=PNG_DPI)
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:  # found by which() but not runnable
        raise GraphvizMissing() from exc


def render(graph: graphviz.Digraph, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Write ``graph`` to ``path`` as SVG, PNG or PDF (the format defaults to the file's suffix).

    Returns the path written.  Only the named file is created (no ``.gv`` file next to it).
    """
    target = Path(path)
    fmt = (format or target.suffix.lstrip(".")).lower()
    data = pipe(graph, fmt)
    target.write_bytes(data)
    return target
