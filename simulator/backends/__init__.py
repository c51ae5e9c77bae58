"""Real overlayfs backend (Linux): image layers on disk, containers as kernel overlay mounts.

Quick start::

    from simulator.backends import availability, OverlayBackend

    print(availability())  # can it run here, and if not, why
    with OverlayBackend.create() as backend:
        with backend.new_container(image) as c:  # a RealContainer: a model Container API
            c.write_file("/etc/motd", b"hi")
            print(c.diff_text())

``Engine(backend="overlayfs")`` uses it for every container.  :func:`cleanup` (also
``python -m simulator.backends cleanup``) removes mounts a crashed process left behind, and
:func:`compare_scenario` runs one scenario on the model and on the kernel side by side.
"""

from __future__ import annotations

from .overlayfs import DEFAULT_STATE_DIR, Availability, OverlayBackend, availability, cleanup, mounts_under

__all__ = [
    "DEFAULT_STATE_DIR",
    "Availability",
    "OverlayBackend",
    "RealContainer",
    "availability",
    "busybox_layer",
    "cleanup",
    "compare_scenario",
    "mounts_under",
]


def __getattr__(name: str) -> object:
    # RealContainer and the comparison tools import the mount machinery (ctypes, Linux only)
    if name == "RealContainer":
        from .container import RealContainer

        return RealContainer
    if name in ("compare_scenario", "busybox_layer"):
        from . import compare

        return getattr(compare, name)
    raise AttributeError(name)
