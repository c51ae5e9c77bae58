"""Invariants of the control loops, over many deployments (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.cluster import Cluster, Node, resolve_fenceposts

knob = st.one_of(st.integers(0, 3), st.sampled_from(["0%", "10%", "25%", "50%", "100%"]))


def manifest(replicas: int, surge, unavailable, image: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  strategy:
    rollingUpdate: {{maxSurge: {surge!r}, maxUnavailable: {unavailable!r}}}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: "{image}", resources: {{requests: {{cpu: 100m}}}}}}]
"""


@settings(max_examples=40, deadline=None)
@given(replicas=st.integers(1, 9), surge=knob, unavailable=knob)
def test_rolling_update_stays_within_its_fenceposts(replicas, surge, unavailable):
    cluster = Cluster([Node(f"n{i}") for i in range(4)], registry={"app:1": 10 * 2**20, "app:2": 20 * 2**20})
    cluster.apply(manifest(replicas, surge, unavailable, "app:1"))
    cluster.settle(limit=600)
    d = cluster.deployment("web")
    start = len(d.history)
    cluster.apply(manifest(replicas, surge, unavailable, "app:2"))  # `kubectl apply` of a new image
    cluster.settle(limit=600)
    max_surge, max_unavailable = resolve_fenceposts(surge, unavailable, replicas)
    max_unavailable = min(max_unavailable, replicas)
    for _, total, available in d.history[start:]:
        assert total <= replicas + max_surge
        assert available >= replicas - max_unavailable
    assert sorted(p.containers[0].image for p in cluster.pods.values()) == ["app:2"] * replicas
    assert all(p.ready for p in cluster.pods.values())


@settings(max_examples=25, deadline=None)
@given(nodes=st.integers(2, 6), replicas=st.integers(1, 12), victim=st.integers(0, 5))
def test_a_failed_node_is_emptied_and_the_replicas_come_back(nodes, replicas, victim):
    cluster = Cluster([Node(f"n{i}", pods=20) for i in range(nodes)], registry={"app:1": 10 * 2**20})
    cluster.apply(manifest(replicas, "25%", "25%", "app:1"))
    cluster.settle(limit=600)
    lost = f"n{victim % nodes}"
    cluster.fail_node(lost)
    cluster.advance(40 + 300 + 5)
    cluster.settle(limit=600)
    assert not cluster.node(lost).pods
    assert len(cluster.pods) == replicas and all(p.ready and p.node != lost for p in cluster.pods.values())
