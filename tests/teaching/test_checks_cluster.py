"""The cluster lessons' checks: right answers pass, wrong ones get a hint, blanks wait."""

from __future__ import annotations

from simulator.cluster import Cluster, Node, Pod
from simulator.teaching import check_chosen_node, check_fits_only_on


def two_nodes() -> Cluster:
    c = Cluster([Node("small", cpu="2", memory="4Gi"), Node("large", cpu="8", memory="32Gi")])
    c.create_pod(Pod("db", image="db:1", cpu="6", memory="24Gi", node_name="large"))
    return c


def test_check_chosen_node() -> None:
    c, p = two_nodes(), Pod("p", image="app:1", cpu="1", memory="1Gi")
    assert c.schedule(p).node == "small"  # LeastAllocated: small has the larger free fraction
    assert check_chosen_node(c, p, ...).ok is None
    assert check_chosen_node(c, p, "small").ok is True
    wrong = check_chosen_node(c, p, "large")
    assert wrong.ok is False and "scores higher" in wrong.message and wrong.hint
    assert check_chosen_node(c, p, "moon").ok is False
    filtered = check_chosen_node(c, Pod("q", image="app:1", memory="8Gi"), "small")  # 4Gi: filtered
    assert filtered.ok is False and "requests" in filtered.hint.lower()
    assert not c.pods.keys() - {"default/db"}  # the checks placed nothing


def test_check_fits_only_on() -> None:
    c = Cluster(
        [Node("tiny", cpu="1", memory="2Gi"), Node("mid", cpu="4", memory="8Gi"), Node("full", cpu="8")]
    )
    c.create_pod(Pod("hog", image="x:1", cpu="7", memory="1Gi", node_name="full"))
    assert check_fits_only_on(c, ..., "mid").ok is None
    assert check_fits_only_on(c, lambda: Pod("p", image="app:1", cpu="2"), "mid").ok is True
    too_small = check_fits_only_on(c, lambda: Pod("p", image="app:1", cpu="500m"), "mid")
    assert too_small.ok is False and "tiny" in too_small.message
    too_big = check_fits_only_on(c, lambda: Pod("p", image="app:1", cpu="5"), "mid")
    assert too_big.ok is False and "No node" in too_big.message
    bad = check_fits_only_on(c, lambda: Pod("p", image="app:1", cpu="lots"), "mid")
    assert bad.ok is False and "failed" in bad.message
    assert check_fits_only_on(c, lambda: "a pod", "mid").ok is False
