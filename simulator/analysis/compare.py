"""Compare two images: the layers they share and the files that differ.

Layers are compared by ChainID (position and everything below), as the layer store shares
them; files by the merged views (what a container of each image sees), like ``docker diff``
but between two images: ``added`` (only in B), ``removed`` (only in A), ``changed`` (kind,
mode, owner, size, content or link target differ).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.image import Image

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """What two images share and how their files differ (paths sorted)."""

    shared_layers: int
    """Bottom layers with equal ChainIDs (stored once, pulled once)."""
    layers_only_a: int
    layers_only_b: int
    shared_bytes: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        lines = [
            f"shared layers: {self.shared_layers} ({self.shared_bytes} B); "
            f"only in A: {self.layers_only_a}; only in B: {self.layers_only_b}"
        ]
        lines += (
            [f"A {p}" for p in self.added]
            + [f"C {p}" for p in self.changed]
            + [f"D {p}" for p in self.removed]
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def compare(a: Image, b: Image) -> Comparison:
    """Layers shared by ``a`` and ``b`` and the files added, changed or removed from a to b."""
    shared = 0
    for x, y in zip(a.chain_ids, b.chain_ids, strict=False):
        if x != y:
            break
        shared += 1
    old = {o.path: o.entry for o in a.view.walk()}
    new = {o.path: o.entry for o in b.view.walk()}
    added = tuple(p for p in new if p not in old)
    removed = tuple(p for p in old if p not in new)
    changed = tuple(p for p in new if p in old and not new[p].same_content(old[p]))
    return Comparison(
        shared,
        len(a.layers) - shared,
        len(b.layers) - shared,
        sum(layer.size for layer in a.layers[:shared]),
        added,
        removed,
        changed,
    )
