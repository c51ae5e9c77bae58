"""Diagram 6: content addressing, DiffID → ChainID → config → ImageID (→ manifest digest).

With ``changed_layer`` the diagram answers "what changes if one byte of one layer changes?":
the simulator really flips one byte of the first non-empty file of that layer, recomputes every
identifier, and marks each one CHANGED or unchanged.  The layer's DiffID changes, every
ChainID from that layer up changes (each one hashes the one below), the DiffIDs of the other
layers do not, and the config (which lists the DiffIDs) and so the ImageID change.
"""

from __future__ import annotations

from dataclasses import replace

import graphviz

from ..digest import short_id
from ..model.entries import Entry, Kind
from ..model.image import Image
from ..model.layer import Layer
from .style import add_legend, label, new_digraph, node

__all__ = ["content_addressing", "one_byte_changed"]


def one_byte_changed(image: Image, index: int) -> tuple[Image, str]:
    """A copy of ``image`` whose layer ``index`` differs by one byte, and a note saying where.

    The first byte of the layer's first non-empty regular file is flipped (``^ 0x01``); a layer
    with no such file gets a new one-byte file ``/.one-byte``.
    """
    if not 0 <= index < len(image.layers):
        raise IndexError(f"layer {index} does not exist; the image has layers 0..{len(image.layers) - 1}")
    layer = image.layers[index]
    entries = dict(layer.entries)
    for path, entry in entries.items():
        if entry.kind is Kind.FILE and entry.size > 0:
            data = bytearray(entry.read())
            data[0] ^= 0x01
            entries[path] = replace(entry, data=bytes(data), digest=None, source=None)
            note = f"flipped the first byte of {path} in L{index}"
            break
    else:
        entries["/.one-byte"] = Entry.file(b"x")
        note = f"added a 1-byte file /.one-byte to L{index}"
    changed = Layer.of(entries, created_by=layer.created_by, comment=layer.comment)
    layers = list(image.layers)
    layers[index] = changed
    return Image.of(
        layers,
        image.config,
        image.history,
        created=image.created,
        architecture=image.architecture,
        os=image.os,
        author=image.author,
    ), note


def _id(digest: str) -> str:
    return short_id(digest) if digest else "(none)"


def content_addressing(
    image: Image, changed_layer: int | Layer | None = None, *, manifest_digest: str | None = None
) -> graphviz.Digraph:
    """How the image's identifiers are derived, optionally after a one-byte change.

    Args:
        image: the image.
        changed_layer: a layer index (or a layer of the image) to change by one byte.
        manifest_digest: the manifest's digest, drawn after the ImageID when given (it exists
            once the image is exported).
    """
    if isinstance(changed_layer, Layer):
        matches = [
            i for i, layer in enumerate(image.layers) if layer is changed_layer or layer == changed_layer
        ]
        if not matches:
            raise ValueError("that layer is not one of the image's layers")
        changed_layer = matches[0]
    other, note = one_byte_changed(image, changed_layer) if changed_layer is not None else (None, "")

    def look_and(before: str, after: str | None, what: str) -> tuple[str, list[str]]:
        if after is None:
            return "digest", [what, _id(before)]
        if before == after:
            return "unchanged", [what, _id(before), "unchanged"]
        return "changed", [what, f"{_id(before)} →", f"{_id(after)}", "CHANGED"]

    title = "content addressing:\nDiffID → ChainID → config → ImageID"
    if note:
        title += f"\none byte changed: {note}"
    g = new_digraph("content_addressing", title, rankdir="TB")  # top down: fits a column
    used: set[str] = set()
    diff_ids, chains = image.diff_ids, image.chain_ids
    new_diff = other.diff_ids if other else [None] * len(diff_ids)
    new_chain = other.chain_ids if other else [None] * len(chains)
    with g.subgraph(name="cluster_diffids") as c:
        c.attr(label="DiffID = sha256(layer tar)", fontsize="16", style="rounded")
        for i, (d, nd) in enumerate(zip(diff_ids, new_diff, strict=True)):
            look, lines = look_and(d, nd, f"L{i} DiffID")
            used.add(look)
            node(c, f"diff{i}", look, *lines)
            if i:  # one column, L0 on top, beside the ChainIDs' column
                c.edge(f"diff{i - 1}", f"diff{i}", style="invis")
    with g.subgraph(name="cluster_chainids") as c:
        c.attr(
            label=label("ChainID(n) = sha256(", "ChainID(n-1) + ' ' + DiffID(n))"),
            fontsize="16",
            style="rounded",
        )
        for i, (d, nd) in enumerate(zip(chains, new_chain, strict=True)):
            look, lines = look_and(d, nd, f"L{i} ChainID" + (" = DiffID" if i == 0 else ""))
            used.add(look)
            node(c, f"chain{i}", look, *lines)
    for i in range(len(diff_ids)):
        g.edge(f"diff{i}", f"chain{i}")
        if i:  # down the ChainIDs' column, L0 first
            g.edge(f"chain{i - 1}", f"chain{i}")
    config_lines = [
        "config JSON",
        "(rootfs.diff_ids, history, Env ...)",
        f"{len(image.config_bytes())} bytes",
    ]
    if other is None:
        config_look = "config"
    elif other.config_bytes() == image.config_bytes():
        config_look, config_lines = "unchanged", [*config_lines, "unchanged"]
    else:
        config_look, config_lines = "changed", [*config_lines, "CHANGED: it lists the new DiffID"]
    used.add(config_look)
    node(g, "config", config_look, *config_lines)
    if chains:  # the config under the ChainIDs, not beside them: one column fits a notebook
        g.edge(f"chain{len(chains) - 1}", "config", style="invis")
    for i in range(len(diff_ids)):
        g.edge(f"diff{i}", "config", style="dashed", label=" listed in " if i == len(diff_ids) - 1 else "")
    look, lines = look_and(image.id, other.id if other else None, "ImageID = sha256(config)")
    used.add(look)
    node(g, "image_id", look, *lines)
    g.edge("config", "image_id", penwidth="2.5")
    if manifest_digest:
        node(
            g,
            "manifest",
            "digest",
            "manifest digest (config + compressed layers)",
            _id(manifest_digest),
            *(["changes too (it names the config)"] if other else []),
        )
        g.edge("image_id", "manifest", style="dashed")
    if chains:
        node(g, "store", "metadata", "ChainIDs key the layer store", "(not stored in the config)")
        g.edge(f"chain{len(chains) - 1}", "store", style="dashed", arrowhead="none")
    order = ["digest", "config", "changed", "unchanged", "metadata"]
    add_legend(
        g,
        [k for k in order if k in used or (k == "metadata" and chains)],
        extra=[("solid", "is hashed into"), ("dashed", "is listed in")],
    )
    return g
