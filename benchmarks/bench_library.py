"""How fast the base-image library loads: each image cold, in a fresh process.

Run: ``.venv/bin/python benchmarks/bench_library.py [--rounds N] [REF ...]`` (or ``make bench``).
Prints, per library image (or per ``REF``), the time from ``import simulator.distro.library`` to
the image and its ID, next to the goal (issue 11: under 100 ms for each image beyond the first
import), then how many images meet it; nothing here is a test.  The digests the load needs come
from ``data/digests.json`` (see simulator/distro/digests.py).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.distro import library  # noqa: E402

CHILD = (
    "import sys, time; sys.path.insert(0, {root!r}); t0 = time.perf_counter();"
    "from simulator.distro import library; t1 = time.perf_counter();"
    "image = library.get({ref!r}); image.id; t2 = time.perf_counter();"
    "print(t1 - t0, t2 - t1)"
)


def cold(ref: str, rounds: int = 3) -> tuple[float, float]:
    """Median seconds to import the library and to load ``ref`` with its ID, each in a new process."""
    imports, loads = [], []
    for _ in range(rounds):
        code = CHILD.format(root=str(ROOT), ref=ref)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        first, second = map(float, out.stdout.split())
        imports.append(first)
        loads.append(second)
    return statistics.median(imports), statistics.median(loads)


def main(argv: list[str]) -> None:
    rounds = 3
    if argv[:1] == ["--rounds"]:
        rounds, argv = int(argv[1]), argv[2:]
    refs = argv or library.names()
    seen: set[str] = set()
    times: list[float] = []
    print(f"{'image':<48} {'import (ms)':>12} {'load + ID (ms)':>15}  goal < 100 ms")
    for ref in refs:
        image_id = library.get(ref).id
        if image_id in seen:  # another tag of an image already measured
            continue
        seen.add(image_id)
        imported, loaded = cold(ref, rounds)
        times.append(loaded)
        mark = "ok" if loaded < 0.1 else "over"
        print(f"{ref:<48} {imported * 1000:>12.0f} {loaded * 1000:>15.0f}  {mark}", flush=True)
    within = sum(t < 0.1 for t in times)
    print(
        f"{within} of {len(times)} images load in under 100 ms; slowest {max(times) * 1000:.0f} ms, "
        f"median {statistics.median(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
