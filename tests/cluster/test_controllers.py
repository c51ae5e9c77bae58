"""Controllers in logical time: rolling updates, node failure and eviction, pulls, image GC, Services."""

from __future__ import annotations

import pytest

from simulator.cluster import Cluster, Deployment, Node, Pod, resolve_fenceposts
from simulator.cluster.controllers import max_unavailable, new_rs_new_replicas

from . import upstream as U
from .test_scheduler import DEPLOYMENT

MiB = 1024**2


@pytest.mark.parametrize(
    ("surge", "unavailable", "desired", "want_surge", "want_unavailable", "error"), U.RESOLVE_FENCEPOSTS
)
def test_resolve_fenceposts(surge, unavailable, desired, want_surge, want_unavailable, error):
    args = (0 if surge is None else surge, 0 if unavailable is None else unavailable, desired)
    if error:
        with pytest.raises(ValueError):
            resolve_fenceposts(*args)
    else:
        assert resolve_fenceposts(*args) == (want_surge, want_unavailable)


@pytest.mark.parametrize(
    ("name", "strategy", "desired", "new", "surge", "want"),
    U.NEW_RS_NEW_REPLICAS,
    ids=[c[0] for c in U.NEW_RS_NEW_REPLICAS],
)
def test_new_rs_new_replicas(name, strategy, desired, new, surge, want):
    if strategy == "Recreate":
        assert desired == want  # NewRSNewReplicas: Recreate goes straight to the desired count
    else:
        assert new_rs_new_replicas(desired, new, 5 + new, surge) == want


@pytest.mark.parametrize(
    ("name", "replicas", "unavailable", "strategy", "want"),
    U.MAX_UNAVAILABLE,
    ids=[c[0] for c in U.MAX_UNAVAILABLE],
)
def test_max_unavailable(name, replicas, unavailable, strategy, want):
    d = Deployment("d", None, replicas, strategy=strategy, max_surge=1, max_unavailable=unavailable)
    assert max_unavailable(d) == want


def rolled_out(replicas: int = 4) -> Cluster:
    c = Cluster([Node(f"n{i}") for i in range(4)], registry={"app:1": 50 * MiB, "app:2": 60 * MiB})
    c.apply(DEPLOYMENT.replace("replicas: 3", f"replicas: {replicas}"))
    c.settle()
    return c


def test_rolling_update_fenceposts_4_replicas():
    # 4 replicas at 25 %/25 %: surge ceil(1) = 1, unavailable floor(1) = 1 -> at most 5 pods, at least 3 available
    c = rolled_out(4)
    d = c.deployment("web")
    start = len(d.history)
    c.set_image("web", "app:2")
    c.settle()
    during = d.history[start:]
    assert max(total for _, total, _ in during) == 5
    assert min(available for _, _, available in during) == 3
    assert {p.containers[0].image for p in c.pods.values()} == {"app:2"}
    assert len(c.pods) == 4 and all(p.ready for p in c.pods.values())
    old = [rs for rs in c.replica_sets.values() if rs.template_hash != c._replica_sets_of(d)[0].template_hash]
    assert [rs.replicas for rs in old] == [0]  # the old ReplicaSet is kept, scaled to 0


def test_rolling_update_10_replicas_keeps_8_available():
    c = rolled_out(10)
    d = c.deployment("web")
    start = len(d.history)
    c.set_image("web", "app:2")
    c.settle()
    during = d.history[start:]
    assert max(t for _, t, _ in during) <= 13 and min(a for _, _, a in during) >= 8


