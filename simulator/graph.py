"""``to_networkx(engine)``: the engine's layers, images and containers as a derived DiGraph.

The graph is rebuilt on demand and never the source of truth.  Nodes are keyed by digest:

- layers by **ChainID** (``kind="layer"``, with ``diff_id``, ``size``, ``created_by``, ``depth``);
- images by **ImageID** (``kind="image"``, with ``tags``, ``size``);
- containers by **container ID** (``kind="container"``, with ``name``, ``status``, ``size_rw``).

Edges point from what is below to what depends on it (``relation`` says which): a layer to
the layer stacked on it (``"stacked"``), an image's top layer to the image (``"top"``), an image
to its containers (``"runs"``), and a parent image to an image committed from it
(``"parent"``).  So stock algorithms answer the usual questions::

    nx.descendants(G, chain_id)  # every layer, image and container that needs this layer
    nx.ancestors(G, image_id)  # the layers of an image
    shared_layers(G, image_a, image_b)  # the layers two images share
"""

from __future__ import annotations

from typing import Any

import networkx as nx

__all__ = ["images_using", "layers_of", "shared_layers", "to_networkx"]


def to_networkx(engine: Any) -> nx.DiGraph:
    """A DiGraph of the engine's layers (by ChainID), images and containers."""
    g = nx.DiGraph()
    images = sorted(engine.images.list(all=True), key=lambda i: (i.created, i.id))
    for image in images:
        below = None
        for depth, (chain, layer) in enumerate(zip(image.chain_ids, image.layers, strict=True)):
            if chain not in g:
                g.add_node(
                    chain,
                    kind="layer",
                    chain_id=chain,
                    diff_id=layer.diff_id,
                    size=layer.size,
                    created_by=layer.created_by,
                    depth=depth,
                )
            if below is not None:
                g.add_edge(below, chain, relation="stacked")
            below = chain
        g.add_node(
            image.id,
            kind="image",
            tags=tuple(engine.images.tags_of(image)),
            size=image.size,
            created=image.created,
        )
        if below is not None:
            g.add_edge(below, image.id, relation="top")
    for image in images:
        parent = engine.images.parent_of(image)
        if parent is not None and parent.id in g:
            g.add_edge(parent.id, image.id, relation="parent")
    for c in engine.containers.list(all=True):
        g.add_node(c.id, kind="container", name=c.name, status=c.status, size_rw=c.size_rw)
        if c.image.id in g:
            g.add_edge(c.image.id, c.id, relation="runs")
    return g


def layers_of(g: nx.DiGraph, image_id: str) -> list[str]:
    """ChainIDs of an image's layers, bottom first."""
    return sorted(
        (n for n in nx.ancestors(g, image_id) if g.nodes[n]["kind"] == "layer"),
        key=lambda n: g.nodes[n]["depth"],
    )


def images_using(g: nx.DiGraph, chain_id: str) -> list[str]:
    """ImageIDs of the images that contain the layer ``chain_id``."""
    return sorted(n for n in nx.descendants(g, chain_id) if g.nodes[n]["kind"] == "image")


def shared_layers(g: nx.DiGraph, image_a: str, image_b: str) -> list[str]:
    """ChainIDs of the layers both images contain, bottom first."""
    common = set(layers_of(g, image_a)) & set(layers_of(g, image_b))
    return sorted(common, key=lambda n: g.nodes[n]["depth"])
