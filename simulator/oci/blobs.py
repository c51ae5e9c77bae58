"""Blobs on disk and streaming readers over them: windows, hashing, decompression.

A :class:`Blob` is a byte range of a file: a whole file in an OCI layout directory, or one
member of an uncompressed tar archive (a ``docker save`` file is read in place, never unpacked).

A :class:`LayerBlob` is a layer blob with its compression (``gzip``, ``zstd`` or none).  While
the importer streams it once, :class:`Inflater` records *checkpoints* (a copy of the zlib state
every few MiB of output), so a file's bytes can later be read again by decompressing from the
nearest checkpoint instead of from the start of a 100 MB layer.  File contents are never kept
in memory: an imported file is an offset into the uncompressed stream (:class:`BlobContent`).
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import ImageFormatError

__all__ = ["Blob", "BlobContent", "Inflater", "LayerBlob", "Reader", "detect_compression"]

CHUNK = 1 << 20
CHECKPOINT_EVERY = 8 << 20
"""Uncompressed bytes between two gzip checkpoints at first (each costs about 40 KiB of zlib state)."""
MAX_CHECKPOINTS = 128
"""Checkpoints kept per stream: past that, every other one goes and the spacing doubles, so a
layer's checkpoints never cost more than about 128 x 56 KiB, whatever its size."""
FEED = 16 << 10
"""Compressed bytes given to zlib at a time: a checkpoint's copy keeps at most this much input."""

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class Reader(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Blob:
    """``size`` bytes of the file ``path`` starting at ``offset``; ``name`` is for messages.

    ``keepalive`` holds whatever must live as long as the blob (a temporary file's owner).
    """

    path: str
    offset: int
    size: int
    name: str
    keepalive: Any = field(default=None, compare=False, repr=False)
    archive: CompressedFile | None = field(default=None, compare=False, repr=False)

    def open(self, start: int = 0) -> Window:
        """A reader of this blob's bytes from ``start`` on.

        In a compressed archive (``archive``), ``offset`` is a position in its uncompressed tar,
        reached by decompressing from the archive's nearest checkpoint.
        """
        try:
            if self.archive is not None:
                return Window(self.archive.open_at(self.offset + start), self.size - start)
            f = open(self.path, "rb")  # noqa: SIM115 - the Window owns and closes it
        except OSError as e:
            raise ImageFormatError(
                f"{self.name}: cannot open {self.path!r} ({e.strerror}); an imported image reads file "
                "contents from its layout, which must stay on disk"
            ) from None
        f.seek(self.offset + start)
        return Window(f, self.size - start)

    def read_all(self, limit: int) -> bytes:
        """The whole blob (for JSON documents); refuses blobs bigger than ``limit``."""
        if self.size > limit:
            raise ImageFormatError(
                f"{self.name}: {self.size} bytes is too big for a JSON document (limit {limit})"
            )
        with self.open() as w:
            data = w.read(self.size)
        if len(data) != self.size:
            raise ImageFormatError(f"{self.name}: truncated ({len(data)} of {self.size} bytes)")
        return data


class Window:
    """Reads at most ``size`` bytes from an open file, then behaves as at end of file."""

    __slots__ = ("_f", "left")

    def __init__(self, f: Any, size: int) -> None:
        self._f = f
        self.left = size

    def read(self, n: int = -1, /) -> bytes:
        if n < 0 or n > self.left:
            n = self.left
        if n == 0:
            return b""
        data: bytes = self._f.read(n)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self._f.close()

    def __enter__(self) -> Window:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class HashingReader:
    """Passes reads through while hashing and counting them; keeps a short tail of what it read."""

    __slots__ = ("_inner", "_tail_limit", "_tail_size", "count", "hash", "tail")

    def __init__(self, inner: Reader, algorithm: str = "sha256", tail: int = 0) -> None:
        self._inner = inner
        self.hash = hashlib.new(algorithm)
        self.count = 0
        self.tail: deque[tuple[int, bytes]] = deque()
        self._tail_size = 0
        self._tail_limit = tail

    def read(self, n: int = -1, /) -> bytes:
        data = self._inner.read(n)
        if data:
            self.hash.update(data)
            if self._tail_limit:
                self.tail.append((self.count, data))
                self._tail_size += len(data)
                while self._tail_size - len(self.tail[0][1]) >= self._tail_limit:
                    self._tail_size -= len(self.tail.popleft()[1])
            self.count += len(data)
        return data

    def since(self, offset: int) -> bytes:
        """The bytes read from ``offset`` on, if the tail still holds them (else raises)."""
        parts = []
        for start, data in self.tail:
            end = start + len(data)
            if end <= offset:
                continue
            parts.append(data[max(offset - start, 0) :])
        if not self.tail or self.tail[0][0] > offset:
            raise ValueError("offset no longer in the tail")
        return b"".join(parts)

    def digest(self) -> str:
        return f"{self.hash.name}:{self.hash.hexdigest()}"


def detect_compression(head: bytes) -> str:
    """``"gzip"``, ``"zstd"`` or ``""`` (plain tar) from a blob's first bytes."""
    if head.startswith(_GZIP_MAGIC):
        return "gzip"
    if head.startswith(_ZSTD_MAGIC):
        return "zstd"
    return ""


@dataclass(slots=True)
class _Checkpoint:
    in_pos: int  # compressed bytes consumed before the saved state's next input
    out_pos: int  # uncompressed bytes produced so far
    state: Any  # a zlib decompressobj copy


class Inflater:
    """Decompresses a gzip stream (several members allowed) read from ``raw``.

    Raises :class:`ImageFormatError` for corrupt or truncated data.  With ``checkpoints`` (a
    list), appends a resumable state every :data:`CHECKPOINT_EVERY` output bytes.
    """

    __slots__ = (
        "_checkpoints",
        "_d",
        "_done",
        "_every",
        "_in_pos",
        "_name",
        "_next_cp",
        "_pending",
        "_pos",
        "_raw",
        "out_pos",
    )

    def __init__(
        self,
        raw: Reader,
        name: str,
        checkpoints: list[_Checkpoint] | None = None,
        start: _Checkpoint | None = None,
    ) -> None:
        self._raw = raw
        self._name = name
        self._pending = b""
        self._pos = 0  # how much of _pending zlib consumed
        self._checkpoints = checkpoints
        self._done = False
        if start is None:
            self._d = zlib.decompressobj(31)
            self._in_pos = 0
            self.out_pos = 0
        else:
            self._d = start.state.copy()
            self._in_pos = start.in_pos
            self.out_pos = start.out_pos
        self._every = CHECKPOINT_EVERY
        if checkpoints:  # thinned before: keep the spacing the list has
            self._every = max(CHECKPOINT_EVERY, checkpoints[0].out_pos)
        self._next_cp = self.out_pos + self._every

    def _corrupt(self, why: str) -> ImageFormatError:
        return ImageFormatError(
            f"{self._name}: corrupt gzip data ({why}) after {self._in_pos} compressed bytes"
        )

    def read(self, n: int = -1, /) -> bytes:
        if n < 0:
            n = 1 << 62
        parts: list[bytes] = []
        got = 0
        while got < n and not self._done:
            if self._d.eof:  # between gzip members: another member, zero padding, or the end
                self._pending = self._pending[self._pos :]
                self._pos = 0
                if not self._pending:
                    self._pending = self._raw.read(CHUNK)
                    if not self._pending:
                        self._done = True
                        break
                if self._pending.strip(b"\0") == b"":
                    self._in_pos += len(self._pending)
                    self._pending = b""
                    continue
                if not self._pending.startswith(_GZIP_MAGIC[: len(self._pending)]):
                    raise self._corrupt("unexpected data after the end of the gzip stream")
                self._d = zlib.decompressobj(31)
            if self._pos >= len(self._pending):
                self._pending = self._raw.read(CHUNK)
                self._pos = 0
                if not self._pending:
                    raise ImageFormatError(
                        f"{self._name}: truncated gzip stream (ended after {self._in_pos} compressed bytes)"
                    )
            feed = memoryview(self._pending)[self._pos : self._pos + FEED]
            try:
                data = self._d.decompress(feed, n - got)
            except zlib.error as e:
                raise self._corrupt(str(e)) from None
            left = self._d.unused_data if self._d.eof else self._d.unconsumed_tail
            used = len(feed) - len(left)
            self._pos += used
            self._in_pos += used
            if data:
                parts.append(data)
                got += len(data)
                self.out_pos += len(data)
            if self._checkpoints is not None and self.out_pos >= self._next_cp and not self._d.eof:
                self._checkpoint()
        return b"".join(parts)

    def _checkpoint(self) -> None:
        checkpoints = self._checkpoints
        assert checkpoints is not None
        checkpoints.append(_Checkpoint(self._in_pos, self.out_pos, self._d.copy()))
        if len(checkpoints) > MAX_CHECKPOINTS:
            checkpoints[:] = checkpoints[1::2]
            self._every *= 2
        self._next_cp = self.out_pos + self._every

    def close(self) -> None:
        close = getattr(self._raw, "close", None)
        if close is not None:
            close()

    def drain_compressed(self) -> None:
        """Consume what is left of the raw input (so its digest covers every byte)."""
        while self.read(CHUNK):
            pass


class _ZstdReader:
    """A zstd stream via the optional ``zstandard`` package."""

    def __init__(self, raw: Reader, name: str) -> None:
        try:
            import zstandard  # type: ignore[import-not-found]
        except ImportError:
            raise ImageFormatError(
                f"{name}: this layer is zstd-compressed and the optional 'zstandard' package is not "
                "installed; install it (pip install zstandard) or convert the image to gzip layers "
                "(skopeo copy --dest-compress-format gzip ...)"
            ) from None
        self._name = name
        self._err = zstandard.ZstdError
        self._r = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)

    def read(self, n: int = -1, /) -> bytes:
        try:
            return self._r.read(n)
        except self._err as e:
            raise ImageFormatError(f"{self._name}: corrupt zstd data ({e})") from None


