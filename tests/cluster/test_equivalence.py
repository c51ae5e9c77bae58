"""The scheduler's fast path (per-template caches, one evaluation per distinct score key) against
a plain per-node evaluation built from the same plugin functions, on random clusters."""

from __future__ import annotations

import random

import pytest

from simulator.cluster import (
    Cluster,
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
from simulator.cluster.scheduler.framework import DEFAULT_WEIGHTS, default_normalize
from simulator.cluster.scheduler.imagelocality import image_locality_score
from simulator.cluster.scheduler.nodeaffinity import affinity_filter, affinity_score
from simulator.cluster.scheduler.noderesources import balanced_score, balanced_skip, fit_filter, fit_score
from simulator.cluster.scheduler.podtopologyspread import SpreadFilter, SpreadScore
from simulator.cluster.scheduler.tainttoleration import (
    node_name_filter,
    node_unschedulable_filter,
    taint_filter,
    taint_score,
)

MiB = 1024**2
ZONE = "topology.kubernetes.io/zone"


def reference(cluster: Cluster, pod: Pod) -> tuple[dict[str, str], dict[str, int]]:
    """Every node, every plugin, the framework's normalisation: (filter verdicts, final scores)."""
    nodes = cluster.nodes
    spread_filter = SpreadFilter.of(pod, nodes, cluster.index)
    checks = (
        node_unschedulable_filter,
        node_name_filter,
        taint_filter,
        affinity_filter,
        lambda p, n: fit_filter(p.requests, n),
        lambda p, n: spread_filter.filter(n) if spread_filter else None,
    )
    verdicts, feasible = {}, []
    for node in nodes:
        for check in checks:
            failed = check(pod, node)
            if failed:
                verdicts[node.name] = failed[1]
                break
        else:
            verdicts[node.name] = "passed"
            feasible.append(node)
    if len(feasible) < 2:
        return verdicts, {}
    spread = SpreadScore.of(pod, feasible, nodes, cluster.index, cluster.default_selector(pod))
    images = [normalized_image_name(i) for i in pod.images]
    names = [n.name for n in feasible]
    taint = default_normalize([taint_score(pod, n) for n in feasible], reverse=True)
    aff_raw = [affinity_score(pod, n) for n in feasible]
    affinity = default_normalize(aff_raw) if pod.preferred_terms else [0] * len(feasible)
    fit = [fit_score(pod, n) for n in feasible]
    balanced = [0 if balanced_skip(pod) else balanced_score(pod, n) for n in feasible]
    image = [
        image_locality_score(images, n.status_images(), cluster.image_counts, len(nodes))[0] for n in feasible
    ]
    if spread is None:
        pts = [0] * len(feasible)
    else:
        table = spread.normalize({n.name: spread.score(n) for n in feasible}, set(spread.ignored))
        pts = [table[n] for n in names]
    w = DEFAULT_WEIGHTS
    final = {
        name: w["TaintToleration"] * t
        + w["NodeAffinity"] * a
        + w["NodeResourcesFit"] * f
        + w["PodTopologySpread"] * s
        + w["NodeResourcesBalancedAllocation"] * b
        + w["ImageLocality"] * i
        for name, t, a, f, s, b, i in zip(names, taint, affinity, fit, pts, balanced, image, strict=True)
    }
    return verdicts, final


def random_cluster(rng: random.Random) -> Cluster:
    nodes = []
    for i in range(rng.randint(3, 14)):
        labels = {"disk": rng.choice(["ssd", "hdd"])}
        if rng.random() < 0.8:
            labels[ZONE] = rng.choice(["a", "b", "c"])
        taints = []
        if rng.random() < 0.25:
            taints.append(Taint("prefer", rng.choice(["x", "y"]), "PreferNoSchedule"))
        if rng.random() < 0.15:
            taints.append(Taint("dedicated", "gpu", "NoSchedule"))
        images = {f"img{k}:1": rng.choice([10, 300, 900]) * MiB for k in range(3) if rng.random() < 0.4}
        nodes.append(
            Node(
                f"n{i}",
                cpu=rng.choice(["2", "4", "8"]),
                memory=rng.choice(["4Gi", "8Gi"]),
                pods=rng.choice([3, 110]),
                labels=labels,
                taints=taints,
                unschedulable=rng.random() < 0.1,
                images=images,
            )
        )
    return Cluster(nodes, seed=rng.randint(0, 9))


def random_pod(rng: random.Random, name: str, app: str) -> Pod:
    containers = [
        Container.of(
            f"c{k}",
            f"img{rng.randint(0, 3)}:1",
            requests={
                r: v
                for r, v in (
                    ("cpu", rng.choice(["100m", "500m", "1"])),
                    ("memory", rng.choice(["128Mi", "1Gi"])),
                )
                if rng.random() < 0.7
            },
        )
        for k in range(rng.randint(1, 2))
    ]
    tolerations = [Toleration("dedicated", "Equal", "gpu", "NoSchedule")] if rng.random() < 0.3 else []
    if rng.random() < 0.3:
        tolerations.append(Toleration("prefer", "Exists", "", "PreferNoSchedule"))
    preferred = (
        [PreferredTerm(rng.randint(1, 100), NodeSelectorTerm((Requirement("disk", "In", ("ssd",)),)))]
        if rng.random() < 0.4
        else []
    )
    required = [NodeSelectorTerm((Requirement(ZONE, "In", ("a", "b")),))] if rng.random() < 0.2 else None
    spread = []
    if rng.random() < 0.3:
        spread.append(
            TopologySpreadConstraint(
                rng.randint(1, 2),
                rng.choice([ZONE, "kubernetes.io/hostname"]),
                rng.choice(["DoNotSchedule", "ScheduleAnyway"]),
                LabelSelector({"app": app}),
            )
        )
    return Pod(
        name,
        containers=containers,
        labels={"app": app},
        tolerations=tolerations,
        preferred_terms=preferred,
        required_terms=required,
        topology_spread=spread,
    )


@pytest.mark.parametrize("seed", range(40))
def test_fast_path_matches_a_plain_evaluation(seed):
    rng = random.Random(seed)
    cluster = random_cluster(rng)
    if rng.random() < 0.5:
        replicas = rng.randint(1, 12)
        cluster.apply(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n"
            "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
            "    spec:\n      tolerations: [{key: dedicated, operator: Exists}]\n"
            "      containers: [{name: c, image: img1:1, resources: {requests: {cpu: 200m}}}]\n"
        )
        cluster.advance(3)
    for k in range(6):
        pod = random_pod(rng, f"p{k}", rng.choice(["web", "api"]))
        decision = cluster.schedule(pod)
        verdicts, final = reference(cluster, pod)
        assert decision.filtered == verdicts
        assert decision.final == final
        if decision.node:
            assert decision.node in final or len([v for v in verdicts.values() if v == "passed"]) == 1
            cluster.create_pod(pod)
            cluster.schedule_pending()
    # and the deployment's own pods, which the scheduler evaluated through its per-template cache
    for pod in cluster.pods.values():
        if pod.owner and pod.decision and pod.decision.final:
            assert max(pod.decision.final.values()) == pod.decision.final[pod.node]
