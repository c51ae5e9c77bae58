"""Diagrams of a cluster: its nodes with their pods and cached images, and one scheduling decision.

- :func:`cluster_picture`: every node (Ready or not, what its pods request against what it can
  allocate), the pods bound to it, the images its kubelet has cached, and the pods no node took;
- :func:`scheduler_table`: kube-scheduler's verdict for one pod, node by node: the filter that
  failed, or each score plugin's normalised score × weight and the total the scheduler ranks by.

The numbers are the cluster's own (``Node.requested``, ``Decision.scores``/``final``), so the
picture and ``Decision.explain()`` always agree.  Requests are what the scheduler counts, never
what a pod really uses: the picture says "requested", on purpose.
"""

from __future__ import annotations

import textwrap

import graphviz

from ..cluster import Cluster, Decision, Node, Pod
from ..text import human_size
from . import ops_looks as _ops_looks  # noqa: F401  (registers the looks used below)
from .dispatch import Tree, diagram_for, table_for, tree_for
from .style import LINE, LOOKS, MONO, NARROW, add_legend, left_label, narrow, new_digraph, node, wrap
from .tables import html_table

__all__ = [
    "cluster_picture",
    "cluster_table",
    "cluster_tree",
    "decision_table",
    "decision_tree",
    "scheduler_table",
]


def cpu_text(milli: int) -> str:
    """CPU as Kubernetes writes it: ``500m``, ``2``."""
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"


def memory_text(n: int) -> str:
    """Memory in Kubernetes' binary units: ``512Mi``, ``1.5Gi``."""
    if n >= 1024**3:
        return f"{n / 1024**3:.3g}Gi"
    if n >= 1024**2:
        return f"{n / 1024**2:.4g}Mi"
    return f"{n}"


def _id(*parts: str) -> str:
    """A DOT id without ``:`` (which DOT reads as a port) or other punctuation."""
    return "_".join("".join(ch if ch.isalnum() else "_" for ch in part) for part in parts)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part // whole}%" if whole else "-"


def node_state(n: Node) -> str:
    """``Ready``, ``NotReady``, ``Unknown``, with ``SchedulingDisabled`` when cordoned (kubectl's words)."""
    state = "Ready" if n.ready_status == "True" else ("NotReady" if n.ready_status == "False" else "Unknown")
    if not n.ready and state == "Ready":
        state = "NotReady"
    return state + (",SchedulingDisabled" if n.unschedulable else "")


def node_lines(n: Node) -> list[str]:
    """A node's headline and what its pods request against what it can allocate."""
    cpu, mem = n.requested.get("cpu", 0), n.requested.get("memory", 0)
    cpu_all, mem_all = n.allocatable.get("cpu", 0), n.allocatable.get("memory", 0)
    return [
        f"node {n.name} · {node_state(n)}",
        f"cpu requested {cpu_text(cpu)} of {cpu_text(cpu_all)} ({_percent(cpu, cpu_all)})",
        f"memory requested {memory_text(mem)} of {memory_text(mem_all)} ({_percent(mem, mem_all)})",
        f"pods {len(n.pods)} of {n.allocatable.get('pods', 0)}",
    ]


def pod_look(p: Pod) -> str:
    if p.phase == "Failed" or (p.node and p.reason):
        return "pod_failed"
    if not p.node:
        return "pod_pending"
    return "pod_ready" if p.ready else "pod_starting"


def pod_status(p: Pod) -> str:
    """What ``kubectl get pods`` would say in STATUS, near enough: Running, ContainerCreating..."""
    if p.reason:
        return p.reason
    if not p.node:
        return "Pending"
    return "Running" if p.ready else "ContainerCreating"


def _requests_text(p: Pod) -> str:
    r = p.requests
    parts = []
    if "cpu" in r:
        parts.append(f"cpu {cpu_text(r['cpu'])}")
    if "memory" in r:
        parts.append(f"memory {memory_text(r['memory'])}")
    return "requests " + (", ".join(parts) if parts else "none")


