"""Build speed on the real-world corpus (issue 11 part 7): cold and cached, per Dockerfile.

Goals: each Dockerfile of ``tests/corpus/dockerfiles`` builds cold (a new Engine: empty build
cache) in under 1 s and fully cached in under 50 ms; the table shows the median and the worst of
the rounds (the first round of a case may also load library images no case before it used).
Base tags the library will not have are replaced as the corpus test does (``SUBSTITUTE``).  A Dockerfile that cannot build yet (``NEEDS``) is timed up to its
error, and the table says where it stopped; the parse time of every one is shown too.

Run: ``.venv/bin/python benchmarks/bench_corpus.py [--rounds N] [NAME ...]``.  It prints a
table; nothing here is a test, so a slow machine never fails CI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator import SimulatorError  # noqa: E402 - after the sys.path line above
from simulator.builder.builder import build  # noqa: E402
from simulator.dockerfile.parser import parse_dockerfile  # noqa: E402
from simulator.engine import Engine  # noqa: E402
from tests.corpus.corpus_cases import CASES  # noqa: E402
from tests.corpus.test_corpus import NODE_TEMPLATE, PYTHON_TEMPLATE, substituted  # noqa: E402

#: docker init's templates (tests/corpus/test_corpus.py), which build with this branch's library
TEMPLATES: dict[str, tuple[str, dict[str, str], str | None]] = {
    "docker-init-python (template)": (
        PYTHON_TEMPLATE,
        {"requirements.txt": "flask\ngunicorn\n", "app.py": "app = None\n"},
        None,
    ),
    "docker-init-node (template)": (
        NODE_TEMPLATE,
        {"package.json": '{"name": "app"}\n', "package-lock.json": "{}\n", "server.js": "x\n"},
        None,
    ),
}
COLD_GOAL = 1.0
CACHED_GOAL = 0.050


def timed(fn: Callable[[], object]) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        fn()
        outcome = "built"
    except SimulatorError as e:
        outcome = "stops: " + str(e).split(": ", 2)[-1][:60]
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    names = args.names or [*sorted(CASES), *TEMPLATES]
    print(f"{args.rounds} rounds, each in a new Engine (the first also loads the library images it uses); "
          f"goals: cold < {COLD_GOAL:.0f} s, cached < {CACHED_GOAL * 1000:.0f} ms (median); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print(
        f"{'Dockerfile':44} {'parse ms':>8} {'cold s':>6} {'worst':>6} {'cached ms':>9} {'worst':>6}  goal  outcome"
    )
    medians_cold: list[float] = []
    medians_cached: list[float] = []
    worst_cold = worst_cached = 0.0
    for name in names:
        colds, cacheds, outcome, parse_ms = [], [], "", 0.0
        for _ in range(args.rounds):
            engine = Engine()
            if name in TEMPLATES:
                text, context, target = TEMPLATES[name]
            else:  # the library image tagged under an old tag, a pinned FROM rewritten (SUBSTITUTE)
                files = substituted(engine, name)
                text, target = files.pop("Dockerfile")[0].decode(), CASES[name].target
                context = {path: data for path, (data, _mode) in files.items()}  # type: ignore[misc]
            start = time.perf_counter()
            parse_dockerfile(text)
            parse_ms = (time.perf_counter() - start) * 1000
            run = lambda e=engine, c=context, t=target, d=text: build(e, d, c, target=t)  # noqa: E731
            cold, outcome = timed(run)
            colds.append(cold)
            if outcome == "built":
                cacheds.append(timed(run)[0])
        cold = statistics.median(colds)
        cached = statistics.median(cacheds) if cacheds else float("nan")
        if outcome == "built":
            medians_cold.append(cold)
            medians_cached.append(cached)
            worst_cold, worst_cached = max(worst_cold, *colds), max(worst_cached, *cacheds)
            goal = "ok" if cold < COLD_GOAL and cached < CACHED_GOAL else "OVER"
        else:
            goal = "-"  # stops before its end: its time says nothing about the goal
        print(f"{name:44} {parse_ms:8.1f} {cold:6.3f} {max(colds):6.3f} {cached * 1000:9.1f} "
              f"{max(cacheds, default=float('nan')) * 1000:6.1f}  {goal:4}  {outcome}", flush=True)  # fmt: skip
    if medians_cold:
        within = sum(
            c < COLD_GOAL and k < CACHED_GOAL for c, k in zip(medians_cold, medians_cached, strict=True)
        )
        print(
            f"\n{within} of {len(medians_cold)} that built meet both goals; slowest median cold "
            f"{max(medians_cold):.3f} s (worst single {worst_cold:.3f} s), slowest median cached "
            f"{max(medians_cached) * 1000:.1f} ms (worst single {worst_cached * 1000:.1f} ms)"
        )


if __name__ == "__main__":
    main()
