"""Host simulation speed: logical seconds per wall second with N running containers.

A lesson advances a host with a handful to a few hundred containers by minutes of logical time;
each 100 ms step walks every running container (memory, OOM, CFS share, throttling).

Run: ``.venv/bin/python benchmarks/bench_runtime.py``. It prints a table; nothing here is a test.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import Engine
from simulator.runtime import Host, Workload


def measure(containers: int, seconds: float) -> tuple[float, float]:
    engine = Engine(host=Host(cpus=8, memory="64g"))
    t0 = time.perf_counter()
    for i in range(containers):
        engine.containers.run(
            "busybox",
            detach=True,
            workload=Workload(cpu=1 + i % 3, memory=f"{16 + i % 64}m", ramp=2),
            cpus=1.5,
            mem_limit="128m",
            cpu_shares=512 + 512 * (i % 4),
        )
    started = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine.host.advance(seconds)
    advanced = time.perf_counter() - t0
    return started, advanced


def main() -> None:
    print(f"{'containers':>10}  {'start all (s)':>13}  {'advance 60 s (s)':>16}  {'logical s / wall s':>18}")
    for n in (1, 10, 100, 300):
        started, advanced = measure(n, 60)
        print(f"{n:>10}  {started:>13.3f}  {advanced:>16.3f}  {60 / advanced:>18.0f}")


if __name__ == "__main__":
    main()