@diagram_for.register
def cluster_picture(cluster: Cluster) -> graphviz.Digraph:
    """Nodes (each a box with its pods and cached images), pending pods, and the pulls so far."""
    pods = list(cluster.pods.values())
    ready = sum(1 for p in pods if p.ready)
    moved = sum(p.bytes for p in cluster.pulls)
    title = (
        f"cluster at t={cluster.time:g}s: {len(cluster.nodes)} nodes, {len(pods)} pods "
        f"({ready} Ready), {len(cluster.pulls)} image pulls ({human_size(moved)} moved)"
    )
    g = new_digraph("cluster", title, rankdir="TB")
    used_looks: list[str] = []

    def use(look: str) -> str:
        if look not in used_looks:
            used_looks.append(look)
        return look

    # The nodes stand one under the other (an invisible edge from each node's last row to the
    # next node), each with its pods and images in a row under it: the picture grows down, not
    # sideways, and stays within a notebook column (simulator.viz.fit).
    above: str | None = None
    for n in cluster.nodes:
        nid = _id("node", n.name)
        with g.subgraph(name=f"cluster_{n.name}") as sub:
            sub.attr(label="", style="rounded", color="#000000" if n.ready else "#999999")
            look = "k8s_node" if n.ready and not n.unschedulable else "k8s_node_down"
            node(sub, nid, use(look), *narrow(node_lines(n), LINE))
            if above is not None:
                g.edge(above, nid, style="invis")
            above = nid
            for p in sorted(n.pods, key=lambda p: p.name):
                pid = _id("pod", p.key)
                node(sub, pid, use(pod_look(p)), f"pod {p.name}", pod_status(p), *narrow([_requests_text(p)]))
                sub.edge(nid, pid, style="solid")
                above = pid
            for ref, size in sorted(n.images.items()):
                iid = _id("image", n.name, ref)
                node(sub, iid, use("node_image"), *wrap(f"image {ref}", NARROW), human_size(size))
                sub.edge(nid, iid, style="dotted", arrowhead="none")
    pending = sorted((p for p in pods if not p.node), key=lambda p: p.name)
    if pending:
        with g.subgraph(name="cluster_pending") as sub:
            sub.attr(label="not scheduled (no node fits)", style="dashed", color="#999999")
            for p in pending:
                why = textwrap.wrap(p.message, LINE) if p.message else ["waiting for the scheduler"]
                node(
                    sub,
                    _id("pod", p.key),
                    use("pod_pending"),
                    f"pod {p.name} · Pending",
                    *narrow([_requests_text(p)], LINE),
                    *why,
                )
                if above is not None:
                    g.edge(above, _id("pod", p.key), style="invis")
    order = [
        k
        for k in (
            "k8s_node",
            "k8s_node_down",
            "pod_ready",
            "pod_starting",
            "pod_failed",
            "pod_pending",
            "node_image",
        )
        if k in used_looks
    ]
    add_legend(g, order, extra=[("solid", "node runs pod"), ("dotted", "image cached on node")])
    return g


def _verdict_rows(d: Decision) -> list[tuple[str, str, list[str]]]:
    """(node, look, lines) for each examined node: selected first, then by total, then filtered."""
    rows: list[tuple[int, str, str, list[str]]] = []
    for name, verdict in d.filtered.items():
        if name not in d.final and verdict != "passed":
            plugin = next((p for p, m in d.filter_result.get(name, {}).items() if m != "passed"), "")
            rows.append(
                (2, name, "filtered", [f"{name} · FILTERED OUT by {plugin}", *textwrap.wrap(verdict, 56)])
            )
            continue
        if name not in d.final:
            rows.append((0, name, "selected", [f"{name} · only feasible node: not scored"]))
            continue
        lines = [f"{name} · total {d.final[name]}" + ("  <- SELECTED" if name == d.node else "")]
        width = max(len(p) for p in d.scores[name])
        for plugin, score in d.scores[name].items():
            weight = d.weights[plugin]
            lines.append(f"{plugin:<{width}} {score:>3} x {weight} = {score * weight}")
        rows.append((0 if name == d.node else 1, name, "selected" if name == d.node else "feasible", lines))
    rows.sort(key=lambda r: (r[0], -d.final.get(r[1], 0), r[1]))
    return [(name, look, lines) for _, name, look, lines in rows]


