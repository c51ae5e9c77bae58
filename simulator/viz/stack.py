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
from .style import add_legend, new_digraph, node, shorten, size_text

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
    previous: str | None = None
    pending_notes: list[tuple[int, str]] = []  # metadata entries before the first layer
    layer_no = -1
    note_no = 0
    for entry, layer in image.layer_history():
        if layer is None:
            note_no += 1
            text = shorten(entry.created_by or entry.comment or "(no command recorded)", 40)
            note = f"meta{note_no}"
            node(g, note, "metadata", text, "config only: no layer")
            if previous is None:
                pending_notes.append((note_no, note))
            else:
                g.edge(previous, note, style="dashed", arrowhead="none", constraint="false")
                with g.subgraph() as same:
                    same.attr(rank="same")
                    same.node(previous)
                    same.node(note)
            continue
        layer_no += 1
        current = f"L{layer_no}"
        created = shorten(entry.created_by or layer.created_by or "(no command recorded)", 44)
        node(
            g,
            current,
            "layer",
            f"L{layer_no} · {size_text(layer.size)}",
            created,
            f"{_plural(len(layer), 'change')} · DiffID {short_id(layer.diff_id)}",
        )
        if previous is not None:
            g.edge(previous, current)
        else:
            for _, note in pending_notes:
                g.edge(note, current, style="dashed", arrowhead="none")
        previous = current
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
