"""Diagram 1: an image's layer stack, and a single layer's changes.

The stack is drawn bottom to top, as the layers are applied: each layer with its size, the
instruction that made it and its DiffID; history entries that made no layer (``ENV``, ``CMD``
...) hang beside the layer they follow, as notes, because they change the config, not the files.
"""

from __future__ import annotations

import graphviz

from ..digest import short_id
from ..model.entries import Kind
from ..model.image import Image
from ..model.layer import Layer
from ..text import human_size
from .dispatch import diagram_for
from .style import NARROW, add_legend, new_digraph, node, shorten, size_text, wrap

__all__ = ["layer_stack", "layer_tree"]

MAX_ENTRIES = 40
"""A layer diagram shows at most this many paths (a projector shows no more)."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


@diagram_for.register
def layer_stack(image: Image, *, name: str | None = None) -> graphviz.Digraph:
    """The layers of ``image``, bottom (L0) to top, with the image on top.

    Args:
        image: the image to draw.
        name: a display name (a tag) for the title; the short image ID otherwise.
    """
    title = f"{name or 'image ' + image.short_id}: {_plural(len(image.layers), 'layer')}, {human_size(image.size)}"
    g = new_digraph("layer_stack", title, rankdir="BT")
    # One note per layer for the history entries that follow it (before the first layer: one
    # note under it), so that the picture is never wider than a layer and one note.
    notes: dict[int, list[str]] = {}
    layer_no = -1
    note_count = 0
    layers: list[tuple[Layer, str]] = []
    for entry, layer in image.layer_history():
        if layer is None:
            note_count += 1
            text = shorten(entry.created_by or entry.comment or "(no command recorded)", 2 * NARROW)
            notes.setdefault(layer_no, []).extend(wrap(text, NARROW))
            continue
        layer_no += 1
        layers.append((layer, entry.created_by or layer.created_by or "(no command recorded)"))
    previous: str | None = None
    for number, (layer, created) in enumerate(layers):
        current = f"L{number}"
        node(
            g,
            current,
            "layer",
            f"L{number} · {size_text(layer.size)}",
            *wrap(created),
            _plural(len(layer), "change"),
            f"DiffID {short_id(layer.diff_id)}",
        )
        if previous is not None:
            g.edge(previous, current)
        previous = current
    for after, lines in notes.items():
        note = f"meta{after + 1}"
        node(g, note, "metadata", *lines, "config only: no layer")
        if after < 0:
            if layers:
                g.edge(note, "L0", style="dashed", arrowhead="none")
            continue
        g.edge(f"L{after}", note, style="dashed", arrowhead="none", constraint="false")
        with g.subgraph() as same:
            same.attr(rank="same")
            same.node(f"L{after}")
            same.node(note)
    note_no = note_count
    top = "image"
    node(
        g,
        top,
        "image",
        f"image {image.short_id}",
        f"{human_size(image.size)} in {_plural(len(image.layers), 'layer')}",
    )
    if previous is not None:
        g.edge(previous, top)
    looks = ["image", "layer"] + (["metadata"] if note_no else [])
    add_legend(g, looks, extra=[("solid", "stacked on (lower → upper)")], bottom_up=True)
    return g


def _entry_text(path: str, layer: Layer) -> tuple[str, str]:
    entry = layer.entries[path]
    if entry.kind is Kind.WHITEOUT:
        return "whiteout", f"{path}  (whiteout: deleted)"
    if entry.kind is Kind.DIR:
        return ("opaque", f"{path}/  (opaque dir)") if entry.opaque else ("dir", f"{path}/")
    if entry.kind is Kind.SYMLINK:
        return "file", f"{path} → {entry.target}"
    if entry.kind is Kind.HARDLINK:
        return "file", f"{path} (hard link to {entry.target})"
    return "file", f"{path}  {entry.mode_string()}  {size_text(entry.size)}"


@diagram_for.register
def layer_tree(layer: Layer) -> graphviz.Digraph:
    """The paths one layer changes, as a tree; whiteouts and opaque directories marked."""
    title = f"layer {short_id(layer.diff_id)}: {_plural(len(layer), 'change')}, {human_size(layer.size)}"
    if layer.created_by:
        title += f"\n{shorten(layer.created_by, 60)}"
    g = new_digraph("layer_tree", title, rankdir="LR")
    node(g, "root", "dir", "/")
    paths = list(layer.entries)
    shown = paths[:MAX_ENTRIES]
    ids = {"/": "root"}
    used = set()
    for i, path in enumerate(shown):
        look, text = _entry_text(path, layer)
        ids[path] = f"e{i}"
        used.add(look)
        node(g, f"e{i}", look, text)
        parent = path.rsplit("/", 1)[0] or "/"
        g.edge(ids.get(parent, "root"), f"e{i}")
    if len(paths) > len(shown):
        node(g, "more", "metadata", f"… and {len(paths) - len(shown)} more paths")
        g.edge("root", "more", style="dashed")
    add_legend(g, [k for k in ("dir", "file", "whiteout", "opaque") if k in used or k == "dir"])
    return g
