"""Pulls on bind through the registry: each node's engine pulls only the blobs it lacks."""

from __future__ import annotations

from simulator import Engine
from simulator.cluster import Cluster, Node, Pod, registry_puller
from simulator.registry import Registry

APP = "FROM alpine:3.20\nRUN echo v1 > /app\n"


def _registry_with_app() -> tuple[Registry, Engine]:
    reg, builder = Registry(), Engine()
    builder.images.build(APP, context={}, tag="app:1")
    builder.images.build(APP.replace("v1", "v2"), context={}, tag="app:2")
    builder.images.push("app:1", reg, quiet=True)
    builder.images.push("app:2", reg, quiet=True)
    return reg, builder


def test_each_node_pulls_into_its_own_engine_and_only_what_it_lacks() -> None:
    reg, builder = _registry_with_app()
    nodes = [Node(f"n{i}", cpu="4", memory="8Gi", engine=Engine()) for i in range(2)]
    cluster = Cluster(nodes, puller=registry_puller(reg), seed=1)
    first = cluster.create_pod(Pod("a", image="app:1", cpu="100m", memory="64Mi", node_name="n0"))
    cluster.settle()
    assert first.node == "n0"
    assert nodes[0].engine.images.get("app:1").id == builder.images.get("app:1").id
    app1 = [p for p in cluster.pulls if p.node == "n0"]
    assert len(app1) == 1 and app1[0].bytes > 0
    # app:2 shares alpine's layer: on n0 only the new top layer's blob moves
    cluster.create_pod(Pod("b", image="app:2", cpu="100m", memory="64Mi", node_name="n0"))
    cluster.settle()
    app2 = [p for p in cluster.pulls if p.node == "n0"][1]
    assert 0 < app2.bytes < app1[0].bytes
    assert nodes[0].engine.images.get("app:2").id == builder.images.get("app:2").id
    assert "app:1" not in nodes[1].engine.images  # n1 ran nothing: it pulled nothing


def test_a_node_without_an_engine_or_a_missing_image_is_err_image_pull() -> None:
    reg, _ = _registry_with_app()
    cluster = Cluster([Node("bare", cpu="4", memory="8Gi")], puller=registry_puller(reg))
    pod = cluster.create_pod(Pod("a", image="app:1", cpu="100m", memory="64Mi", node_name="bare"))
    cluster.settle()
    assert pod.reason == "ErrImagePull"
    assert "has no engine" in pod.message
    node = Node("n", cpu="4", memory="8Gi", engine=Engine())
    cluster = Cluster([node], puller=registry_puller(reg))
    pod = cluster.create_pod(Pod("b", image="nothere:1", cpu="100m", memory="64Mi", node_name="n"))
    cluster.settle()
    assert pod.reason == "ErrImagePull"
