"""Speed and memory of the core model (issue: foundation, section 4).

Run: ``.venv/bin/python benchmarks/bench_model.py`` (or ``make bench``).  Prints a table of
measured figures next to the goals; nothing here is a test, so a slow machine never fails CI.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import Container, Entry, Image, Layer

FILES = 20_000
LAYERS = 10


def make_layers(files: int, layers: int, seed: int = 1) -> list[Layer]:
    """``files`` small files spread over ``layers`` layers, 100 per directory, some overwritten."""
    rng = random.Random(seed)
    per_layer = files // layers
    out = []
    for n in range(layers):
        table: dict[str, Entry] = {}
        for i in range(per_layer):
            index = n * per_layer + i
            table[f"/usr/share/d{index // 100:04d}/f{index:06d}"] = Entry.file(b"x" * rng.randint(10, 200))
        for i in rng.sample(
            range(max(1, n * per_layer)), k=min(50, n * per_layer)
        ):  # later layers rewrite some
            table[f"/usr/share/d{i // 100:04d}/f{i:06d}"] = Entry.file(b"y" * 64)
        out.append(Layer.of(table, created_by=f"layer {n}"))
    return out


def per_lookup(image: Image, paths: list[str], rounds: int = 5) -> float:
    view = image.view
    best = []
    for _ in range(rounds):
        start = time.perf_counter()
        for p in paths:
            view.resolve(p)
        best.append((time.perf_counter() - start) / len(paths))
    return min(best)


def bench_lookup(layers: list[Layer]) -> tuple[float, float]:
    files = [o.path for o in Image.of(layers).view.walk() if o.entry.is_file]
    paths = random.Random(2).sample(files, 2000)
    one = Image.of([Layer.of({o.path: o.entry for o in Image.of(layers).view.walk()})])
    # the same files spread over 128 layers
    spread = [Layer.of({p: Entry.file(b"z") for p in files[i::128]}) for i in range(128)]
    deep = Image.of(spread)
    _ = (one.view, deep.view)  # build the merged trees once, outside the timing
    return per_lookup(one, paths), per_lookup(deep, paths)


def run_containers(image: Image) -> list[Container]:
    containers = []
    for n in range(1000):
        c = Container(image, id=str(n))
        for i in range(10):
            c.write_file(f"/usr/share/d{(n * 7 + i) % 200:04d}/new{i}", b"0123456789" * 10)
        containers.append(c)
    return containers


def bench_containers(image: Image) -> tuple[float, float]:
    """Time without tracing (tracemalloc slows allocation), then memory with it."""
    image.view  # noqa: B018 - the merged tree is part of "the image alone"
    start = time.perf_counter()
    run_containers(image)
    elapsed = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    kept = run_containers(image)
    gc.collect()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return elapsed, (current - base) / 1e6


def bench_diff(image: Image) -> float:
    c = Container(image)
    files = [o.path for o in image.view.walk() if o.entry.is_file]
    for i in range(10):
        c.write_file(files[i * len(files) // 10], b"changed")
    times = []
    for _ in range(200):
        start = time.perf_counter()
        c.diff()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    t0 = time.perf_counter()
    layers = make_layers(FILES, LAYERS)
    image = Image.of(layers)
    image.view  # noqa: B018
    build = time.perf_counter() - t0
    one, deep = bench_lookup(layers)
    elapsed, mem = bench_containers(image)
    diff = bench_diff(image)
    small = Image.of(make_layers(200, 2))
    small_diff = bench_diff(small)
    rows = [
        ("image: 20,000 files in 10 layers, built + merged", f"{build * 1000:.0f} ms", "-"),
        ("path lookup, 1-layer image", f"{one * 1e6:.2f} µs", "-"),
        ("path lookup, 128-layer image", f"{deep * 1e6:.2f} µs", f"<= 2x 1-layer ({deep / one:.2f}x)"),
        ("1,000 containers x 10 writes: time", f"{elapsed:.2f} s", "<= 2 s"),
        ("1,000 containers x 10 writes: extra memory", f"{mem:.1f} MB", "<= 50 MB"),
        ("container.diff() after 10 writes (20,000-file image)", f"{diff * 1000:.3f} ms", "< 1 ms"),
        ("container.diff() after 10 writes (200-file image)", f"{small_diff * 1000:.3f} ms", "same as above"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'result':>12}  goal")
    for name, value, goal in rows:
        print(f"{name.ljust(width)}  {value:>12}  {goal}")


if __name__ == "__main__":
    main()
