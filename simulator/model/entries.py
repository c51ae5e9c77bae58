"""Entries of a changeset: what one path holds in one layer.

An :class:`Entry` is immutable.  Its ``kind`` is one of :class:`Kind`: a regular file, a
directory (possibly *opaque*: it hides everything below it in lower layers), a symlink, a hard
link (to another path), or a whiteout (the path is deleted from the layers below).

A regular file keeps its content as bytes, or, for large imported files, only its size and
digest plus a :class:`ContentSource` that reads the bytes when they are asked for.  A *sparse*
file (extended by ``truncate``, or written past its end) keeps only the bytes written, as
:class:`Extents`: the holes between them read as zeros and take no space, as on ext4.
"""

from __future__ import annotations

import bisect
import enum
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

__all__ = ["ContentSource", "Entry", "Extents", "Kind"]


class Kind(enum.Enum):
    """What a path holds in one layer."""

    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    WHITEOUT = "whiteout"


class ContentSource(Protocol):
    """Reads a file's bytes on demand (for example from an OCI blob on disk)."""

    def read(self) -> bytes:  # pragma: no cover - protocol
        ...


class Extents:
    """A sparse (or long-appended) file's content: runs of bytes at their offsets, zeros
    elsewhere up to ``size``.

    Immutable; :meth:`read_range` and :meth:`chunks` read it without building the holes, so a
    ``truncate -s 1T`` file costs its written bytes only.  ``stored`` is what it takes on disk.
    :meth:`appended` costs O(1) (versions share their run lists, as Go slices do), so a file
    written in 64 KiB appends up to a gigabyte never copies what it already holds.
    """

    __slots__ = ("_datas", "_n", "_offsets", "size", "stored")

    def __init__(self, runs: tuple[tuple[int, bytes], ...], size: int) -> None:
        kept = [(o, b[: size - o]) for o, b in runs if b and o < size]
        self._offsets = [o for o, _ in kept]
        self._datas = [b for _, b in kept]
        self._n = len(kept)
        self.size = size
        self.stored = sum(len(b) for b in self._datas)

    @property
    def runs(self) -> tuple[tuple[int, bytes], ...]:
        """(offset, bytes) pairs, in order, never overlapping."""
        return tuple(zip(self._offsets[: self._n], self._datas[: self._n], strict=True))

    def read(self) -> bytes:
        return self.read_range(0, self.size)

    def read_range(self, start: int, n: int) -> bytes:
        end = min(self.size, start + n)
        if end <= start:
            return b""
        out = bytearray(end - start)
        offsets, datas = self._offsets, self._datas
        i = max(0, bisect.bisect_right(offsets, start, 0, self._n) - 1)
        while i < self._n and offsets[i] < end:
            offset, data = offsets[i], datas[i]
            lo, hi = max(start, offset), min(end, offset + len(data))
            if lo < hi:
                out[lo - start : hi - start] = data[lo - offset : hi - offset]
            i += 1
        return bytes(out)

    def chunks(self, chunk: int = 1 << 20) -> Iterator[bytes]:
        for start in range(0, self.size, chunk):
            yield self.read_range(start, chunk)

    def appended(self, content: bytes) -> Extents:
        """These extents with ``content`` added at the end (O(1): the run lists are shared)."""
        other = Extents.__new__(Extents)
        if self._n == len(self._offsets):  # the newest version: extend the shared lists
            offsets, datas = self._offsets, self._datas
        else:  # an older version grows another way: copy
            offsets, datas = self._offsets[: self._n], self._datas[: self._n]
        offsets.append(self.size)
        datas.append(_shared_zeros(content))
        other._offsets, other._datas, other._n = offsets, datas, self._n + 1
        other.size = self.size + len(content)
        other.stored = self.stored + len(content)
        return other

    def written(self, start: int, content: bytes) -> Extents:
        """These extents with ``content`` written at ``start`` (the file grows to cover it)."""
        end = start + len(content)
        runs: list[tuple[int, bytes]] = []
        for offset, data in self.runs:
            if offset + len(data) <= start or offset >= end:
                runs.append((offset, data))
                continue
            if offset < start:
                runs.append((offset, data[: start - offset]))
            if offset + len(data) > end:
                runs.append((end, data[end - offset :]))
        runs.append((start, content))
        runs.sort(key=lambda run: run[0])
        merged: list[tuple[int, bytes]] = []
        for offset, data in runs:  # adjacent runs become one (appends stay one run)
            if merged and merged[-1][0] + len(merged[-1][1]) == offset:
                merged[-1] = (merged[-1][0], merged[-1][1] + data)
            else:
                merged.append((offset, data))
        return Extents(tuple(merged), max(self.size, end))

    def __repr__(self) -> str:
        return f"<Extents {self.stored} of {self.size} bytes stored>"


