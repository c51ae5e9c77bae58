"""Folding (issue 14): many similar nodes of the sharing DAG drawn as one, and expanded on demand.

``sharing_dag(engine, fold=N)`` folds more than N containers of one image, and more than N
images that stand on the same shared layer with only their own layers above it;
``expand=True`` (the widgets' "Expand folded nodes" toggle) draws every node.
"""

from __future__ import annotations

import re

from simulator import Engine
from simulator.viz import sharing_dag
from simulator.widgets import ContainerPlayground, SharingDashboard

from .scenes import flat


def _siblings(n: int) -> Engine:
    """An engine with ``n`` images built on busybox, each with one small layer of its own."""
    engine = Engine(image_store="overlay2")
    engine.images.pull("busybox")
    for i in range(n):
        engine.images.build(f"FROM busybox\nRUN echo {i} > /own-{i}\n", context={}, tag=f"app{i}:1")
    return engine


def test_sharing_dag_folds_many_images_on_one_shared_layer():
    """Issue 14: images that differ only in their own layers, side by side, widened the DAG."""
    engine = _siblings(5)  # busybox itself and app0..app4: six images on busybox's layer
    engine.containers.create("app1:1", name="on-app1").start()
    folded = sharing_dag(engine).source
    assert "6 images on L0" in folded and "busybox:latest, app0:1" in folded
    assert "their own layers: 10 B containers: 1" in flat(folded)  # "0\n".."4\n": 2 B each
    nodes = re.findall(r"^\t\"?([\w-]+)\"? \[", folded.split("subgraph cluster_legend")[0], flags=re.M)
    nodes = [n for n in nodes if n not in ("graph", "node", "edge")]
    assert sorted(n.split("_")[0] for n in nodes) == ["container", "df", "images", "layer"]
    assert re.search(r"images_\w+ -> \"container_on-app1\"", folded), (
        "a folded image's container hangs under it"
    )
    expanded = sharing_dag(engine, expand=True).source
    assert expanded == sharing_dag(engine, fold=0).source == sharing_dag(engine, fold=6).source
    assert "images on" not in expanded and len(re.findall(r"^\tlayer_\w+ \[", expanded, flags=re.M)) == 6
    assert sharing_dag(engine, fold=5).source == folded  # more than 5 similar nodes fold


def test_sharing_dag_never_folds_images_that_share_more_than_the_base():
    """Two images that share a second layer are not siblings of the others: drawn one by one."""
    engine = _siblings(4)
    engine.images.build("FROM app0:1\nRUN echo x > /x\n", context={}, tag="child:1")
    dot = sharing_dag(engine).source
    assert "4 images on L0" in dot  # busybox, app1..app3; app0 has a child, so its layer is shared
    group = re.search(r'"4 images on L0\\n([^"]*?)\\ntheir own', dot)
    assert group and "app0:1" not in group.group(1) and "child:1" not in group.group(1)
    assert "app0:1 image" in flat(dot) and "child:1 image" in flat(dot)  # drawn one by one


def test_the_dashboard_toggle_expands_and_folds_again() -> None:
    dash = SharingDashboard(_siblings(5), delay=0)
    dash.diagram.request()
    assert "6 images on L0" in dash.diagram.last_dot
    dash.expand.value = True
    assert "images on" not in dash.diagram.last_dot and "app4:1 image" in flat(dash.diagram.last_dot)
    dash.expand.value = False
    assert "6 images on L0" in dash.diagram.last_dot


def test_the_playground_toggle_expands_the_sharing_view() -> None:
    engine = _siblings(4)
    play = ContainerPlayground(engine, "busybox", containers=1, delay=0)
    play.view.value = play.view.options[1]  # the sharing DAG
    assert "5 images on L0" in play.diagram.last_dot
    play.expand.value = True
    assert "images on" not in play.diagram.last_dot
