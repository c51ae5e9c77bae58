"""How long widget callbacks take, apart from rendering (the issue's budget: 100 ms each).

Each callback is timed with its diagram pane's rendering switched off (``request`` only marks
the pane stale, as the debounce does inside the kernel), then the deferred render is timed on
its own.  Numbers are the median of several runs on the lesson-sized images.

Run with ``make bench`` or ``python benchmarks/bench_widgets.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from simulator import Engine
from simulator.widgets import BuildStepper, ContainerPlayground, DiagramPane, LayerExplorer, SharingDashboard

BUDGET_MS = 100.0
RUNS = 7


class _Deferred:
    """Make every DiagramPane only mark itself pending (what happens inside a running kernel)."""

    def __enter__(self) -> _Deferred:
        self.original = DiagramPane.request
        DiagramPane.request = lambda pane: setattr(pane, "pending", True)  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        DiagramPane.request = self.original  # type: ignore[method-assign]


def _time(action: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """(median, worst) milliseconds; the worst is usually the first, cold run."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> int:
    rows: list[tuple[str, tuple[float, float], bool]] = []

    def record(name: str, ms: tuple[float, float], budget: bool = True) -> None:
        rows.append((name, ms, budget))

    with _Deferred():
        engine = Engine()
        pg = ContainerPlayground(engine, "alpine:3.20", containers=3)
        commands = iter(f"echo {i} >> /etc/motd; rm -f /etc/issue; mkdir -p /tmp/d{i}" for i in range(1000))
        record("playground: Run a shell command", _time(lambda: pg.run(next(commands))))
        names = [c.name for c in pg.containers]
        flip = iter(names * 100)
        record(
            "playground: select another container", _time(lambda: setattr(pg.selector, "value", next(flip)))
        )
        tags = iter(f"snap:{i}" for i in range(1000))
        record(
            "playground: Commit", _time(lambda: (setattr(pg.commit_tag, "value", next(tags)), pg.commit()))
        )
        record("playground: New container", _time(pg.new_container))

        stepper = BuildStepper(engine)
        stepper.build()
        record("stepper: Build (all cached)", _time(stepper.build))
        counter = iter(range(1000))

        def edit_and_build() -> None:
            stepper.editor.value = (
                stepper.editor.value.rsplit("\nENV", 1)[0]
                + f"\nENV GREETING=v{next(counter)}\n"
                + 'RUN echo "$GREETING" > greeting.txt\nCMD ["./app.sh"]\n'
            )
            stepper.build()

        record("stepper: Build after an edit (2 steps rebuilt)", _time(edit_and_build))
        positions = iter(list(range(1, stepper.slider.max + 1)) * 100)
        record("stepper: move the slider", _time(lambda: setattr(stepper.slider, "value", next(positions))))

        engine.images.build(
            "FROM alpine:3.20\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\n", context={}, tag="curl:rm"
        )
        explorer = LayerExplorer(engine, "curl:rm")
        layers = iter([0, 1, 2] * 100)
        record(
            "explorer: move the layer slider (alpine, 3 layers)",
            _time(lambda: setattr(explorer.layer_slider, "value", next(layers))),
        )
        modes = iter(["aggregated", "this layer"] * 100)
        record(
            "explorer: switch per layer / aggregated",
            _time(lambda: setattr(explorer.mode, "value", next(modes))),
        )
        ids = iter([engine.images.get("curl:rm").id, engine.images.get("alpine:3.20").id] * 100)
        record(
            "explorer: choose another image",
            _time(lambda: setattr(explorer.image_picker, "value", next(ids))),
        )

        dash = SharingDashboard(Engine())
        refs = iter(["busybox:latest", "alpine:3.20", "debian:bookworm-slim", "python:3.12-slim"] * 100)
        record("dashboard: Pull", _time(lambda: dash.pull(next(refs))))
        record("dashboard: Run container", _time(lambda: dash.run("busybox:latest")))
        record("dashboard: Build (cached)", _time(dash.build))

    # the deferred renders, for comparison (not part of the callback budget)
    for name, pane in [
        ("render: playground overlay", pg.diagram),
        ("render: stepper layer stack", stepper.diagram),
        ("render: explorer layer stack", explorer.diagram),
        ("render: dashboard sharing DAG", dash.diagram),
    ]:

        def render(pane: DiagramPane = pane) -> None:
            pane.pending = True
            pane.flush()

        record(name, _time(render, 3), budget=False)

    width = max(len(name) for name, _, _ in rows)
    over = 0
    print(f"{'':<{width}}  {'median':>8}     {'worst':>8}")
    cold = 0
    for name, (median, worst), budget in rows:
        flag = ""
        if budget:
            flag = (
                "OVER BUDGET"
                if median > BUDGET_MS
                else ("ok" if worst <= BUDGET_MS else "ok (first run over)")
            )
        over += budget and median > BUDGET_MS
        cold += budget and worst > BUDGET_MS
        print(f"{name:<{width}}  {median:8.1f} ms  {worst:8.1f} ms  {flag}")
    print(f"\ncallbacks over {BUDGET_MS:.0f} ms (median): {over}; with a first run over it: {cold}")
    if cold:
        print(
            "A first run over budget is the library building a base image the first time it is used in this "
            "process (its layers and digests); later pulls of it are instant."
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
