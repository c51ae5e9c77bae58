"""One scheduling cycle of kube-scheduler's default profile, for one pod.

The steps follow ``pkg/scheduler/schedule_one.go``: PreFilter, then Filter node by node from
``nextStartNodeIndex`` until ``numFeasibleNodesToFind`` nodes pass (every node in a cluster under
100 nodes), PreScore, Score, NormalizeScore, the weighted sum, and ``selectHost``: the highest
total wins and ties are broken at random (seeded here, so a lesson replays).  When only one node
passes the filters it is taken without scoring, as kube-scheduler does.

What a node's filters and node-local scores say about a pod depends on the pod's spec and the
node's state only, so they are kept per pod template (all replicas of a ReplicaSet share one) and
per node, and recomputed when the node changes (``Node.version``).  What depends on the whole
cluster — spreading counts, image spread, normalisation — is computed every cycle.  The result is
the per-node evaluation kube-scheduler does; only the repetition is saved.
"""

from __future__ import annotations

import math
import random
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from ..labels import HOSTNAME, LabelSelector
from ..objects import normalized_image_name
from .decision import PASSED, Decision, FilterOutcome
from .framework import DEFAULT_WEIGHTS, FILTERS, MAX_NODE_SCORE, interleave_zones, num_feasible_nodes_to_find
from .imagelocality import calculate_priority
from .nodeaffinity import affinity_filter, affinity_score
from .noderesources import DEFAULT_RESOURCES, balanced_score, balanced_skip, fit_filter, fit_score
from .podtopologyspread import SpreadFilter, domain_counts_for, soft_constraints
from .tainttoleration import node_name_filter, node_unschedulable_filter, taint_filter, taint_score

__all__ = ["Scheduler", "default_selector"]

# A cached entry per (pod template, node): (node.version, passed, FilterOutcome, score key number).
# A score key is (taint raw, affinity raw, fit, balanced, spread counts, spread label values, image sizes).
_CACHED_TEMPLATES = 32


class _Template:
    """What the scheduler keeps for one pod template: its plugin inputs and per-node results."""

    def __init__(self, scheduler: Scheduler, pod: Any) -> None:
        self.scheduler = scheduler
        self.pod = pod
        self.nodes: dict[Any, tuple[Any, ...]] = {}
        state = scheduler.state
        self.images = tuple(normalized_image_name(i) for i in pod.images)
        found = soft_constraints(pod, state.default_selector(pod))
        self.spread = found[0] if found else None
        self.require_all = found[1] if found else False
        self.skip_affinity = not pod.preferred_terms
        self.skip_balanced = balanced_skip(pod, scheduler.resources)
        self.key_ids: dict[tuple[Any, ...], int] = {}  # score key -> small int, so sets of keys hash fast
        self.keys: list[tuple[Any, ...]] = []  # small int -> score key

    def entry(self, node: Any) -> tuple[Any, ...]:
        pod, s = self.pod, self.scheduler
        outcome = s.filters(pod, node)
        if not outcome.passed:
            return (node.version, False, outcome, -1)
        host: tuple[Any, ...] = ()
        labels: tuple[Any, ...] = ()
        if self.spread:
            index, all_nodes = s.state.index, s.state.nodes
            host = tuple(
                index.node_counts(pod.namespace, c.selector, all_nodes).get(node.name, 0)
                if c.topology_key == HOSTNAME and c.selector is not None
                else 0
                for c in self.spread
            )
            # the hostname's value is the node's own name: only its presence matters
            labels = tuple(
                ("" if c.topology_key in node.labels else None)
                if c.topology_key == HOSTNAME
                else node.labels.get(c.topology_key)
                for c in self.spread
            )
        status = node.status_images()
        local = (
            taint_score(pod, node),
            0 if self.skip_affinity else affinity_score(pod, node),
            fit_score(pod, node, s.scoring_strategy, s.resources),
            0 if self.skip_balanced else balanced_score(pod, node, s.resources),
            host,
            labels,
            tuple(status.get(i) for i in self.images),
        )
        # nodes with equal score keys score equally this cycle; the entry holds the key's number
        ident = self.key_ids.get(local)
        if ident is None:
            ident = self.key_ids[local] = len(self.keys)
            self.keys.append(local)
        return (node.version, True, outcome, ident)


