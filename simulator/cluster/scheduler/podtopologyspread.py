"""PodTopologySpread: hard constraints filter, soft ones (or the system defaults) score.

Rules from ``pkg/scheduler/framework/plugins/podtopologyspread`` (common.go, filtering.go,
scoring.go, plugin.go):

- **Filter** (``whenUnsatisfiable: DoNotSchedule``): a node missing a constraint's topology key is
  rejected (``... (missing required label)``, unresolvable); otherwise
  ``count(node's domain) + (1 if the pod matches the selector) - global minimum > maxSkew``
  rejects it.  Counts cover the nodes that pass the pod's node affinity and carry every key; the
  minimum is 0 while there are fewer domains than ``minDomains``.
- **Score** (``ScheduleAnyway``): per constraint ``count × log(domains + 2) + (maxSkew - 1)``,
  summed and rounded; normalised as ``100 × (max + min - s) / max`` (100 for all when max is 0);
  nodes missing a key (explicit constraints only) get 0.
- **System defaults**, when the pod has no constraints: hostname maxSkew 3 and zone maxSkew 5,
  ScheduleAnyway, with the selector of the Services and ReplicaSets that select the pod; a pod
  no Service or ReplicaSet selects is not scored (Skip).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..labels import HOSTNAME, ZONE, LabelSelector
from ..objects import TopologySpreadConstraint
from .framework import MAX_NODE_SCORE, UNRESOLVABLE, UNSCHEDULABLE
from .nodeaffinity import required_match

if TYPE_CHECKING:
    from ..objects import Node, Pod

__all__ = [
    "ERR_CONSTRAINTS",
    "ERR_MISSING_LABEL",
    "SYSTEM_DEFAULT_CONSTRAINTS",
    "SelectorIndex",
    "SpreadFilter",
    "SpreadScore",
    "domain_counts_for",
    "soft_constraints",
]

ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints"
ERR_MISSING_LABEL = ERR_CONSTRAINTS + " (missing required label)"
SYSTEM_DEFAULT_CONSTRAINTS = (
    TopologySpreadConstraint(3, HOSTNAME, "ScheduleAnyway"),
    TopologySpreadConstraint(5, ZONE, "ScheduleAnyway"),
)


class SelectorIndex:
    """How many pods matching a selector each node and each topology domain holds.

    Built on first use for a (namespace, selector), then kept up to date as pods bind and leave,
    so a scheduling cycle reads counts instead of walking every pod.
    """

    def __init__(self) -> None:
        self._nodes: dict[tuple[str, LabelSelector], dict[str, int]] = {}
        self._domains: dict[tuple[str, LabelSelector, str], dict[str, int]] = {}

    def clear(self) -> None:
        self._nodes.clear()
        self._domains.clear()

    def node_counts(self, ns: str, selector: LabelSelector, nodes: Iterable[Any]) -> dict[str, int]:
        key = (ns, selector)
        counts = self._nodes.get(key)
        if counts is None:
            counts = {}
            for node in nodes:
                n = sum(1 for p in node.pods if p.namespace == ns and selector.matches(p.labels))
                if n:
                    counts[node.name] = n
            self._nodes[key] = counts
        return counts

    def domain_counts(
        self, ns: str, selector: LabelSelector, topology_key: str, nodes: Sequence[Any]
    ) -> dict[str, int]:
        """Matching pods per value of ``topology_key`` over all nodes (a missing label is ``""``)."""
        key = (ns, selector, topology_key)
        counts = self._domains.get(key)
        if counts is None:
            per_node = self.node_counts(ns, selector, nodes)
            counts = {}
            for node in nodes:
                value = node.labels.get(topology_key, "")
                counts[value] = counts.get(value, 0) + per_node.get(node.name, 0)
            self._domains[key] = counts
        return counts

    def pod_changed(self, pod: Any, node: Any, delta: int) -> None:
        for (ns, selector), counts in self._nodes.items():
            if pod.namespace == ns and selector.matches(pod.labels):
                counts[node.name] = counts.get(node.name, 0) + delta
        for (ns, selector, topology_key), counts in self._domains.items():
            if pod.namespace == ns and selector.matches(pod.labels):
                value = node.labels.get(topology_key, "")
                counts[value] = counts.get(value, 0) + delta


def _matches(selector: LabelSelector | None, labels: Mapping[str, str]) -> bool:
    return selector is not None and selector.matches(labels)


def _counts_over(
    pod: Pod,
    constraints: Sequence[TopologySpreadConstraint],
    nodes: Sequence[Node],
    index: SelectorIndex,
    require_all: bool,
) -> list[dict[str, int]]:
    """Per constraint, matching pods per domain over the nodes the pod could count."""
    out: list[dict[str, int]] = [{} for _ in constraints]
    for node in nodes:
        if not required_match(pod, node):
            continue
        if require_all and any(c.topology_key not in node.labels for c in constraints):
            continue
        for i, c in enumerate(constraints):
            value = node.labels.get(c.topology_key, "")
            n = index.node_counts(pod.namespace, c.selector, nodes).get(node.name, 0) if c.selector else 0
            out[i][value] = out[i].get(value, 0) + n
    return out


def soft_constraints(
    pod: Pod, default_selector: LabelSelector
) -> tuple[list[TopologySpreadConstraint], bool] | None:
    """The constraints PodTopologySpread scores with, and whether nodes need every key; None: Skip."""
    if pod.topology_spread:
        soft = [c for c in pod.topology_spread if c.when_unsatisfiable == "ScheduleAnyway"]
        return (soft, True) if soft else None
    if default_selector.empty:
        return None
    return [
        TopologySpreadConstraint(c.max_skew, c.topology_key, c.when_unsatisfiable, default_selector)
        for c in SYSTEM_DEFAULT_CONSTRAINTS
    ], False


def domain_counts_for(
    pod: Pod,
    constraint: TopologySpreadConstraint,
    require_all: bool,
    constraints: Sequence[TopologySpreadConstraint],
    all_nodes: Sequence[Node],
    index: SelectorIndex,
) -> dict[str, int]:
    """Matching pods per domain of ``constraint`` over the nodes the pod counts (scoring)."""
    if constraint.selector is None:
        return {}
    if not require_all and not pod.node_selector and pod.required_terms is None:
        return index.domain_counts(pod.namespace, constraint.selector, constraint.topology_key, all_nodes)
    out: dict[str, int] = {}
    counts = index.node_counts(pod.namespace, constraint.selector, all_nodes)
    for node in all_nodes:
        if not required_match(pod, node):
            continue
        if require_all and any(c.topology_key not in node.labels for c in constraints):
            continue
        value = node.labels.get(constraint.topology_key, "")
        out[value] = out.get(value, 0) + counts.get(node.name, 0)
    return out


class SpreadFilter:
    """PreFilter state for the hard constraints of one pod; ``None`` from ``of`` means Skip."""

    def __init__(
        self, pod: Pod, constraints: list[TopologySpreadConstraint], counts: list[dict[str, int]]
    ) -> None:
        self.pod = pod
        self.constraints = constraints
        self.counts = counts
        self.minimum = [
            0 if len(c) < con.min_domains or not c else min(c.values())
            for c, con in zip(counts, constraints, strict=True)
        ]
        self.self_match = [1 if _matches(c.selector, pod.labels) else 0 for c in constraints]

    @classmethod
    def of(cls, pod: Pod, nodes: Sequence[Node], index: SelectorIndex) -> SpreadFilter | None:
        hard = [c for c in pod.topology_spread if c.when_unsatisfiable == "DoNotSchedule"]
        if not hard:
            return None
        return cls(pod, hard, _counts_over(pod, hard, nodes, index, require_all=True))

    def key(self, node: Node) -> tuple[int | None, ...]:
        return tuple(
            self.counts[i].get(node.labels[c.topology_key], 0) if c.topology_key in node.labels else None
            for i, c in enumerate(self.constraints)
        )

    def filter(self, node: Node) -> tuple[str, str] | None:
        for c in self.constraints:
            if c.topology_key not in node.labels:
                return UNRESOLVABLE, ERR_MISSING_LABEL
        for i, c in enumerate(self.constraints):
            match = self.counts[i].get(node.labels[c.topology_key], 0)
            if match + self.self_match[i] - self.minimum[i] > c.max_skew:
                return UNSCHEDULABLE, ERR_CONSTRAINTS
        return None


class SpreadScore:
    """PreScore state for the soft constraints; ``None`` from ``of`` means Skip (every node 0)."""

    def __init__(
        self,
        pod: Pod,
        constraints: list[TopologySpreadConstraint],
        require_all: bool,
        feasible: Sequence[Node],
        all_nodes: Sequence[Node],
        index: SelectorIndex,
    ) -> None:
        self.pod = pod
        self.constraints = constraints
        self.require_all = require_all
        self.index = index
        self.ignored = (
            {n.name for n in feasible if any(c.topology_key not in n.labels for c in constraints)}
            if require_all
            else set()
        )
        candidates = [n for n in feasible if n.name not in self.ignored]
        self.weights = []
        for c in constraints:
            if c.topology_key == HOSTNAME:
                size = len(candidates)
            else:
                size = len({n.labels.get(c.topology_key, "") for n in candidates})
            self.weights.append(math.log(float(size + 2)))
        fast = not require_all and not pod.node_selector and pod.required_terms is None
        self.domain: list[dict[str, int]] = []
        for c in constraints:
            if c.topology_key == HOSTNAME or c.selector is None:
                self.domain.append({})
            elif fast:
                self.domain.append(index.domain_counts(pod.namespace, c.selector, c.topology_key, all_nodes))
            else:
                self.domain.append(_counts_over(pod, [c], all_nodes, index, require_all)[0])
        self.node_counts = [
            index.node_counts(pod.namespace, c.selector, all_nodes) if c.selector is not None else {}
            for c in constraints
        ]

    @classmethod
    def of(
        cls,
        pod: Pod,
        feasible: Sequence[Node],
        all_nodes: Sequence[Node],
        index: SelectorIndex,
        default_selector: LabelSelector,
    ) -> SpreadScore | None:
        found = soft_constraints(pod, default_selector)
        if not all_nodes or found is None:
            return None
        return cls(pod, found[0], found[1], feasible, all_nodes, index)

    def _count(self, i: int, c: TopologySpreadConstraint, node: Node) -> int:
        if c.topology_key == HOSTNAME:
            return self.node_counts[i].get(node.name, 0)
        return self.domain[i].get(node.labels[c.topology_key], 0)

    def key(self, node: Node) -> tuple[int | None, ...]:
        if node.name in self.ignored:
            return (None,)
        return tuple(
            self._count(i, c, node) if c.topology_key in node.labels else -1
            for i, c in enumerate(self.constraints)
        )

    def score(self, node: Node) -> int:
        if node.name in self.ignored:
            return 0
        total = 0.0
        for i, c in enumerate(self.constraints):
            if c.topology_key in node.labels:
                total += float(self._count(i, c, node)) * self.weights[i] + float(c.max_skew - 1)
        return math.floor(total + 0.5)  # Go's math.Round: half away from zero (scores are >= 0)

    def normalize(self, scores: dict[Any, int], ignored_keys: set[Any]) -> dict[Any, int]:
        """Normalise raw scores keyed by node class; ``ignored_keys`` score 0."""
        live = [s for k, s in scores.items() if k not in ignored_keys]
        lo = min(live, default=0)
        hi = max(live, default=0)
        out = {}
        for k, s in scores.items():
            if k in ignored_keys:
                out[k] = 0
            elif hi == 0:
                out[k] = MAX_NODE_SCORE
            else:
                out[k] = MAX_NODE_SCORE * (hi + lo - s) // hi
        return out
