"""A scheduling decision, explained per node and plugin in kube-scheduler-simulator's shape.

kube-scheduler-simulator (kubernetes-sigs) writes its results on the pod as annotations:
``filter-result`` (node → plugin → ``"passed"`` or the reason), ``score-result`` (node → plugin →
the raw score), ``finalscore-result`` (node → plugin → normalised score × weight) and
``selected-node``.  :meth:`Decision.annotations` gives the same keys and JSON; the properties give
the same facts as Python dicts.  Nodes are evaluated in classes (nodes whose state is the same
share one evaluation), and the per-node tables are built when first read.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from .framework import SCORES

__all__ = ["ANNOTATION_PREFIX", "Decision", "FilterOutcome", "ScoreClass"]

ANNOTATION_PREFIX = "kube-scheduler-simulator.sigs.k8s.io/"
PASSED = "passed"


class FilterOutcome:
    """The filters' verdict for one class of nodes: each plugin run, up to the first failure."""

    __slots__ = ("code", "message", "plugin", "results")

    def __init__(self, results: dict[str, str], plugin: str = "", code: str = "", message: str = "") -> None:
        self.results = results
        self.plugin = plugin
        self.code = code
        self.message = message

    @property
    def passed(self) -> bool:
        return not self.plugin


class ScoreClass:
    """Raw, normalised and weighted scores for one class of feasible nodes."""

    __slots__ = ("final", "normalized", "raw", "total")

    def __init__(self, raw: dict[str, int]) -> None:
        self.raw = raw
        self.normalized: dict[str, int] = {}
        self.final: dict[str, int] = {}
        self.total = 0


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
        self._processed: list[Any] = []
        self._filter_ids: list[int] = []
        self._outcomes: list[FilterOutcome] = []
        self._feasible: list[Any] = []
        self._score_ids: list[int] = []
        self._classes: list[ScoreClass] = []

    # -- what the scheduler saw ------------------------------------------------------------

    @property
    def scheduled(self) -> bool:
        return self.node is not None

    @cached_property
    def filtered(self) -> dict[str, str]:
        """Node → ``"passed"`` or the first failing filter's reason(s), as kube-scheduler words them."""
        return {
            n.name: (o.message if o.plugin else PASSED)
            for n, o in zip(self._processed, (self._outcomes[i] for i in self._filter_ids), strict=True)
        }

    @cached_property
    def filter_result(self) -> dict[str, dict[str, str]]:
        """The ``filter-result`` annotation: node → plugin → ``"passed"`` or the reason."""
        return {
            n.name: dict(self._outcomes[i].results) for n, i in zip(self._processed, self._filter_ids, strict=True)
        }

    @property
    def feasible(self) -> list[str]:
        return [n.name for n in self._feasible]

    @cached_property
    def raw_scores(self) -> dict[str, dict[str, int]]:
        """The ``score-result`` annotation's numbers: each plugin's score before normalisation."""
        return {n.name: dict(self._classes[i].raw) for n, i in zip(self._feasible, self._score_ids, strict=False)}

    @cached_property
    def scores(self) -> dict[str, dict[str, int]]:
        """Node → plugin → normalised score (0-100), before weights."""
        return {
            n.name: dict(self._classes[i].normalized) for n, i in zip(self._feasible, self._score_ids, strict=False)
        }

    @cached_property
    def final_by_plugin(self) -> dict[str, dict[str, int]]:
        """The ``finalscore-result`` annotation's numbers: normalised score × plugin weight."""
        return {n.name: dict(self._classes[i].final) for n, i in zip(self._feasible, self._score_ids, strict=False)}

    @cached_property
    def final(self) -> dict[str, int]:
        """Node → the weighted sum the scheduler ranks by."""
        return {n.name: self._classes[i].total for n, i in zip(self._feasible, self._score_ids, strict=False)}

    def annotations(self) -> dict[str, str]:
        """kube-scheduler-simulator's result annotations (JSON strings, scores as strings)."""

        def as_text(table: dict[str, dict[str, int]]) -> str:
            return json.dumps({n: {p: str(v) for p, v in sorted(d.items())} for n, d in table.items()}, sort_keys=True)

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
        lines = [f"pod {self.pod.name}: " + (f"bound to {self.node}" if self.node else self.message or "unschedulable")]
        if self.num_to_find < self.num_nodes:
            lines.append(
                f"  examined {len(self._processed)} of {self.num_nodes} nodes "
                f"(stops after {self.num_to_find} feasible: percentageOfNodesToScore)"
            )
        if self.skipped:
            lines.append(f"  skipped (PreScore Skip, score 0): {', '.join(self.skipped)}")
        names = [node] if node else list(self.filtered)
        plugins = [p for p in SCORES if p in self.weights]
        for name in names:
            verdict = self.filtered.get(name, "not examined")
            if verdict != PASSED:
                failing = next((p for p, m in self.filter_result.get(name, {}).items() if m != PASSED), "")
                lines.append(f"  {name}: filtered out by {failing}: {verdict}")
                continue
            if name not in self.final:
                lines.append(f"  {name}: passed (only feasible node: not scored)")
                continue
            parts = ", ".join(
                f"{p} {self.scores[name][p]}×{self.weights[p]}" for p in plugins if p in self.scores[name]
            )
            mark = "  <- selected" if name == self.node else ""
            lines.append(f"  {name}: {parts} = {self.final[name]}{mark}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        where = self.node or "unschedulable"
        return f"<Decision {self.pod.name} -> {where}, {len(self._feasible)} feasible of {self.num_nodes}>"

