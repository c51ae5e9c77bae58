"""The control loops, in logical time: deployments and replica sets, node lifecycle and
taint-based eviction, the kubelet's pulls, readiness and image garbage collection.

Rules and defaults (kubernetes/kubernetes):
- ``pkg/controller/deployment/util/deployment_util.go`` ``ResolveFenceposts``: maxSurge is a
  percentage rounded *up*, maxUnavailable rounded *down*; both 0 makes maxUnavailable 1;
- ``pkg/controller/deployment/rolling.go``: scale the new ReplicaSet up to ``replicas + maxSurge``
  pods in total, scale old ones down while ``available > replicas - maxUnavailable``;
- ``pkg/apis/apps/v1/defaults.go``: replicas 1, RollingUpdate 25 % / 25 %, revisionHistoryLimit 10,
  progressDeadlineSeconds 600;
- node lifecycle: after ``node-monitor-grace-period`` without a heartbeat the node's Ready
  condition becomes Unknown, its pods NotReady, and it gets ``node.kubernetes.io/unreachable``
  NoSchedule and NoExecute taints;
- the DefaultTolerationSeconds admission plugin gives every pod 300 s tolerations for the
  not-ready and unreachable NoExecute taints: eviction comes 300 s after the taint;
- kubelet image GC (``imageGCHighThresholdPercent`` 85, ``imageGCLowThresholdPercent`` 80,
  ``imageMinimumGCAge`` 2 min): above 85 % disk use, delete unused images, least recently used
  first, until 80 %.
"""

from __future__ import annotations

import math
from typing import Any

from .labels import Taint, Toleration, tolerates
from .objects import Deployment, normalized_image_name

__all__ = [
    "DEFAULT_TOLERATION_SECONDS",
    "IMAGE_GC_HIGH_PERCENT",
    "IMAGE_GC_LOW_PERCENT",
    "IMAGE_MINIMUM_GC_AGE",
    "NODE_MONITOR_GRACE_PERIOD",
    "default_tolerations",
    "image_gc",
    "max_unavailable",
    "new_rs_new_replicas",
    "resolve_fenceposts",
    "scaled_value",
    "sync_deployment",
    "sync_replica_set",
]

NODE_MONITOR_GRACE_PERIOD = 40.0  # seconds (kube-controller-manager flag default; 50 s in newer releases)
DEFAULT_TOLERATION_SECONDS = 300
IMAGE_GC_HIGH_PERCENT = 85
IMAGE_GC_LOW_PERCENT = 80
IMAGE_MINIMUM_GC_AGE = 120.0
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"


