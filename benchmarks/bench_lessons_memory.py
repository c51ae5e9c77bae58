"""Peak memory of a kernel that runs every lesson, one after the other (issue 14: sizing a class).

A JupyterHub needs a per-user memory guarantee and limit; a student who works through all the
lessons without restarting the kernel is the worst ordinary case.  This runs the lessons as
stored (answers ``...``), in one real ipykernel, in order, and after each lesson asks the kernel
for its peak resident memory (``getrusage(RUSAGE_SELF).ru_maxrss``, the high-water mark since
the kernel started) and its current RSS (``/proc/self/status`` VmRSS).  The figures size the
example ``config.yaml`` in docs/jupyterhub.md.

Run with ``make bench`` or ``python benchmarks/bench_lessons_memory.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

PROBE = """
import resource, re
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rss = int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
print(f"{peak:.1f} {rss:.1f}")
"""


def _run(client: Any, code: str, timeout: float = 300) -> str:
    """Execute ``code``; its stdout, or raise with the kernel's error."""
    msg_id = client.execute(code, store_history=False)
    out: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        msg = client.get_iopub_msg(timeout=max(1.0, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            raise RuntimeError(f"{content['ename']}: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(out)


def main() -> int:
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"))
    rows = []
    try:
        peak, rss = map(float, _run(client, PROBE).split())
        rows.append(("kernel started", peak, rss, 0.0))
        _run(client, "import simulator, simulator.viz, simulator.widgets, simulator.teaching")
        peak, rss = map(float, _run(client, PROBE).split())
        rows.append(("layerlab imported", peak, rss, 0.0))
        for path in LESSONS:
            nb = nbformat.read(path, as_version=4)
            start = time.perf_counter()
            for cell in nb.cells:
                if cell.cell_type == "code":
                    _run(client, cell.source)
            seconds = time.perf_counter() - start
            peak, rss = map(float, _run(client, PROBE).split())
            rows.append((path.stem, peak, rss, seconds))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    print("Peak memory of one kernel running every lesson in order (as stored, no restart)")
    print(f"{'after':40} {'peak RSS MiB':>13} {'RSS MiB':>9} {'run s':>7}")
    for name, peak, rss, seconds in rows:
        print(f"{name:40} {peak:13.1f} {rss:9.1f} {seconds:7.2f}")
    overall = max(r[1] for r in rows)
    print(f"\npeak over all lessons: {overall:.0f} MiB (size a user's guarantee and limit from this)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
