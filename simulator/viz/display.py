"""Jupyter display: ``_repr_mimebundle_`` for model objects, attached from outside the model.

The model stays pure (no graphviz import); :func:`install_reprs` sets ``_repr_mimebundle_`` on
the classes.  A bundle holds ``text/plain`` (a text tree), ``text/html`` (the SVG inline when
``dot`` exists, then a table) and ``image/svg+xml``.  Without ``dot`` it holds the table and the
tree with one line on how to install Graphviz.  A repr never raises: IPython would show the
exception as a traceback in the student's cell, so any failure becomes a plain-text line.

What each type shows is looked up in the registries of :mod:`.dispatch`, which the modules that
draw fill as they are imported (``simulator.viz`` imports them all).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from .dispatch import diagram_for, displayed_types, table_for, tree_for
from .fit import fitted_html
from .render import INSTALL_HINT, GraphvizMissing, pipe
from .sharing import sharing_dag
from .tables import engine_table, html_table
from .text import engine_tree, text_tree

__all__ = ["diagram_for", "html_table", "install_reprs", "mimebundle", "register_engine"]


def register_engine(cls: type) -> None:
    """Display ``cls`` (the engine) with the sharing DAG, the ``df -v`` table and its text tree.

    The engine sits below ``viz`` and does not import it, so its class is registered from
    above: by :func:`install_reprs`, or by whoever composes the two.
    """
    diagram_for.register(cls, sharing_dag)
    table_for.register(cls, engine_table)
    tree_for.register(cls, engine_tree)


def mimebundle(obj: Any, include: Any = None, exclude: Any = None) -> dict[str, str]:
    """The display bundle of ``obj``; never raises."""
    try:
        plain = text_tree(obj)
    except Exception as exc:
        return {"text/plain": f"{object.__repr__(obj)} (text display failed: {exc})"}
    bundle = {"text/plain": plain}
    try:
        table = table_for(obj)
    except Exception as exc:
        table = f"<pre>{html.escape(plain)}</pre><p>(table failed: {html.escape(str(exc))})</p>"
    try:
        graph = diagram_for(obj)
        svg = pipe(graph, "svg").decode("utf-8")
        page = fitted_html(graph)
    except GraphvizMissing:
        bundle["text/plain"] = plain + "\n" + INSTALL_HINT
        bundle["text/html"] = table + f"<p><em>{html.escape(INSTALL_HINT)}</em></p>"
    except Exception as exc:
        bundle["text/html"] = table + f"<p>(diagram failed: {html.escape(str(exc))})</p>"
    else:
        bundle["image/svg+xml"] = svg
        bundle["text/html"] = f"<div>{page}<details><summary>table</summary>{table}</details></div>"
    if include:
        bundle = {k: v for k, v in bundle.items() if k in include}
    if exclude:
        bundle = {k: v for k, v in bundle.items() if k not in exclude}
    return bundle


def _method() -> Callable[..., dict[str, str]]:
    def _repr_mimebundle_(self: Any, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, str]:
        return mimebundle(self, include, exclude)

    return _repr_mimebundle_


def install_reprs() -> None:
    """Give every displayed class (Layer, Image, Container, UnionView, BuildResult, Engine) a
    notebook display."""
    from ..engine import Engine  # the one runtime mention of the engine in viz (see register_engine)

    register_engine(Engine)
    for cls in displayed_types():
        cls._repr_mimebundle_ = _method()  # type: ignore[attr-defined]
