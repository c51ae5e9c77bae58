"""Build speed on the real-world corpus (issue 11 part 7): cold and cached, per Dockerfile.

Goals: each Dockerfile of ``tests/corpus/dockerfiles`` builds cold in under 1 s and fully cached
in under 50 ms.  Base tags the library will not have are replaced as the corpus
test does (``SUBSTITUTE``).  A Dockerfile that cannot build yet (``NEEDS``) is timed up to its
error, and the table says where it stopped; the parse time of every one is shown too.

Run: ``.venv/bin/python benchmarks/bench_corpus.py [--rounds N] [NAME ...]``.  It prints a
table; nothing here is a test, so a slow machine never fails CI.
"""

from __future__ import annotations

import argparse
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
    print(f"{'Dockerfile':44} {'parse ms':>8} {'cold s':>7} {'cached ms':>9}  outcome")
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
            worst_cold, worst_cached = max(worst_cold, cold), max(worst_cached, cached)
        flag = " !" if cold > COLD_GOAL or (cacheds and cached > CACHED_GOAL) else ""
        print(f"{name:44} {parse_ms:8.1f} {cold:7.3f} {cached * 1000:9.1f}  {outcome}{flag}")
    print(
        f"\ngoals: cold < {COLD_GOAL:.0f} s, cached < {CACHED_GOAL * 1000:.0f} ms; "
        f"worst of those that built: cold {worst_cold:.3f} s, cached {worst_cached * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
