"""``docker stats``: the numbers and the text, with docker/cli's formulas.

From docker/cli ``cli/command/container/stats_helpers.go`` and ``formatter_stats.go``:

* CPU % = (Δ container CPU time / Δ system CPU time) × online CPUs × 100, over the interval
  between two readings; the system time counts every CPU, so a container held at ``--cpus=1.5``
  shows 150 %, not 37.5 %; 0 when either delta is not positive;
* MEM USAGE = usage − ``inactive_file`` on cgroup v2 (``total_inactive_file`` on v1): page cache
  that can be dropped is not counted; LIMIT = ``memory.max``, or the host's memory without one;
* MEM % = MEM USAGE / LIMIT × 100 (0 when the limit is 0);
* sizes: ``units.BytesSize`` (binary, 4 significant digits: ``512MiB``) for memory,
  ``units.HumanSizeWithPrecision(.., 3)`` (decimal: ``0B``, ``1.5kB``) for NET and BLOCK I/O;
  percentages with two decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..text import human_size, table, truncate_id

__all__ = ["HEADER", "Stats", "bytes_size", "cpu_percent", "mem_percent", "mem_usage", "stats_table"]

HEADER = ("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS")
_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")


def bytes_size(size: float) -> str:
    """go-units ``BytesSize``: ``%.4g`` with binary units (``512MiB``, ``1.5GiB``, ``0B``)."""
    value, unit = float(size), 0
    while value >= 1024 and unit < len(_BINARY) - 1:
        value /= 1024
        unit += 1
    return f"{value:.4g}{_BINARY[unit]}"


def cpu_percent(cpu_delta: float, system_delta: float, online_cpus: int) -> float:
    """``calculateCPUPercentUnix``."""
    if system_delta > 0 and cpu_delta > 0:
        return cpu_delta / system_delta * online_cpus * 100.0
    return 0.0


def mem_usage(usage: int, inactive_file: int) -> int:
    """``calculateMemUsageUnixNoCache`` (cgroup v2): usage − inactive_file when smaller."""
    return usage - inactive_file if inactive_file < usage else usage


def mem_percent(used: float, limit: float) -> float:
    """``calculateMemPercentUnixNoCache``."""
    return used / limit * 100.0 if limit != 0 else 0.0


@dataclass(frozen=True, slots=True)
class Stats:
    """One ``docker stats`` row's raw numbers (bytes, nanoseconds, percentages)."""

    id: str
    name: str
    cpu_percent: float
    memory: int  # MEM USAGE: usage − inactive_file
    memory_limit: int
    memory_percent: float
    pids: int
    usage: int = 0  # memory.current (with page cache)
    inactive_file: int = 0
    net_rx: int = 0
    net_tx: int = 0
    block_read: int = 0
    block_write: int = 0

    def row(self) -> list[str]:
        return [
            truncate_id(self.id),
            self.name,
            f"{self.cpu_percent:.2f}%",
            f"{bytes_size(self.memory)} / {bytes_size(self.memory_limit)}",
            f"{self.memory_percent:.2f}%",
            f"{human_size(self.net_rx)} / {human_size(self.net_tx)}",
            f"{human_size(self.block_read)} / {human_size(self.block_write)}",
            str(self.pids),
        ]


def stats_table(rows: Sequence[Stats]) -> str:
    """``docker stats --no-stream``."""
    return table(HEADER, [r.row() for r in rows])
