"""The layer store: every layer once per ChainID, reference-counted by the images using it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from ..digest import Digest
from ..model.image import Image
from ..model.layer import Layer

__all__ = ["LayerStore"]


class LayerStore(Mapping[Digest, Layer]):
    """Layers stored once per ChainID, with the number of images using each.

    Read it as a mapping ``ChainID -> Layer``; :meth:`intern` and :meth:`release` are the only
    writers (the image collection calls them when an image is stored or deleted).
    """

    def __init__(self) -> None:
        self._layers: dict[Digest, Layer] = {}
        self._refs: dict[Digest, int] = {}

    def intern(self, image: Image) -> Image:
        """Count ``image``'s layers as used; returns it made of the stored layer objects."""
        layers = []
        for chain, layer in zip(image.chain_ids, image.layers, strict=True):
            stored = self._layers.setdefault(chain, layer)
            self._refs[chain] = self._refs.get(chain, 0) + 1
            layers.append(stored)
        if all(a is b for a, b in zip(layers, image.layers, strict=True)):
            return image
        return replace(image, layers=tuple(layers))

    def release(self, image: Image) -> None:
        """Undo :meth:`intern`; a layer no image uses any more is dropped."""
        for chain in image.chain_ids:
            self._refs[chain] -= 1
            if not self._refs[chain]:
                del self._refs[chain]
                del self._layers[chain]

    def refcount(self, chain: Digest) -> int:
        """How many stored images use the layer ``chain`` (0 when it is not stored)."""
        return self._refs.get(chain, 0)

    def __getitem__(self, chain: Digest) -> Layer:
        return self._layers[chain]

    def __iter__(self) -> Iterator[Digest]:
        return iter(list(self._layers))  # a snapshot: another thread may store a layer meanwhile

    def __len__(self) -> int:
        return len(self._layers)

    def __contains__(self, chain: object) -> bool:
        return chain in self._layers
