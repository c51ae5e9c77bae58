"""The looks of the operations diagrams (a host's processes, a push/pull, a cluster).

They join :data:`simulator.viz.style.LOOKS` under new names when this module is imported, so
:func:`~simulator.viz.style.node` and :func:`~simulator.viz.style.add_legend` draw them like
every other look: an Okabe–Ito fill, and a shape and a word that carry the meaning too.
"""

from __future__ import annotations

from .style import LOOKS, OKABE_ITO, Look

__all__ = ["OPS_LOOKS"]

C = OKABE_ITO
OPS_LOOKS: dict[str, Look] = {
    # a host and its processes
    "host": Look("box3d", C["white"], "host: CPUs and memory the processes share"),
    "process": Look("component", C["orange"], "container = a process tree in its own cgroup"),
    "exited": Look("component", C["grey"], "exited container (no process)", style="filled,dashed"),
    # push / pull
    "blob_moved": Look("box", C["orange"], "blob sent over the network", peripheries=2, penwidth="2.5"),
    "blob_kept": Look("box", C["bluish_green"], "blob already there: not sent"),
    "blob_mounted": Look("box", C["reddish_purple"], "blob mounted from another repository: not sent"),
    "manifest": Look("note", C["yellow"], "manifest (lists config and layers)"),
    "registry": Look("cylinder", C["white"], "registry"),
    # a cluster
    "k8s_node": Look("box3d", C["white"], "node Ready"),
    "k8s_node_down": Look("box3d", C["grey"], "node NotReady or cordoned", style="filled,dashed"),
    "pod_ready": Look("ellipse", C["bluish_green"], "pod Running and Ready"),
    "pod_starting": Look("ellipse", C["yellow"], "pod bound, pulling or starting", style="filled,dashed"),
    "pod_failed": Look("octagon", C["vermillion"], "pod that cannot start (reason shown)"),
    "pod_pending": Look("ellipse", C["white"], "pod Pending: no node fits", style="filled,dotted"),
    "node_image": Look("cylinder", C["sky_blue"], "image cached on the node"),
    "selected": Look("box", C["bluish_green"], "SELECTED: highest total", peripheries=2, penwidth="3"),
    "feasible": Look("box", C["sky_blue"], "feasible: passed every filter, scored"),
    "filtered": Look("box", C["grey"], "FILTERED OUT: a filter failed", style="filled,dashed"),
}

for _key, _look in OPS_LOOKS.items():
    LOOKS.setdefault(_key, _look)
