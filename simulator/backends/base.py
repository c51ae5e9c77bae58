"""What the engine needs from a backend: containers of an image, and a way to let them go.

A backend decides what a container's file system is: the model's copy-on-write layer in memory
(:class:`~simulator.backends.memory.MemoryBackend`, the default), a real overlayfs mount
(:class:`~simulator.backends.overlayfs.OverlayBackend`), or your own: implement this Protocol
(and :class:`~simulator.model.fs.ContainerFS` for the file system) and pass an instance as
``Engine(backend=...)``.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..model.container import Container
from ..model.image import Image

__all__ = ["Backend"]


class Backend(Protocol):
    """Makes the engine's containers.

    ``new_container`` gets the model container's keyword arguments (``id``, ``name``,
    ``command``, ``created``, ``on_remove``, ``owner``, ``mounts``); a backend that cannot
    honour runtime ``mounts`` may ignore them.  ``close`` lets go of every container it made
    (unmounting what it mounted).
    """

    name: str

    def new_container(self, image: Image, **meta: Any) -> Container: ...

    def close(self) -> None: ...
