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
from ..engine.df import image_id, image_size, stored_once
from ..model.container import State
from ..text import human_size
from .style import FONTSIZE, LINE, MONO, NARROW, add_legend, left_label, new_digraph, node, size_text, wrap

__all__ = ["sharing_dag"]


def _layer_id(chain: str) -> str:
    return "layer_" + short_id(chain)


FOLD = 3
"""Similar nodes drawn one by one up to this many; more become one node: the containers of one
image, and the images that stand on the same shared layer with nothing but their own layers
above it."""


def _sibling_groups(images: list[Any], refs: dict[str, int]) -> dict[str, list[Any]]:
    """``{ChainID of a shared layer: the images whose own part starts right above it}``.

    An image belongs to the group of its topmost shared layer when every layer above that one is
    its own (used by no other image): those images are siblings that differ only in their own
    layers, the "many similar nodes" of a class's dashboard.
    """
    groups: dict[str, list[Any]] = {}
    for image in images:
        shared = [i for i, chain in enumerate(image.chain_ids) if refs[chain] > 1]
        if not shared:
            continue
        top = shared[-1]
        if all(refs[chain] == 1 for chain in image.chain_ids[top + 1 :]):
            groups.setdefault(image.chain_ids[top], []).append(image)
    return groups


def sharing_dag(engine: Any, *, fold: int | None = FOLD, expand: bool = False) -> graphviz.Digraph:
    """The sharing DAG of ``engine``: layers (once each), images, containers and df numbers.

    Args:
        fold: more than ``fold`` similar nodes become one node, so that a class's worth of
            containers or images does not widen the picture past the screen: the containers
            of one image ("10 containers of python:3.12-slim", with their states and
            writable-layer bytes), and the images standing on the same shared layer with only
            their own layers above it ("5 images on L0 of debian:bookworm-slim", with their
            tags and their own layers' bytes; their containers hang under that node).
            ``None`` or ``0`` draws every node.
        expand: draw every node whatever ``fold`` says (what a widget's "expand" toggle sets).
    """
    if expand:
        fold = None
    images = sorted(engine.images.list(all=True), key=lambda i: (i.created, i.id))
    refs: dict[str, int] = {}
    users: dict[str, list[str]] = {}
    for image in images:
        tag = (engine.images.tags_of(image) or [image.short_id])[0]
        for chain in dict.fromkeys(image.chain_ids):
            refs[chain] = refs.get(chain, 0) + 1
            users.setdefault(chain, []).append(tag)
    # the numbers are the engine's image store's (engine.df): overlay2 keeps layers' files,
    # containerd unpacked snapshots plus the compressed blobs, and IDs differ (image_id)
    stored, blobs = stored_once(engine, images)
    naive = sum(image_size(engine, image) for image in images)
    if engine.image_store == "containerd":
        title = (
            f"{len(images)} images, {len(refs)} snapshots stored once: {human_size(stored)} unpacked "
            f"+ {human_size(blobs)} blobs (without sharing: {human_size(naive)}) · containerd store"
        )
    else:
        title = (
            f"{len(images)} images, {len(refs)} layers stored once: {human_size(stored)} on disk "
            f"(without sharing: {human_size(naive)}) · overlay2 store"
        )
    g = new_digraph("sharing_dag", title, rankdir="BT")
    df = engine.df()
    rows = {row.id: row for row in df.images}  # keyed by the store's image ID
    store_ids = {image.id: image_id(image, engine.image_store) for image in images}
    drawn: set[str] = set()
    any_shared = False
    folded_images: dict[str, str] = {}  # image short id -> the group node it is drawn in
    groups = {
        chain: group for chain, group in _sibling_groups(images, refs).items() if fold and len(group) > fold
    }
    for chain, group in groups.items():
        for image in group:
            folded_images[image.short_id] = "images_" + short_id(chain)
    below: str | None
    for image in images:
        if image.short_id in folded_images:
            # only the layers up to the shared one; the group node stands for the rest
            shared_top = max(i for i, c in enumerate(image.chain_ids) if refs[c] > 1)
            below = None
            for depth, (chain, layer) in enumerate(zip(image.chain_ids, image.layers, strict=True)):
                if depth > shared_top:
                    break
                nid = _layer_id(chain)
                if chain not in drawn:
                    drawn.add(chain)
                    any_shared = True
                    node(
                        g,
                        nid,
                        "shared",
                        f"L{depth} · {size_text(layer.size)}",
                        *wrap(layer.created_by or "(no command recorded)", NARROW),
                        f"shared by {refs[chain]} images",
                        f"ChainID {short_id(chain)}",
                    )
                    if below is not None:
                        g.edge(below, nid)
                below = nid
            continue
        below = None
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
                    *wrap(layer.created_by or "(no command recorded)", NARROW),
                    *wrap(who, NARROW),
                    f"ChainID {short_id(chain)}",
                )
                if below is not None:
                    g.edge(below, nid)
            below = nid
        usage = rows.get(store_ids[image.id])
        tags = engine.images.tags_of(image)
        lines = [*wrap(tags[0] if tags else "<none>", NARROW), f"image {short_id(store_ids[image.id])}"]
        if usage is not None:
            lines.append(f"SIZE {human_size(usage.size)}")
            lines.append(f"SHARED {human_size(usage.shared_size, 4)}")
            lines.append(f"UNIQUE {human_size(usage.unique_size, 4)}")
            lines.append(f"containers: {usage.containers}")
        node(g, "image_" + image.short_id, "image", *lines)
        if below is not None:
            g.edge(below, "image_" + image.short_id)
    for chain, group in groups.items():
        gid = "images_" + short_id(chain)
        depth = group[0].chain_ids.index(chain)
        names = [(engine.images.tags_of(i) or [i.short_id])[0] for i in group]
        own = sum(sum(layer.size for layer in i.layers[depth + 1 :]) for i in group)
        users = sum(rows[store_ids[i.id]].containers for i in group if store_ids[i.id] in rows)
        node(
            g,
            gid,
            "image",
            f"{len(group)} images on L{depth}",
            *wrap(", ".join(names), LINE),
            f"their own layers: {size_text(own)}",
            f"containers: {users}",
            "(expand, or fold=0,",
            "draws each image)",
        )
        g.edge(_layer_id(chain), gid)
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
            f"{len(group)} containers of",
            *wrap(tags[0] if tags else "image " + key, LINE),
            *wrap(" · ".join(f"{n} {state}" for state, n in sorted(states.items())), LINE),
            f"writable layers: {size_text(sum(c.size_rw for c in group))}",
            f"largest {size_text(max(c.size_rw for c in group))}",
            f"{sum(len(c.copy_ups) for c in group)} copy-ups",
            "(fold=0 draws each container)",
        )
        g.edge(folded_images.get(key, "image_" + key), f"containers_{key}", style="dashed")
    for c in containers:
        if c.state is State.REMOVED or c.image.short_id in folded:
            continue
        cid = "container_" + (c.name or c.id[:12])  # names are unique in an engine, and stable
        node(
            g,
            cid,
            "container",
            *wrap(f"container {c.name or c.id[:12]}", NARROW),
            c.state.value,
            "writable layer:",
            size_text(c.size_rw),
            f"{len(c.copy_ups)} copy-up{'s' * (len(c.copy_ups) != 1)}",
        )
        g.edge(folded_images.get(c.image.short_id, "image_" + c.image.short_id), cid, style="dashed")
    g.node(
        "df",
        left_label(["docker system df", *df.table().splitlines()[:3]]),
        shape="note",
        fontname=MONO,
        fontsize=FONTSIZE,  # as large as the rest: the smallest text sets the scale (viz.fit)
        style="filled",
        fillcolor="#FFFFFF",
    )
    roots = [_layer_id(i.chain_ids[0]) for i in images if i.chain_ids]
    if roots:  # under the graph, not beside it
        g.edge("df", roots[0], style="invis")
    looks = (["container"] if containers else []) + ["image"] + (["shared"] if any_shared else []) + ["layer"]
    add_legend(g, looks, extra=[("solid", "stacked on"), ("dashed", "container runs image")], bottom_up=True)
    return g
