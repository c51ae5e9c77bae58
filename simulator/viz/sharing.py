"""Diagram 2: every image and container of an engine, with shared layers drawn once.

Layers are keyed by ChainID (a layer *and everything below it*), as Docker's layer store keys
them: two images share a layer exactly when they share its ChainID.  Each image is labelled
with the three numbers of ``docker system df -v`` (SIZE, SHARED SIZE, UNIQUE SIZE) and the
graph carries the ``docker system df`` summary, so the picture and the command agree.
"""

from __future__ import annotations

from typing import Any

import graphviz

from ..digest import short_id
from ..model.container import State
from ..text import human_size
from .style import MONO, SMALL, add_legend, left_label, new_digraph, node, shorten, size_text

__all__ = ["sharing_dag"]


def _layer_id(chain: str) -> str:
    return "layer_" + short_id(chain)


FOLD = 3
"""Containers of one image drawn one by one up to this many; more become one node."""


def sharing_dag(engine: Any, *, fold: int | None = FOLD) -> graphviz.Digraph:
    """The sharing DAG of ``engine``: layers (once each), images, containers and df numbers.

    Args:
        fold: an image with more than ``fold`` containers gets one node for all of them ("10
            containers of python:3.12-slim", with their states and writable-layer bytes), so a
            class's worth of containers does not widen the picture past the screen; ``None``
            or ``0`` draws every container.
    """
    images = sorted(engine.images.list(all=True), key=lambda i: (i.created, i.id))
    refs: dict[str, int] = {}
    users: dict[str, list[str]] = {}
    for image in images:
        tag = (engine.images.tags_of(image) or [image.short_id])[0]
        for chain in dict.fromkeys(image.chain_ids):
            refs[chain] = refs.get(chain, 0) + 1
            users.setdefault(chain, []).append(tag)
    stored = sum(layer.size for chain, layer in engine.layers.items() if chain in refs)
    naive = sum(image.size for image in images)
    title = (
        f"{len(images)} images, {len(refs)} layers stored once: {human_size(stored)} on disk "
        f"(without sharing: {human_size(naive)})"
    )
    g = new_digraph("sharing_dag", title, rankdir="BT")
    df = engine.df()
    rows = {row.id: row for row in df.images}
    drawn: set[str] = set()
    any_shared = False
    for image in images:
        below: str | None = None
        for depth, (chain, layer) in enumerate(zip(image.chain_ids, image.layers, strict=True)):
            nid = _layer_id(chain)
            if chain not in drawn:
                drawn.add(chain)
                shared = refs[chain] > 1
                any_shared |= shared
                who = f"shared by {refs[chain]} images" if shared else f"unique to {users[chain][0]}"
                node(
                    g,
                    nid,
                    "shared" if shared else "layer",
                    f"L{depth} · {size_text(layer.size)}",
                    shorten(layer.created_by or "(no command recorded)", 40),
                    f"{who} · ChainID {short_id(chain)}",
                )
                if below is not None:
                    g.edge(below, nid)
            below = nid
        usage = rows.get(image.id)
        tags = engine.images.tags_of(image)
        lines = [f"{tags[0] if tags else '<none>'} · image {image.short_id}"]
        if usage is not None:
            lines.append(
                f"SIZE {human_size(usage.size)} · SHARED {human_size(usage.shared_size, 4)} "
                f"· UNIQUE {human_size(usage.unique_size, 4)}"
            )
            lines.append(f"containers: {usage.containers}")
        node(g, "image_" + image.short_id, "image", *lines)
        if below is not None:
            g.edge(below, "image_" + image.short_id)
    containers = sorted(engine.containers.list(all=True), key=lambda c: (c.created, c.id))
    by_image: dict[str, list[Any]] = {}
    for c in containers:
        if c.state is not State.REMOVED:
            by_image.setdefault(c.image.short_id, []).append(c)
    folded = {key for key, group in by_image.items() if fold and len(group) > fold}
    for key in sorted(folded):
        group = by_image[key]
        states: dict[str, int] = {}
        for c in group:
            states[c.state.value] = states.get(c.state.value, 0) + 1
        tags = engine.images.tags_of(group[0].image)
        node(
            g,
            f"containers_{key}",
            "container",
            f"{len(group)} containers of {tags[0] if tags else 'image ' + key}",
            " · ".join(f"{n} {state}" for state, n in sorted(states.items())),
            f"writable layers: {size_text(sum(c.size_rw for c in group))} in all, "
            f"largest {size_text(max(c.size_rw for c in group))}",
            f"{sum(len(c.copy_ups) for c in group)} copy-ups (fold=0 draws each container)",
        )
        g.edge("image_" + key, f"containers_{key}", style="dashed")
    for c in containers:
        if c.state is State.REMOVED or c.image.short_id in folded:
            continue
        cid = "container_" + (c.name or c.id[:12])  # names are unique in an engine, and stable
        node(
            g,
            cid,
            "container",
            f"container {c.name or c.id[:12]} · {c.state.value}",
            f"writable layer: {size_text(c.size_rw)}",
            f"{len(c.copy_ups)} copy-up{'s' * (len(c.copy_ups) != 1)}",
        )
        g.edge("image_" + c.image.short_id, cid, style="dashed")
    g.node(
        "df",
        left_label(["docker system df", *df.table().splitlines()[:3]]),
        shape="note",
        fontname=MONO,
        fontsize=SMALL,
        style="filled",
        fillcolor="#FFFFFF",
    )
    looks = (["container"] if containers else []) + ["image"] + (["shared"] if any_shared else []) + ["layer"]
    add_legend(g, looks, extra=[("solid", "stacked on"), ("dashed", "container runs image")], bottom_up=True)
    return g
