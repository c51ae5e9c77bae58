"""Issue 15 figures: how long the default limits take to stop runaway loops, the peak memory
of a streaming pipeline, sparse files and endless sources, and ``mkdir -p`` of deep paths
(34 s for 2,000 levels before the plain-path walk).  Run: ``python benchmarks/bench_limits.py``."""

from __future__ import annotations

import time
import tracemalloc

from simulator.limits import DEFAULT_LIMITS
from simulator.model import Container, Entry, Image, Layer
from simulator.sh.run import run_script

APPLETS = ("sh", "echo", "cat", "seq", "head", "yes", "true", "mkdir", "truncate", "od", "wc", "du", "ls")


def _container() -> Container:
    entries = {
        "/bin": Entry.directory(),
        "/bin/busybox": Entry.file(b"\x7fELF", 0o755),
        "/tmp": Entry.directory(),
    }
    entries.update({f"/bin/{a}": Entry.symlink("busybox") for a in APPLETS})
    return Container(Image.of([Layer.of(entries)]))


def main() -> None:
    print(f"default limits: {DEFAULT_LIMITS}")
    print(f"{'script':<55} {'exit':>4} {'seconds':>8} {'peak MiB':>9}")
    for script in (
        "while :; do :; done",
        "while :; do while :; do :; done; done",
        "while :; do echo x | cat > /tmp/f; done",
        "seq 1 100000000 | head -n 1",
        "yes | head -n 100000 > /tmp/y",
        "truncate -s 1024G /tmp/f; du /tmp/f; head -c 3 /tmp/f | od -c",
        "head -c 5 /dev/zero | od -c",
        "cat /dev/zero > /tmp/z",
        "mkdir -p /tmp/" + "/".join(["d"] * 1000),
        "mkdir -p /tmp/" + "/".join(["d"] * 2000),
    ):
        tracemalloc.start()
        started = time.monotonic()
        result = run_script(_container(), script)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
        tracemalloc.stop()
        shown = script if len(script) < 55 else f"{script[:30]}... ({script.count('/')} levels)"
        print(f"{shown:<55} {result.exit_code:>4} {elapsed:>8.2f} {peak:>9.1f}")


if __name__ == "__main__":
    main()
