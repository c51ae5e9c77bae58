"""The visual vocabulary shared by every diagram: palette, shapes, fonts, labels and legends.

Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies), and every
meaning is also carried by a shape and a word in the label, so a diagram still reads when
printed in grey or projected on a washed-out screen.  Fonts are at least 14 pt.

The same meaning always looks the same in every diagram:

=================  ==========  ================  =============================================
meaning            shape       fill              label word
=================  ==========  ================  =============================================
image layer        box         sky blue          ``L<n>``
shared layer       box, 2 rim  bluish green      ``shared by N images``
writable layer     box dashed  orange            ``writable``
image              tab         yellow            ``image``
container          component   orange            ``container``
metadata only      note        white, dashed     ``no layer``
whiteout           octagon     vermillion        ``whiteout``
opaque directory   house       reddish purple    ``opaque``
changed / miss     box, 2 rim  vermillion        ``CHANGED`` / ``FIRST MISS``
cached step        box         bluish green      ``CACHED``
=================  ==========  ================  =============================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import graphviz

__all__ = [
    "FONT",
    "LOOKS",
    "MONO",
    "OKABE_ITO",
    "Look",
    "add_legend",
    "label",
    "new_digraph",
    "node",
    "shorten",
    "size_text",
]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",  # the palette's usual neutral companion
    "white": "#FFFFFF",
}

FONT = "Helvetica"
MONO = "Courier"
FONTSIZE = "16"
SMALL = "14"  # the smallest text in any diagram: readable from the back of a lecture room
TITLE = "20"


@dataclass(frozen=True)
class Look:
    """How one meaning is drawn: shape, fill, border style, border count and legend text."""

    shape: str
    fill: str
    meaning: str
    style: str = "filled"
    peripheries: int = 1
    fontcolor: str = "#000000"
    penwidth: str = "1.5"

    def attrs(self) -> dict[str, str]:
        return {
            "shape": self.shape,
            "style": self.style,
            "fillcolor": self.fill,
            "peripheries": str(self.peripheries),
            "fontcolor": self.fontcolor,
            "penwidth": self.penwidth,
        }


C = OKABE_ITO
LOOKS: dict[str, Look] = {
    "layer": Look("box", C["sky_blue"], "image layer (read-only)"),
    "shared": Look("box", C["bluish_green"], "layer shared by several images", peripheries=2),
    "writable": Look("box", C["orange"], "writable layer (container)", style="filled,dashed"),
    "image": Look("tab", C["yellow"], "image (config + layer list)"),
    "container": Look("component", C["orange"], "container"),
    "metadata": Look("note", C["white"], "history entry without a layer", style="filled,dashed"),
    "whiteout": Look("octagon", C["vermillion"], "whiteout: deletes the name below"),
    "opaque": Look("house", C["reddish_purple"], "opaque directory: hides everything below"),
    "resolved": Look(
        "box",
        C["white"],
        "thick double border: the layer the path resolves from",
        peripheries=2,
        penwidth="3.5",
    ),
    "merged": Look("box3d", C["white"], "merged view (what the container sees)"),
    "hidden": Look("box", C["white"], "entry hidden by a layer above", style="filled,dashed"),
    "missing": Look("box", C["white"], "path not found", style="filled,dotted"),
    "changed": Look("box", C["vermillion"], "CHANGED", peripheries=2, penwidth="2.5"),
    "unchanged": Look("box", C["sky_blue"], "unchanged"),
    "cached": Look("box", C["bluish_green"], "step served from the cache (CACHED)"),
    "rebuilt": Look("box", C["orange"], "step run again (rebuilt)"),
    "first_miss": Look(
        "box", C["vermillion"], "FIRST MISS: the first rebuilt step", peripheries=2, penwidth="2.5"
    ),
    "meta_step": Look("note", C["white"], "metadata step (no layer)", style="filled,dashed"),
    "stage": Look("box", C["white"], "stage (FROM ...)", style="rounded"),
    "skipped": Look("box", C["grey"], "skipped stage (not needed)", style="filled,dashed"),
    "file": Look("box", C["sky_blue"], "file in a layer"),
    "copied": Look("box", C["orange"], "copied up into the writable layer", peripheries=2),
    "dir": Look("folder", C["white"], "directory"),
    "config": Look("note", C["yellow"], "image config JSON"),
    "digest": Look("box", C["sky_blue"], "digest"),
    "df": Look("note", C["white"], "docker system df", style="filled"),
}


def new_digraph(name: str, title: str, *, rankdir: str = "TB") -> graphviz.Digraph:
    """A digraph with the house fonts and sizes; ``title`` is drawn at the top."""
    g = graphviz.Digraph(name=name)
    g.attr(
        "graph",
        label=label(*(line for part in title.split("\n") for line in wrap(part, TITLE_LINE, 3))),
        labelloc="t",
        fontname=FONT,
        fontsize=TITLE,
        rankdir=rankdir,
        nodesep="0.35",
        ranksep="0.45",
        bgcolor="white",
    )
    g.attr("node", fontname=FONT, fontsize=FONTSIZE, margin="0.15,0.08")
    g.attr("edge", fontname=FONT, fontsize=SMALL, penwidth="1.5")
    return g


def _escape(text: str) -> str:
    return str(text).replace("\\", "\\\\")


def label(*lines: str) -> str:
    """A DOT label from lines of plain text (backslashes and ``<...>`` lose any special meaning)."""
    return graphviz.nohtml("\\n".join(_escape(line) for line in lines))


def left_label(lines: Iterable[str]) -> str:
    """A left-justified multi-line label (each line ends with DOT's ``\\l``)."""
    return graphviz.nohtml("".join(_escape(line) + "\\l" for line in lines))


def node(g: graphviz.Digraph, name: str, look: str, *lines: str, **extra: str) -> None:
    """Add a node drawn with the look named ``look``."""
    attrs = LOOKS[look].attrs()
    attrs.update(extra)
    g.node(name, label(*lines), **attrs)


def shorten(text: str, width: int = 44) -> str:
    """One line of at most ``width`` characters (``…`` marks a cut), whitespace collapsed."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


LINE = 30
"""Characters per line of a node (16 pt Helvetica: ~250 pt).  Two such nodes side by side, or
three of ``NARROW``, keep a diagram under ~780 pt, which scaled to the narrowest notebook
column (~590 px at 1024x768) still shows 16 pt text at 12 px (simulator.viz.fit)."""

TITLE_LINE = 48
"""Characters per line of a diagram's title (20 pt)."""

NARROW = 24
"""Characters per line of a node drawn three or more side by side."""


CONTINUED = "\u00a0"
"""Ends a label line that :func:`wrap` or :func:`narrow` broke inside a phrase (a no-break
space: invisible at the end of a line), so that the text outline
(:mod:`simulator.viz.outline`) joins it to the next line with a space, not with `` · ``."""


def wrap(text: str, width: int = LINE, lines: int = 2) -> list[str]:
    """``text`` on at most ``lines`` lines of at most ``width`` characters (``…`` marks a cut);
    long words (digests, paths) are broken where they reach the width.  Every line but the last
    ends with :data:`CONTINUED`."""
    import textwrap

    flat = " ".join(str(text).split())
    out = textwrap.wrap(flat, width, break_on_hyphens=False) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return [line + CONTINUED for line in out[:-1]] + out[-1:]


def narrow(lines: Iterable[str], width: int = NARROW) -> list[str]:
    """``lines`` re-cut for a narrow node: a line longer than ``width`` is split at its `` · ``
    separators, then before a parenthesis, then wrapped (no text is dropped)."""
    import textwrap

    out: list[str] = []
    for line in lines:
        if len(line) <= width:
            out.append(line)
            continue
        for part in line.split(" · "):
            pieces = [part]
            if len(part) > width and " (" in part:
                head, _, tail = part.partition(" (")
                pieces = [head, "(" + tail]
            cut: list[str] = []
            for piece in pieces:
                cut.extend(textwrap.wrap(piece, width, break_on_hyphens=False) or [""])
            out.extend([line + CONTINUED for line in cut[:-1]] + cut[-1:])
    return out


def size_text(n: int) -> str:
    """``6.4kB (6405 B)``: Docker's decimal size and the exact byte count."""
    from ..text import human_size

    return f"{human_size(n)} ({n} B)" if n >= 1000 else f"{n} B"


def add_legend(
    g: graphviz.Digraph,
    looks: Sequence[str],
    *,
    extra: Sequence[tuple[str, str]] = (),
    bottom_up: bool = False,
) -> None:
    """A legend cluster with one sample node per look (shape, fill and meaning together).

    ``extra`` adds ``(edge style, meaning)`` rows in words (``("dashed", "COPY --from")``).
    ``bottom_up`` (for ``rankdir=BT`` graphs) keeps the rows reading top to bottom in order.
    """
    rows: list[tuple[str, str]] = [("look", k) for k in looks] + [("edge", f"{s}\0{m}") for s, m in extra]
    if bottom_up:
        rows.reverse()
    with g.subgraph(name="cluster_legend") as lg:
        lg.attr(label="Legend", fontname=FONT, fontsize=SMALL, style="rounded", color=C["grey"])
        lg.attr("node", fontsize=SMALL)
        previous = None
        for i, (what, key) in enumerate(rows):
            if what == "look":
                look = LOOKS[key]
                name = f"legend_{key}"
                lg.node(name, label(look.meaning), **look.attrs())
            else:
                style, meaning = key.split("\0")
                name = f"legend_edge{i}"
                lg.node(name, label(f"{style} arrow: {meaning}"), shape="plaintext", fontsize=SMALL)
            if previous is not None:
                lg.edge(previous, name, style="invis")
            previous = name