@dataclass(eq=False, slots=True)
class LayerBlob:
    """A layer blob with its compression and the gzip checkpoints recorded while importing it."""

    blob: Blob
    compression: str
    media_type: str = ""
    digest: str = ""
    checkpoints: list[_Checkpoint] = field(default_factory=list)

    def uncompressed(
        self, raw: Reader | None = None, *, record: bool = False, start: _Checkpoint | None = None
    ) -> Reader:
        """A reader of the uncompressed tar (from ``start`` if given)."""
        if raw is None:
            raw = self.blob.open()
        if self.compression == "gzip":
            return Inflater(raw, self.blob.name, self.checkpoints if record else None, start)
        if self.compression == "zstd":
            return _ZstdReader(raw, self.blob.name)
        return raw

    def iter_uncompressed(self) -> Any:
        """The uncompressed tar in pieces (what the layer's DiffID is the digest of)."""
        with self.blob.open() as raw:
            reader = self.uncompressed(raw)
            while chunk := reader.read(CHUNK):
                yield chunk

    def iter_raw(self) -> Any:
        """The blob as stored (compressed or not)."""
        with self.blob.open() as raw:
            while chunk := raw.read(CHUNK):
                yield chunk

    def read_range(self, offset: int, size: int) -> bytes:
        """``size`` bytes at ``offset`` of the uncompressed stream."""
        if not self.compression:
            with self.blob.open(offset) as raw:
                return raw.read(size)
        start = None
        if self.compression == "gzip":
            for cp in self.checkpoints:
                if cp.out_pos > offset:
                    break
                start = cp
        with self.blob.open(start.in_pos if start is not None else 0) as raw:
            reader = self.uncompressed(raw, start=start)
            skip_to(reader, offset - (start.out_pos if start is not None else 0))
            parts = []
            left = size
            while left > 0:
                data = reader.read(min(left, CHUNK))
                if not data:
                    break
                parts.append(data)
                left -= len(data)
            return b"".join(parts)


