"""kube-scheduler's default profile, one module per plugin family.

- :mod:`.framework` — plugin order, weights, ``DefaultNormalizeScore``, node sampling;
- :mod:`.noderesources` — NodeResourcesFit (filter; LeastAllocated / MostAllocated) and BalancedAllocation;
- :mod:`.imagelocality` — ImageLocality with its thresholds and spread;
- :mod:`.tainttoleration` — TaintToleration, NodeUnschedulable, NodeName;
- :mod:`.nodeaffinity` — NodeAffinity (``nodeSelector``, required and preferred terms);
- :mod:`.podtopologyspread` — PodTopologySpread and its system defaults;
- :mod:`.scheduler` — the cycle; :mod:`.decision` — the explanation.
"""

from .decision import Decision
from .framework import DEFAULT_WEIGHTS, FILTERS, SCORES, default_normalize, num_feasible_nodes_to_find
from .scheduler import Scheduler, default_selector

__all__ = [
    "DEFAULT_WEIGHTS",
    "FILTERS",
    "SCORES",
    "Decision",
    "Scheduler",
    "default_normalize",
    "default_selector",
    "num_feasible_nodes_to_find",
]
