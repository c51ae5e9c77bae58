"""Small adapters over the engine, viz and analysis for what the widgets need and no API gives yet.

Each is a thin composition of public functions (no file-system semantics of its own); if the
model grows the same thing (``Image.prefix(n)``, a per-layer change list) these should go.

- :func:`image_prefix`: the image made of an image's bottom ``n`` layers ("the stack so far");
- :func:`layer_marks`: what layer ``k`` of an image adds, modifies and removes, from
  :func:`simulator.analysis.compare` of the prefixes below and including it;
- :func:`step_images`: for each step of a build, the image of its stage so far.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import compare
from ..builder.result import BuildResult
from ..model.image import HistoryEntry, Image

__all__ = ["LayerMarks", "image_prefix", "layer_marks", "step_images"]


def image_prefix(image: Image, n: int) -> Image:
    """``image``'s bottom ``n`` layers with their history (metadata entries up to layer ``n``)."""
    n = max(0, min(n, len(image.layers)))
    history: list[HistoryEntry] = []
    layers = 0
    for entry, layer in image.layer_history():
        if layer is not None:
            if layers == n:
                break
            layers += 1
        history.append(entry)
    if n == len(image.layers):
        return image
    return Image.of(image.layers[:n], image.config, history, created=image.created)


@dataclass(frozen=True)
class LayerMarks:
    """Paths layer ``k`` adds (``A``), modifies (``M``) and removes (``D``), merged-view paths."""

    added: frozenset[str]
    modified: frozenset[str]
    removed: frozenset[str]

    def mark(self, path: str) -> str:
        if path in self.added:
            return "A"
        if path in self.modified:
            return "M"
        if path in self.removed:
            return "D"
        return " "


_MARKS: dict[tuple[str, int], LayerMarks] = {}


def layer_marks(image: Image, k: int) -> LayerMarks:
    """What layer ``k`` (0 = bottom) changes in the merged view, by :func:`analysis.compare`."""
    key = (image.id, k)
    cached = _MARKS.get(key)
    if cached is None:
        below, upto = image_prefix(image, k), image_prefix(image, k + 1)
        diff = compare(below, upto)
        cached = LayerMarks(frozenset(diff.added), frozenset(diff.changed), frozenset(diff.removed))
        if len(_MARKS) > 256:
            _MARKS.clear()
        _MARKS[key] = cached
    return cached


def step_images(result: BuildResult) -> list[Image | None]:
    """For each step of ``result``, the image of its stage after that step (``None``: unknown)."""
    out: list[Image | None] = []
    for step in result.steps:
        stage = next((s for s in result.stages if s.index == step.stage_index), None)
        final = stage.image if stage is not None and stage.image is not None else None
        if final is None and step.stage_index == max((s.stage_index for s in result.steps), default=0):
            final = result.image
        if final is None:
            out.append(None)
            continue
        stage_steps = [s for s in result.steps if s.stage_index == step.stage_index]
        total = sum(s.layer is not None for s in stage_steps)
        base = len(final.layers) - total
        done = sum(s.layer is not None for s in stage_steps[: stage_steps.index(step) + 1])
        out.append(image_prefix(final, base + done))
    return out
