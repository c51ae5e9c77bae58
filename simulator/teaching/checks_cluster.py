"""The exercises of the cluster lessons: where a pod goes, and requests that steer it.

As in :mod:`.checks`, the truth is computed each time (here with the cluster's own
scheduler, :meth:`simulator.cluster.Cluster.schedule`, a what-if that binds nothing), so this
file does not hold the answers.  A check never raises on a wrong or missing answer.
"""

from __future__ import annotations

from typing import Any

from ..cluster import Cluster, ClusterError, Pod
from .feedback import Feedback, blank, missing, right, wrong

__all__ = ["check_chosen_node", "check_fits_only_on"]


def check_chosen_node(cluster: Cluster, pod: Pod, answer: Any) -> Feedback:
    """Which node will kube-scheduler's default profile choose for ``pod``?"""
    if blank(answer):
        return missing("a node's name, as a string")
    names = [n.name for n in cluster.nodes]
    if answer not in names:
        return wrong(f"{answer!r} is not a node of this cluster.", f"The nodes are {', '.join(names)}.")
    decision = cluster.schedule(pod)
    if decision.node == answer:
        return right(f"Right: {answer}, with the highest total ({decision.final.get(answer, '-')}).")
    verdict = decision.filtered.get(str(answer), "passed")
    if verdict != "passed":
        return wrong(
            f"{answer} cannot take this pod.",
            "Filters come first: a node whose allocatable minus what its pods *request* is less "
            "than this pod's requests is filtered out, whatever the pods really use.",
        )
    return wrong(
        f"{answer} passes the filters, but another node scores higher.",
        "Add up each plugin's score times its weight (decision.explain() shows them): "
        "TaintToleration x3, NodeAffinity x2, PodTopologySpread x2, the others x1.",
    )


def check_fits_only_on(cluster: Cluster, make_pod: Any, node: str) -> Feedback:
    """``make_pod()`` must give a pod whose requests leave exactly one feasible node: ``node``."""
    if blank(make_pod):
        return missing("a function returning a Pod")
    try:
        pod = make_pod() if callable(make_pod) else make_pod
    except (ClusterError, ValueError, TypeError) as exc:
        return wrong(
            f"Making the pod failed: {exc}", 'Write it like Pod("p", image="app:1", cpu="1", memory="1Gi").'
        )
    if not isinstance(pod, Pod):
        return wrong(f"{pod!r} is not a Pod.", 'Return Pod("p", image=..., cpu=..., memory=...).')
    decision = cluster.schedule(pod)
    if decision.feasible == [node]:
        return right(f"Right: only {node} has room for these requests; every other node is filtered out.")
    if not decision.feasible:
        return wrong("No node can take this pod.", "Ask for less: it must still fit on " + node + ".")
    others = [n for n in decision.feasible if n != node]
    if others:
        return wrong(
            f"{', '.join(others)} can take it too.",
            "Compare each node's allocatable minus what its pods already request: ask for more "
            "than the others have left, but no more than " + node + " has left.",
        )
    return wrong(f"{node} cannot take it.", "Ask for no more than " + node + " has left.")