_ZERO_PIECES: dict[int, bytes] = {}


def _shared_zeros(content: bytes) -> bytes:
    """``content``, or one shared object when it is a common-sized piece of zeros: ``cat
    /dev/zero > f`` keeps 1 GiB of blocks counted but not 1 GiB of the kernel's memory."""
    n = len(content)
    if n < 4096 or n & (n - 1) or content[:1] != b"\0":
        return bytes(content)
    zeros = _ZERO_PIECES.get(n)
    if zeros is None:
        zeros = _ZERO_PIECES.setdefault(n, bytes(n)) if n <= 1 << 20 else bytes(n)
    return zeros if content == zeros else bytes(content)


_LONG = 1 << 20
"""A file this long grows by appends as :class:`Extents` runs, never copied whole."""

_new = object.__new__
_set = object.__setattr__


def _make(
    cls: type[Entry], kind: Kind, mode: int, uid: int, gid: int, data: bytes | None, size: int,
    digest: str | None, target: str, opaque: bool, source: ContentSource | None,
) -> Entry:  # fmt: skip
    """An entry with exactly these fields (and ``ino``, ``dev``, ``nlink`` 0), as ``cls(...)``
    makes it, without the frozen dataclass ``__init__``'s keyword handling: the constructors
    below go through here, a third faster, as a library image makes ~10,000 entries on load."""
    entry = _new(cls)
    _set(entry, "kind", kind)
    _set(entry, "mode", mode)
    _set(entry, "uid", uid)
    _set(entry, "gid", gid)
    _set(entry, "data", data)
    _set(entry, "size", size)
    _set(entry, "digest", digest)
    _set(entry, "target", target)
    _set(entry, "opaque", opaque)
    _set(entry, "source", source)
    _set(entry, "ino", 0)
    _set(entry, "dev", 0)
    _set(entry, "nlink", 0)
    return entry


_MEMO_MIN = 1 << 16
"""A file this large keeps its content digest once computed (among the last :data:`_MEMO_COUNT`):
a cached build checksums the sources of each ``COPY --from`` again, and a built binary is
megabytes."""
_MEMO_COUNT = 128
_DIGESTS: dict[int, tuple[Entry, str]] = {}
"""``id(entry)`` -> (the entry, kept alive so that its id is not reused, and its digest)."""

