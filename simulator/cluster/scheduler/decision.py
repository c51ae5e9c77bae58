"""A scheduling decision, explained per node and plugin in kube-scheduler-simulator's shape.

kube-scheduler-simulator (kubernetes-sigs) writes its results on the pod as annotations:
``filter-result`` (node → plugin → ``"passed"`` or the reason), ``score-result`` (node → plugin →
the raw score), ``finalscore-result`` (node → plugin → normalised score × weight) and
``selected-node``.  :meth:`Decision.annotations` gives the same keys and JSON; the properties give
the same facts as Python dicts.  A decision is stored compactly (the raw scores and the
normalisation bounds) and its per-node tables are built when first read.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from .framework import MAX_NODE_SCORE, SCORES

__all__ = ["ANNOTATION_PREFIX", "Decision", "FilterOutcome"]

ANNOTATION_PREFIX = "kube-scheduler-simulator.sigs.k8s.io/"
PASSED = "passed"


class FilterOutcome:
    """The filters' verdict on a node: each plugin run, up to the first failure."""

    __slots__ = ("code", "message", "passed", "plugin", "results")

    def __init__(self, results: dict[str, str], plugin: str = "", code: str = "", message: str = "") -> None:
        self.results = results
        self.plugin = plugin
        self.code = code
        self.message = message
        self.passed = not plugin


