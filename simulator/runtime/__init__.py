"""Containers as processes on a host: resources, signals, restart policies, workloads, stats.

A pure room (no engine, no shell): the engine gives each container its :class:`Resources` and
:class:`RestartPolicy` and starts its main process on a :class:`Host`; the model's
:class:`~simulator.model.container.Container` asks the host for ``stop``/``kill``/``wait``.

* :mod:`~simulator.runtime.resources`: the Docker SDK's options and the cgroup v2 files;
* :mod:`~simulator.runtime.process`: signals and exit codes (128 + n; PID 1's rule);
* :mod:`~simulator.runtime.restart`: restart policies and Docker's back-off;
* :mod:`~simulator.runtime.workload`: what a process does over time (``stress``, ``sleep`` ...);
* :mod:`~simulator.runtime.host`: CPUs, memory, OOM killer, CFS throttling, the clock;
* :mod:`~simulator.runtime.stats`: ``docker stats`` with docker/cli's formulas.
"""

from __future__ import annotations

from .host import Host, ProcessState
from .process import DEFAULT_STOP_TIMEOUT, SIGNALS, exit_code_of, parse_signal
from .resources import Cgroup, Resources, cpu_weight, parse_bytes
from .restart import RestartPolicy, next_delay
from .stats import Stats, stats_table
from .workload import Workload, workload_for

__all__ = [
    "DEFAULT_STOP_TIMEOUT",
    "SIGNALS",
    "Cgroup",
    "Host",
    "ProcessState",
    "Resources",
    "RestartPolicy",
    "Stats",
    "Workload",
    "cpu_weight",
    "exit_code_of",
    "next_delay",
    "parse_bytes",
    "parse_signal",
    "stats_table",
    "workload_for",
]
