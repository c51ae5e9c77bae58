"""The default backend: containers are the model's, in memory (copy-on-write over the image)."""

from __future__ import annotations

from typing import Any

from ..model.container import Container
from ..model.image import Image
from ..model.overlay_options import DOCKER, OverlayOptions

__all__ = ["MemoryBackend"]


class MemoryBackend:
    """A :class:`~simulator.backends.base.Backend` whose containers live in memory."""

    name = "memory"

    def __init__(self, overlay_options: OverlayOptions = DOCKER) -> None:
        if not isinstance(overlay_options, OverlayOptions):
            raise TypeError(
                f"overlay_options must be an OverlayOptions, not {type(overlay_options).__name__}"
            )
        self.overlay_options = overlay_options

    def new_container(self, image: Image, **meta: Any) -> Container:
        if self.overlay_options != DOCKER and "fs" not in meta:
            meta["overlay_options"] = self.overlay_options
        return Container(image, **meta)

    def close(self) -> None:
        """Nothing to let go: a removed container's writable layer is garbage like any object."""

    def __repr__(self) -> str:
        return "<MemoryBackend>"
