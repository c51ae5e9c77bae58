"""Rendering DOT with Graphviz's ``dot``: files for slides, SVG for notebooks.

DOT generation never needs ``dot``; only this module runs it.  Without the binary every
function here raises :class:`GraphvizMissing`, whose message says how to install it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import graphviz

from ..errors import SimulatorError

__all__ = [
    "FORMATS",
    "INSTALL_HINT",
    "THEMES",
    "GraphvizMissing",
    "dot_available",
    "pipe",
    "render",
    "themed",
]

FORMATS = ("svg", "png", "pdf")
PNG_DPI = "150"
"""PNG resolution: sharp on a 1080p projector when the slide shows the image at full width."""

THEMES: dict[str, dict[str, float]] = {
    "notebook": {"font": 1.0, "line": 1.0, "dpi": 150},
    "slides": {"font": 1.5, "line": 1.6, "dpi": 200},
    "handout": {"font": 1.0, "line": 1.0, "dpi": 300},
}
"""How each theme scales a diagram: ``slides`` has 1.5x text and thicker lines, read from the back
of a room (16 pt text becomes 24 pt); ``handout`` keeps the sizes and prints PNGs at 300 dpi."""

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


def _scale(text: str, attribute: str, factor: float) -> str:
    def one(match: re.Match[str]) -> str:
        return f"{attribute}={float(match.group(1)) * factor:g}"

    return re.sub(rf"\b{attribute}=\"?(\d+(?:\.\d+)?)\"?", one, text)


def themed(graph: graphviz.Digraph, theme: str = "notebook") -> graphviz.Digraph:
    """A copy of ``graph`` drawn for ``theme`` (:data:`THEMES`); the graph itself is unchanged.

    Raises:
        ValueError: an unknown theme.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
    spec = THEMES[theme]
    out = graph.copy()
    if spec["font"] == 1.0 and spec["line"] == 1.0:
        return out
    for attrs in (out.graph_attr, out.node_attr, out.edge_attr):
        for key, factor in (("fontsize", spec["font"]), ("penwidth", spec["line"])):
            if key in attrs:
                attrs[key] = f"{float(attrs[key]) * factor:g}"
    out.body = [_scale(_scale(line, "fontsize", spec["font"]), "penwidth", spec["line"]) for line in out.body]
    return out


def pipe(graph: graphviz.Digraph, fmt: str = "svg", *, theme: str = "notebook") -> bytes:
    """The rendered bytes of ``graph`` in ``fmt`` (``svg``, ``png`` or ``pdf``), for ``theme``.

    Raises:
        ValueError: an unknown format or theme.
        GraphvizMissing: ``dot`` is not installed.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    graph = themed(graph, theme) if theme != "notebook" else graph
    if not dot_available():
        raise GraphvizMissing()
    if fmt == "png":
        graph = graph.copy()
        graph.attr("graph", dpi=f"{THEMES[theme]['dpi']:g}")
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:  # found by which() but not runnable
        raise GraphvizMissing() from exc


def render(
    graph: Any,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    theme: str = "notebook",
) -> Path:
    """Write ``graph`` to ``path`` as SVG, PNG or PDF (the format defaults to the file's suffix).

    ``graph`` is a diagram of this package or a model object (drawn with its default diagram,
    :func:`~simulator.viz.dispatch.diagram_for`).  ``theme="slides"`` enlarges text and lines
    for a projector; ``theme="handout"`` prints PNGs at 300 dpi (:data:`THEMES`).

    Returns the path written.  Only the named file is created (no ``.gv`` file next to it).
    """
    if not isinstance(graph, graphviz.Digraph | graphviz.Graph):
        from .dispatch import diagram_for

        graph = diagram_for(graph)
    target = Path(path)
    fmt = (format or target.suffix.lstrip(".")).lower()
    data = pipe(graph, fmt, theme=theme)
    target.write_bytes(data)
    return target
