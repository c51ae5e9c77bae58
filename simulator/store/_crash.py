"""Crash points for the crash-safety tests: ``LAYERLAB_STORE_CRASH=<point>:<n>`` kills the process.

The store calls :func:`crash_point` at each step where a crash matters (a blob written but not
renamed, renamed, the transaction about to commit, committed, ``index.json`` written).  When the
environment variable names that point (or ``*`` for any point) the ``n``-th time it is reached,
the process sends itself ``SIGKILL``: no ``finally`` block, no ``atexit``, as a power cut.
Unset (always, outside the tests) it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

__all__ = ["crash_point"]

_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    spec = os.environ.get("LAYERLAB_STORE_CRASH")
    if not spec:
        return
    point, _, count = spec.rpartition(":")
    if point not in (name, "*"):
        return
    _hits[point] = _hits.get(point, 0) + 1
    if _hits[point] == int(count):
        os.kill(os.getpid(), signal.SIGKILL)