class Decision:
    """Where a pod goes and why: per node filter reasons, per plugin scores, the final sums."""

    def __init__(self, pod: Any, weights: dict[str, int]) -> None:
        self.pod = pod
        self.weights = weights
        self.node: str | None = None
        self.skipped: tuple[str, ...] = ()  # score plugins whose PreScore returned Skip
        self.num_nodes = 0
        self.num_to_find = 0
        self.message = ""
        # what the cycle saw, compactly
        self._nodes: list[Any] = []  # the scheduler's node list (shared between decisions)
        self._start = 0
        self._examined = 0  # how many nodes the filters saw, from _start on
        self._failures: dict[
            int, FilterOutcome
        ] = {}  # examined position -> the outcome of a node that failed
        self._passed = FilterOutcome({})  # the outcome of every node that passed (the scheduler's)
        self._feasible: list[Any] = []  # feasible nodes, when scored
        self._feasible_keys: list[int] = []  # their score keys' numbers
        self._keys: list[tuple[Any, ...]] = []  # score key number -> (taint, affinity, fit, balanced, ...)
        self._spread_by_key: dict[int, int] = {}  # PodTopologySpread raw score per score key
        self._image_by_key: dict[int, int] = {}  # ImageLocality raw score per score key
        self._ignored_keys: set[int] = set()  # PodTopologySpread: keys of nodes missing a topology key
        self._bounds: dict[str, tuple[int, int]] = {}  # plugin -> (min, max) of raw scores

    # -- what the scheduler saw ------------------------------------------------------------

    @property
    def scheduled(self) -> bool:
        return self.node is not None

    def _examined_nodes(self) -> list[Any]:
        n = len(self._nodes)
        return [self._nodes[(self._start + i) % n] for i in range(self._examined)]

    def outcomes(self) -> list[FilterOutcome]:
        """The filter outcome of each examined node, in examination order."""
        failures, passed = self._failures, self._passed
        return [failures.get(i, passed) for i in range(self._examined)]

    @cached_property
    def filtered(self) -> dict[str, str]:
        """Node → ``"passed"`` or the first failing filter's reason(s), as kube-scheduler words them."""
        return {
            node.name: (o.message if o.plugin else PASSED)
            for node, o in zip(self._examined_nodes(), self.outcomes(), strict=True)
        }

    @cached_property
    def filter_result(self) -> dict[str, dict[str, str]]:
        """The ``filter-result`` annotation: node → plugin → ``"passed"`` or the reason."""
        return {
            node.name: dict(o.results)
            for node, o in zip(self._examined_nodes(), self.outcomes(), strict=True)
        }

    @property
    def feasible(self) -> list[str]:
        return [
            node.name for node, o in zip(self._examined_nodes(), self.outcomes(), strict=True) if o.passed
        ]

    def _raw(self, j: int) -> dict[str, int]:
        k = self._feasible_keys[j]
        key = self._keys[k]
        raw = {
            "TaintToleration": key[0],
            "NodeAffinity": key[1],
            "NodeResourcesFit": key[2],
            "PodTopologySpread": self._spread_by_key[k],
            "NodeResourcesBalancedAllocation": key[3],
            "ImageLocality": self._image_by_key[k],
        }
        return {p: raw[p] for p in SCORES if p in self.weights}

    def _normalized(self, j: int, raw: dict[str, int]) -> dict[str, int]:
        out = dict(raw)
        if "TaintToleration" in raw:
            top = self._bounds["TaintToleration"][1]
            out["TaintToleration"] = (
                MAX_NODE_SCORE
                if top == 0
                else MAX_NODE_SCORE - MAX_NODE_SCORE * raw["TaintToleration"] // top
            )
        if "NodeAffinity" in raw and "NodeAffinity" not in self.skipped:
            top = self._bounds["NodeAffinity"][1]
            out["NodeAffinity"] = (
                raw["NodeAffinity"] if top == 0 else MAX_NODE_SCORE * raw["NodeAffinity"] // top
            )
        if "PodTopologySpread" in raw and "PodTopologySpread" not in self.skipped:
            lo, hi = self._bounds["PodTopologySpread"]
            s = raw["PodTopologySpread"]
            out["PodTopologySpread"] = (
                0
                if self._feasible_keys[j] in self._ignored_keys
                else MAX_NODE_SCORE
                if hi == 0
                else MAX_NODE_SCORE * (hi + lo - s) // hi
            )
        return out

    @cached_property
    def raw_scores(self) -> dict[str, dict[str, int]]:
        """The ``score-result`` annotation's numbers: each plugin's score before normalisation."""
        if not self._feasible_keys:
            return {}
        return {n.name: self._raw(j) for j, n in enumerate(self._feasible)}

    @cached_property
    def scores(self) -> dict[str, dict[str, int]]:
        """Node → plugin → normalised score (0-100), before weights."""
        return {n.name: self._normalized(j, self._raw(j)) for j, n in enumerate(self._feasible)}

    @cached_property
    def final_by_plugin(self) -> dict[str, dict[str, int]]:
        """The ``finalscore-result`` annotation's numbers: normalised score × plugin weight."""
        return {n: {p: v * self.weights[p] for p, v in s.items()} for n, s in self.scores.items()}

    @cached_property
    def final(self) -> dict[str, int]:
        """Node → the weighted sum the scheduler ranks by."""
        return {n: sum(s.values()) for n, s in self.final_by_plugin.items()}

    def annotations(self) -> dict[str, str]:
        """kube-scheduler-simulator's result annotations (JSON strings, scores as strings)."""

        def as_text(table: dict[str, dict[str, int]]) -> str:
            return json.dumps(
                {n: {p: str(v) for p, v in sorted(d.items())} for n, d in table.items()}, sort_keys=True
            )

        out = {
            ANNOTATION_PREFIX + "filter-result": json.dumps(self.filter_result, sort_keys=True),
            ANNOTATION_PREFIX + "score-result": as_text(self.raw_scores),
            ANNOTATION_PREFIX + "finalscore-result": as_text(self.final_by_plugin),
        }
        if self.node:
            out[ANNOTATION_PREFIX + "selected-node"] = self.node
        return out

    # -- for people ------------------------------------------------------------------------

    def explain(self, node: str | None = None) -> str:
        """A table: each node's filter verdict, then each plugin's score and the total."""
        lines = [
            f"pod {self.pod.name}: "
            + (f"bound to {self.node}" if self.node else self.message or "unschedulable")
        ]
        if self.num_to_find < self.num_nodes:
            lines.append(
                f"  examined {self._examined} of {self.num_nodes} nodes "
                f"(stops after {self.num_to_find} feasible: percentageOfNodesToScore)"
            )
        if self.skipped:
            lines.append(f"  skipped (PreScore Skip, score 0): {', '.join(self.skipped)}")
        names = [node] if node else list(self.filtered)
        for name in names:
            verdict = self.filtered.get(name, "not examined")
            if verdict != PASSED:
                failing = next((p for p, m in self.filter_result.get(name, {}).items() if m != PASSED), "")
                lines.append(f"  {name}: filtered out by {failing}: {verdict}")
                continue
            if name not in self.final:
                lines.append(f"  {name}: passed (only feasible node: not scored)")
                continue
            parts = ", ".join(f"{p} {v}×{self.weights[p]}" for p, v in self.scores[name].items())
            mark = "  <- selected" if name == self.node else ""
            lines.append(f"  {name}: {parts} = {self.final[name]}{mark}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        where = self.node or "unschedulable"
        return f"<Decision {self.pod.name} -> {where}, {len(self.feasible)} feasible of {self.num_nodes}>"