def scaled_value(value: int | str, total: int, round_up: bool) -> int:
    """``GetScaledValueFromIntOrPercent``: an int as is, ``"25%"`` of ``total`` rounded up or down.

    >>> scaled_value("25%", 10, True), scaled_value("25%", 10, False), scaled_value(2, 10, False)
    (3, 2, 2)
    """
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%") or not text[:-1].isdigit():
        raise ValueError(f"invalid value for IntOrString: invalid type: string is not a percentage: {text!r}")
    pct = int(text[:-1])
    return -(-pct * total // 100) if round_up else pct * total // 100


def resolve_fenceposts(max_surge: int | str, max_unavailable: int | str, desired: int) -> tuple[int, int]:
    """(surge, unavailable) for ``desired`` replicas; never both 0.

    >>> resolve_fenceposts("25%", "25%", 4), resolve_fenceposts("25%", "25%", 10), resolve_fenceposts(0, 0, 3)
    ((1, 1), (3, 2), (0, 1))
    """
    surge = scaled_value(max_surge, desired, True)
    unavailable = scaled_value(max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def new_rs_new_replicas(desired: int, new_replicas: int, total: int, surge: int) -> int:
    """``NewRSNewReplicas`` for a rolling update: grow the new ReplicaSet within ``desired + surge`` pods.

    >>> new_rs_new_replicas(6, 2, 7, 10), new_rs_new_replicas(1, 5, 10, 1)
    (6, 5)
    """
    max_total = desired + surge
    if total >= max_total:
        return new_replicas
    return new_replicas + min(max_total - total, desired - new_replicas)


def max_unavailable(d: Deployment) -> int:
    """``MaxUnavailable``: the resolved maxUnavailable, at most ``replicas``; 0 for Recreate."""
    if d.strategy != "RollingUpdate" or d.replicas == 0:
        return 0
    return min(resolve_fenceposts(d.max_surge, d.max_unavailable, d.replicas)[1], d.replicas)


def default_tolerations(tolerations: tuple[Toleration, ...]) -> tuple[Toleration, ...]:
    """The DefaultTolerationSeconds admission plugin: add the two 300 s NoExecute tolerations."""
    out = list(tolerations)
    for key in (NOT_READY, UNREACHABLE):
        taint = Taint(key, "", "NoExecute")
        if not any(tolerates(t, taint) for t in tolerations):
            out.append(Toleration(key, "Exists", "", "NoExecute", DEFAULT_TOLERATION_SECONDS))
    return tuple(out)


def sync_deployment(cluster: Any, d: Any) -> None:
    """One pass of the deployment controller for ``d`` (rolling update or recreate)."""
    new, old = cluster._replica_sets_of(d)
    if d.strategy == "Recreate":
        for rs in old:
            rs.replicas = 0
        if all(not rs.pods for rs in old):
            new.replicas = d.replicas
        return
    surge, _ = resolve_fenceposts(d.max_surge, d.max_unavailable, d.replicas)
    everyone = [*old, new]
    # reconcileNewReplicaSet
    if new.replicas > d.replicas:
        new.replicas = d.replicas
    elif new.replicas < d.replicas:
        new.replicas = new_rs_new_replicas(
            d.replicas, new.replicas, sum(rs.replicas for rs in everyone), surge
        )
    # reconcileOldReplicaSets
    if sum(rs.replicas for rs in old) == 0:
        return
    min_available = d.replicas - max_unavailable(d)
    new_unavailable = new.replicas - new.available_replicas
    max_scaled_down = sum(rs.replicas for rs in everyone) - min_available - new_unavailable
    if max_scaled_down <= 0:
        return
    cleaned = 0  # cleanupUnhealthyReplicas: old pods that are not available go first
    for rs in old:
        if cleaned >= max_scaled_down:
            break
        unhealthy = rs.replicas - rs.available_replicas
        if rs.replicas == 0 or unhealthy <= 0:
            continue
        down = min(max_scaled_down - cleaned, unhealthy)
        rs.replicas -= down
        cleaned += down
    available = sum(rs.available_replicas for rs in everyone)  # scaleDownOldReplicaSetsForRollingUpdate
    if available <= min_available:
        return
    to_scale_down = available - min_available
    for rs in old:
        if to_scale_down <= 0:
            break
        if rs.replicas == 0:
            continue
        down = min(rs.replicas, to_scale_down)
        rs.replicas -= down
        to_scale_down -= down


def _deletion_rank(pod: Any) -> tuple[Any, ...]:
    # controller.ActivePods ordering, simplified: unscheduled, then pending, then not ready, then newest.
    return (pod.scheduled, pod.phase == "Running", pod.ready, -pod.created_at)


def sync_replica_set(cluster: Any, rs: Any) -> None:
    """Create or delete pods until ``rs`` has ``rs.replicas`` of them."""
    diff = len(rs.pods) - rs.replicas
    if diff < 0:
        for _ in range(-diff):
            cluster._create_rs_pod(rs)
    elif diff > 0:
        for pod in sorted(rs.pods, key=_deletion_rank)[:diff]:
            cluster.delete_pod(pod.name, namespace=pod.namespace, reason="ScalingReplicaSet")


def node_lifecycle(cluster: Any) -> None:
    """Mark silent nodes Unknown, their pods NotReady, and taint them unreachable."""
    for node in cluster.nodes:
        if node.down_since is None or node.ready_status == "Unknown":
            continue
        if cluster.time - node.down_since >= cluster.node_monitor_grace_period:
            node.ready_status = "Unknown"
            node.ready = False
            node.add_taint(Taint(UNREACHABLE, "", "NoSchedule"))
            node.add_taint(Taint(UNREACHABLE, "", "NoExecute", time_added=cluster.time))
            cluster.topology_changed()
            cluster.event("Node", node.name, "NodeNotReady", f"Node {node.name} status is now: NodeNotReady")
            for pod in node.pods:
                pod.ready = False


def taint_eviction(cluster: Any) -> None:
    """Evict pods from NoExecute-tainted nodes once their toleration runs out."""
    for node in cluster.nodes:
        execute = [t for t in node.taints if t.effect == "NoExecute"]
        if not execute:
            continue
        for pod in list(node.pods):
            evict_at = math.inf
            for taint in execute:
                matching = [t for t in pod.tolerations if tolerates(t, taint)]
                if not matching:
                    evict_at = cluster.time  # untolerated: now
                    break
                if all(t.toleration_seconds is not None for t in matching):
                    since = taint.time_added if taint.time_added is not None else cluster.time
                    evict_at = min(evict_at, since + min(t.toleration_seconds or 0 for t in matching))
            if cluster.time >= evict_at:
                cluster.event("Pod", pod.name, "TaintManagerEviction", f"Marking for deletion Pod {pod.key}")
                cluster.delete_pod(pod.name, namespace=pod.namespace, reason="Evicted")


def image_gc(cluster: Any, node: Any) -> list[str]:
    """Kubelet image garbage collection on ``node``; returns the images it deleted."""
    if not node.disk:
        return []
    usage = node.image_bytes
    if usage * 100 < IMAGE_GC_HIGH_PERCENT * node.disk:
        return []
    target = usage - node.disk * IMAGE_GC_LOW_PERCENT // 100
    in_use = {normalized_image_name(i) for p in node.pods for i in p.images}
    candidates = sorted(
        (
            ref
            for ref in node.images
            if ref not in in_use and cluster.time - node.image_first_seen[ref] >= IMAGE_MINIMUM_GC_AGE
        ),
        key=lambda ref: (node.image_last_used[ref], ref),
    )
    freed, deleted = 0, []
    for ref in candidates:
        if freed >= target:
            break
        freed += node.images[ref]
        deleted.append(ref)
        cluster._remove_image(node, ref)
    if deleted:
        cluster.event("Node", node.name, "ImageGCFreed", f"freed {freed} bytes: {', '.join(deleted)}")
    if freed < target:
        cluster.event(
            "Node",
            node.name,
            "FreeDiskSpaceFailed",
            f"Failed to garbage collect required amount of images. Attempted to free {target} bytes, but only found {freed} bytes eligible to free.",
        )
    return deleted