def skip_to(reader: Reader, count: int) -> None:
    """Read and drop ``count`` bytes (fewer at the end of the stream)."""
    while count > 0:
        got = len(reader.read(min(count, CHUNK)))
        if not got:
            break
        count -= got


class CompressedFile:
    """A gzip-compressed tar (``docker save | gzip``) read in place, with checkpoints.

    Indexing the archive decompresses it once, recording checkpoints; a member is then read by
    decompressing from the nearest checkpoint before it: no temporary copy is ever written.
    """

    def __init__(self, path: str, name: str) -> None:
        self.path = path
        self.name = name
        self.checkpoints: list[_Checkpoint] = []

    def stream(self, raw: Reader) -> Inflater:
        """The first pass, from the start, recording checkpoints."""
        self.checkpoints.clear()
        return Inflater(raw, self.name, self.checkpoints)

    def open_at(self, position: int) -> Inflater:
        """A reader of the uncompressed tar from ``position`` on (closes its file when closed)."""
        start = None
        for cp in self.checkpoints:
            if cp.out_pos > position:
                break
            start = cp
        f = open(self.path, "rb")  # noqa: SIM115 - the Inflater owns and closes it
        f.seek(start.in_pos if start is not None else 0)
        reader = Inflater(f, self.name, start=start)
        skip_to(reader, position - (start.out_pos if start is not None else 0))
        return reader


@dataclass(frozen=True, slots=True)
class BlobContent:
    """A file's bytes as a range of a layer's uncompressed tar: read on demand and checked."""

    layer: LayerBlob
    offset: int
    size: int
    digest: str
    path: str

    def read(self) -> bytes:
        data = self.layer.read_range(self.offset, self.size)
        if len(data) != self.size or "sha256:" + hashlib.sha256(data).hexdigest() != self.digest:
            raise ImageFormatError(
                f"{self.layer.blob.name}: the content of {self.path} no longer matches what was imported "
                f"(was the layout at {os.path.dirname(self.layer.blob.path)!r} changed?)"
            )
        return data