def test_node_failure_evicts_after_tolerations_and_repulls():
    c = rolled_out(4)
    victim = next(p for p in c.pods.values()).node
    lost = {p.name for p in c.pods.values() if p.node == victim}
    t0 = c.time
    c.fail_node(victim)
    c.advance(39)
    assert c.node(victim).ready_status == "True"
    c.advance(2)  # node-monitor-grace-period 40 s
    node = c.node(victim)
    assert node.ready_status == "Unknown"
    assert {(t.key, t.effect) for t in node.taints} == {
        ("node.kubernetes.io/unreachable", "NoSchedule"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
    }
    assert not any(p.ready for p in c.pods.values() if p.name in lost)  # pods marked NotReady
    c.advance(250)
    assert all(f"default/{n}" in c.pods for n in lost)  # still tolerated (300 s)
    c.advance(60)
    assert not any(f"default/{n}" in c.pods for n in lost)  # evicted
    evicted = [e for e in c.events if e.reason == "TaintManagerEviction"]
    assert evicted and evicted[0].time - t0 >= 40 + 300
    c.settle()
    assert len(c.pods) == 4 and all(p.node != victim and p.ready for p in c.pods.values())


def test_pull_policies():
    node = Node("a", images={"app:1": 10 * MiB})
    c = Cluster([node], registry={"app:1": 10 * MiB, "app:2": 20 * MiB, "app:latest": 30 * MiB})
    c.create_pod(Pod("present", image="app:1"))  # IfNotPresent: no pull
    c.create_pod(Pod("absent", image="app:2"))  # IfNotPresent: pulls 20 MiB
    c.create_pod(Pod("always", image="app:1", image_pull_policy="Always"))  # resolves, nothing moves
    c.create_pod(Pod("latest", image="app"))  # no tag -> Always; pulls app:latest
    c.create_pod(Pod("never", image="app:3", image_pull_policy="Never"))
    c.create_pod(Pod("missing", image="app:9"))
    c.advance(5)
    moved = {(p.image, p.bytes) for p in c.pulls}
    assert moved == {("app:2", 20 * MiB), ("app:1", 0), ("app:latest", 30 * MiB)}
    assert c.pod("never").reason == "ErrImageNeverPull"
    assert c.pod("missing").reason == "ErrImagePull"
    assert c.pod("present").ready and c.pod("absent").ready
    assert any("already present on machine" in e.message for e in c.events)


def test_puller_seam():
    calls = []

    def puller(node, image):
        calls.append((node.name, image))
        return 123

    c = Cluster([Node("a")], puller=puller)
    c.create_pod(Pod("p", image="x:1"))
    c.advance(1)
    assert calls == [("a", "x:1")] and c.node("a").images["x:1"] == 123


def test_image_gc_frees_least_recently_used_unused_images():
    images = {f"old{i}:1": 100 * MiB for i in range(8)}
    node = Node("a", images=images, disk="1000Mi")  # 800 MiB of 1000: 80 %
    c = Cluster([node], registry={"new:1": 100 * MiB})
    c.create_pod(Pod("p", image="new:1"))  # 900 MiB: 90 % > 85 %
    c.advance(2)
    assert node.image_bytes <= 800 * MiB
    assert "new:1" in node.images  # in use
    assert any(e.reason == "ImageGCFreed" for e in c.events)


def test_service_picks_among_ready_pods():
    c = rolled_out(3)
    c.apply(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"
    )
    ready = {p.name for p in c.endpoints("web")}
    assert len(ready) == 3
    picked = {c.pick("web").name for _ in range(60)}
    assert picked == ready
    one = next(iter(c.pods.values()))
    one.ready = False
    assert one.name not in {c.pick("web").name for _ in range(30)}


def test_deterministic_replay():
    def run():
        c = rolled_out(4)
        return sorted((p.name, p.node) for p in c.pods.values())

    assert run() == run()


def test_pod_names_and_template_hash():
    c = rolled_out(2)
    (rs,) = c.replica_sets.values()
    assert rs.name.startswith("web-") and all(p.name.startswith(rs.name + "-") for p in rs.pods)
    assert all(p.labels["pod-template-hash"] == rs.template_hash for p in rs.pods)
    assert set(rs.template_hash) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_a_replacement_pulls_its_image_on_its_new_node():
    c = Cluster([Node(f"n{i}") for i in range(4)], registry={"app:1": 50 * MiB})
    c.apply(DEPLOYMENT)  # 3 replicas: one node stays empty, without the image
    c.settle()
    empty = next(n for n in c.nodes if not n.pods)
    assert "app:1" not in empty.images
    victim = next(n for n in c.nodes if n.pods)
    c.fail_node(victim.name)
    c.advance(40 + 300 + 2)
    c.settle()
    evicted_at = next(e.time for e in c.events if e.reason == "TaintManagerEviction")
    repulls = [p for p in c.pulls if p.time >= evicted_at]
    assert [(p.node, p.image, p.bytes) for p in repulls] == [(empty.name, "app:1", 50 * MiB)]
    assert empty.pods and empty.pods[0].ready
