"""Backends: what a container's file system is (in memory, or a real overlayfs mount).

An engine takes a backend object: ``Engine(backend=MemoryBackend())`` (the default),
``Engine(backend=OverlayBackend.create(state_dir))``, or your own
:class:`~simulator.backends.base.Backend`.  The names ``"memory"`` and ``"overlayfs"`` still
work (:func:`backend_named`).

The overlayfs backend (Linux) keeps image layers on disk and mounts containers with the
kernel's overlayfs::

    from simulator.backends import availability, OverlayBackend

    print(availability())  # can it run here, and if not, why
    with OverlayBackend.create() as backend:
        with backend.new_container(image) as c:  # a RealContainer: a model Container API
            c.write_file("/etc/motd", b"hi")
            print(c.diff_text())

:func:`cleanup` (also ``python -m simulator.backends cleanup``) removes mounts a crashed
process left behind, and :func:`compare_scenario` runs one scenario on two backends (the model
and the kernel by default) side by side.
"""

from __future__ import annotations

from ..model.overlay_options import DOCKER, OverlayOptions
from .base import Backend
from .compare import busybox_layer, compare_backends, compare_scenario
from .memory import MemoryBackend
from .overlayfs import DEFAULT_STATE_DIR, Availability, OverlayBackend, availability, cleanup, mounts_under

__all__ = [
    "DEFAULT_STATE_DIR",
    "Availability",
    "Backend",
    "MemoryBackend",
    "OverlayBackend",
    "RealContainer",
    "availability",
    "backend_named",
    "busybox_layer",
    "cleanup",
    "compare_backends",
    "compare_scenario",
    "mounts_under",
]


def backend_named(
    name: str, *, state_dir: str | None = None, overlay_options: OverlayOptions = DOCKER
) -> Backend:
    """The backend called ``name``: ``"memory"``, or ``"overlayfs"`` (in ``state_dir``).

    Raises:
        ValueError: another name.
        BackendUnavailable: overlayfs cannot run here (the reason says why).
    """
    if name == "memory":
        return MemoryBackend(overlay_options)
    if name == "overlayfs":
        return OverlayBackend.create(state_dir, overlay_options=overlay_options)
    raise ValueError(f"unknown backend {name!r}; choose 'memory' or 'overlayfs'")


def __getattr__(name: str) -> object:
    # RealContainer imports the mount machinery (ctypes, Linux only): on first use
    if name == "RealContainer":
        from .overlayfs.container import RealContainer

        return RealContainer
    raise AttributeError(name)
