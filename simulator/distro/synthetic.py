"""Generated file content: the bytes of a large file that the data describes only by its size.

A library image's ``/usr/lib/libcrypto.so.3`` or a package's ``.deb`` needs the right size and a
stable digest, not its real bytes.  :class:`Synthetic` makes them from the path: a 32-byte seed
repeated, cheap to produce, different for different paths and the same on every run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cache

from simulator.model.entries import Entry

__all__ = ["Synthetic", "synthetic_bytes", "synthetic_entry"]

_BLOCK = 1 << 16


class Synthetic:
    """Generated content for a file of ``size`` bytes at ``path`` (a :class:`ContentSource`).

    The bytes are a 32-byte seed derived from the path, repeated: cheap to make, different for
    different paths, the same on every run.  Nothing is kept in memory between reads.
    """

    __slots__ = ("path", "size")

    def __init__(self, path: str, size: int) -> None:
        self.path = path
        self.size = size

    def _block(self) -> bytes:
        return hashlib.sha256(b"layerlab synthetic " + self.path.encode()).digest() * (_BLOCK // 32)

    def read(self) -> bytes:
        block = self._block()
        whole, rest = divmod(self.size, _BLOCK)
        return block * whole + block[:rest]

    def chunks(self) -> Iterator[bytes]:
        """The same bytes as :meth:`read`, one block at a time (the tar writer streams them)."""
        block = self._block()
        whole, rest = divmod(self.size, _BLOCK)
        for _ in range(whole):
            yield block
        if rest:
            yield block[:rest]

    def digest(self) -> str:
        """``sha256:<hex>`` of :meth:`read`'s bytes, computed without building them."""
        return _synthetic_digest(self.path, self.size)

    def __repr__(self) -> str:
        return f"Synthetic({self.path!r}, {self.size})"


@cache
def _synthetic_digest(path: str, size: int) -> str:
    if size < _BLOCK:  # a small file: make only its own bytes, not a whole block
        seed = hashlib.sha256(b"layerlab synthetic " + path.encode()).digest()
        return "sha256:" + hashlib.sha256((seed * (size // 32 + 1))[:size]).hexdigest()
    source = Synthetic(path, size)
    block = source._block()
    h = hashlib.sha256()
    whole, rest = divmod(size, _BLOCK)
    for _ in range(whole):
        h.update(block)
    h.update(block[:rest])
    return "sha256:" + h.hexdigest()


def synthetic_entry(
    path: str, size: int, mode: int = 0o644, uid: int = 0, gid: int = 0, *, digest: str | None = None
) -> Entry:
    """A lazily generated regular file of ``size`` bytes (``digest``: its known digest, if any,
    which spares hashing the bytes; see :mod:`simulator.distro.digests`)."""
    source = Synthetic(path, size)
    return Entry.lazy_file(size, digest or source.digest(), source, mode, uid, gid)


def synthetic_bytes(path: str, size: int) -> bytes:
    """The generated content of a file of ``size`` bytes at ``path`` (what a package manager writes)."""
    return Synthetic(path, size).read()
