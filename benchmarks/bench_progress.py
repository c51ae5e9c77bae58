"""What progress reporting costs: each long operation without ``progress=``, with a no-op reporter,
and with the terminal bar drawing to a (fake) terminal, in one process, rounds interleaved.

Run: ``.venv/bin/python benchmarks/bench_progress.py [--rounds N]``.  It prints a table (medians);
nothing here is a test.  The goal (issue 16 item 3): no measurable cost when no progress is asked
(the code paths test ``progress is None`` once per layer, blob or step), and a small one with a bar.

The work: the 100-instruction build of ``bench_build.py`` (cold), ``save`` of its image as a
docker-archive, ``push`` and ``pull`` of it through an in-memory registry, ``efficiency`` and
``dive_efficiency`` of it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_build import generated_context  # type: ignore[import-not-found]  # noqa: E402

from simulator.analysis import dive_efficiency, efficiency  # noqa: E402
from simulator.cli.progress import Progress  # noqa: E402
from simulator.engine import Engine  # noqa: E402
from simulator.registry import Registry  # noqa: E402

DOCKERFILE_BASE = "busybox:1.36"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _noop(done: int, total: int, what: str) -> None:
    pass


def _reporters() -> dict[str, Callable[[], Any]]:
    def bar() -> Any:
        return Progress("bench", stream=_Terminal(), interval=0.0).report  # every report drawn

    return {"none": lambda: None, "no-op": lambda: _noop, "terminal bar": bar}


def _operations(ctx: Path, out: Path) -> dict[str, Callable[[Any], object]]:
    text = (ctx / "Dockerfile").read_text().replace("FROM BUSYBOX", f"FROM {DOCKERFILE_BASE}")
    engine = Engine()
    image = engine.build(text, str(ctx), tag="bench:1").image
    counter = iter(range(1_000_000))

    def build(progress: Any) -> object:
        return Engine().build(text, str(ctx), progress=progress)

    def save(progress: Any) -> object:
        return engine.images.save("bench:1", out / f"{next(counter)}.tar", format="docker", progress=progress)

    def push_pull(progress: Any) -> object:
        registry = Registry()
        engine.images.push("bench:1", registry, quiet=True, progress=progress)
        return Engine().images.pull("bench:1", registry, quiet=True, progress=progress)

    def analyze(progress: Any) -> object:
        return efficiency(image, progress), dive_efficiency(image, progress)

    return {
        "build (cold)": build,
        "save (docker-archive)": save,
        "push + pull": push_pull,
        "analyze": analyze,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9, help="rounds per figure (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="layerlab-bench-progress-") as tmp:
        ctx = generated_context(Path(tmp))
        reporters = _reporters()
        operations = _operations(ctx, Path(tmp))
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.rounds):
            for op_name, op in operations.items():
                for rep_name, make in reporters.items():  # interleaved: the machine's noise is shared
                    start = time.perf_counter()
                    op(make())
                    times.setdefault((op_name, rep_name), []).append(time.perf_counter() - start)
    header = f"{'operation':<24}" + "".join(f"{name:>16}" for name in reporters)
    print(header)
    print("-" * len(header))
    for op_name in operations:
        cells = [statistics.median(times[(op_name, rep)]) * 1000 for rep in reporters]
        print(f"{op_name:<24}" + "".join(f"{c:>13.1f} ms" for c in cells))
    print(f"(median of {args.rounds} rounds; 'none': no progress= at all)")


if __name__ == "__main__":
    main()
