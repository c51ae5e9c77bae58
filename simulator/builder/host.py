"""What the builder needs from whoever hosts a build: the :class:`BuildHost` protocol.

The engine implements it (``Engine`` is a ``BuildHost``), but the builder never imports the
engine: it resolves ``FROM`` and ``COPY --from`` names, stores the result, gets a throw-away
container for each ``RUN``/``COPY`` step and reads the clock only through these members.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from simulator.limits import Limits
from simulator.model.container import Container
from simulator.model.image import Image

if TYPE_CHECKING:
    from simulator.builder.cache import BuildCache

__all__ = ["BuildHost", "ContextSource"]

ContextSource: TypeAlias = Mapping[str, Any] | str | os.PathLike[str] | None
"""A build context: a mapping of path to content (``bytes``, ``str``, ``(bytes, mode)`` or an
:class:`~simulator.model.entries.Entry`), a directory on disk, or ``None`` for an empty one."""


class BuildHost(Protocol):
    """The builder's view of the engine."""

    build_cache: BuildCache | None
    """The cache of layer steps; the builder creates it on the first build when it is ``None``."""

    limits: Limits
    """What a RUN step may use when the build gives no limits of its own."""

    def base_image(self, ref: str) -> Image:
        """The image ``ref`` names for ``FROM`` or ``COPY --from``: stored first, else the library.

        Raises:
            ImageNotFound: neither has it.
        """
        ...

    def resolved_digest(self, ref: str) -> str | None:
        """The manifest digest ``ref``'s image was pulled with, if known: BuildKit names the
        ``FROM`` vertex ``name@digest`` with it.  None: the name alone (an image only built or
        tagged locally)."""
        ...

    def store_image(self, image: Image, tag: str | None = None) -> Image:
        """Keep the built ``image`` (tagged ``tag`` when given); returns the stored image."""
        ...

    def now(self) -> dt.datetime:
        """The time the build records in history entries and cache records."""
        ...

    def work_container(
        self, image: Image, mounts: dict[str, Any] | None = None
    ) -> AbstractContextManager[Container]:
        """A throw-away container of ``image`` for one build step, removed when the block ends."""
        ...