@diagram_for.register
def scheduler_table(decision: Decision) -> graphviz.Digraph:
    """kube-scheduler's table for one pod: each node's filter verdict or scores, the winner marked."""
    p = decision.pod
    where = f"bound to {decision.node}" if decision.node else "unschedulable"
    examined = len(decision.filtered)
    title = (
        f"scheduling pod {p.name}: {where} ({len(decision.feasible)} feasible of {decision.num_nodes} nodes"
    )
    title += ")" if examined == decision.num_nodes else f", {examined} examined)"
    g = new_digraph("scheduler_table", title, rankdir="LR")
    images = ", ".join(p.images) or "none"
    node(
        g,
        "pod",
        "pod_pending",
        f"pod {p.name}",
        *narrow([_requests_text(p)], 16),  # an ellipse is wider than its text
        *wrap(f"image {images}", 16, 3),
    )
    looks: list[str] = []
    with g.subgraph(name="rows") as rows:
        rows.attr(rank="same")
        previous = None
        for name, look, lines in _verdict_rows(decision):
            if look not in looks:
                looks.append(look)
            attrs = LOOKS[look].attrs()
            rid = _id("row", name)
            rows.node(rid, left_label(lines), fontname=MONO, **attrs)
            if previous is not None:
                rows.edge(previous, rid, style="invis")
            previous = rid
        if decision.skipped:  # under the rows, not beside the pod: the picture stays narrow
            rows.node(
                "skipped",
                left_label(["PreScore Skip (score 0):", *textwrap.wrap(", ".join(decision.skipped), NARROW)]),
                shape="note",
                fontname=MONO,
            )
            if previous is not None:
                rows.edge(previous, "skipped", style="invis")
    for name, look, _ in _verdict_rows(decision):
        style = {"selected": "bold", "feasible": "solid", "filtered": "dashed"}[look]
        g.edge("pod", _id("row", name), style=style)
    order = [k for k in ("selected", "feasible", "filtered") if k in looks]
    add_legend(
        g,
        ["pod_pending", *order],
        extra=[("bold", "bound here"), ("solid", "scored"), ("dashed", "filtered out")],
    )
    return g


@tree_for.register
def cluster_tree(cluster: Cluster) -> Tree:
    """The cluster as a text tree: node, then its pods and images; the pending pods last."""
    children: list[Tree] = []
    for n in cluster.nodes:
        sub: list[Tree] = [(f"pod {p.name} {pod_status(p)}  {_requests_text(p)}", ()) for p in n.pods]
        sub += [(f"image {ref}  {human_size(size)}", ()) for ref, size in sorted(n.images.items())]
        children.append((" · ".join(node_lines(n)), sub))
    pending = [p for p in cluster.pods.values() if not p.node]
    if pending:
        children.append(("not scheduled", [(f"pod {p.name} Pending  {p.message}", ()) for p in pending]))
    return (f"cluster: {len(cluster.nodes)} nodes, {len(cluster.pods)} pods", children)


@tree_for.register
def decision_tree(decision: Decision) -> Tree:
    """The decision as a text tree (the same rows as the diagram)."""
    head = f"pod {decision.pod.name}: " + (f"bound to {decision.node}" if decision.node else "unschedulable")
    return (head, [(lines[0], [(line, ()) for line in lines[1:]]) for _, _, lines in _verdict_rows(decision)])


@table_for.register
def cluster_table(cluster: Cluster) -> str:
    """``kubectl get pods -o wide``, near enough: each pod, its status and its node."""
    rows = [
        (p.name, pod_status(p), p.node or "<none>", ", ".join(p.images))
        for p in sorted(cluster.pods.values(), key=lambda p: p.name)
    ]
    return html_table(["NAME", "STATUS", "NODE", "IMAGES"], rows, caption=f"cluster at t={cluster.time:g}s")


@table_for.register
def decision_table(decision: Decision) -> str:
    """One row per examined node: the filter verdict, then each plugin's weighted score and the total."""
    plugins = list(decision.weights)
    rows = []
    for name, verdict in decision.filtered.items():
        scores = decision.final_by_plugin.get(name, {})
        rows.append((name, verdict, *(scores.get(p, "") for p in plugins), decision.final.get(name, "")))
    caption = f"pod {decision.pod.name}: " + (
        f"bound to {decision.node}" if decision.node else "unschedulable"
    )
    return html_table(["NODE", "FILTERS", *plugins, "TOTAL"], rows, caption=caption)
