"""What ``engine.images.pull`` of a library image costs, quiet and with Docker's lines.

Run: ``.venv/bin/python benchmarks/bench_pull.py [REF ...]``.  Prints, per image, in a fresh
process each: a quiet pull (the image from the library, tagged), a printed pull (the same plus
the manifest digest for ``Digest:``, which compresses every layer once per process), and a
second printed pull (``Image is up to date``: the digest is cached on the layers).  Nothing
here is a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import contextlib, io, sys, time
sys.path.insert(0, {root!r})
from simulator import Engine
from simulator.distro import library
library.get({ref!r}).id  # the library's own load is bench_library.py's figure
engine = Engine()
t0 = time.perf_counter(); engine.images.pull({ref!r}, quiet=True); t1 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    engine.images.pull({ref!r}); t2 = time.perf_counter()
    engine.images.pull({ref!r}); t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""

DEFAULT = ["alpine:3.20", "debian:12-slim", "python:3.12-slim", "node:20", "mcr.microsoft.com/dotnet/sdk:8.0"]


def main(refs: list[str]) -> None:
    print(f"{'image':40} {'quiet':>9} {'printed':>9} {'again':>9}")
    for ref in refs:
        code = CHILD.format(root=str(ROOT), ref=ref)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
        )
        quiet, printed, again = map(float, out.stdout.split())
        print(f"{ref:40} {quiet * 1000:7.1f}ms {printed * 1000:7.0f}ms {again * 1000:7.1f}ms")


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT)
