"""Label selectors, node selector terms, taints and tolerations: the matching rules.

Transcribed (as rules, not code) from ``k8s.io/apimachinery/pkg/labels``,
``k8s.io/component-helpers/scheduling/corev1/nodeaffinity`` and ``k8s.io/api/core/v1/toleration.go``:

- a label selector ANDs its ``matchLabels`` and ``matchExpressions`` (In, NotIn, Exists, DoesNotExist);
  ``NotIn`` and ``DoesNotExist`` match a missing label;
- node affinity: ``nodeSelectorTerms`` are ORed, the requirements inside one term ANDed; a term with
  no requirement matches nothing; ``Gt``/``Lt`` compare the label as an integer; ``matchFields``
  knows only ``metadata.name``;
- a toleration tolerates a taint when its effect is empty or equal, its key is empty or equal, and
  ``Exists`` (any value) or ``Equal`` (same value; the default operator).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "HOSTNAME",
    "ZONE",
    "LabelSelector",
    "NodeSelectorTerm",
    "PreferredTerm",
    "Requirement",
    "Taint",
    "Toleration",
    "find_untolerated",
    "tolerates",
]

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
LABEL_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
NODE_OPERATORS = (*LABEL_OPERATORS, "Gt", "Lt")
_LABEL_VALUE = re.compile(r"^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def valid_label_value(value: str) -> bool:
    return len(value) <= 63 and bool(_LABEL_VALUE.match(value))


@dataclass(frozen=True, slots=True)
class Requirement:
    """``key operator values``: one expression of a selector or a node selector term."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        op = self.operator
        if op == "In":
            return present and labels[self.key] in self.values
        if op == "NotIn":
            return not present or labels[self.key] not in self.values
        if op == "Exists":
            return present
        if op == "DoesNotExist":
            return not present
        if op in ("Gt", "Lt"):
            if not present or len(self.values) != 1:
                return False
            try:
                have, want = int(labels[self.key]), int(self.values[0])
            except ValueError:
                return False
            return have > want if op == "Gt" else have < want
        return False

    def __str__(self) -> str:
        if self.operator in ("Exists", "DoesNotExist"):
            return f"{'!' if self.operator == 'DoesNotExist' else ''}{self.key}"
        return f"{self.key} {self.operator.lower()} ({','.join(self.values)})"


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """A ``metav1.LabelSelector``.  ``LabelSelector()`` (empty) matches everything.

    >>> LabelSelector({"app": "web"}).matches({"app": "web", "tier": "front"})
    True
    """

    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[Requirement, ...] = ()

    def __init__(
        self, match_labels: Mapping[str, str] | None = None, match_expressions: Iterable[Requirement] = ()
    ) -> None:
        object.__setattr__(self, "match_labels", tuple(sorted((match_labels or {}).items())))
        object.__setattr__(self, "match_expressions", tuple(match_expressions))

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.match_expressions

    def matches(self, labels: Mapping[str, str]) -> bool:
        for k, v in self.match_labels:
            if labels.get(k) != v:
                return False
        return all(r.matches(labels) for r in self.match_expressions)

    def merged(self, other: LabelSelector) -> LabelSelector:
        """Both selectors ANDed (how the scheduler builds a pod's default spreading selector)."""
        labels = dict(self.match_labels)
        labels.update(other.match_labels)
        return LabelSelector(labels, (*self.match_expressions, *other.match_expressions))

    def __str__(self) -> str:
        parts = [f"{k}={v}" for k, v in self.match_labels] + [str(r) for r in self.match_expressions]
        return ",".join(parts) or "<everything>"


@dataclass(frozen=True, slots=True)
class NodeSelectorTerm:
    """One ``nodeSelectorTerms`` entry: its requirements are ANDed; an empty term matches nothing."""

    match_expressions: tuple[Requirement, ...] = ()
    match_fields: tuple[Requirement, ...] = ()

    def matches(self, node_name: str, labels: Mapping[str, str]) -> bool:
        if not self.match_expressions and not self.match_fields:
            return False
        for r in self.match_expressions:  # an invalid value makes the selector an error: no match
            if r.operator in ("In", "NotIn") and not all(valid_label_value(v) for v in r.values):
                return False
        if not all(r.matches(labels) for r in self.match_expressions):
            return False
        fields = {"metadata.name": node_name}
        return all(r.matches(fields) for r in self.match_fields)

    @property
    def uses_name(self) -> bool:
        return bool(self.match_fields) or any(r.key == HOSTNAME for r in self.match_expressions)


@dataclass(frozen=True, slots=True)
class PreferredTerm:
    """``preferredDuringSchedulingIgnoredDuringExecution``: a weight (1-100) and a term."""

    weight: int
    preference: NodeSelectorTerm = field(default_factory=NodeSelectorTerm)


@dataclass(frozen=True, slots=True)
class Taint:
    """``key=value:effect`` on a node."""

    key: str
    value: str = ""
    effect: str = "NoSchedule"
    time_added: float | None = None  # logical seconds; set for NoExecute taints the cluster adds

    def __str__(self) -> str:
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


@dataclass(frozen=True, slots=True)
class Toleration:
    """A pod's toleration; ``operator`` is ``Equal`` (default) or ``Exists``."""

    key: str = ""
    operator: str = "Equal"
    value: str = ""
    effect: str = ""
    toleration_seconds: int | None = None


def tolerates(toleration: Toleration, taint: Taint) -> bool:
    """``Toleration.ToleratesTaint``: effect, then key, then operator and value."""
    if toleration.effect and toleration.effect != taint.effect:
        return False
    if toleration.key and toleration.key != taint.key:
        return False
    if toleration.operator == "Exists":
        return True
    if toleration.operator in ("", "Equal"):
        return toleration.value == taint.value
    return False


def find_untolerated(
    taints: Iterable[Taint],
    tolerations: Iterable[Toleration],
    effects: tuple[str, ...] = ("NoSchedule", "NoExecute"),
) -> Taint | None:
    """The first taint (in the node's order) with one of ``effects`` that no toleration tolerates."""
    tolerations = tuple(tolerations)
    for taint in taints:
        if taint.effect in effects and not any(tolerates(t, taint) for t in tolerations):
            return taint
    return None
