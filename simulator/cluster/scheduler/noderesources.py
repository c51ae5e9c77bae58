"""NodeResourcesFit (filter and score) and NodeResourcesBalancedAllocation.

Rules from ``pkg/scheduler/framework/plugins/noderesources`` (fit.go, resource_allocation.go,
least_allocated.go, most_allocated.go, balanced_allocation.go), all in Go's integer arithmetic:

- **Fit filter**: ``Too many pods`` when ``len(pods) + 1 > allocatable pods``; then, for each
  resource the pod requests (> 0), ``Insufficient <resource>`` when the request exceeds
  ``allocatable - Σ requests of the node's pods``.  *Requests*, never usage or limits.
- **Fit score** (``LeastAllocated`` by default, cpu and memory weight 1): per resource
  ``(alloc - req) * 100 / alloc`` (0 when ``req > alloc``), or ``MostAllocated``'s
  ``min(req, alloc) * 100 / alloc``; then ``Σ score·weight / Σ weight``.  ``req`` is the node's
  *non-zero* requests plus the pod's: a container with no request counts 100m CPU, 200 MiB.
  Resources a node has none of are skipped; extended resources the pod does not request too.
- **BalancedAllocation**: fractions ``min(1, req / alloc)`` with *actual* requests; score
  ``int((1 - std) * 100)`` where std is ``|f1 - f2| / 2`` for two resources.  Skipped for a pod
  with no requests at all (best effort), since Kubernetes 1.33.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .framework import MAX_NODE_SCORE, UNRESOLVABLE, UNSCHEDULABLE

if TYPE_CHECKING:
    from ..objects import Node, Pod

__all__ = ["DEFAULT_RESOURCES", "balanced_score", "fit_filter", "fit_score"]

DEFAULT_RESOURCES: tuple[tuple[str, int], ...] = (("cpu", 1), ("memory", 1))
_STANDARD = ("cpu", "memory", "ephemeral-storage", "pods")


def fit_filter(requests: Mapping[str, int], node: Node) -> tuple[str, str] | None:
    """(status code, message) when the pod does not fit ``node``, else None."""
    reasons: list[str] = []
    unresolvable = False
    allowed = node.allocatable.get("pods", 0)
    if len(node.pods) + 1 > allowed:
        reasons.append("Too many pods")
        unresolvable = allowed < 1
    if any(v for v in requests.values()):
        for resource in (
            "cpu",
            "memory",
            "ephemeral-storage",
            *sorted(r for r in requests if r not in _STANDARD),
        ):
            want = requests.get(resource, 0)
            if want <= 0:
                continue
            alloc = node.allocatable.get(resource, 0)
            if want > alloc - node.requested.get(resource, 0):
                reasons.append(f"Insufficient {resource}")
                unresolvable = unresolvable or want > alloc
    if not reasons:
        return None
    return (UNRESOLVABLE if unresolvable else UNSCHEDULABLE, ", ".join(reasons))


def _least(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def _most(requested: int, capacity: int) -> int:
    if capacity == 0:
        return 0
    return min(requested, capacity) * MAX_NODE_SCORE // capacity


def _allocatable_requested(pod: Pod, node: Node, resource: str, use_requested: bool) -> tuple[int, int]:
    """(allocatable, node's requests + the pod's) for one resource, or (0, 0) to skip it."""
    if resource == "cpu":
        pod_req = pod.requests.get("cpu", 0) if use_requested else pod.nonzero_requests[0]
        node_req = node.requested.get("cpu", 0) if use_requested else node.nonzero_cpu
    elif resource == "memory":
        pod_req = pod.requests.get("memory", 0) if use_requested else pod.nonzero_requests[1]
        node_req = node.requested.get("memory", 0) if use_requested else node.nonzero_memory
    else:
        pod_req = pod.requests.get(resource, 0)
        node_req = node.requested.get(resource, 0)
        if pod_req == 0 and resource != "ephemeral-storage":
            return 0, 0  # an extended resource the pod does not ask for is left out
    alloc = node.allocatable.get(resource, 0)
    if alloc == 0:
        return 0, 0
    return alloc, node_req + pod_req


def fit_score(
    pod: Pod,
    node: Node,
    strategy: str = "LeastAllocated",
    resources: Sequence[tuple[str, int]] = DEFAULT_RESOURCES,
) -> int:
    """NodeResourcesFit's score for ``node`` (0-100)."""
    per = _least if strategy == "LeastAllocated" else _most
    total = weights = 0
    for resource, weight in resources:
        alloc, req = _allocatable_requested(pod, node, resource, use_requested=False)
        if alloc == 0:
            continue
        total += per(req, alloc) * weight
        weights += weight
    return total // weights if weights else 0


def balanced_skip(pod: Pod, resources: Sequence[tuple[str, int]] = DEFAULT_RESOURCES) -> bool:
    """True for a best-effort pod: PreScore returns Skip and every node scores 0."""
    return all(pod.requests.get(r, 0) == 0 for r, _ in resources)


def balanced_score(pod: Pod, node: Node, resources: Sequence[tuple[str, int]] = DEFAULT_RESOURCES) -> int:
    """NodeResourcesBalancedAllocation's score for ``node`` (0-100)."""
    fractions: list[float] = []
    total = 0.0
    for resource, _ in resources:
        alloc, req = _allocatable_requested(pod, node, resource, use_requested=True)
        if alloc == 0:
            continue
        f = float(req) / float(alloc)
        if f > 1:
            f = 1.0
        total += f
        fractions.append(f)
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = total / float(len(fractions))
        acc = 0.0
        for f in fractions:
            acc = acc + (f - mean) * (f - mean)
        std = (acc / float(len(fractions))) ** 0.5
    return int((1 - std) * float(MAX_NODE_SCORE))
