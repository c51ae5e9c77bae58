"""to_networkx: layers by ChainID, images and containers, edges from what is below."""

from __future__ import annotations

import networkx as nx

from simulator.graph import images_using, layers_of, shared_layers, to_networkx
from tests.viz.scenes import engine_scene


def test_nodes_and_attributes():
    engine, app, _srv = engine_scene()
    g = to_networkx(engine)
    kinds = nx.get_node_attributes(g, "kind")
    assert sorted(kinds.values()).count("image") == 2
    assert list(kinds.values()).count("layer") == 4  # the base once, plus 2 + 1 unique layers
    base = app.chain_ids[0]
    assert g.nodes[base]["diff_id"] == app.layers[0].diff_id and g.nodes[base]["size"] == app.layers[0].size
    assert g.nodes[base]["created_by"] == "ADD rootfs.tar /"
    web = engine.containers.get("web")
    assert g.nodes[web.id] == {
        "kind": "container",
        "name": "web",
        "status": "running",
        "size_rw": web.size_rw,
    }


def test_stock_algorithms_answer_who_shares_what():
    engine, app, srv = engine_scene()
    g = to_networkx(engine)
    base = app.chain_ids[0]
    web = engine.containers.get("web")
    assert {app.id, srv.id, web.id} <= nx.descendants(g, base)
    assert images_using(g, base) == sorted([app.id, srv.id])
    assert images_using(g, app.chain_ids[2]) == [app.id]
    assert shared_layers(g, app.id, srv.id) == [base]
    assert layers_of(g, app.id) == app.chain_ids
    assert nx.is_directed_acyclic_graph(g)
    assert g.edges[app.chain_ids[-1], app.id]["relation"] == "top"
    assert g.edges[app.id, web.id]["relation"] == "runs"


def test_committed_image_has_a_parent_edge():
    engine, app, _ = engine_scene()
    child = engine.containers.get("web").commit("app", "2")
    g = to_networkx(engine)
    assert g.edges[app.id, child.id]["relation"] == "parent"
    assert set(app.chain_ids) <= set(layers_of(g, child.id))
