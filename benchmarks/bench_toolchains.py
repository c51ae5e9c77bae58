"""Toolchain speed: how long the modelled package managers take in a build (issue 11 part 2/7).

Issue section 7's goal for its corpus: a Dockerfile builds cold in under 1 s and cached in under
50 ms.  This builds, cold then cached, Dockerfiles whose RUN lines are the tutorials' installs
(pip flask/django/pandas, npm express+nodemon, a vite React build, go/mvn/dotnet by their models)
and prints a table.  Nothing here is a test.

Run: ``.venv/bin/python benchmarks/bench_toolchains.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.builder.builder import build  # noqa: E402 - after the sys.path line above
from simulator.engine import Engine  # noqa: E402

NODE = {
    "name": "app",
    "version": "1.0.0",
    "dependencies": {"express": "^4.18.2"},
    "devDependencies": {"nodemon": "^3.0.0"},
}
VITE = {"name": "web", "version": "0.0.0", "scripts": {"build": "vite build"},
        "dependencies": {"react": "^18.2.0", "react-dom": "^18.2.0"},
        "devDependencies": {"vite": "^5.0.0", "@vitejs/plugin-react": "^4.0.0"}}  # fmt: skip
CASES: dict[str, tuple[str, dict[str, str]]] = {
    "pip flask": ("FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n", {}),
    "pip django+pandas": ("FROM python:3.12-slim\nRUN pip install django pandas\n", {}),
    "npm install express": (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json .\nRUN npm install\n",
        {"package.json": json.dumps(NODE)},
    ),
    "vite build": (
        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm install && npm run build\n",
        {"package.json": json.dumps(VITE), "index.html": "<html>", "src/main.jsx": "x" * 4000},
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'case':<24} {'cold s':>8} {'cached ms':>10}  goals: cold < 1 s, cached < 50 ms")
    for name, (dockerfile, context) in CASES.items():
        cold, cached = [], []
        for _ in range(args.rounds):
            engine = Engine()
            start = time.perf_counter()
            build(engine, dockerfile, context)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            build(engine, dockerfile, context)
            cached.append(time.perf_counter() - start)
        print(f"{name:<24} {statistics.median(cold):>8.3f} {statistics.median(cached) * 1000:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