class Scheduler:
    """kube-scheduler's default profile over a cluster ``state``.

    ``state`` provides ``nodes`` (a list), ``index`` (a :class:`SelectorIndex`), ``image_counts``
    (normalised image name → how many nodes report it), ``default_selector(pod)``,
    ``topology_version`` and ``services_version``.
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
            raise ValueError(
                f"scoring strategy {scoring_strategy} is not supported (LeastAllocated, MostAllocated)"
            )
        self.state = state
        self.rng = random.Random(seed)
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.scoring_strategy = scoring_strategy
        self.resources = tuple(resources)
        self.percentage_of_nodes_to_score = percentage_of_nodes_to_score
        self.next_start = 0
        self._list_key: tuple[Any, ...] = ()
        self._list: list[Any] = []
        self._templates: OrderedDict[tuple[Any, ...], _Template] = OrderedDict()
        self._outcomes: dict[tuple[Any, ...], FilterOutcome] = {}

    # -- filters -----------------------------------------------------------------------------

    def _outcome(self, plugin: str = "", code: str = "", message: str = "") -> FilterOutcome:
        key = (plugin, code, message)
        found = self._outcomes.get(key)
        if found is None:
            results: dict[str, str] = {}
            for name in FILTERS:
                if name == plugin:
                    results[name] = message
                    break
                results[name] = PASSED
            found = self._outcomes[key] = FilterOutcome(results, plugin, code, message)
        return found

    def filters(self, pod: Any, node: Any) -> FilterOutcome:
        """Run the filters on one node, in order, stopping at the first failure (PodTopologySpread's
        hard constraints, which depend on the whole cluster, are checked per cycle)."""
        for plugin, check in (
            ("NodeUnschedulable", node_unschedulable_filter),
            ("NodeName", node_name_filter),
            ("TaintToleration", taint_filter),
            ("NodeAffinity", affinity_filter),
        ):
            failed = check(pod, node)
            if failed:
                return self._outcome(plugin, *failed)
        failed = fit_filter(pod.requests, node)
        if failed:
            return self._outcome("NodeResourcesFit", *failed)
        return self._outcome()

    # -- the cycle -------------------------------------------------------------------------

    def _node_list(self) -> list[Any]:
        nodes = self.state.nodes
        key = (id(nodes), len(nodes), self.state.topology_version)
        if key != self._list_key:
            self._list_key = key
            self._list = interleave_zones(nodes)
        return self._list

    def _template(self, pod: Any) -> _Template:
        if pod.owner:
            key: tuple[Any, ...] = (
                "rs",
                pod.namespace,
                pod.owner,
                pod.spec_node_name,
                self.state.services_version,
            )
        else:
            key = ("pod", id(pod), self.state.services_version)
        found = self._templates.get(key)
        if found is None or (key[0] == "pod" and found.pod is not pod):
            found = self._templates[key] = _Template(self, pod)
            if len(self._templates) > _CACHED_TEMPLATES:
                self._templates.popitem(last=False)
        else:
            self._templates.move_to_end(key)
        return found

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
        template = self._template(pod)
        cache, make = template.nodes, template.entry
        spread_filter = SpreadFilter.of(pod, self.state.nodes, self.state.index)
        start = self.next_start % n
        window = nodes[start:] + nodes[:start] if start else nodes
        feasible: list[Any] = []
        feasible_keys: list[int] = []
        add_node, add_key = feasible.append, feasible_keys.append
        failures = decision._failures  # examined position -> outcome, for the nodes that failed
        examined = 0
        for node in window:
            e = cache.get(node)
            if e is None or e[0] != node.version:
                e = cache[node] = make(node)
            examined += 1
            if not e[1]:
                failures[examined - 1] = e[2]
                continue
            if spread_filter is not None:
                failed = spread_filter.filter(node)
                if failed:
                    failures[examined - 1] = self._outcome("PodTopologySpread", *failed)
                    continue
            add_node(node)
            add_key(e[3])
            if len(feasible) == want:
                break
        self.next_start = (start + examined) % n
        decision._nodes, decision._start, decision._examined = nodes, start, examined
        decision._passed = self._outcome()
        keys = set(feasible_keys)

        if not feasible:
            decision.message = self._fit_error(decision.outcomes(), n)
            return decision
        if len(feasible) == 1:
            decision.node = feasible[0].name
            return decision
        decision.node = self._score(decision, template, feasible, feasible_keys, keys, n)
        return decision

    @staticmethod
    def _fit_error(outcomes: list[FilterOutcome], n: int) -> str:
        """``FitError.Error()``: ``0/N nodes are available: <count> <reason>, ... .``"""
        histogram: dict[str, int] = {}
        for o in outcomes:
            for reason in o.message.split(", "):
                histogram[reason] = histogram.get(reason, 0) + 1
        # sortReasonsHistogram: "<count> <reason>" strings, sorted as strings
        reasons = ", ".join(sorted(f"{c} {r}" for r, c in histogram.items()))
        return f"0/{n} nodes are available: {reasons}."

    def _spread_raw(
        self, template: _Template, feasible_keys: list[int], key_ids: set[int]
    ) -> tuple[dict[int, int], set[int]]:
        """PodTopologySpread's raw score per score key, and the keys of nodes it ignores."""
        constraints, require_all = template.spread, template.require_all
        assert constraints is not None
        table_of = template.keys
        ignored = {k for k in key_ids if None in table_of[k][5]} if require_all else set()
        live_keys = [table_of[k] for k in key_ids if k not in ignored]
        live = len(feasible_keys) - (sum(1 for k in feasible_keys if k in ignored) if ignored else 0)
        terms = []  # per constraint: (position, is hostname, weight, maxSkew - 1, domain counts)
        for i, c in enumerate(constraints):
            if c.topology_key == HOSTNAME:
                size = live
                domain: dict[str, int] = {}
            else:
                size = len({"" if k[5][i] is None else k[5][i] for k in live_keys})
                domain = (
                    domain_counts_for(
                        template.pod, c, require_all, constraints, self.state.nodes, self.state.index
                    )
                    if c.selector is not None
                    else {}
                )
            terms.append(
                (i, c.topology_key == HOSTNAME, math.log(float(size + 2)), float(c.max_skew - 1), domain)
            )
        table: dict[int, int] = {}
        for ident in key_ids:
            key = table_of[ident]
            host, labels = key[4], key[5]
            if ident in ignored:
                table[ident] = 0
                continue
            total = 0.0
            for i, is_host, weight, extra, domain in terms:
                value = labels[i]
                if value is None:
                    continue
                count = host[i] if is_host else domain.get(value, 0)
                total += float(count) * weight + extra
            table[ident] = math.floor(total + 0.5)  # Go's math.Round (scores are >= 0)
        return table, ignored

    def _image_raw(self, template: _Template, key_ids: set[int], total_nodes: int) -> dict[int, int]:
        """ImageLocality's score per score key."""
        counts = self.state.image_counts
        spread = [float(counts.get(i, 0)) / float(total_nodes) for i in template.images]
        containers = len(template.images)
        by_sizes: dict[tuple[Any, ...], int] = {}
        table = {}
        for ident in key_ids:
            sizes = template.keys[ident][6]
            score = by_sizes.get(sizes)
            if score is None:
                s = 0
                for size, factor in zip(sizes, spread, strict=True):
                    if size is not None:
                        s += int(float(size) * factor)
                score = by_sizes[sizes] = calculate_priority(s, containers)
            table[ident] = score
        return table

    def _score(
        self,
        decision: Decision,
        template: _Template,
        feasible: list[Any],
        feasible_keys: list[int],
        key_ids: set[int],
        n: int,
    ) -> str:
        """Score the feasible nodes (once per distinct score key), normalise, sum, select."""
        w = self.weights
        spread_skipped = template.spread is None or "PodTopologySpread" not in w
        decision.skipped = tuple(
            name
            for name, skipped in (
                ("NodeAffinity", template.skip_affinity),
                ("PodTopologySpread", template.spread is None),
                ("NodeResourcesBalancedAllocation", template.skip_balanced),
            )
            if skipped and name in w
        )
        if spread_skipped:
            spread, ignored = dict.fromkeys(key_ids, 0), set[int]()
        else:
            spread, ignored = self._spread_raw(template, feasible_keys, key_ids)
        image = self._image_raw(template, key_ids, n) if "ImageLocality" in w else dict.fromkeys(key_ids, 0)
        decision._feasible, decision._feasible_keys, decision._keys = feasible, feasible_keys, template.keys
        decision._spread_by_key, decision._image_by_key, decision._ignored_keys = spread, image, ignored

        keys = {k: template.keys[k] for k in key_ids}
        taints = [key[0] for key in keys.values()]
        affinities = [key[1] for key in keys.values()]
        live = [spread[k] for k in key_ids if k not in ignored]
        lo, hi = (min(live), max(live)) if live else (0, 0)
        decision._bounds = {
            "TaintToleration": (min(taints), taint_top := max(taints)),
            "NodeAffinity": (min(affinities), affinity_top := max(affinities)),
            "PodTopologySpread": (lo, hi),
        }
        get = w.get
        totals: dict[int, int] = {}
        for k, key in keys.items():
            t = get("NodeResourcesFit", 0) * key[2] + get("NodeResourcesBalancedAllocation", 0) * key[3]
            t += get("TaintToleration", 0) * (
                MAX_NODE_SCORE if taint_top == 0 else MAX_NODE_SCORE - MAX_NODE_SCORE * key[0] // taint_top
            )
            if not template.skip_affinity and affinity_top:
                t += get("NodeAffinity", 0) * (MAX_NODE_SCORE * key[1] // affinity_top)
            if not spread_skipped and k not in ignored:
                s = spread[k]
                t += get("PodTopologySpread", 0) * (
                    MAX_NODE_SCORE if hi == 0 else MAX_NODE_SCORE * (hi + lo - s) // hi
                )
            t += get("ImageLocality", 0) * image[k]
            totals[k] = t
        best = max(totals.values())
        best_keys = {k for k, t in totals.items() if t == best}
        if len(best_keys) == 1:
            (only,) = best_keys
            winners = [node for node, k in zip(feasible, feasible_keys, strict=True) if k == only]
        else:
            winners = [node for node, k in zip(feasible, feasible_keys, strict=True) if k in best_keys]
        # selectHost: uniform among the nodes sharing the top score (what its reservoir sampling
        # yields), drawn from this scheduler's seeded generator.
        chosen = winners[self.rng.randrange(len(winners))] if len(winners) > 1 else winners[0]
        name: str = chosen.name
        return name


def default_selector(pod: Any, services: Sequence[Any], replica_sets: Sequence[Any]) -> LabelSelector:
    """``helper.DefaultSelector``: the Services' selectors and the ReplicaSets' selectors matching the pod, ANDed."""
    selector = LabelSelector()
    for svc in services:
        if (
            svc.namespace == pod.namespace
            and svc.selector
            and LabelSelector(svc.selector).matches(pod.labels)
        ):
            selector = selector.merged(LabelSelector(svc.selector))
    for rs in replica_sets:
        if rs.namespace == pod.namespace and not rs.selector.empty and rs.selector.matches(pod.labels):
            selector = selector.merged(rs.selector)
    return selector
