"""Cluster dashboard: add nodes, deploy, scale, fail a node; watch pods move and pulls happen.

Thin over :class:`simulator.cluster.Cluster`: every button calls the cluster (``add_node``,
``create_deployment``, ``scale``, ``fail_node``/``recover_node``, ``advance``), and the views
are the cluster's own: :func:`simulator.viz.cluster_picture`, the scheduler's table of the last
pod placed, and the events (``Scheduled``, ``Pulling``, ``Pulled``, ``NodeDown``...).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from ..cluster import Cluster, ClusterError, Container, Deployment, Node, PodTemplate
from ..text import human_size
from ..viz import text_tree
from ..viz.cluster import cluster_picture, scheduler_table
from ._render import DEFAULT_DELAY, DiagramPane, pre

__all__ = ["ClusterDashboard"]

MiB = 1024**2
IMAGES = {"web:1": 180 * MiB, "web:2": 185 * MiB, "api:1": 420 * MiB}


class ClusterDashboard:
    """A cluster to play with: nodes, one deployment at a time, node failures, in logical time.

    Args:
        cluster: the cluster (by default two 4-CPU, 8Gi nodes and a registry of three images).
        delay: debounce delay of the diagrams.

    Attributes:
        add_node_button, image_picker, replicas, cpu, memory, deploy_button, scale_button,
        node_picker, fail_button, recover_button, advance_button: the controls.
    """

    def __init__(self, cluster: Cluster | None = None, *, delay: float = DEFAULT_DELAY) -> None:
        self.cluster = cluster or Cluster([Node("node-1"), Node("node-2")], registry=dict(IMAGES))
        images = sorted(self.cluster.registry) or sorted(IMAGES)
        self.add_node_button = w.Button(description="Add node", icon="plus", tooltip="a new 4-CPU, 8Gi node")
        self.image_picker = w.Dropdown(options=images, value=images[0], description="image")
        self.replicas = w.BoundedIntText(value=3, min=0, max=50, description="replicas")
        self.cpu = w.Text(value="500m", description="cpu", layout=w.Layout(width="180px"))
        self.memory = w.Text(value="1Gi", description="memory", layout=w.Layout(width="180px"))
        self.deploy_button = w.Button(
            description="Deploy", icon="rocket", tooltip="kubectl apply / set image"
        )
        self.scale_button = w.Button(description="Scale", icon="arrows-v", tooltip="kubectl scale --replicas")
        self.node_picker = w.Dropdown(options=[], description="node")
        self.fail_button = w.Button(description="Fail node", icon="bolt", tooltip="the kubelet stops")
        self.recover_button = w.Button(description="Recover node", icon="medkit")
        self.advance_button = w.Button(description="+60 s", icon="clock-o", tooltip="run the controllers")
        self.message = w.HTML()
        self.headline = w.HTML()
        self.events = w.HTML()
        self.last_decision: Any = None
        self.diagram = DiagramPane(
            lambda: cluster_picture(self.cluster), fallback=lambda: text_tree(self.cluster), delay=delay
        )
        self.decision_pane = DiagramPane(
            self._decision_diagram, delay=delay, empty="No pod placed yet: deploy something."
        )

        self.add_node_button.on_click(lambda _: self.add_node())
        self.deploy_button.on_click(lambda _: self.deploy())
        self.scale_button.on_click(lambda _: self.scale())
        self.fail_button.on_click(lambda _: self.fail_node())
        self.recover_button.on_click(lambda _: self.recover_node())
        self.advance_button.on_click(lambda _: self.advance())

        self._refresh()
        self.widget = w.VBox(
            [
                w.HBox([self.add_node_button, self.node_picker, self.fail_button, self.recover_button]),
                w.HBox([self.image_picker, self.cpu, self.memory]),
                w.HBox([self.replicas, self.deploy_button, self.scale_button, self.advance_button]),
                self.message,
                self.headline,
                self.diagram.widget,
                w.HTML("<b>The scheduler's table for the last pod placed</b>"),
                self.decision_pane.widget,
                self.events,
            ]
        )
        self.widget.add_class("layerlab-dashboard")

    # -- actions ----------------------------------------------------------------------------
    def add_node(self, name: str | None = None, **spec: Any) -> Node | None:
        """Add a node (``Node(name, **spec)``); pending pods may now fit."""
        name = name or f"node-{len(self.cluster.nodes) + 1}"
        return self._act(lambda: self.cluster.add_node(Node(name, **spec)), f"added {name}", settle=True)

    def deploy(self, name: str = "web") -> Deployment | None:
        """Create the deployment, or roll it to the picked image (``kubectl set image``)."""
        image, replicas = self.image_picker.value, int(self.replicas.value)

        def act() -> Deployment:
            key = f"default/{name}"
            if key in self.cluster.deployments:
                self.cluster.set_image(name, image)
                self.cluster.scale(name, replicas)
                return self.cluster.deployments[key]
            requests = {"cpu": self.cpu.value.strip(), "memory": self.memory.value.strip()}
            container = Container.of(name, image, requests=requests)  # a container list: set_image needs one
            template = PodTemplate.of({"app": name}, containers=(container,))
            return self.cluster.create_deployment(Deployment(name, template, replicas=replicas))

        return self._act(act, f"deployment {name}: {replicas} x {image}", settle=True)

    def scale(self, replicas: int | None = None, name: str = "web") -> None:
        """``kubectl scale deployment/<name> --replicas=N``."""
        if replicas is not None:
            self.replicas.value = replicas
        n = int(self.replicas.value)
        self._act(lambda: self.cluster.scale(name, n), f"scaled {name} to {n}", settle=True)

    def fail_node(self, name: str | None = None) -> None:
        """Stop a node's kubelet, then let 6 minutes pass: NotReady, taint, eviction, new pods."""
        name = name or self.node_picker.value
        self._act(lambda: self.cluster.fail_node(name), f"{name} failed", advance=360.0)

    def recover_node(self, name: str | None = None) -> None:
        """The node's kubelet comes back: Ready again (pods do not move back by themselves)."""
        name = name or self.node_picker.value
        self._act(lambda: self.cluster.recover_node(name), f"{name} recovered", advance=60.0)

    def advance(self, seconds: float = 60.0) -> None:
        """Let logical time pass: the controllers, the scheduler and the kubelets run."""
        self._act(lambda: None, f"{seconds:g} s later", advance=seconds)

    def _act(self, action: Any, done: str, *, settle: bool = False, advance: float = 0.0) -> Any:
        before = len(self.cluster.events)
        try:
            value = action()
            if settle:
                self.cluster.advance(1.0)
                self.cluster.settle(limit=600.0)
            if advance:
                self.cluster.advance(advance)
        except (ClusterError, LookupError, ValueError) as exc:
            self.message.value = f"✗ {html.escape(str(exc))}"
            self._refresh(before)
            return None
        self.message.value = f"✓ {html.escape(done)}"
        self._refresh(before)
        return value

    # -- views ------------------------------------------------------------------------------
    def _decision_diagram(self) -> Any:
        if self.last_decision is None:
            return None
        return scheduler_table(self.last_decision)

    def _refresh(self, events_from: int | None = None) -> None:
        names = [n.name for n in self.cluster.nodes]
        current = self.node_picker.value
        self.node_picker.options = names
        if names:
            self.node_picker.value = current if current in names else names[0]
        placed = [p for p in self.cluster.pods.values() if p.decision is not None]
        if placed:
            self.last_decision = max(placed, key=lambda p: (p.bound_at or -1.0, p.created_at)).decision
        pods = list(self.cluster.pods.values())
        moved = sum(p.bytes for p in self.cluster.pulls)
        self.headline.value = (
            f"<p style='font-size:16px'>t = {self.cluster.time:g} s · <b>{len(self.cluster.nodes)}</b> nodes · "
            f"<b>{sum(p.ready for p in pods)}</b> of {len(pods)} pods Ready · "
            f"{sum(1 for p in pods if not p.node)} pending · "
            f"<b>{len(self.cluster.pulls)}</b> pulls ({human_size(moved)} moved)</p>"
        )
        new = self.cluster.events[events_from:] if events_from is not None else self.cluster.events[-12:]
        self.events.value = pre("\n".join(str(e) for e in new[-20:]) or "(no events)")
        self.diagram.request()
        self.decision_pane.request()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
