"""Content-addressed blob files: ``ROOT/oci/blobs/sha256/<hex>``, written atomically, verified on read.

A blob is written to a temporary file in the same directory, flushed and ``fsync``-ed, then
renamed to its digest (``rename(2)`` is atomic on one file system) and the directory is
``fsync``-ed: after a crash a blob file is either absent or complete.  The layout is the OCI
image layout's (``oci-layout``, ``index.json``, ``blobs/sha256/``), so ``skopeo`` and ``umoci``
read the store's images directly.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator

from ..errors import StoreError
from ._crash import crash_point

__all__ = ["BlobStore", "atomic_write"]

_CHUNK = 1 << 20


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: str, data: bytes) -> None:
    """Replace ``path`` by ``data``: temporary file, fsync, rename, fsync of the directory."""
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


class BlobStore:
    """The blobs of one store, by ``sha256:<hex>`` digest."""

    def __init__(self, directory: str) -> None:
        self.directory = directory  # ROOT/oci/blobs/sha256

    def path(self, digest: str) -> str:
        algorithm, _, hexpart = digest.partition(":")
        if algorithm != "sha256" or len(hexpart) != 64 or not all(c in "0123456789abcdef" for c in hexpart):
            raise StoreError(f"{digest!r} is not a sha256 digest (sha256:<64 hex digits>)")
        return os.path.join(self.directory, hexpart)

    def has(self, digest: str) -> bool:
        return os.path.exists(self.path(digest))

    def put(self, chunks: Iterable[bytes], expected: str | None = None) -> tuple[str, int]:
        """Store ``chunks``; returns (digest, size).  An existing blob is kept (same bytes)."""
        if expected is not None and self.has(expected):
            return expected, os.path.getsize(self.path(expected))
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    h.update(chunk)
                    size += len(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            digest = "sha256:" + h.hexdigest()
            if expected is not None and digest != expected:
                raise StoreError(f"a blob meant to be {expected} hashes to {digest}; nothing was stored")
            crash_point("blob-written")
            os.replace(tmp, self.path(digest))
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        _fsync_dir(self.directory)
        crash_point("blob-renamed")
        return digest, size

    def put_bytes(self, data: bytes) -> str:
        return self.put([data])[0]

    def read(self, digest: str) -> bytes:
        """The blob's bytes, checked against its digest."""
        try:
            with open(self.path(digest), "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise StoreError(f"blob {digest} is missing from {self.directory}; run fsck") from None
        actual = "sha256:" + hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise StoreError(f"blob {digest} in {self.directory} is corrupt: it hashes to {actual}")
        return data

    def verify(self, digest: str) -> str | None:
        """None when the blob is present and hashes to ``digest``, else what is wrong."""
        path = self.path(digest)
        if not os.path.exists(path):
            return f"blob {digest} is missing"
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
        if "sha256:" + h.hexdigest() != digest:
            return f"blob {digest} hashes to sha256:{h.hexdigest()}"
        return None

    def __iter__(self) -> Iterator[str]:
        for name in sorted(os.listdir(self.directory)):
            if not name.startswith("."):
                yield "sha256:" + name

    def temporaries(self) -> list[str]:
        """Left-over temporary files of interrupted writes (removed by the next writer)."""
        return sorted(n for n in os.listdir(self.directory) if n.startswith(".tmp-"))
