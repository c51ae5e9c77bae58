"""Redirections stream: time and memory of ``seq 1 N > f`` in the RUN shell.

Each row runs ``seq 1 N > /tmp/out`` on the model (a busybox-like container) twice: with
unlimited memory (wall time, MB/s of file data) and under a 1 MiB memory limit (does the
output stream to the file, or is it held until the command ends?).  ``--tree PATH`` runs the
same table on another checkout (e.g. the main branch, to compare before and after).

Run: ``.venv/bin/python benchmarks/bench_redirect.py [--tree /work/main]``.  It prints a
table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000, 1_000_000)

PROBE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from simulator.limits import Limits
from simulator.model.container import Container
from simulator.model.entries import Entry
from simulator.model.image import Image
from simulator.model.layer import Layer
from simulator.sh.run import run_script

MiB = 1 << 20
entries = {"/bin": Entry.directory(), "/bin/busybox": Entry.file(b"bb", 0o755), "/tmp": Entry.directory(0o1777)}
entries.update({f"/bin/{a}": Entry.symlink("busybox") for a in ("sh", "seq", "wc")})
rows = []
for n in json.loads(sys.argv[2]):
    c = Container(Image.of([Layer.of(entries)]))
    started = time.perf_counter()
    r = run_script(c, f"seq 1 {n} > /tmp/out", limits=Limits(memory=None, disk=None, steps=None, time=None))
    took = time.perf_counter() - started
    size = len(c.read_file("/tmp/out"))
    small = run_script(Container(Image.of([Layer.of(entries)])), f"seq 1 {n} > /tmp/out",
                       limits=Limits(memory=1 * MiB, disk=None, steps=None, time=None))
    rows.append([n, size, took, r.exit_code, small.exit_code])
print(json.dumps(rows))
"""


def measure(tree: Path) -> list[list[float]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tree), json.dumps(SIZES)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="another checkout to measure too (before/after)")
    args = parser.parse_args()
    trees = [("this tree", ROOT)] + ([("--tree", args.tree)] if args.tree else [])
    print(
        f"{'checkout':<10} {'lines':>9} {'bytes':>11} {'seconds':>8} {'MB/s':>7}  {'under 1 MiB memory':<20}"
    )
    for label, tree in trees:
        for n, size, took, _status, small in measure(tree):
            verdict = "streams (status 0)" if small == 0 else f"held: status {small}"
            print(f"{label:<10} {n:>9,} {size:>11,} {took:>8.2f} {size / took / 1e6:>7.1f}  {verdict:<20}")


if __name__ == "__main__":
    main()
