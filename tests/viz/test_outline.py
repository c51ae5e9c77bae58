"""Without Graphviz, every diagram is shown as a text tree with one install hint, never DOT."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import viz
from simulator.viz import INSTALL_HINT, graph_outline
from simulator.widgets import show

from .test_golden import _diagrams

DOT_SYNTAX = re.compile(r"->|fillcolor|digraph|\[label=|penwidth|rankdir|cluster_|legend_")

# What each diagram's outline must say (its title and the facts its nodes carry).
EXPECTED = {
    "layer_stack": ["app:1: 3 layers", "L0 ·", "ENV PATH=/usr/bin · config only", "image f66979fc60b0"],
    "layer_tree": ["/etc/motd  (whiteout: deleted)", "/var/cache/  (opaque dir)"],
    "sharing_dag": ["shared by 2 images", "container web · running", "RECLAIMABLE"],
    "overlay_upper": ["whiteout /opt", "← resolves here", "merged view"],
    "overlay_opaque": ["(hidden)", "not found (ENOENT)"],
    "copy_up_chmod": ["[before]", "[after]", "copies every byte"],
    "copy_up_write": ["/app/main.py", "[after]"],
    "build": ["[stage builder]", "FIRST MISS", "SKIPPED", "COPY --from=builder"],
    "content_addressing": ["DiffID", "ChainID", "ImageID", "CHANGED"],
}


@pytest.mark.parametrize("name", sorted(_diagrams()))
def test_outline_is_a_tree_of_the_labels_not_dot(name):
    graph = _diagrams()[name]()
    text = graph_outline(graph)
    assert not DOT_SYNTAX.search(text), text
    for fact in EXPECTED[name]:
        assert fact in text, (fact, text)
    assert "Legend" not in text and "stacked on" not in text  # the legend is for pictures
    _first, *rest = text.splitlines()
    assert rest and all(line[:4] in ("├── ", "└── ", "│   ", "    ") for line in rest)


def test_every_node_appears_once_in_a_stack():
    text = graph_outline(_diagrams()["layer_stack"]())
    assert [line.split(" ·")[0][4:] for line in text.splitlines() if re.match(r"^[├└]── L\d", line)] == [
        "L0",
        "L1",
        "L2",
    ]


def test_a_large_graph_is_cut_with_a_count(monkeypatch):
    monkeypatch.setattr("simulator.viz.outline.MAX_NODES", 3)
    text = graph_outline(_diagrams()["sharing_dag"]())
    assert re.search(r"… \d+ more nodes", text)


@given(st.text(max_size=300))
def test_any_text_outlines_without_raising(source):
    assert isinstance(graph_outline(source), str)


def test_broken_dot_outlines_without_raising():
    for source in ['digraph { a [label="unterminated', "digraph { a -> }", "}}}", "digraph { subgraph"]:
        assert isinstance(graph_outline(source), str)


@pytest.mark.parametrize("name", sorted(_diagrams()))
def test_show_of_a_digraph_without_dot_is_the_outline_and_one_hint(name, no_dot):
    graph = _diagrams()[name]()
    bundle = show(graph)._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    text = bundle["text/plain"]
    assert text.count(INSTALL_HINT) == 1 and not DOT_SYNTAX.search(text.replace(INSTALL_HINT, ""))
    assert text.startswith(graph_outline(graph))


def test_show_of_a_model_object_without_dot_is_its_text_tree(scene, no_dot):
    _engine, app, _ = scene
    text = show(app)._repr_mimebundle_()["text/plain"]
    assert text.startswith(viz.text_tree(app)) and text.count(INSTALL_HINT) == 1
