"""Debounced diagram panes: callbacks mark a diagram stale, rendering happens once, later.

A callback (a click, a slider move) must answer within 100 ms; running Graphviz's ``dot`` can
take longer on a big engine, and a student dragging a slider fires a callback per position.
So a callback only calls :meth:`DiagramPane.request`, which sets a *pending* flag and, inside a
running event loop (the Jupyter kernel's), schedules one render ``delay`` seconds later: five
requests in a row make one render.  Without a running loop (pytest, a plain script) or with
``delay=0`` the render happens at once, so tests see the result synchronously.

Rendering goes through :mod:`simulator.viz`: ``pipe(graph, "svg")``; when Graphviz is missing
the pane shows a text tree and the one line on how to install it (never a traceback).
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..viz import INSTALL_HINT, GraphvizMissing, graph_outline, pipe
from ..viz.fit import fitted_html, fitted_svg

__all__ = ["DEFAULT_DELAY", "DiagramPane", "Shown", "column", "pre", "row", "show", "svg_fragment"]

DEFAULT_DELAY = 0.12
"""Seconds a diagram waits for more requests before it renders (render-on-demand, debounced)."""


def svg_fragment(svg: bytes) -> str:
    """The ``<svg>`` element of Graphviz's output (no XML prolog, no DOCTYPE) for inline HTML,
    scaled down to its container but never below 12 px text (:func:`simulator.viz.fit.fitted_svg`)."""
    return fitted_svg(svg.decode("utf-8"))


def row(children: list[Any]) -> w.HBox:
    """Controls side by side that wrap onto the next line when the column is narrow (a 1024 px
    projector, 150 % zoom) instead of squeezing a button to "B..."."""
    for child in children:
        if isinstance(child, w.Button) and not child.layout.width:
            child.layout.width = "auto"
            child.layout.min_width = "max-content"
    return w.HBox(children, layout=w.Layout(flex_flow="row wrap", align_items="center", width="100%"))


def column(children: list[Any], basis: str) -> w.VBox:
    """A column that takes ``basis`` of room and wraps below its neighbour when there is less."""
    return w.VBox(children, layout=w.Layout(flex=f"1 1 {basis}", min_width="min(100%, 18em)"))


def pre(text: str, *, css_class: str = "layerlab-pre") -> str:
    """Preformatted, escaped text for an HTML widget."""
    return (
        f'<pre class="{css_class}" style="font-size:13px;line-height:1.35;margin:0">{html.escape(text)}</pre>'
    )


class DiagramPane:
    """An :class:`ipywidgets.HTML` showing the diagram ``make()`` returns, rendered on demand.

    Args:
        make: returns a :class:`graphviz.Digraph` (or ``None`` for "nothing to draw").
        fallback: returns text shown when ``dot`` is missing (a text tree); defaults to the
            diagram's outline (:func:`simulator.viz.graph_outline`), never its DOT source.
        delay: debounce delay in seconds; ``0`` renders synchronously.
        empty: the text shown when ``make()`` returns ``None``.
    """

    def __init__(
        self,
        make: Callable[[], Any],
        *,
        fallback: Callable[[], str] | None = None,
        delay: float = DEFAULT_DELAY,
        empty: str = "(nothing to show yet)",
    ) -> None:
        self._make = make
        self._fallback = fallback
        self.delay = delay
        self.empty = empty
        # the column's width, never the diagram's: a diagram wider than the pane scrolls inside it
        self.widget = w.HTML(layout=w.Layout(overflow="auto", width="100%", max_width="100%", min_width="0"))
        self.widget.add_class("layerlab-pane")
        self.pending = False
        self.renders = 0
        self.last_dot = ""
        self._handle: asyncio.TimerHandle | None = None

    # -- requests -------------------------------------------------------------------------------
    def request(self) -> None:
        """Mark the diagram stale; render now (no loop, or no delay) or once after ``delay``."""
        self.pending = True
        loop = _running_loop()
        if loop is None or self.delay <= 0:
            self.flush()
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = loop.call_later(self.delay, self.flush)

    def flush(self) -> None:
        """Render now if a request is pending."""
        self._handle = None
        if not self.pending:
            return
        self.pending = False
        self.renders += 1
        self.widget.value = self._html()

    # -- rendering ------------------------------------------------------------------------------
    def _html(self) -> str:
        try:
            graph = self._make()
        except Exception as exc:  # a diagram must never break the widget
            return pre(f"(diagram failed: {type(exc).__name__}: {exc})")
        if graph is None:
            self.last_dot = ""
            return pre(self.empty)
        self.last_dot = graph.source
        try:
            return fitted_html(graph, full_size=True)
        except GraphvizMissing:
            text = self._text_fallback(graph)
            return pre(text) + f"<p><em>{html.escape(INSTALL_HINT)}</em></p>"
        except Exception as exc:
            return pre(f"(diagram failed: {type(exc).__name__}: {exc})\n\n{self._text_fallback(graph)}")

    def _text_fallback(self, graph: Any) -> str:
        if self._fallback is not None:
            try:
                return self._fallback()
            except Exception as exc:
                return f"(text view failed: {exc})"
        return graph_outline(graph)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Shown:
    """A diagram for a notebook cell's output whose display never raises (see :func:`show`)."""

    def __init__(self, graph: Any, fallback: str = "") -> None:
        self.graph = graph
        self.fallback = fallback

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, str]:
        try:
            page = fitted_html(self.graph)
            svg = pipe(self.graph, "svg").decode("utf-8")
        except GraphvizMissing:
            return {"text/plain": f"{self._text()}\n{INSTALL_HINT}"}
        except Exception as exc:
            return {"text/plain": f"(diagram failed: {type(exc).__name__}: {exc})\n{self._text()}"}
        # text/html first in JupyterLab (trusted output): fitted to the column, legend under it;
        # image/svg+xml for other front ends
        return {"text/html": page, "image/svg+xml": svg, "text/plain": f"<diagram: {self.graph.name}>"}

    def _text(self) -> str:
        """The text tree given, else the diagram's outline: never DOT source."""
        if self.fallback:
            return self.fallback
        try:
            return graph_outline(self.graph)
        except Exception as exc:
            return f"(text view failed: {exc})"

    def __repr__(self) -> str:
        return f"<diagram: {self.graph.name}>"


def show(obj: Any) -> Any:
    """Something a notebook cell can end with to show ``obj`` as a diagram, never a traceback.

    ``obj`` is a :class:`graphviz.Digraph` (from :mod:`simulator.viz`) or a model object
    (image, layer, container, engine, build result), drawn with its default diagram.
    """
    import graphviz

    from ..viz import diagram_for, text_tree

    if isinstance(obj, graphviz.Digraph):
        return Shown(obj)
    try:
        fallback = text_tree(obj)
    except Exception:
        fallback = repr(obj)
    return Shown(diagram_for(obj), fallback)
