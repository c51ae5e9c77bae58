"""One scheduling cycle of kube-scheduler's default profile, for one pod.

The steps follow ``pkg/scheduler/schedule_one.go``: PreFilter, then Filter node by node from
``nextStartNodeIndex`` until ``numFeasibleNodesToFind`` nodes pass (every node in a cluster under
100 nodes), PreScore, Score, NormalizeScore, the weighted sum, and ``selectHost``: the highest
total wins and ties are broken at random (seeded here, so a lesson replays).  When only one node
passes the filters it is taken without scoring, as kube-scheduler does.

Nodes whose state is the same for this pod (same allocatable, labels but the hostname, taints,
requests, images the pod uses, spreading counts) form a class that is evaluated once: the result
is exactly the per-node one, and a 1,000-node cluster costs a few classes per pod.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from ..labels import HOSTNAME, LabelSelector
from ..objects import normalized_image_name
from .decision import PASSED, Decision, FilterOutcome, ScoreClass
from .framework import DEFAULT_WEIGHTS, default_normalize, interleave_zones, num_feasible_nodes_to_find
from .imagelocality import image_locality_score
from .nodeaffinity import affinity_filter, affinity_score, affinity_uses_name
from .noderesources import DEFAULT_RESOURCES, balanced_score, balanced_skip, fit_filter, fit_score
from .podtopologyspread import SelectorIndex, SpreadFilter, SpreadScore
from .tainttoleration import node_name_filter, node_unschedulable_filter, taint_filter, taint_score

__all__ = ["Scheduler"]


class Scheduler:
    """kube-scheduler's default profile over a cluster ``state``.

    ``state`` provides ``nodes`` (a list), ``index`` (a :class:`SelectorIndex`), ``image_counts``
    (normalised image name → how many nodes report it) and ``default_selector(pod)``.
    """

    def __init__(
        self,
        state: Any,
        *,
        seed: int = 0,
        weights: Mapping[str, int] | None = None,
        scoring_strategy: str = "LeastAllocated",
        resources: Sequence[tuple[str, int]] = DEFAULT_RESOURCES,
        percentage_of_nodes_to_score: int | None = None,
    ) -> None:
        if scoring_strategy not in ("LeastAllocated", "MostAllocated"):
            raise ValueError(f"scoring strategy {scoring_strategy} is not supported (LeastAllocated, MostAllocated)")
        self.state = state
        self.rng = random.Random(seed)
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.scoring_strategy = scoring_strategy
        self.resources = tuple(resources)
        self.percentage_of_nodes_to_score = percentage_of_nodes_to_score
        self.next_start = 0
        self._static_ids: dict[tuple, int] = {}
        self._list_key: tuple = ()
        self._list: list[Any] = []

    # -- node state keys -----------------------------------------------------------------

    def _node_list(self) -> list[Any]:
        nodes = self.state.nodes
        key = (id(nodes), len(nodes), getattr(self.state, "topology_version", 0))
        if key != self._list_key:
            self._list_key = key
            self._list = interleave_zones(nodes)
        return self._list

    def _static_key(self, node: Any) -> int:
        cached = node._static
        if cached is not None and cached[0] == node.spec_version:
            return cached[1]
        labels = tuple(sorted((k, v) for k, v in node.labels.items() if k != HOSTNAME))
        key = (
            tuple(sorted(node.allocatable.items())),
            labels,
            tuple((t.key, t.value, t.effect) for t in node.taints),
            node.unschedulable,
        )
        ident = self._static_ids.setdefault(key, len(self._static_ids))
        node._static = (node.spec_version, ident)
        return ident

    @staticmethod
    def _resource_key(node: Any) -> tuple:
        cached = node._rkey
        if cached is not None and cached[0] == node.version:
            return cached[1]
        key = (tuple(sorted(node.requested.items())), node.nonzero_cpu, node.nonzero_memory, len(node.pods))
        node._rkey = (node.version, key)
        return key

    # -- the cycle -------------------------------------------------------------------------

    def _filters(self, pod: Any, node: Any, spread: SpreadFilter | None) -> FilterOutcome:
        results: dict[str, str] = {}
        checks = (
            ("NodeUnschedulable", node_unschedulable_filter),
            ("NodeName", node_name_filter),
            ("TaintToleration", taint_filter),
            ("NodeAffinity", affinity_filter),
            ("NodeResourcesFit", lambda p, n: fit_filter(p.requests, n)),
            ("PodTopologySpread", (lambda p, n: spread.filter(n)) if spread else (lambda p, n: None)),
        )
        for plugin, check in checks:
            failed = check(pod, node)
            if failed:
                results[plugin] = failed[1]
                return FilterOutcome(results, plugin, failed[0], failed[1])
            results[plugin] = PASSED
        return FilterOutcome(results)

    def schedule(self, pod: Any) -> Decision:
        """Run one scheduling cycle for ``pod`` and return the decision (binding is the caller's)."""
        decision = Decision(pod, self.weights)
        nodes = self._node_list()
        n = len(nodes)
        decision.num_nodes = n
        if n == 0:
            decision.message = "no nodes available to schedule pods"
            return decision
        want = num_feasible_nodes_to_find(n, self.percentage_of_nodes_to_score)
        decision.num_to_find = want
        index: SelectorIndex = self.state.index
        spread_filter = SpreadFilter.of(pod, nodes, index)
        by_name = bool(pod.spec_node_name) or affinity_uses_name(pod)

        outcomes: dict[tuple, int] = {}
        feasible: list[Any] = []
        start = self.next_start % n
        for i in range(n):
            node = nodes[(start + i) % n]
            key = (
                self._static_key(node),
                self._resource_key(node),
                node.name if by_name else None,
                spread_filter.key(node) if spread_filter else None,
            )
            ident = outcomes.get(key)
            if ident is None:
                ident = outcomes[key] = len(decision._outcomes)
                decision._outcomes.append(self._filters(pod, node, spread_filter))
            decision._processed.append(node)
            decision._filter_ids.append(ident)
            if decision._outcomes[ident].passed:
                feasible.append(node)
                if len(feasible) >= want:
                    break
        self.next_start = (start + len(decision._processed)) % n
        decision._feasible = feasible

        if not feasible:
            decision.message = self._fit_error(decision, n)
            return decision
        if len(feasible) == 1:
            decision.node = feasible[0].name
            return decision
        self._score(pod, decision, feasible, nodes, by_name)
        return decision

    def _fit_error(self, decision: Decision, n: int) -> str:
        """``FitError.Error()``: ``0/N nodes are available: <count> <reason>, ... .``"""
        histogram: dict[str, int] = {}
        for i in decision._filter_ids:
            o = decision._outcomes[i]
            for reason in o.message.split(", "):
                histogram[reason] = histogram.get(reason, 0) + 1
        reasons = ", ".join(f"{c} {r}" for r, c in sorted(histogram.items()))
        return f"0/{n} nodes are available: {reasons}."

    def _score(self, pod: Any, decision: Decision, feasible: list[Any], nodes: list[Any], by_name: bool) -> None:
        w = self.weights
        spread = SpreadScore.of(pod, feasible, nodes, self.state.index, self.state.default_selector(pod))
        skip_affinity = not pod.preferred_terms
        skip_balanced = balanced_skip(pod, self.resources)
        decision.skipped = tuple(
            name
            for name, skipped in (
                ("NodeAffinity", skip_affinity),
                ("PodTopologySpread", spread is None),
                ("NodeResourcesBalancedAllocation", skip_balanced),
            )
            if skipped and name in w
        )
        images = [normalized_image_name(i) for i in pod.images]
        counts = self.state.image_counts
        total_nodes = len(nodes)

        classes: dict[tuple, int] = {}
        for node in feasible:
            status_images = node.status_images()
            key = (
                self._static_key(node),
                self._resource_key(node),
                node.name if by_name else None,
                tuple(status_images.get(i) for i in images),
                spread.key(node) if spread else None,
            )
            ident = classes.get(key)
            if ident is None:
                ident = classes[key] = len(decision._classes)
                raw = {}
                if "TaintToleration" in w:
                    raw["TaintToleration"] = taint_score(pod, node)
                if "NodeAffinity" in w:
                    raw["NodeAffinity"] = 0 if skip_affinity else affinity_score(pod, node)
                if "NodeResourcesFit" in w:
                    raw["NodeResourcesFit"] = fit_score(pod, node, self.scoring_strategy, self.resources)
                if "PodTopologySpread" in w:
                    raw["PodTopologySpread"] = spread.score(node) if spread else 0
                if "NodeResourcesBalancedAllocation" in w:
                    raw["NodeResourcesBalancedAllocation"] = 0 if skip_balanced else balanced_score(pod, node, self.resources)
                if "ImageLocality" in w:
                    raw["ImageLocality"] = image_locality_score(images, status_images, counts, total_nodes)[0]
                decision._classes.append(ScoreClass(raw))
                if spread and node.name in spread.ignored:
                    decision._classes[ident].raw["_ignored"] = 1
            decision._score_ids.append(ident)

        self._normalize(decision._classes, skip_affinity, spread)
        best = max(c.total for c in decision._classes)
        winners = [node for node, i in zip(feasible, decision._score_ids, strict=True) if decision._classes[i].total == best]
        # selectHost: uniform among the nodes sharing the top score (what its reservoir sampling
        # yields), drawn from this scheduler's seeded generator.
        chosen = winners[self.rng.randrange(len(winners))] if len(winners) > 1 else winners[0]
        decision.node = chosen.name

    def _normalize(self, classes: list[ScoreClass], skip_affinity: bool, spread: SpreadScore | None) -> None:
        # Normalising over classes equals normalising over nodes: min and max are the same.
        ignored = [c.raw.pop("_ignored", 0) for c in classes]
        for plugin in self.weights:
            raws = [c.raw.get(plugin, 0) for c in classes]
            if plugin == "TaintToleration":
                normalized = default_normalize(raws, reverse=True)
            elif plugin == "NodeAffinity":
                normalized = raws if skip_affinity else default_normalize(raws)
            elif plugin == "PodTopologySpread" and spread is not None:
                table = spread.normalize(dict(enumerate(raws)), {i for i, g in enumerate(ignored) if g})
                normalized = [table[i] for i in range(len(raws))]
            else:
                normalized = raws
            for c, value in zip(classes, normalized, strict=True):
                c.normalized[plugin] = value
                c.final[plugin] = value * self.weights[plugin]
        for c in classes:
            c.total = sum(c.final.values())


def default_selector(pod: Any, services: Sequence[Any], replica_sets: Sequence[Any]) -> LabelSelector:
    """``helper.DefaultSelector``: the Services' selectors and the ReplicaSets' selectors matching the pod, ANDed."""
    selector = LabelSelector()
    for svc in services:
        if svc.namespace == pod.namespace and svc.selector and LabelSelector(svc.selector).matches(pod.labels):
            selector = selector.merged(LabelSelector(svc.selector))
    for rs in replica_sets:
        if rs.namespace == pod.namespace and not rs.selector.empty and rs.selector.matches(pod.labels):
            selector = selector.merged(rs.selector)
    return selector
