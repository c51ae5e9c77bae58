"""kube-scheduler's own unit-test expectations (tests/cluster/upstream.py) against the plugins."""

from __future__ import annotations

import pytest

from simulator.cluster import (
    Container,
    LabelSelector,
    Node,
    NodeSelectorTerm,
    Pod,
    PreferredTerm,
    Requirement,
    Taint,
    Toleration,
    TopologySpreadConstraint,
)
from simulator.cluster.objects import normalized_image_name
from simulator.cluster.scheduler.framework import default_normalize
from simulator.cluster.scheduler.imagelocality import image_locality_score
from simulator.cluster.scheduler.nodeaffinity import affinity_filter, affinity_score
from simulator.cluster.scheduler.noderesources import balanced_score, balanced_skip, fit_filter, fit_score
from simulator.cluster.scheduler.podtopologyspread import SelectorIndex, SpreadFilter, SpreadScore
from simulator.cluster.scheduler.tainttoleration import taint_filter, taint_score

from . import upstream as U


def _pod_with(requests: list[dict | None]) -> Pod:
    containers = [Container.of(f"c{i}", "img:1", requests=r or {}) for i, r in enumerate(requests)]
    return Pod("p", containers=containers)


@pytest.mark.parametrize(
    ("name", "pod", "nodes", "want"), U.IMAGE_LOCALITY, ids=[c[0] for c in U.IMAGE_LOCALITY]
)
def test_image_locality(name, pod, nodes, want):
    containers, init = pod
    images = [normalized_image_name(i) for i in (*init, *containers)]
    counts: dict[str, int] = {}
    for n in nodes:
        for ref in U.IMAGE_NODES[n]:
            counts[ref] = counts.get(ref, 0) + 1
    got = [image_locality_score(images, U.IMAGE_NODES[n], counts, len(nodes))[0] for n in nodes]
    assert got == want


@pytest.mark.parametrize(
    ("name", "given", "want"), U.NORMALIZED_IMAGE_NAME, ids=[c[0] for c in U.NORMALIZED_IMAGE_NAME]
)
def test_normalized_image_name(name, given, want):
    assert normalized_image_name(given) == want


def _resource_nodes(nodes: dict, existing: list) -> list[Node]:
    built = {name: Node(name, cpu=cpu, memory=mem) for name, (cpu, mem) in nodes.items()}
    for node_name, requests in existing:
        built[node_name].add_pod(_pod_with([requests]) if requests is not None else Pod("e"))
    return list(built.values())


@pytest.mark.parametrize(
    ("name", "pod", "nodes", "existing", "resources", "want"),
    U.LEAST_ALLOCATED,
    ids=[c[0] for c in U.LEAST_ALLOCATED],
)
def test_least_allocated(name, pod, nodes, existing, resources, want):
    extra = {} if resources is None else {"resources": resources}
    got = [fit_score(_pod_with(pod), n, "LeastAllocated", **extra) for n in _resource_nodes(nodes, existing)]
    assert got == want


@pytest.mark.parametrize(
    ("name", "pod", "nodes", "existing", "resources", "want"),
    U.MOST_ALLOCATED,
    ids=[c[0] for c in U.MOST_ALLOCATED],
)
def test_most_allocated(name, pod, nodes, existing, resources, want):
    extra = {} if resources is None else {"resources": resources}
    got = [fit_score(_pod_with(pod), n, "MostAllocated", **extra) for n in _resource_nodes(nodes, existing)]
    assert got == want


@pytest.mark.parametrize(
    ("name", "pod", "nodes", "existing", "want"),
    U.BALANCED_ALLOCATION,
    ids=[c[0] for c in U.BALANCED_ALLOCATION],
)
def test_balanced_allocation(name, pod, nodes, existing, want):
    built = {n: Node(n, cpu=f"{cpu}m", memory=str(mem)) for n, (cpu, mem) in nodes.items()}
    for node_name, requests in existing:
        built[node_name].add_pod(_pod_with(requests))
    assert [balanced_score(_pod_with(pod), n) for n in built.values()] == want


def test_balanced_allocation_skips_best_effort_pods():
    # balanced_allocation_test.go: "nothing scheduled, nothing requested, skip in PreScore"
    assert balanced_skip(Pod("p"))
    assert not balanced_skip(_pod_with([{"cpu": "1"}]))


def _tol(t):
    key, op, value, effect = t
    return Toleration(key, op or "Equal", value, effect)


@pytest.mark.parametrize(
    ("name", "tolerations", "nodes", "want"), U.TAINT_SCORE, ids=[c[0] for c in U.TAINT_SCORE]
)
def test_taint_toleration_score(name, tolerations, nodes, want):
    pod = Pod("p", tolerations=[_tol(t) for t in tolerations])
    raw = [taint_score(pod, Node(n, taints=[Taint(*t) for t in taints])) for n, taints in nodes.items()]
    assert default_normalize(raw, reverse=True) == want


