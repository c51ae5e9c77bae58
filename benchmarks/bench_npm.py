"""The npm catalogue and trees: size and load time of ``data/npm.json``, tree resolution time.

Issue 11 asks the catalogue to stay reasonable as it grows (the corpus' locks, ``@vue/cli``'s
tree); this prints the file's size, the time to load it (in a fresh interpreter each round, as a
first ``npm`` command pays it) and the time :func:`build_tree` takes for the corpus'
``package.json`` files.  Nothing here is a test.

Run: ``.venv/bin/python benchmarks/bench_npm.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.distro.jsondata import DATA  # noqa: E402 - after the sys.path line above
from simulator.userland._npmtree import build_tree, npm_catalogue  # noqa: E402

LOAD = (
    "import time; from simulator.userland._npmtree import npm_catalogue; "
    "t = time.perf_counter(); npm_catalogue(); print(time.perf_counter() - t)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    path = DATA / "npm.json"
    loads = [
        float(subprocess.run([sys.executable, "-c", LOAD], cwd=ROOT, capture_output=True, text=True,
                             timeout=120, check=True).stdout)
        for _ in range(rounds)
    ]  # fmt: skip
    catalogue = npm_catalogue()
    versions = sum(len(p["versions"]) for p in catalogue.values())
    print(f"npm.json: {path.stat().st_size:,} bytes, {len(catalogue)} packages, {versions} versions")
    print(f"load (fresh interpreter, median of {rounds}): {statistics.median(loads) * 1000:.1f} ms\n")
    print(f"{'package.json of the corpus':48} {'packages':>8} {'resolve ms':>10}")
    for manifest_path in sorted((ROOT / "tests" / "corpus" / "dockerfiles").glob("*/package.json")):
        manifest = json.loads(manifest_path.read_text())
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            tree = build_tree(manifest)
            times.append(time.perf_counter() - start)
        print(f"{manifest_path.parent.name:48} {len(tree):8} {statistics.median(times) * 1000:10.1f}")


if __name__ == "__main__":
    main()