_TYPE_CHAR = {Kind.FILE: "-", Kind.DIR: "d", Kind.SYMLINK: "l", Kind.HARDLINK: "h", Kind.WHITEOUT: "c"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One path's content and metadata in one layer.

    Attributes:
        kind: what the path is.
        mode: permission bits (``0o7777`` range: setuid, setgid, sticky and rwx).
        uid, gid: numeric owner.
        data: a regular file's bytes, or ``None`` when ``source`` provides them lazily.
        size: a regular file's size in bytes.
        digest: ``sha256:<hex>`` of a lazily read file's content (computed for ``data``).
        target: a symlink's target, or the absolute path a hard link points to.
        opaque: for a directory, whether it hides all lower layers' children.
        source: where a lazily read file's bytes come from.
        ino, dev, nlink: what ``stat()`` reports as ``st_ino``, ``st_dev`` and ``st_nlink``
            (filled in by a file system's ``stat``; 0 in a layer's entries; never compared).
    """

    kind: Kind
    mode: int = 0o644
    uid: int = 0
    gid: int = 0
    data: bytes | None = None
    size: int = 0
    digest: str | None = None
    target: str = ""
    opaque: bool = False
    source: ContentSource | None = field(default=None, compare=False, repr=False)
    ino: int = field(default=0, compare=False, repr=False)
    dev: int = field(default=0, compare=False, repr=False)
    nlink: int = field(default=0, compare=False, repr=False)

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def file(cls, data: bytes = b"", mode: int = 0o644, uid: int = 0, gid: int = 0) -> Entry:
        """A regular file holding ``data``."""
        return _make(cls, Kind.FILE, mode & 0o7777, uid, gid, bytes(data), len(data), None, "", False, None)

    @classmethod
    def lazy_file(
        cls, size: int, digest: str, source: ContentSource, mode: int = 0o644, uid: int = 0, gid: int = 0
    ) -> Entry:
        """A regular file whose bytes stay outside memory until :meth:`read` is called (an empty
        one is simply an empty file: nothing to read later, no source kept)."""
        if size == 0:
            return cls.file(b"", mode, uid, gid)
        return _make(cls, Kind.FILE, mode & 0o7777, uid, gid, None, size, digest, "", False, source)

    @classmethod
    def directory(cls, mode: int = 0o755, uid: int = 0, gid: int = 0, opaque: bool = False) -> Entry:
        """A directory; ``opaque=True`` hides every lower layer's children."""
        return _make(cls, Kind.DIR, mode & 0o7777, uid, gid, None, 0, None, "", opaque, None)

    @classmethod
    def symlink(cls, target: str, uid: int = 0, gid: int = 0) -> Entry:
        """A symbolic link to ``target`` (mode is always 0777, as on Linux)."""
        return _make(
            cls, Kind.SYMLINK, 0o777, uid, gid, None, len(target.encode()), None, target, False, None
        )

    @classmethod
    def hardlink(cls, target: str, mode: int = 0o644, uid: int = 0, gid: int = 0) -> Entry:
        """A hard link to the absolute path ``target``."""
        return cls(Kind.HARDLINK, mode & 0o7777, uid, gid, target=target)

    @classmethod
    def whiteout(cls) -> Entry:
        """The path is deleted from the layers below."""
        return cls(Kind.WHITEOUT, 0o000)

    def with_ids(self, ino: int, dev: int, nlink: int) -> Entry:
        """This entry as ``stat()`` reports it: with ``st_ino``, ``st_dev`` and ``st_nlink``."""
        return Entry(
            self.kind, self.mode, self.uid, self.gid, self.data, self.size, self.digest,
            self.target, self.opaque, self.source, ino, dev, nlink,
        )  # fmt: skip

    # -- queries ------------------------------------------------------------------------------
    @property
    def st_ino(self) -> int:
        """The inode number ``stat()`` reported (0 for an entry of a layer)."""
        return self.ino

    @property
    def st_dev(self) -> int:
        """The device number ``stat()`` reported (0 for an entry of a layer)."""
        return self.dev

    @property
    def st_nlink(self) -> int:
        """The link count ``stat()`` reported (0 for an entry of a layer)."""
        return self.nlink

    @property
    def is_dir(self) -> bool:
        return self.kind is Kind.DIR

    @property
    def is_file(self) -> bool:
        return self.kind is Kind.FILE

    @property
    def is_symlink(self) -> bool:
        return self.kind is Kind.SYMLINK

    @property
    def is_whiteout(self) -> bool:
        return self.kind is Kind.WHITEOUT

    def read(self) -> bytes:
        """A regular file's bytes (read from its source when imported lazily)."""
        if self.data is not None:
            return self.data
        if self.source is not None:
            return self.source.read()
        return b""

    @property
    def extents(self) -> Extents | None:
        """A sparse file's :class:`Extents` (None for any other entry)."""
        source = self.source if self.data is None else None
        return source if isinstance(source, Extents) else None

    def read_range(self, start: int, n: int) -> bytes:
        """Up to ``n`` bytes of a regular file from offset ``start`` (``n < 0``: to the end);
        a sparse file's holes are made only for the range asked."""
        if n < 0:
            n = max(0, self.size - start)
        extents = self.extents
        if extents is not None:
            return extents.read_range(start, n)
        return self.read()[start : start + n]

    def _as_extents(self) -> Extents:
        extents = self.extents
        return extents if extents is not None else Extents(((0, self.read()),), self.size)

    def _with_content(self, extents: Extents) -> Entry:
        if extents.stored == extents.size and (extents._n <= 1 or extents.size < _LONG):
            data = b"".join(d for _, d in extents.runs)  # no hole: plain bytes
            return replace(self, data=data, size=len(data), digest=None, source=None)
        return replace(self, data=None, size=extents.size, digest=None, source=extents)

    def with_data(self, data: bytes) -> Entry:
        """This entry holding ``data`` (plain bytes) as its whole content, every other field kept
        (``ino``, ``dev``, ``nlink`` too): ``replace(self, data=data, size=len(data), digest=None,
        source=None)`` without ``dataclasses.replace``'s keyword handling (a ``write_file``)."""
        entry = _new(type(self))
        _set(entry, "kind", self.kind)
        _set(entry, "mode", self.mode)
        _set(entry, "uid", self.uid)
        _set(entry, "gid", self.gid)
        _set(entry, "data", data)
        _set(entry, "size", len(data))
        _set(entry, "digest", None)
        _set(entry, "target", self.target)
        _set(entry, "opaque", self.opaque)
        _set(entry, "source", None)
        _set(entry, "ino", self.ino)
        _set(entry, "dev", self.dev)
        _set(entry, "nlink", self.nlink)
        return entry

    def resized(self, size: int) -> Entry:
        """A regular file cut to ``size`` bytes, or extended with a hole (``truncate``)."""
        if size <= self.size and self.extents is None:
            return replace(self, data=self.read()[:size], size=size, digest=None, source=None)
        return self._with_content(Extents(self._as_extents().runs, size))

    def written(self, start: int, content: bytes) -> Entry:
        """A regular file with ``content`` written at offset ``start`` (past the end: a hole
        between, as ``pwrite`` on ext4)."""
        if start == self.size and (self.size >= _LONG or self.extents is not None):
            return self._with_content(self._as_extents().appended(content))  # O(1), no copy
        if start <= self.size and self.extents is None:
            old = self.read()
            new = old[:start] + content + old[start + len(content) :]
            return replace(self, data=new, size=len(new), digest=None, source=None)
        return self._with_content(self._as_extents().written(start, content))

    def iter_content(self, chunk: int = 1 << 20) -> Iterator[bytes]:
        """A regular file's bytes in pieces (sources with a ``chunks()`` method are streamed)."""
        if self.data is not None:
            for start in range(0, len(self.data), chunk):
                yield self.data[start : start + chunk]
        elif self.source is not None:
            chunks = getattr(self.source, "chunks", None)
            if chunks is not None:
                yield from chunks()
            else:
                yield self.source.read()

    def content_digest(self) -> str:
        """``sha256:<hex>`` of a regular file's content (its stored digest when lazy; a large
        file's is remembered, see :data:`_MEMO_MIN`)."""
        if self.data is None and self.digest is not None:
            return self.digest
        memo = _DIGESTS.get(id(self)) if self.size >= _MEMO_MIN else None
        if memo is not None and memo[0] is self:
            return memo[1]
        h = hashlib.sha256()
        for piece in self.iter_content():  # a sparse file is hashed in pieces, never whole
            h.update(piece)
        digest = "sha256:" + h.hexdigest()
        if self.size >= _MEMO_MIN:
            if len(_DIGESTS) >= _MEMO_COUNT:  # the oldest goes
                _DIGESTS.pop(next(iter(_DIGESTS), 0), None)
            _DIGESTS[id(self)] = (self, digest)
        return digest

    @property
    def allocated(self) -> int:
        """Bytes of data this entry stores on disk (what a disk limit counts): a file's content
        without its holes (a sparse file's hole takes no block, as on ext4), a symlink's target."""
        if self.kind is Kind.FILE:
            extents = self.extents
            return self.size if extents is None else extents.stored
        if self.kind is Kind.SYMLINK:
            return self.size
        return 0

    @property
    def disk_size(self) -> int:
        """Bytes this entry occupies as Docker counts them: files and symlink targets only."""
        if self.kind is Kind.FILE or self.kind is Kind.SYMLINK:
            return self.size
        return 0

    def same_metadata(self, other: Entry) -> bool:
        """Mode and owner equal (what ``docker diff`` compares besides size)."""
        return (self.mode, self.uid, self.gid) == (other.mode, other.uid, other.gid)

    def same_content(self, other: Entry) -> bool:
        """Same kind, metadata, and content or target."""
        if self.kind is not other.kind or not self.same_metadata(other) or self.opaque != other.opaque:
            return False
        if self.kind is Kind.FILE:
            return self.size == other.size and self.content_digest() == other.content_digest()
        return self.target == other.target

    def mode_string(self) -> str:
        """``ls -l`` style, e.g. ``-rw-r--r--`` or ``drwxrwxrwt``."""
        bits = ""
        for shift, special, special_char in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
            triplet = (self.mode >> shift) & 7
            r = "r" if triplet & 4 else "-"
            w = "w" if triplet & 2 else "-"
            x = "x" if triplet & 1 else "-"
            if self.mode & special:
                x = special_char if triplet & 1 else special_char.upper()
            bits += r + w + x
        return _TYPE_CHAR[self.kind] + bits

    def __repr__(self) -> str:
        extra = ""
        if self.kind is Kind.FILE:
            extra = f" {self.size}B"
        elif self.kind in (Kind.SYMLINK, Kind.HARDLINK):
            extra = f" -> {self.target}"
        elif self.opaque:
            extra = " opaque"
        return f"<Entry {self.kind.value} {self.mode_string()} {self.uid}:{self.gid}{extra}>"
