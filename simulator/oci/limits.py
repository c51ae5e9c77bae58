"""How much work an import may do: refuse decompression bombs and giant tars early.

Every layer blob and every compressed archive is streamed through a :class:`Budget`, which counts
uncompressed bytes and stops with :class:`~simulator.errors.ImageFormatError` as soon as a limit
is crossed, naming the blob and the limit (and how to raise it).  Tar members are counted the
same way.  Nothing is decompressed to disk, so a refused bomb costs the bytes read so far only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ImageFormatError

__all__ = ["DEFAULT_LIMITS", "RATIO_FLOOR", "Budget", "ImportLimits"]

RATIO_FLOOR = 256 << 20
"""Uncompressed bytes below which the compression ratio is not checked (256 MiB)."""


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Limits on one import (``read_layout(path, limits=ImportLimits(...))``).

    Attributes:
        max_uncompressed_bytes: of one layer tar, and of a compressed archive's tar (32 GiB).
        max_entries: tar members in one layer, and in an archive (1,000,000).
        max_ratio: uncompressed/compressed bytes, checked once a stream passed
            :data:`RATIO_FLOOR` (100; real layers compress 2-20 times, a gzip bomb ~1000 times).
        max_trailing_zeros: zero bytes allowed after a layer tar's end-of-archive blocks
            (1 MiB; ``tar`` pads to 10 KiB records, Go's archive/tar not at all).
    """

    max_uncompressed_bytes: int = 32 << 30
    max_entries: int = 1_000_000
    max_ratio: int = 100
    max_trailing_zeros: int = 1 << 20

    def __post_init__(self) -> None:
        for name in ("max_uncompressed_bytes", "max_entries", "max_ratio", "max_trailing_zeros"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise TypeError(f"ImportLimits.{name} must be a non-negative int, not {value!r}")


DEFAULT_LIMITS = ImportLimits()


class Budget:
    """A reader that counts what it passes and refuses to pass more than the limits allow.

    ``compressed`` is a callable giving the compressed bytes consumed so far (for the ratio).
    """

    __slots__ = ("_compressed", "_inner", "_limits", "_name", "count")

    def __init__(self, inner: object, name: str, limits: ImportLimits, compressed: object = None) -> None:
        self._inner = inner
        self._name = name
        self._limits = limits
        self._compressed = compressed
        self.count = 0

    def read(self, n: int = -1, /) -> bytes:
        data: bytes = self._inner.read(n)  # type: ignore[attr-defined]
        self.count += len(data)
        limits = self._limits
        if self.count > limits.max_uncompressed_bytes:
            raise ImageFormatError(
                f"{self._name}: more than {limits.max_uncompressed_bytes} uncompressed bytes, the import "
                "limit (ImportLimits.max_uncompressed_bytes); refused as a possible decompression bomb"
            )
        if self._compressed is not None and self.count > RATIO_FLOOR:
            packed = max(self._compressed(), 1)  # type: ignore[operator]
            if self.count > limits.max_ratio * packed:
                raise ImageFormatError(
                    f"{self._name}: {self.count} uncompressed bytes from {packed} compressed bytes, more "
                    f"than {limits.max_ratio} times as many (ImportLimits.max_ratio); refused as a "
                    "decompression bomb"
                )
        return data

    def entry(self, count: int) -> None:
        """Refuse the ``count``-th tar member if it is one too many."""
        if count > self._limits.max_entries:
            raise ImageFormatError(
                f"{self._name}: more than {self._limits.max_entries} tar members, the import limit "
                "(ImportLimits.max_entries)"
            )
