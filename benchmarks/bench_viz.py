"""Benchmark: DOT generation and rendering of a 20-layer, 5-image sharing DAG.

A widget redraws by building the DOT and running ``dot``; the budget is 300 ms for both.
Run: ``python benchmarks/bench_viz.py`` (prints a table; the median of several runs).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import Engine, Entry, Image, Layer
from simulator.viz import dot_available, layer_stack, pipe, sharing_dag

BUDGET_MS = 300.0


def scene() -> Engine:
    """5 images over 20 distinct layers: a 4-layer shared base, then 3 or 4 own layers each."""
    engine = Engine()
    base = [
        Layer.of({f"/base/{i}/f": Entry.file(bytes([i]) * (1000 * (i + 1)))}, created_by=f"RUN base step {i}")
        for i in range(4)
    ]
    sizes = [3, 3, 3, 3, 4]
    for n, own in enumerate(sizes):
        layers = list(base)
        for k in range(own):
            layers.append(
                Layer.of(
                    {f"/app{n}/{k}": Entry.file(b"x" * (500 * (k + 1) + n))},
                    created_by=f"COPY app{n} part {k}",
                )
            )
        image = engine.images.add(Image.of(layers), f"app{n}:1")
        engine.containers.create(image, name=f"c{n}").start()
    assert len(engine.layers) == 20, len(engine.layers)
    return engine


def timed(fn, runs: int = 15) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    engine = scene()
    rows = [
        ("sharing_dag DOT (20 layers, 5 images, 5 containers)", timed(lambda: sharing_dag(engine).source))
    ]
    image = engine.images.get("app4:1")
    rows.append(("layer_stack DOT (8 layers)", timed(lambda: layer_stack(image).source)))
    if dot_available():
        graph = sharing_dag(engine)
        rows.append(("dot -Tsvg of the sharing DAG", timed(lambda: pipe(graph, "svg"))))
        rows.append(("dot -Tpng of the sharing DAG (150 dpi)", timed(lambda: pipe(graph, "png"), runs=7)))
        rows.append(("widget redraw: DOT + dot -Tsvg", timed(lambda: pipe(sharing_dag(engine), "svg"))))
    else:
        print("dot not found: rendering rows skipped (install Graphviz)")
    width = max(len(name) for name, _ in rows)
    print(f"{'what':<{width}}  {'median ms':>9}  budget")
    for name, ms in rows:
        verdict = ("ok" if ms <= BUDGET_MS else "OVER") if "redraw" in name else ""
        print(f"{name:<{width}}  {ms:>9.1f}  {verdict}")
    redraw = [ms for name, ms in rows if "redraw" in name]
    return 0 if not redraw or redraw[0] <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
