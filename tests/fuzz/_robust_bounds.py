"""Per-input time and memory bounds for the fuzzers."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def bounded(call: Callable[[], T], *, seconds: float, megabytes: int) -> T:
    """Run ``call``; fail if it took longer than ``seconds`` or its Python allocations peaked
    above ``megabytes`` (tracemalloc, so only what Python allocates: enough for runaway lists)."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        return call()
    finally:
        elapsed = time.monotonic() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < seconds, f"one input took {elapsed:.1f} s (bound {seconds} s)"
        assert peak < megabytes << 20, f"one input peaked at {peak >> 20} MiB (bound {megabytes} MiB)"
