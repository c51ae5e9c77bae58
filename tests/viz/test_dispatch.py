"""The display registries: each type's diagram, table and tree come from the module that draws it."""

from __future__ import annotations

import graphviz
import pytest

from simulator import Container, Engine, Image, Layer, UnionView
from simulator.builder.result import BuildResult
from simulator.viz import (
    build_graph,
    diagram_for,
    layer_stack,
    layer_tree,
    mimebundle,
    sharing_dag,
    table_for,
    text_tree,
    tree_for,
)
from simulator.viz.dispatch import displayed_types
from simulator.viz.tables import engine_table
from simulator.viz.text import engine_tree, render_tree


def test_each_type_has_its_registered_diagram():
    assert diagram_for.dispatch(Image) is layer_stack
    assert diagram_for.dispatch(Layer) is layer_tree
    assert diagram_for.dispatch(BuildResult) is build_graph
    assert diagram_for.dispatch(Engine) is sharing_dag
    assert diagram_for.dispatch(Container).__module__ == "simulator.viz.overlay"
    assert diagram_for.dispatch(UnionView).__module__ == "simulator.viz.overlay"


def test_engine_displays_are_registered_for_the_engine_class():
    assert table_for.dispatch(Engine) is engine_table
    assert tree_for.dispatch(Engine) is engine_tree


def test_every_displayed_type_has_a_table_and_a_tree():
    assert {Image, Layer, Container, UnionView, BuildResult, Engine} <= set(displayed_types())
    for cls in displayed_types():
        assert table_for.dispatch(cls) is not table_for.dispatch(object), cls
        assert tree_for.dispatch(cls) is not tree_for.dispatch(object), cls


def test_the_dispatch_gives_what_the_named_functions_give(scene, result):
    engine, app, _ = scene
    assert diagram_for(app).source == layer_stack(app).source
    assert diagram_for(app.layers[0]).source == layer_tree(app.layers[0]).source
    assert diagram_for(engine).source == sharing_dag(engine).source
    assert diagram_for(result).source == build_graph(result).source
    assert text_tree(app) == render_tree(tree_for(app))


@pytest.mark.parametrize("function", [diagram_for, table_for, tree_for, text_tree])
def test_an_unknown_type_is_a_type_error(function):
    with pytest.raises(TypeError, match="int"):
        function(42)


def test_an_unknown_type_displays_as_one_line_not_a_traceback():
    bundle = mimebundle(42)
    assert set(bundle) == {"text/plain"}
    assert "text display failed: no text tree for int" in bundle["text/plain"]


def test_a_new_type_needs_one_registration_per_display(no_dot):
    class Note:
        pass

    @diagram_for.register(Note)  # a local class: named, as annotations are strings here
    def _diagram(note: Note) -> graphviz.Digraph:
        return graphviz.Digraph("note")

    @table_for.register(Note)  # a local class: named, as annotations are strings here
    def _table(note: Note) -> str:
        return "<table></table>"

    @tree_for.register(Note)  # a local class: named, as annotations are strings here
    def _tree(note: Note):
        return ("note", [("one child", ())])

    bundle = mimebundle(Note())
    assert bundle["text/plain"].startswith("note\n└── one child")
    assert bundle["text/html"].startswith("<table></table>")
