"""Diagrams that fit where they are shown: a notebook column, a widget pane, a projector.

Graphviz draws at natural size (a 16 pt label is ~21 px); a wide diagram scaled down to an
850 px column (590 px at 1024x768) gets 4-8 px text, and the legend beside the graph doubles
the width.  :func:`fitted_html` is how every notebook display and widget pane shows a diagram:

- the legend is taken out of the graph and shown **under** it as HTML (a swatch and a label
  each, wrapping to the column), so it no longer widens the picture;
- the SVG scales down to the column (``width: 100%``), but **never below the scale that keeps
  its smallest text at** ``MIN_TEXT_PX`` (12 px) on screen: a diagram too wide for that keeps
  this minimum width inside a box that scrolls sideways, and the box never overflows the column;
- at browser zoom (a device pixel ratio of 1.25 or 1.5, what 125 % and 150 % zoom give on an
  ordinary screen or projector), the floor is divided by the ratio: 12 px *on screen* then need
  fewer CSS px, so a diagram that fits the column at 100 % still fits the narrower column at
  150 % (a CSS media query on ``resolution``; the inline ``min-width`` stays the floor where
  styles are stripped, e.g. an untrusted notebook).  Higher ratios (a "retina" screen at 100 %)
  keep the 100 % floor: their pixels are small, not zoomed;
- the lesson diagrams are laid out (simulator.viz.style: ``LINE``, ``NARROW``, ``wrap``) so that
  their floor fits the narrowest column measured (~590 px at 1024x768): no scroll box;
- ``full_size`` (widgets): a link opens the diagram alone at natural size in a new tab.

Files for slides (:func:`~simulator.viz.render`) keep the legend inside the picture.
"""

from __future__ import annotations

import base64
import html
import re

import graphviz

from .render import pipe

__all__ = ["MIN_TEXT_PX", "fitted_html", "fitted_svg", "legend_html", "without_legend"]

MIN_TEXT_PX = 12.0
"""The smallest text a diagram may show on screen (CSS px at 100 % zoom)."""

PT = 4 / 3
"""CSS px per point: Graphviz's SVG sizes are in pt."""

ZOOMS = (1.25, 1.5)
"""Device pixel ratios (browser zoom) at which the floor is divided by the ratio, in order."""


def without_legend(graph: graphviz.Digraph) -> graphviz.Digraph:
    """A copy of ``graph`` without its ``cluster_legend`` subgraph."""
    out = graph.copy()
    body: list[str] = []
    skipping = False
    for line in out.body:
        if line.startswith("\tsubgraph cluster_legend {"):
            skipping = True
            continue
        if skipping:
            if line == "\t}\n":
                skipping = False
            continue
        body.append(line)
    out.body = body
    return out


_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _legend_entries(graph: graphviz.Digraph) -> list[dict[str, str]]:
    entries = []
    inside = False
    for line in graph.body:
        if line.startswith("\tsubgraph cluster_legend {"):
            inside = True
            continue
        if inside and line == "\t}\n":
            break
        if not inside or "->" in line or not line.strip().startswith("legend_"):
            continue
        attrs = {k: v[1:-1].replace('\\"', '"') if v.startswith('"') else v for k, v in _ATTR.findall(line)}
        entries.append(attrs)
    return entries


def legend_html(graph: graphviz.Digraph) -> str:
    """The legend of ``graph`` as HTML: swatches and labels in rows that wrap ("" if none)."""
    items = []
    for attrs in _legend_entries(graph):
        label = html.escape(attrs.get("label", "").replace("\\n", " "))
        if attrs.get("shape") == "plaintext":
            items.append(f'<span class="layerlab-legend-item">{label}</span>')
            continue
        style = attrs.get("style", "")
        border = "dashed" if "dashed" in style else "solid"
        width = 3 if float(attrs.get("penwidth", "1.5") or 1.5) > 2 else 1
        double = int(attrs.get("peripheries", "1") or 1) > 1
        fill = attrs.get("fillcolor", "#FFFFFF") if "filled" in style else "#FFFFFF"
        swatch = (
            f'<span style="display:inline-block;width:1.6em;height:1em;vertical-align:middle;'
            f"margin-right:0.35em;background:{html.escape(fill)};"
            f"border:{3 if double else width}px {'double' if double else border} #000"
            f'{";border-radius:0.3em" if "rounded" in style else ""}"></span>'
        )
        items.append(f'<span class="layerlab-legend-item">{swatch}{label}</span>')
    if not items:
        return ""
    return (
        '<div class="layerlab-legend" style="display:flex;flex-wrap:wrap;gap:0.3em 1.2em;'
        'font-size:14px;line-height:1.4;margin:0.3em 0 0.2em 0"><b>Legend:</b>' + "".join(items) + "</div>"
    )


def _number(pattern: str, text: str) -> float | None:
    found = re.search(pattern, text)
    return float(found.group(1)) if found else None


def fitted_svg(svg: str, *, min_text_px: float = MIN_TEXT_PX) -> str:
    """The ``<svg>`` element of Graphviz's output, sized to scale down to its container but not
    below ``min_text_px`` for its smallest text (``min-width``), and never up."""
    start = svg.find("<svg")
    if start < 0:
        return svg
    element = svg[start:]
    width_pt = _number(r'<svg[^>]*\swidth="([\d.]+)pt"', element)
    fonts = [float(f) for f in re.findall(r'font-size="([\d.]+)"', element)]
    if width_pt is None:
        return '<svg style="max-width:100%;height:auto"' + element[len("<svg") :]
    natural = width_pt * PT
    smallest = min(fonts) * PT if fonts else 16.0
    floor = min(natural, natural * min_text_px / smallest)
    style = f"width:100%;max-width:{natural:.0f}px;min-width:{floor:.0f}px;height:auto;display:block"
    name = f"layerlab-fit-{floor:.0f}"
    zoomed = "".join(
        f"@media (min-resolution:{ratio}dppx){{svg.{name}{{min-width:{floor / ratio:.0f}px !important}}}}"
        for ratio in ZOOMS
    )
    opened = f'<svg style="{style}" class="{name}"' + element[len("<svg") :]
    end = opened.index(">") + 1
    return opened[:end] + f"<style>{zoomed}</style>" + opened[end:]


def fitted_html(graph: graphviz.Digraph, *, full_size: bool = False) -> str:
    """``graph`` for a notebook column or a widget pane (see the module docstring).

    Raises what :func:`~simulator.viz.pipe` raises (``GraphvizMissing`` without ``dot``).
    """
    svg = pipe(without_legend(graph), "svg").decode("utf-8")
    link = ""
    if full_size:
        data = base64.b64encode(pipe(graph, "svg")).decode("ascii")
        link = (
            f'<a class="layerlab-full-size" href="data:image/svg+xml;base64,{data}" target="_blank" '
            'rel="noopener" download="diagram.svg" style="font-size:13px">open full size ↗</a>'
        )
    return (
        '<div class="layerlab-diagram" style="max-width:100%">'
        '<div class="layerlab-diagram-box" style="overflow-x:auto;max-width:100%">'
        f"{fitted_svg(svg)}</div>{legend_html(graph)}{link}</div>"
    )
