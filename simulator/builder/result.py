"""What a build returns: the image and a record per step and per stage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from simulator.model.image import Image
from simulator.model.layer import Layer

__all__ = ["BuildResult", "StageRecord", "StepRecord"]


@dataclass(frozen=True)
class StepRecord:
    """One Dockerfile instruction as the builder handled it.

    Attributes:
        number: BuildKit-style vertex number (``#4``) in the progress output.
        stage: the stage's name (``AS name``) or its index as a string.
        stage_index: the stage's position in the Dockerfile (0-based).
        position: ``(k, n)`` as in ``[k/n]`` within the stage's steps.
        keyword: ``RUN``, ``COPY`` ... (upper case).
        instruction: the instruction after variable substitution, as shown in the progress.
        line: 1-based Dockerfile line.
        cached: the step's result came from the build cache.
        miss_reason: why the cache missed (``None`` when cached or for metadata steps).
        layer: the layer the step made, or ``None`` for metadata-only steps.
        created_by: the history string recorded in the image config.
        copy_from: the stage name or image a ``COPY --from`` read from.
        output: what a RUN step printed.
        unsimulated: the programs of a RUN step that are in the image but that layerlab does
            not simulate (``npm``, ``go`` ...): they ran as no-ops, so their effects are not in
            the layer (the build log says so in one line each).
    """

    number: int
    stage: str
    stage_index: int
    position: tuple[int, int]
    keyword: str
    instruction: str
    line: int
    cached: bool = False
    miss_reason: str | None = None
    layer: Layer | None = None
    created_by: str = ""
    copy_from: str | None = None
    output: str = ""
    unsimulated: tuple[str, ...] = ()

    @property
    def makes_layer(self) -> bool:
        return self.layer is not None


@dataclass(frozen=True)
class StageRecord:
    """One ``FROM`` stage: built, or skipped because the target does not need it."""

    index: int
    name: str
    base: str
    built: bool
    image: Image | None = None
    depends_on: tuple[int, ...] = ()


@dataclass(frozen=True)
class BuildResult:
    """The built image, its tag, and the records; unpacks as ``image, steps = result``."""

    image: Image
    steps: tuple[StepRecord, ...]
    stages: tuple[StageRecord, ...] = ()
    tag: str | None = None
    log: str = ""
    warnings: tuple[str, ...] = field(default=())

    def __iter__(self) -> Iterator[Any]:
        return iter((self.image, self.steps))

    @property
    def first_miss(self) -> StepRecord | None:
        """The first step that was not served from the cache, with its reason."""
        return next((s for s in self.steps if s.layer is not None and not s.cached), None)
