"""A host and its containers as processes: what each one uses against its limits and the host.

- :func:`host_picture`: the host (CPUs, memory, what the running processes use, the sum of
  their limits) and one box per container: running or exited (exit code, ``OOMKilled``), its
  ``cpu.max`` and ``memory.max``, and what it uses now (``docker stats``' numbers);
- :func:`host_tree`: the same as a text tree; :func:`host_table`: ``docker stats`` as HTML.

The numbers are the host's own (``Host.stats``, ``Host.cgroup_stat``, ``Host.usage``), so the
picture and ``engine.host.stats_table()`` always agree.  A limit is drawn as a limit, never as
memory taken from the host: the picture says "limit" and "free" separately, on purpose.
"""

from __future__ import annotations

from typing import Any

import graphviz

from ..runtime import Host
from ..runtime.stats import bytes_size
from . import ops_looks as _ops_looks  # noqa: F401  (registers the looks used below)
from .dispatch import Tree, diagram_for, table_for, tree_for
from .style import LINE, add_legend, narrow, new_digraph, node
from .tables import html_table

__all__ = ["container_lines", "host_lines", "host_picture", "host_table", "host_tree"]


def _id(*parts: str) -> str:
    """A DOT id without ``:`` (a port in DOT) or other punctuation."""
    return "_".join("".join(ch if ch.isalnum() else "_" for ch in part) for part in parts)


def _cpus_text(limit: float | None) -> str:
    return "no CPU limit" if limit is None else f"CPU limit {limit:g}"


def _running(c: Any) -> bool:
    return bool(c.status == "running")


def host_lines(host: Host) -> list[str]:
    """The host's headline: CPUs, memory used and free, and the sum of the running limits."""
    u = host.usage()
    used, memory, limits = int(u["memory_used"]), int(u["memory"]), int(u["memory_limits"])
    return [
        f"host {host.name} · {host.cpus} CPUs · t={host.now:g}s",
        f"memory {bytes_size(memory)}: used {bytes_size(used)}, free {bytes_size(memory - used)}",
        f"sum of memory limits {bytes_size(limits)} (caps, not reserved)",
        f"{int(u['containers'])} running",
    ]


def container_lines(host: Host, c: Any) -> list[str]:
    """One container: its state, its limits (cgroup files) and what it uses now."""
    res = c.resources
    mem_max = c.cgroup["memory.max"]
    if _running(c):
        s = host.stats(c)
        return [
            f"container {c.name} · running · pids {s.pids}",
            f"cpu.max {c.cgroup['cpu.max']} ({_cpus_text(res.cpu_limit)})",
            f"CPU {s.cpu_percent:.2f}% (100% = one CPU)",
            f"memory.max {mem_max}",
            f"MEM {bytes_size(s.memory)} / {bytes_size(s.memory_limit)} ({s.memory_percent:.2f}%)",
        ]
    state = f"container {c.name} · {c.status}"
    if c.exit_code is not None:
        state += f" ({c.exit_code})"
    lines = [state, f"cpu.max {c.cgroup['cpu.max']}", f"memory.max {mem_max}"]
    if c.oom_killed:
        lines.append("OOMKilled: went over memory.max")
    if c.restart_count:
        lines.append(f"restarts {c.restart_count}")
    return lines


@diagram_for.register
def host_picture(host: Host) -> graphviz.Digraph:
    """The host and its containers' processes, each with its limits and its use now."""
    containers = [c for c in host.containers() if c.status != "removed"]
    g = new_digraph(
        "host",
        f"host {host.name} at t={host.now:g}s: {len(containers)} containers, "
        f"{sum(1 for c in containers if _running(c))} running",
        rankdir="TB",
    )
    node(g, "host", "host", *narrow(host_lines(host), LINE))
    looks = ["host"]
    for c in containers:
        look = "process" if _running(c) else "exited"
        if look not in looks:
            looks.append(look)
        cid = _id("container", c.name)
        node(g, cid, look, *narrow(container_lines(host, c)))
        g.edge("host", cid, style="solid" if _running(c) else "dashed")
    add_legend(g, looks, extra=[("solid", "a running process"), ("dashed", "no process now")])
    return g


@tree_for.register
def host_tree(host: Host) -> Tree:
    """The host as a text tree: its headline, then each container with its lines."""
    children: list[Tree] = []
    for c in host.containers():
        if c.status == "removed":
            continue
        lines = container_lines(host, c)
        children.append((lines[0], [(line, ()) for line in lines[1:]]))
    return (" · ".join(host_lines(host)), children)


@table_for.register
def host_table(host: Host) -> str:
    """``docker stats --no-stream`` of the running containers, with each container's status."""
    rows = []
    for c in host.containers():
        if c.status == "removed":
            continue
        if _running(c):
            row = host.stats(c).row()
            rows.append((c.name, c.status, row[2], row[3], row[4], row[7]))
        else:
            rows.append((c.name, f"{c.status} ({c.exit_code})", "-", "-", "-", "0"))
    return html_table(
        ["NAME", "STATUS", "CPU %", "MEM USAGE / LIMIT", "MEM %", "PIDS"],
        rows,
        caption=f"host {host.name} at t={host.now:g}s",
    )
