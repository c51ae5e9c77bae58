"""Open files of the model: what ``container.open(path, mode)`` returns.

An :class:`OpenFile` is a file description: flags, a position, and the file it designates.
The file is reached through a :class:`Backing`, which the file system keeps pointing at the
right place when the name is renamed, and which keeps the content alive when the last name
is removed (an unlinked file stays readable through its descriptor).  As on overlayfs since
Linux 4.19, a descriptor opened read-only before a copy-up reads the copied-up file after it
(the kernel reopens the real file when the inode was copied up): there is one file, wherever
its data lives.
"""

from __future__ import annotations

import errno
import os
from typing import Protocol

from .entries import Entry, Kind
from .paths import fs_error

__all__ = ["Backing", "OpenFile"]


class Backing(Protocol):
    """The file behind a descriptor, kept up to date by its file system."""

    def entry(self) -> Entry:
        """The file's entry now."""
        ...

    def store(self, entry: Entry) -> None:
        """Replace the file's data (and size); marks it changed, and drops setuid/setgid when the
        writer is not root, as the kernel's ``file_remove_privs``."""
        ...

    def check(self) -> None:
        """Raise when the file system is gone (the container was removed)."""
        ...


class OpenFile:
    """A descriptor on a file of the model, with ``read``/``write``/``seek``/``truncate``/``fstat``.

    Use it as a context manager, or call :meth:`close`.  Errors are the kernel's: EBADF for
    reading a write-only descriptor or writing a read-only one, EISDIR for reading a
    directory, EINVAL for ``truncate`` on a read-only descriptor or a negative position.
    """

    def __init__(self, backing: Backing, path: str, flags: int) -> None:
        self.path = path
        self.flags = flags
        self._backing = backing
        self._position = 0
        self._closed = False

    # ------------------------------------------------------------------ state
    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def readable(self) -> bool:
        return self.flags & os.O_ACCMODE in (os.O_RDONLY, os.O_RDWR)

    @property
    def writable(self) -> bool:
        return self.flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)

    def _live(self) -> Entry:
        self._backing.check()  # the container was removed: its error first, as the real backend
        if self._closed:
            raise ValueError(f"I/O operation on closed file {self.path!r}")
        return self._backing.entry()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"position {self._position}"
        return f"<OpenFile {self.path!r} flags={self.flags:#o} {state}>"

    # ------------------------------------------------------------------ calls
    def fstat(self) -> Entry:
        """The file's entry (mode, owner, size ...), even after its name was removed."""
        return self._live()

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes from the position (all the rest when ``size`` is negative)."""
        entry = self._live()
        if not self.readable:
            raise fs_error(errno.EBADF, self.path)
        if entry.kind is Kind.DIR:
            raise fs_error(errno.EISDIR, self.path)
        chunk = entry.read_range(self._position, size)  # a sparse file's holes only as asked
        self._position += len(chunk)
        return chunk

    def write(self, data: bytes | str) -> int:
        """Write at the position (at the end with ``O_APPEND``); returns the bytes written."""
        content = data.encode() if isinstance(data, str) else bytes(data)
        entry = self._live()
        if not self.writable:
            raise fs_error(errno.EBADF, self.path)
        if not content:
            return 0  # a write of nothing changes nothing, not even the mtime
        start = entry.size if self.flags & os.O_APPEND else self._position
        self._backing.store(entry.written(start, content))  # past the end: a hole between
        self._position = start + len(content)
        return len(content)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the position (``SEEK_SET``, ``SEEK_CUR``, ``SEEK_END``); EINVAL before 0, and for
        ``SEEK_END`` on a directory (overlayfs' ``ovl_dir_llseek`` on a merged directory)."""
        entry = self._live()
        end = None if entry.kind is Kind.DIR else entry.size  # a merged directory has no end
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: end}.get(whence)
        if base is None or base + offset < 0:
            raise fs_error(errno.EINVAL, self.path)
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        self._live()
        return self._position

    def truncate(self, size: int | None = None) -> int:
        """``ftruncate``: cut or extend with zeros to ``size`` (default: the position)."""
        entry = self._live()
        length = self._position if size is None else size
        if not self.writable or entry.kind is not Kind.FILE or length < 0:
            raise fs_error(errno.EINVAL, self.path)
        self._backing.store(entry.resized(length))  # extending leaves a hole
        return length

    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> OpenFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
