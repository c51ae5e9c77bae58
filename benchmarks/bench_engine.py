"""Speed of the engine's bookkeeping: creating containers, ``engine.df()``, the sharing diagram.

Run: ``.venv/bin/python benchmarks/bench_engine.py [--quick]``.  Prints a table of measured
figures next to the goals; nothing here is a test, so a slow machine never fails CI.

Goals (issue 10): creating containers (10 writes each) is linear in their number (100,000 take
at most 10x the time of 10,000), and ``engine.df()`` with 1,000 images takes under 50 ms.
``--quick`` stops at 10,000 containers (the 100,000 run takes about a minute and ~1.5 GB).
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import Engine, Entry, Image, Layer
from simulator.viz.sharing import sharing_dag


def base_image() -> Image:
    files = {f"/usr/share/d{i // 100:02d}/f{i:04d}": Entry.file(b"x" * 50) for i in range(2000)}
    return Image.of([Layer.of(files, created_by="ADD base")])


def create_containers(count: int) -> float:
    """Seconds to create ``count`` containers with generated names and 10 writes each."""
    engine = Engine()
    engine.images.add(base_image(), "base")
    gc.collect()
    start = time.perf_counter()
    for n in range(count):
        c = engine.containers.create("base")
        for i in range(10):
            c.write_file(f"/usr/share/d{(n * 7 + i) % 20:02d}/new{i}", b"0123456789" * 10)
    elapsed = time.perf_counter() - start
    del engine
    gc.collect()
    return elapsed


def engine_with_images(count: int, containers: int = 200) -> Engine:
    """``count`` images in families of 10 sharing a base, two tags each, and some containers."""
    engine = Engine()
    for n in range(count):
        family = Layer.of({f"/family{n // 10}": Entry.file(b"f" * 1000)}, created_by=f"ADD family {n // 10}")
        own = Layer.of({f"/app{n}": Entry.file(b"a" * (n % 97 + 1))}, created_by=f"ADD app {n}")
        image = engine.images.add(Image.of([family, own]), f"app{n}:1")
        engine.images.tag(image, f"app{n}", "latest")
    images = engine.images.list()
    for n in range(containers):
        engine.containers.create(images[n * 7 % len(images)], ["/bin/sh"])
    return engine


def best_of(rounds: int, action: object) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    quick = "--quick" in sys.argv
    rows = []
    small = create_containers(1_000)
    mid = create_containers(10_000)
    rows.append(("1,000 containers x 10 writes", f"{small:.2f} s", "-"))
    rows.append(
        ("10,000 containers x 10 writes", f"{mid:.2f} s", f"linear: <= 10x 1,000 ({mid / small:.1f}x)")
    )
    if not quick:
        big = create_containers(100_000)
        rows.append(
            ("100,000 containers x 10 writes", f"{big:.2f} s", f"linear: <= 10x 10,000 ({big / mid:.1f}x)")
        )
    engine = engine_with_images(1_000)
    df = best_of(5, engine.df)
    rows.append(("engine.df(), 1,000 images, 2,000 tags, 200 containers", f"{df * 1000:.1f} ms", "< 50 ms"))
    table = best_of(5, engine.images.table)
    rows.append(("engine.images.table() (docker images), same engine", f"{table * 1000:.1f} ms", "-"))
    small_engine = engine_with_images(100, containers=20)
    dag = best_of(3, lambda: sharing_dag(small_engine))
    rows.append(("sharing diagram (DOT source), 100 images", f"{dag * 1000:.1f} ms", "-"))
    dag = best_of(3, lambda: sharing_dag(engine))
    rows.append(("sharing diagram (DOT source), 1,000 images", f"{dag * 1000:.1f} ms", "linear: <= 10x 100"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'result':>10}  goal")
    for name, value, goal in rows:
        print(f"{name.ljust(width)}  {value:>10}  {goal}")


if __name__ == "__main__":
    main()
