"""Entries of a changeset: what one path holds in one layer.

An :class:`Entry` is immutable.  Its ``kind`` is one of :class:`Kind`: a regular file, a
directory (possibly *opaque*: it hides everything below it in lower layers), a symlink, a hard
link (to another path), or a whiteout (the path is deleted from the layers below).

A regular file keeps its content as bytes, or, for large imported files, only its size and
digest plus a :class:`ContentSource` that reads the bytes when they are asked for.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["ContentSource", "Entry", "Kind"]


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
        return cls(Kind.FILE, mode & 0o7777, uid, gid, data=bytes(data), size=len(data))

    @classmethod
    def lazy_file(
        cls, size: int, digest: str, source: ContentSource, mode: int = 0o644, uid: int = 0, gid: int = 0
    ) -> Entry:
        """A regular file whose bytes stay outside memory until :meth:`read` is called."""
        return cls(Kind.FILE, mode & 0o7777, uid, gid, size=size, digest=digest, source=source)

    @classmethod
    def directory(cls, mode: int = 0o755, uid: int = 0, gid: int = 0, opaque: bool = False) -> Entry:
        """A directory; ``opaque=True`` hides every lower layer's children."""
        return cls(Kind.DIR, mode & 0o7777, uid, gid, opaque=opaque)

    @classmethod
    def symlink(cls, target: str, uid: int = 0, gid: int = 0) -> Entry:
        """A symbolic link to ``target`` (mode is always 0777, as on Linux)."""
        return cls(Kind.SYMLINK, 0o777, uid, gid, target=target, size=len(target.encode()))

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
        """``sha256:<hex>`` of a regular file's content (its stored digest when lazy)."""
        if self.data is None and self.digest is not None:
            return self.digest
        return "sha256:" + hashlib.sha256(self.read()).hexdigest()

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
