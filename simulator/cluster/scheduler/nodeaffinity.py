"""NodeAffinity: ``nodeSelector`` and required node affinity filter, preferred terms score.

Rules from ``pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go`` and
``k8s.io/component-helpers/scheduling/corev1/nodeaffinity``: the filter needs every
``nodeSelector`` label *and* one matching required term (``node(s) didn't match Pod's node
affinity/selector``, unresolvable); the score is the sum of the weights of the preferred terms the
node matches, normalised so the best node gets 100 (not reversed).  A pod with no preferred
terms skips scoring (every node 0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labels import HOSTNAME
from .framework import UNRESOLVABLE

if TYPE_CHECKING:
    from ..objects import Node, Pod

__all__ = ["ERR_REASON_POD", "affinity_filter", "affinity_score", "affinity_uses_name", "required_match"]

ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"


def required_match(pod: Pod, node: Node) -> bool:
    """The pod's ``nodeSelector`` and required node affinity both match ``node``."""
    labels = node.labels
    for k, v in pod.node_selector.items():
        if labels.get(k) != v:
            return False
    terms = pod.required_terms
    if terms is None:
        return True
    return any(t.matches(node.name, labels) for t in terms)


def affinity_filter(pod: Pod, node: Node) -> tuple[str, str] | None:
    if required_match(pod, node):
        return None
    return UNRESOLVABLE, ERR_REASON_POD


def affinity_score(pod: Pod, node: Node) -> int:
    return sum(
        t.weight for t in pod.preferred_terms if t.weight and t.preference.matches(node.name, node.labels)
    )


def affinity_uses_name(pod: Pod) -> bool:
    """Whether the answer depends on the node's name (so nodes cannot share one evaluation)."""
    if HOSTNAME in pod.node_selector:
        return True
    terms = [*(pod.required_terms or ()), *(t.preference for t in pod.preferred_terms)]
    return any(t.uses_name for t in terms)
