"""How fast the base-image library loads: each image cold, in a fresh process.

Run: ``.venv/bin/python benchmarks/bench_library.py [--rounds N] [REF ...]`` (or ``make bench``).
Prints, per library image (or per ``REF``), the time from ``import simulator.distro.library``
done to the image and its ID, next to the goal (issue 11: under 100 ms for each image beyond the
first import): the median and the worst of ``N`` fresh processes in wall-clock time, and the
median CPU time (what the load costs when no other job shares the cores); then how many images
meet the goal.  A layer's entries are made when first read (``library._LazyEntries``), and the
ID does not read them, so the ``+ tree`` column adds what a build or a container pays on top:
the entries and the merged tree (``image.view``, made at its first lookup), median wall-clock.  Nothing here is a test.
The digests the load needs come from ``data/digests.json`` (see simulator/distro/digests.py).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.distro import library  # noqa: E402

GOAL = 0.100
CHILD = (
    "import sys, time; sys.path.insert(0, {root!r}); t0 = time.perf_counter();"
    "from simulator.distro import library; t1 = time.perf_counter(); c1 = time.process_time();"
    "image = library.get({ref!r}); image.id; t2 = time.perf_counter(); c2 = time.process_time();"
    "image.view.lookup('/'); t3 = time.perf_counter(); print(t1 - t0, t2 - t1, c2 - c1, t3 - t2)"
)


def cold(ref: str, rounds: int = 3) -> tuple[float, list[float], float, float]:
    """Seconds, each in a new process: median import, every load (image and ID), median CPU of
    the load, median of the merged tree's making after it."""
    imports, loads, cpus, trees = [], [], [], []
    for _ in range(rounds):
        code = CHILD.format(root=str(ROOT), ref=ref)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
        )
        first, second, cpu, tree = map(float, out.stdout.split())
        imports.append(first)
        loads.append(second)
        cpus.append(cpu)
        trees.append(tree)
    return statistics.median(imports), loads, statistics.median(cpus), statistics.median(trees)


def main(argv: list[str]) -> None:
    rounds = 3
    if argv[:1] == ["--rounds"]:
        rounds, argv = int(argv[1]), argv[2:]
    refs = argv or library.names()
    seen: set[str] = set()
    medians: list[float] = []
    worsts: list[float] = []
    print(f"{rounds} fresh processes per image; goal: load + ID < {GOAL * 1000:.0f} ms (median); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print(
        f"{'image':<48} {'import ms':>9} {'median ms':>9} {'worst ms':>8} {'cpu ms':>6} {'+ tree ms':>9}  goal"
    )
    for ref in refs:
        image_id = library.get(ref).id
        if image_id in seen:  # another tag of an image already measured
            continue
        seen.add(image_id)
        imported, loads, cpu, tree = cold(ref, rounds)
        median, worst = statistics.median(loads), max(loads)
        medians.append(median)
        worsts.append(worst)
        mark = "ok" if median < GOAL else "OVER"
        print(f"{ref:<48} {imported * 1000:9.0f} {median * 1000:9.1f} {worst * 1000:8.1f} {cpu * 1000:6.1f} "
              f"{tree * 1000:9.1f}  {mark}", flush=True)  # fmt: skip
    within = sum(t < GOAL for t in medians)
    print(
        f"{within} of {len(medians)} images load in under {GOAL * 1000:.0f} ms (median of {rounds}); "
        f"slowest median {max(medians) * 1000:.0f} ms, median of medians {statistics.median(medians) * 1000:.0f} ms, "
        f"worst single load {max(worsts) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
