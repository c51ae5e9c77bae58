"""The scheduling framework's fixed parts: the default profile, score normalisation, node sampling.

Sources (kubernetes/kubernetes, transcribed as rules):
- weights and plugin order: ``pkg/scheduler/apis/config/v1/default_plugins.go``;
- ``DefaultNormalizeScore``: ``pkg/scheduler/framework/plugins/helper/normalize_score.go``;
- ``numFeasibleNodesToFind`` and ``nextStartNodeIndex``: ``pkg/scheduler/schedule_one.go``;
- the node list order (zones interleaved): ``pkg/scheduler/backend/cache/node_tree.go``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..labels import ZONE

__all__ = [
    "DEFAULT_WEIGHTS",
    "FILTERS",
    "MAX_NODE_SCORE",
    "SCORES",
    "UNRESOLVABLE",
    "UNSCHEDULABLE",
    "default_normalize",
    "interleave_zones",
    "num_feasible_nodes_to_find",
]

MAX_NODE_SCORE = 100

# The default profile's filters, in the order the framework runs them (a node's first failing
# filter ends its evaluation).  NodePorts, the volume plugins and InterPodAffinity are not modelled.
FILTERS = (
    "NodeUnschedulable",
    "NodeName",
    "TaintToleration",
    "NodeAffinity",
    "NodeResourcesFit",
    "PodTopologySpread",
)
# The default profile's score plugins in order, with their weights (InterPodAffinity, weight 2,
# is not modelled: it scores 0 when no pod has inter-pod affinity terms).
DEFAULT_WEIGHTS = {
    "TaintToleration": 3,
    "NodeAffinity": 2,
    "NodeResourcesFit": 1,
    "PodTopologySpread": 2,
    "NodeResourcesBalancedAllocation": 1,
    "ImageLocality": 1,
}
SCORES = tuple(DEFAULT_WEIGHTS)

UNSCHEDULABLE = "Unschedulable"  # preemption might help
UNRESOLVABLE = "UnschedulableAndUnresolvable"  # it will not

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5


def default_normalize(scores: Sequence[int], reverse: bool = False) -> list[int]:
    """``DefaultNormalizeScore(MaxNodeScore, reverse, scores)`` with Go's integer division.

    >>> default_normalize([0, 1, 2], reverse=True)
    [100, 50, 0]
    >>> default_normalize([0, 0], reverse=True), default_normalize([0, 0])
    ([100, 100], [0, 0])
    """
    top = max(scores, default=0)
    if top == 0:
        return [MAX_NODE_SCORE if reverse else s for s in scores]
    out = []
    for s in scores:
        s = MAX_NODE_SCORE * s // top
        out.append(MAX_NODE_SCORE - s if reverse else s)
    return out


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int | None = None) -> int:
    """How many feasible nodes the scheduler looks for before it stops filtering.

    >>> num_feasible_nodes_to_find(50), num_feasible_nodes_to_find(1000), num_feasible_nodes_to_find(5000)
    (50, 420, 500)
    """
    pct = percentage or 0
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND or pct >= 100:
        return num_all_nodes
    if pct <= 0:
        pct = max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(num_all_nodes * pct // 100, MIN_FEASIBLE_NODES_TO_FIND)


def interleave_zones(nodes: Sequence[Any]) -> list[Any]:
    """The scheduler's node list: one node from each zone in turn (zones in order of appearance)."""
    zones: dict[tuple[str, str], list[Any]] = {}
    for n in nodes:
        key = (n.labels.get("topology.kubernetes.io/region", ""), n.labels.get(ZONE, ""))
        zones.setdefault(key, []).append(n)
    if len(zones) <= 1:
        return list(nodes)
    out: list[Any] = []
    columns = list(zones.values())
    for i in range(max(len(c) for c in columns)):
        out.extend(c[i] for c in columns if i < len(c))
    return out
