"""The default backend: containers are the model's, in memory (copy-on-write over the image)."""

from __future__ import annotations

from typing import Any

from ..model.container import Container
from ..model.image import Image

__all__ = ["MemoryBackend"]


class MemoryBackend:
    """A :class:`~simulator.backends.base.Backend` whose containers live in memory."""

    name = "memory"

    def new_container(self, image: Image, **meta: Any) -> Container:
        return Container(image, **meta)

    def close(self) -> None:
        """Nothing to let go: a removed container's writable layer is garbage like any object."""

    def __repr__(self) -> str:
        return "<MemoryBackend>"
