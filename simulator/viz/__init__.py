"""Diagrams of images, containers, builds and identifiers (DOT built purely, rendered on demand).

Every function returns a :class:`graphviz.Digraph` whose DOT text (``str(g)`` or ``g.source``)
needs no Graphviz installation; :func:`render` writes SVG, PNG or PDF with ``dot``, for the
notebook, for slides (``theme="slides"``: larger text) or for handouts (``theme="handout"``).

- :func:`layer_stack`: an image's layers, bottom to top, metadata-only history as notes;
- :func:`layer_tree`: the paths one layer changes;
- :func:`sharing_dag`: every image and container of an engine, shared layers drawn once, df numbers;
- :func:`overlay`: a container's overlay and where one path resolves from;
- :func:`copy_up`: one copy-up, before and after, with the bytes copied;
- :func:`build_graph`: a build's stages, steps, cache hits, first miss, ``COPY --from``;
- :func:`content_addressing`: DiffID → ChainID → config → ImageID, and what one byte changes;
- :func:`host_picture`: a host and its containers as processes, their limits and use;
- :func:`transfer_picture`: a push or pull, which blobs travelled and which were already there;
- :func:`text_tree`: the same objects as a text tree (no ``dot`` needed);
- :func:`graph_outline`: any diagram as a text tree (what ``show`` prints without ``dot``);
- :func:`diagram_for`, :func:`table_for`, :func:`tree_for`: the default display of a type, one
  registry each (:mod:`.dispatch`); a module that draws a type registers it there;
- :func:`install_reprs`: notebook display for the model classes.
"""

from __future__ import annotations

from .addressing import content_addressing, one_byte_changed
from .buildgraph import build_graph
from .cluster import cluster_picture, scheduler_table
from .dispatch import diagram_for, table_for, tree_for
from .display import install_reprs, mimebundle
from .host import host_picture
from .outline import graph_outline, graph_tree
from .overlay import copy_up, overlay
from .render import FORMATS, INSTALL_HINT, THEMES, GraphvizMissing, dot_available, pipe, render, themed
from .sharing import sharing_dag
from .stack import layer_stack, layer_tree
from .style import OKABE_ITO
from .text import text_tree
from .transfer import transfer_picture

__all__ = [
    "FORMATS",
    "INSTALL_HINT",
    "OKABE_ITO",
    "THEMES",
    "GraphvizMissing",
    "build_graph",
    "cluster_picture",
    "content_addressing",
    "copy_up",
    "diagram_for",
    "dot_available",
    "graph_outline",
    "graph_tree",
    "host_picture",
    "install_reprs",
    "layer_stack",
    "layer_tree",
    "mimebundle",
    "one_byte_changed",
    "overlay",
    "pipe",
    "render",
    "scheduler_table",
    "sharing_dag",
    "table_for",
    "text_tree",
    "themed",
    "transfer_picture",
    "tree_for",
]
