"""The scheduling cycle: the issue's API, CLUSTER.md's golden numbers, the simulator's result shape."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from simulator.cluster import Cluster, Node, Pod, Taint, Toleration, parse_quantity
from simulator.cluster.errors import InvalidQuantity
from simulator.cluster.scheduler.framework import num_feasible_nodes_to_find
from simulator.cluster.scheduler.imagelocality import MB, calculate_priority

from . import upstream as U

MiB = 1024**2


def ten_nodes():
    return [
        Node(f"n{i}", cpu="4", memory="8Gi", images={"app:1": 500 * MiB} if i < 2 else {}) for i in range(10)
    ]


def test_the_issue_entry_points():
    cluster = Cluster(ten_nodes())
    decision = cluster.schedule(Pod("web", image="app:1", cpu="500m", memory="1Gi"))
    assert decision.node in ("n0", "n1")  # the image is there
    assert decision.filtered["n3"] == "passed"
    # 500 MiB on 2 of 10 nodes counts 100 MiB: 100 * (100 - 23) / (1000 - 23) = 7
    assert decision.scores["n0"]["ImageLocality"] == 7
    assert decision.scores["n3"]["ImageLocality"] == 0
    assert decision.final["n0"] == decision.final["n3"] + 7
    assert not cluster.pods  # schedule() is a what-if: nothing bound


def test_golden_image_locality_numbers():
    # CLUSTER.md §1 D: 7 / 79 / 0 / 59
    assert calculate_priority(int(500 * MB * 2 / 10), 1) == 7
    assert calculate_priority(800 * MB, 1) == 79
    assert calculate_priority(20 * MB, 1) == 0
    assert calculate_priority(1200 * MB, 2) == 59


@pytest.mark.parametrize(("strategy", "want"), [("LeastAllocated", 62), ("MostAllocated", 37)])
def test_golden_fit_numbers(strategy, want):
    # node 4000m / 8Gi holding 1000m / 2Gi; pod 500m / 1Gi
    node = Node("a", cpu="4", memory="8Gi")
    cluster = Cluster([node, Node("b", cpu="4", memory="8Gi")], scoring_strategy=strategy)
    cluster.create_pod(Pod("busy", image="x:1", cpu="1", memory="2Gi", node_name="a"))
    d = cluster.schedule(Pod("p", image="x:1", cpu="500m", memory="1Gi"))
    assert d.scores["a"]["NodeResourcesFit"] == want


def test_final_scores_300_200_pattern_for_a_deployment_pod():
    # Three plain nodes, a pod its ReplicaSet selects: TaintToleration 100 x 3, PodTopologySpread
    # (system defaults, no matching pod yet) 100 x 2 — kube-scheduler-simulator's README pattern.
    cluster = Cluster([Node(f"node-{i}") for i in range(3)])
    cluster.apply(DEPLOYMENT.replace("replicas: 3", "replicas: 1"))
    pod = next(iter(cluster.pods.values()))
    fin = pod.decision.final_by_plugin
    assert {fin[n]["TaintToleration"] for n in fin} == {300}
    assert {fin[n]["PodTopologySpread"] for n in fin} == {200}
    # raw: 0 matching pods x log(3 + 2) + (maxSkew 3 - 1); the zone constraint is skipped (no zone label)
    assert pod.decision.raw_scores["node-0"]["PodTopologySpread"] == 2


def test_a_standalone_pod_is_not_spread_scored():
    d = Cluster([Node("a"), Node("b")]).schedule(Pod("p", image="x:1"))
    assert "PodTopologySpread" in d.skipped and d.final_by_plugin["a"]["PodTopologySpread"] == 0


def test_annotations_have_the_simulator_keys():
    d = Cluster(ten_nodes()).schedule(Pod("web", image="app:1", cpu="500m"))
    notes = d.annotations()
    prefix = "kube-scheduler-simulator.sigs.k8s.io/"
    assert set(notes) == {
        prefix + k for k in ("filter-result", "score-result", "finalscore-result", "selected-node")
    }
    filters = json.loads(notes[prefix + "filter-result"])
    assert filters["n3"]["NodeResourcesFit"] == "passed"
    final = json.loads(notes[prefix + "finalscore-result"])
    assert final["n0"]["TaintToleration"] == "300" and final["n0"]["ImageLocality"] == "7"


def test_filter_reasons_are_kube_schedulers_words():
    nodes = [
        Node("small", cpu="1", memory="1Gi"),
        Node("tainted", taints=[Taint("dedicated", "gpu", "NoSchedule")]),
        Node("cordoned", unschedulable=True),
        Node("other-zone", labels={"zone": "b"}),
        Node("fits", labels={"zone": "a"}),
    ]
    pod = Pod("p", image="x:1", cpu="2", memory="2Gi", node_selector={"zone": "a"})
    d = Cluster(nodes).schedule(pod)
    assert d.node == "fits"
    assert d.filtered == {
        "small": "node(s) didn't match Pod's node affinity/selector",
        "tainted": "node(s) had untolerated taint {dedicated: gpu}",
        "cordoned": "node(s) were unschedulable",
        "other-zone": "node(s) didn't match Pod's node affinity/selector",
        "fits": "passed",
    }
    assert d.filter_result["tainted"] == {
        "NodeUnschedulable": "passed",
        "NodeName": "passed",
        "TaintToleration": "node(s) had untolerated taint {dedicated: gpu}",
    }
    assert d.final == {}  # one feasible node: taken without scoring, as kube-scheduler does


def test_unschedulable_pod_gets_the_fit_error():
    nodes = [Node("a", cpu="1"), Node("b", cpu="1"), Node("c", taints=[Taint("k", "v", "NoSchedule")])]
    d = Cluster(nodes).schedule(Pod("p", image="x:1", cpu="2", memory="16Gi"))
    assert d.node is None
    assert d.filtered["a"] == "Insufficient cpu, Insufficient memory"
    assert d.message == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu, 2 Insufficient memory."
    )


def test_too_many_pods_and_zero_requests():
    node = Node("a", pods=1)
    cluster = Cluster([node])
    cluster.create_pod(Pod("first", image="x:1", node_name="a"))
    assert cluster.schedule(Pod("second", image="x:1")).filtered["a"] == "Too many pods"


def test_toleration_lets_a_pod_on_a_tainted_node():
    nodes = [Node("gpu", taints=[Taint("dedicated", "gpu", "NoSchedule")])]
    pod = Pod("p", image="x:1", tolerations=[Toleration("dedicated", "Equal", "gpu", "NoSchedule")])
    assert Cluster(nodes).schedule(pod).node == "gpu"


def test_ties_are_broken_by_the_seed():
    def chosen(seed):
        cluster = Cluster([Node(f"n{i}") for i in range(6)], seed=seed)
        pods = [cluster.create_pod(Pod(f"p{k}", image="x:1")) for k in range(3)]
        cluster.schedule_pending()
        return [p.node for p in pods]

    assert chosen(1) == chosen(1)
    assert len({tuple(chosen(s)) for s in range(8)}) > 1
    cluster = Cluster([Node(f"n{i}") for i in range(6)], seed=3)
    assert len({cluster.schedule(Pod("w", image="x:1")).node for _ in range(5)}) == 1  # what-ifs replay


def test_percentage_of_nodes_to_score():
    assert num_feasible_nodes_to_find(99) == 99
    assert num_feasible_nodes_to_find(1000) == 420  # 50 - 1000/125 = 42 %
    assert num_feasible_nodes_to_find(200, 100) == 200
    cluster = Cluster([Node(f"n{i:03}") for i in range(200)])
    what_if = cluster.schedule(Pod("w", image="x:1"))
    p, q = cluster.create_pod(Pod("p", image="x:1")), cluster.create_pod(Pod("q", image="x:1"))
    cluster.schedule_pending()
    assert len(p.decision.filtered) == num_feasible_nodes_to_find(200) == 100
    assert set(p.decision.filtered).isdisjoint(q.decision.filtered)  # nextStartNodeIndex rotates
    assert set(what_if.filtered) == set(p.decision.filtered)  # a what-if leaves the rotation alone


def test_explain_names_every_plugin():
    text = Cluster(ten_nodes()).schedule(Pod("web", image="app:1")).explain("n0")
    assert "ImageLocality 7×1" in text and "TaintToleration 100×3" in text


@pytest.mark.parametrize(
    ("text", "value", "milli"),
    [
        ("500m", 1, 500),
        ("1Gi", 2**30, 2**33 * 125),
        ("1e3", 1000, 10**6),
        ("0.5", 1, 500),
        ("1.5", 2, 1500),
        ("100Mi", 100 * MiB, 100 * MiB * 1000),
        ("1k", 1000, 10**6),
        ("1M", 10**6, 10**9),
        ("0.1m", 1, 1),
        ("2", 2, 2000),
    ],
)
def test_quantities(text, value, milli):
    q = parse_quantity(text)
    assert (q.value(), q.milli_value()) == (value, milli)


@pytest.mark.parametrize("text", ["abc", "1.2.3", "1e", "1Kb", "", "1 ", "--1", "1.5Gb"])
def test_bad_quantities(text):
    with pytest.raises(InvalidQuantity):
        parse_quantity(text)


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: app:1
        resources:
          requests: {cpu: 500m, memory: 512Mi}
"""


@pytest.mark.parametrize(
    ("text", "number", "exponent"), U.QUANTITY_PARSE, ids=[c[0] for c in U.QUANTITY_PARSE]
)
def test_upstream_quantity_parse(text, number, exponent):
    want = Fraction(number) * Fraction(10) ** exponent
    for sign, factor in (("", 1), ("+", 1), ("-", -1)):
        assert parse_quantity(sign + text).amount == factor * want


@pytest.mark.parametrize("text", U.QUANTITY_INVALID)
def test_upstream_quantity_invalid(text):
    with pytest.raises(InvalidQuantity):
        parse_quantity(text)


def test_quantities_saturate_at_int64():
    # quantity_test.go: "9Ei" and "9223372036854775807Ki" are the largest quantity there is
    assert parse_quantity("9Ei").value() == parse_quantity("9223372036854775807Ki").value() == 2**63 - 1