@pytest.mark.parametrize(
    ("name", "tolerations", "taints", "want"), U.TAINT_FILTER, ids=[c[0] for c in U.TAINT_FILTER]
)
def test_taint_toleration_filter(name, tolerations, taints, want):
    pod = Pod("p", tolerations=[_tol(t) for t in tolerations])
    got = taint_filter(pod, Node("nodeA", taints=[Taint(*t) for t in taints]))
    assert (got[1] if got else None) == want
    if got:
        assert got[0] == "UnschedulableAndUnresolvable"


def _term(requirements) -> NodeSelectorTerm:
    exprs = tuple(Requirement(r[0], r[1], tuple(r[2])) for r in requirements if len(r) == 3)
    fields = tuple(Requirement(r[0], r[1], tuple(r[2])) for r in requirements if len(r) == 4)
    return NodeSelectorTerm(exprs, fields)


@pytest.mark.parametrize(
    ("name", "selector", "terms", "labels", "node_name", "fits"),
    U.NODE_AFFINITY_FILTER,
    ids=[c[0] for c in U.NODE_AFFINITY_FILTER],
)
def test_node_affinity_filter(name, selector, terms, labels, node_name, fits):
    pod = Pod(
        "p", node_selector=selector, required_terms=None if terms is None else [_term(t) for t in terms]
    )
    got = affinity_filter(pod, Node(node_name, labels=labels))
    assert (got is None) == fits
    if got:
        assert got == ("UnschedulableAndUnresolvable", "node(s) didn't match Pod's node affinity/selector")


@pytest.mark.parametrize(
    ("name", "preferred", "nodes", "want"), U.NODE_AFFINITY_SCORE, ids=[c[0] for c in U.NODE_AFFINITY_SCORE]
)
def test_node_affinity_score(name, preferred, nodes, want):
    pod = Pod("p", preferred_terms=[PreferredTerm(w, _term(reqs)) for w, reqs in preferred])
    raw = [affinity_score(pod, Node(n, labels=labels)) for n, labels in nodes.items()]
    assert default_normalize(raw) == want


@pytest.mark.parametrize(
    ("name", "skew", "matching", "nodes", "failed", "want"), U.PTS_SCORE, ids=[c[0] for c in U.PTS_SCORE]
)
def test_pod_topology_spread_score(name, skew, matching, nodes, failed, want):
    foo = LabelSelector(match_expressions=[Requirement("foo", "Exists")])
    built = {n: Node(n) for n in (*nodes, *failed)}
    for n, count in matching.items():
        for i in range(count):
            built[n].add_pod(Pod(f"p-{n}{i}", labels={"foo": ""}))
    pod = Pod(
        "p",
        labels={"foo": ""},
        topology_spread=[TopologySpreadConstraint(skew, "kubernetes.io/hostname", "ScheduleAnyway", foo)],
    )
    feasible = [built[n] for n in nodes]
    state = SpreadScore.of(pod, feasible, list(built.values()), SelectorIndex(), LabelSelector())
    raw = {n.name: state.score(n) for n in feasible}
    table = state.normalize(raw, set())
    assert [table[n] for n in nodes] == want


@pytest.mark.parametrize(
    ("name", "containers", "init", "existing", "code", "reasons"),
    U.FIT_FILTER,
    ids=[c[0] for c in U.FIT_FILTER],
)
def test_node_resources_fit_filter(name, containers, init, existing, code, reasons):
    node = Node("node", cpu="10m", memory="20", pods=32, resources={U.A: 5})
    node.add_pod(_pod_with([existing]))
    pod = Pod(
        "p",
        containers=[Container.of(f"c{i}", "img:1", requests=r) for i, r in enumerate(containers)],
        init_containers=[Container.of(f"i{i}", "img:1", requests=r) for i, r in enumerate(init)],
    )
    got = fit_filter(pod.requests, node)
    assert got == (None if code is None else (code, reasons))


@pytest.mark.parametrize(
    ("name", "labels", "skew", "key", "selects", "affinity", "nodes", "existing", "want"),
    U.PTS_FILTER,
    ids=[c[0] for c in U.PTS_FILTER],
)
def test_pod_topology_spread_filter(name, labels, skew, key, selects, affinity, nodes, existing, want):
    built = {n: Node(n, labels=node_labels) for n, node_labels in nodes.items()}
    for i, (node, namespace) in enumerate(existing):
        built[node].add_pod(Pod(f"e{i}", labels={"foo": ""}, namespace=namespace))
    required = None if affinity is None else [NodeSelectorTerm((Requirement("node", "In", affinity),))]
    selector = LabelSelector(match_expressions=[Requirement(selects, "Exists")])
    pod = Pod(
        "p",
        labels=labels,
        required_terms=required,
        topology_spread=[TopologySpreadConstraint(skew, key, "DoNotSchedule", selector)],
    )
    state = SpreadFilter.of(pod, list(built.values()), SelectorIndex())
    got = {n: (r[0] if (r := state.filter(node)) else None) for n, node in built.items()}
    assert got == want
