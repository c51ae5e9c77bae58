"""One registry per kind of display: which diagram, table and text tree a type gets.

Each is a :func:`functools.singledispatch` function, and the module that draws a type registers
it next to the drawing (``@diagram_for.register`` in :mod:`.stack`, :mod:`.overlay`,
:mod:`.buildgraph`; ``@table_for.register`` in :mod:`.tables`; ``@tree_for.register`` in
:mod:`.text`).  Adding the default display of a new type touches those modules only, never a
ladder of ``isinstance`` tests.

The engine sits below ``viz`` and does not know it: its displays are functions of
:mod:`.sharing`, :mod:`.tables` and :mod:`.text`, registered for the engine's class by
:func:`simulator.viz.display.register_engine` (called once by ``install_reprs``).

An object of a type nobody registered is a ``TypeError``, which the notebook display turns into
one line of text (it never raises).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import singledispatch

import graphviz

__all__ = ["Tree", "diagram_for", "displayed_types", "table_for", "tree_for"]

Tree = tuple[str, Sequence["Tree"]]
"""A text tree: a label and its subtrees (drawn by :func:`simulator.viz.text.render_tree`)."""


@singledispatch
def diagram_for(obj: object) -> graphviz.Digraph:
    """The default diagram of a model object (what its notebook display shows)."""
    raise TypeError(f"no diagram for {type(obj).__name__}")


@singledispatch
def table_for(obj: object) -> str:
    """The HTML table of a model object (the notebook display's second view)."""
    raise TypeError(f"no table for {type(obj).__name__}")


@singledispatch
def tree_for(obj: object) -> Tree:
    """The text tree of a model object (the display that needs no ``dot``)."""
    raise TypeError(f"no text tree for {type(obj).__name__}")


def displayed_types() -> tuple[type, ...]:
    """The classes with a default diagram, in the order they were registered."""
    return tuple(cls for cls in diagram_for.registry if cls is not object)
