"""The cluster diagrams: golden DOT text, and what each picture must say (no ``dot`` needed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.cluster import Cluster, Deployment, Node, Pod, PodTemplate
from simulator.viz import cluster_picture, diagram_for, scheduler_table, text_tree

from .scenes import flat

GOLDEN = Path(__file__).parent / "golden"
MiB = 1024**2


def scene() -> Cluster:
    """Three nodes, one with the image cached and one small; a deployment of 3 placed on them."""
    cluster = Cluster(
        [Node("n0", images={"app:1": 500 * MiB}), Node("n1"), Node("n2", cpu="1")],
        registry={"app:1": 500 * MiB},
    )
    template = PodTemplate.of({"app": "web"}, image="app:1", cpu="500m", memory="1Gi")
    cluster.create_deployment(Deployment("web", template, replicas=3))
    cluster.settle()
    return cluster


def big_pod_decision():
    """A pod asking 2 CPUs: n2 (1 CPU) is filtered out; n0 wins on ImageLocality."""
    cluster = Cluster([Node("n0", images={"app:1": 500 * MiB}), Node("n1"), Node("n2", cpu="1")])
    return cluster.schedule(Pod("big", image="app:1", cpu="2", memory="1Gi"))


DIAGRAMS = {
    "cluster_picture": lambda: cluster_picture(scene()),
    "scheduler_table": lambda: scheduler_table(big_pod_decision()),
}


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_dot_matches_golden(name: str) -> None:
    source = DIAGRAMS[name]().source
    path = GOLDEN / f"{name}.gv"
    if os.environ.get("LAYERLAB_UPDATE_GOLDEN") or not path.exists():
        path.write_text(source)
        if not os.environ.get("LAYERLAB_UPDATE_GOLDEN"):
            pytest.fail(f"golden file {path.name} was missing and has been written; review and commit it")
    assert source == path.read_text()


def test_scheduler_table_agrees_with_the_decision() -> None:
    d = big_pod_decision()
    assert d.node == "n0"
    dot = scheduler_table(d).source
    assert "n2 · FILTERED OUT by NodeResourcesFit" in dot and "Insufficient cpu" in dot
    assert f"n0 · total {d.final['n0']}  <- SELECTED" in dot
    assert f"n1 · total {d.final['n1']}" in dot
    # each plugin line is score x weight = product, as Decision.scores and weights say
    for plugin, score in d.scores["n1"].items():
        assert f" {score} x {d.weights[plugin]} = {score * d.weights[plugin]}" in dot
    # meaning in words and shapes, not colour alone
    assert "SELECTED" in dot and "peripheries=2" in dot and 'style="filled,dashed"' in dot


def test_cluster_picture_shows_requests_pods_and_cached_images() -> None:
    cluster = scene()
    dot = flat(cluster_picture(cluster).source)
    for n in cluster.nodes:
        assert f"node {n.name} · Ready" in dot
        for p in n.pods:
            assert f"pod {p.name} Running" in dot
    assert "cpu requested 500m of 1 (50%)" in dot  # n2: one 500m pod on a 1-CPU node
    assert dot.count("image app:1") == 3  # pulled onto n1 and n2, already on n0
    assert "2 image pulls" in dot  # n0 already had it: "already present on machine"
    raw = cluster_picture(cluster).source
    assert ":1 " not in raw.replace('label="', "")  # no DOT port syntax in ids


def test_a_failed_node_and_a_pod_that_fits_nowhere() -> None:
    cluster = scene()
    cluster.create_pod(Pod("huge", image="app:1", cpu="64"))
    cluster.fail_node("n1")
    cluster.advance(60)
    dot = cluster_picture(cluster).source
    assert "node n1 · NotReady" in dot or "node n1 · Unknown" in dot
    assert "not scheduled (no node fits)" in dot and "pod huge · Pending" in dot
    assert "Insufficient cpu" in dot


def test_dispatch_and_text_trees() -> None:
    cluster, d = scene(), big_pod_decision()
    assert diagram_for(cluster).name == "cluster" and diagram_for(d).name == "scheduler_table"
    assert "pod big: bound to n0" in text_tree(d) and "FILTERED OUT" in text_tree(d)
    assert "node n0 · Ready" in text_tree(cluster)


def test_stable_across_calls() -> None:
    for make in DIAGRAMS.values():
        assert make().source == make().source


def test_tables() -> None:
    from simulator.viz import table_for

    d = big_pod_decision()
    table = table_for(d)
    assert "<td>n2</td><td>0/3 nodes" not in table and "Insufficient cpu" in table
    assert f"<td>{d.final['n0']}</td>" in table
    assert "NODE" in table_for(scene()) and "Running" in table_for(scene())
