"""Jupyter display: ``_repr_mimebundle_`` for model objects, attached from outside the model.

The model stays pure (no graphviz import); :func:`install_reprs` sets ``_repr_mimebundle_`` on
the classes.  A bundle holds ``text/plain`` (a text tree), ``text/html`` (the SVG inline when
``dot`` exists, then a table) and ``image/svg+xml``.  Without ``dot`` it holds the table and the
tree with one line on how to install Graphviz.  A repr never raises: IPython would show the
exception as a traceback in the student's cell, so any failure becomes a plain-text line.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import graphviz

from ..digest import short_id
from ..model.container import Container, State
from ..model.entries import Kind
from ..model.image import Image
from ..model.layer import Layer
from ..model.union import UnionView
from ..text import human_size
from .render import INSTALL_HINT, GraphvizMissing, pipe
from .text import text_tree

__all__ = ["diagram_for", "html_table", "install_reprs", "mimebundle"]

MAX_ROWS = 50


def html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = "") -> str:
    """A plain HTML table (escaped), at most ``MAX_ROWS`` rows."""
    out = ['<table class="layerlab">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>")
    rows = list(rows)
    for row in rows[:MAX_ROWS]:
        out.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>")
    if len(rows) > MAX_ROWS:
        out.append(f'<tr><td colspan="{len(headers)}">… {len(rows) - MAX_ROWS} more rows</td></tr>')
    out.append("</table>")
    return "".join(out)


def _kind(entry: Any) -> str:
    return "opaque dir" if entry.kind is Kind.DIR and entry.opaque else entry.kind.value


def _table(obj: Any) -> str:
    from ..builder.result import BuildResult

    if isinstance(obj, Image):
        rows = []
        number = 0
        for entry, layer in obj.layer_history():
            if layer is None:
                rows.append(["—", "0B", entry.created_by, "(config only)"])
            else:
                rows.append([f"L{number}", human_size(layer.size), entry.created_by, short_id(layer.diff_id)])
                number += 1
        return html_table(
            ["layer", "size", "created by", "DiffID"], rows, f"image {obj.short_id} (bottom first)"
        )
    if isinstance(obj, Layer):
        rows = [[p, _kind(e), e.mode_string(), human_size(e.disk_size)] for p, e in obj.entries.items()]
        return html_table(["path", "type", "mode", "size"], rows, f"layer {short_id(obj.diff_id)}")
    if isinstance(obj, Container):
        upper = {} if obj.state is State.REMOVED else obj.upper_entries
        rows = [
            [p, _kind(e), e.mode_string(), human_size(e.disk_size)]
            for p, e in sorted(upper.items())
            if p != "/"
        ]
        copies = [[c.path, f"L{c.layer}", c.kind.value, c.bytes, c.reason] for c in obj.copy_ups]
        return html_table(
            ["path", "type", "mode", "size"], rows, f"writable layer of {obj.name} ({obj.status})"
        ) + html_table(["path", "from", "type", "bytes", "reason"], copies, "copy-ups")
    if isinstance(obj, UnionView):
        rows = [[o.path, _kind(o.entry), human_size(o.entry.disk_size), f"L{o.layer}"] for o in obj.walk()]
        return html_table(["path", "type", "size", "from layer"], rows, "merged view")
    if isinstance(obj, BuildResult):
        rows = [
            [
                s.number,
                s.stage,
                s.instruction,
                "CACHED" if s.cached else "no layer" if s.layer is None else "rebuilt",
                s.miss_reason or "",
            ]
            for s in obj.steps
        ]
        return html_table(
            ["#", "stage", "instruction", "cache", "miss reason"], rows, f"build {obj.tag or ''}"
        )
    df = obj.df()
    rows = [
        [
            i.repository,
            i.tag,
            short_id(i.id),
            human_size(i.size),
            human_size(i.shared_size, 4),
            human_size(i.unique_size, 4),
            i.containers,
        ]
        for i in df.images
    ]
    return html_table(
        ["repository", "tag", "image id", "size", "shared", "unique", "containers"],
        rows,
        "docker system df -v",
    )


def diagram_for(obj: Any) -> graphviz.Digraph:
    """The default diagram of a model object (what its notebook display shows)."""
    from ..builder.result import BuildResult
    from .buildgraph import build_graph
    from .overlay import overlay
    from .sharing import sharing_dag
    from .stack import layer_stack, layer_tree

    if isinstance(obj, Image):
        return layer_stack(obj)
    if isinstance(obj, Layer):
        return layer_tree(obj)
    if isinstance(obj, Container):
        return overlay(obj)
    if isinstance(obj, UnionView):
        return overlay(Image.of(obj.layers))
    if isinstance(obj, BuildResult):
        return build_graph(obj)
    return sharing_dag(obj)


def mimebundle(obj: Any, include: Any = None, exclude: Any = None) -> dict[str, str]:
    """The display bundle of ``obj``; never raises."""
    try:
        plain = text_tree(obj)
    except Exception as exc:
        return {"text/plain": f"{object.__repr__(obj)} (text display failed: {exc})"}
    bundle = {"text/plain": plain}
    try:
        table = _table(obj)
    except Exception as exc:
        table = f"<pre>{html.escape(plain)}</pre><p>(table failed: {html.escape(str(exc))})</p>"
    try:
        svg = pipe(diagram_for(obj), "svg").decode("utf-8")
    except GraphvizMissing:
        bundle["text/plain"] = plain + "\n" + INSTALL_HINT
        bundle["text/html"] = table + f"<p><em>{html.escape(INSTALL_HINT)}</em></p>"
    except Exception as exc:
        bundle["text/html"] = table + f"<p>(diagram failed: {html.escape(str(exc))})</p>"
    else:
        bundle["image/svg+xml"] = svg
        start = svg.find("<svg")
        bundle["text/html"] = (
            f"<div>{svg[start:] if start >= 0 else svg}"
            f"<details><summary>table</summary>{table}</details></div>"
        )
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
    """Give Layer, Image, Container, UnionView, Engine and BuildResult a notebook display."""
    from ..builder.result import BuildResult
    from ..engine import Engine

    for cls in (Layer, Image, Container, UnionView, Engine, BuildResult):
        cls._repr_mimebundle_ = _method()  # type: ignore[attr-defined]
