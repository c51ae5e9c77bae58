"""TaintToleration, NodeUnschedulable and NodeName.

Rules from ``pkg/scheduler/framework/plugins/{tainttoleration,nodeunschedulable,nodename}``:

- TaintToleration filter: the node's first NoSchedule/NoExecute taint no toleration tolerates
  rejects it, ``node(s) had untolerated taint {key: value}`` (unresolvable);
- its score counts the node's PreferNoSchedule taints the pod's tolerations (those with effect
  PreferNoSchedule or empty) do not tolerate, normalised *reversed*: fewest wins 100;
- NodeUnschedulable: a cordoned node (``spec.unschedulable``) rejects pods that do not tolerate
  ``node.kubernetes.io/unschedulable:NoSchedule``;
- NodeName: a pod with ``spec.nodeName`` fits that node only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labels import Taint, find_untolerated, tolerates
from .framework import UNRESOLVABLE

if TYPE_CHECKING:
    from ..objects import Node, Pod

__all__ = ["node_name_filter", "node_unschedulable_filter", "taint_filter", "taint_score"]

UNSCHEDULABLE_TAINT = Taint("node.kubernetes.io/unschedulable", "", "NoSchedule")


def taint_filter(pod: Pod, node: Node) -> tuple[str, str] | None:
    taint = find_untolerated(node.taints, pod.tolerations)
    if taint is None:
        return None
    return UNRESOLVABLE, f"node(s) had untolerated taint {{{taint.key}: {taint.value}}}"


def taint_score(pod: Pod, node: Node) -> int:
    prefer = [t for t in pod.tolerations if t.effect in ("", "PreferNoSchedule")]
    return sum(
        1
        for taint in node.taints
        if taint.effect == "PreferNoSchedule" and not any(tolerates(t, taint) for t in prefer)
    )


def node_unschedulable_filter(pod: Pod, node: Node) -> tuple[str, str] | None:
    if node.unschedulable and not any(tolerates(t, UNSCHEDULABLE_TAINT) for t in pod.tolerations):
        return UNRESOLVABLE, "node(s) were unschedulable"
    return None


def node_name_filter(pod: Pod, node: Node) -> tuple[str, str] | None:
    if pod.spec_node_name and pod.spec_node_name != node.name:
        return UNRESOLVABLE, "node(s) didn't match the requested node name"
    return None
