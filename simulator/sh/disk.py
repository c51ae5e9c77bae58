"""The container's disk limit: writes past :attr:`Limits.disk` fail with ``ENOSPC``.

:class:`DiskQuota` stands in front of the container's file operations while a command runs
(the shell and every command it starts use it): ``write_file``, ``append_file``,
``truncate`` and ``open`` (the copy-up at an open for write, then each ``write`` and
``truncate`` of the descriptor) first check that the writable layer stays within the limit,
and fail like a write on a full disk -- ``OSError(ENOSPC, "No space left on device")`` --
before changing anything.  Everything else passes through unchanged.

The writable layer's usage is taken from the container once (``size_rw``, what ``docker ps -s``
shows) and then followed write by write: a file rewritten in the layer counts its new size
instead of its old one; a file copied up from the image counts its new size.
"""

from __future__ import annotations

import errno
import os
from typing import Any

from simulator.model.entries import Entry
from simulator.model.fs import FileHandle
from simulator.model.namei import open_flags, wants_write

__all__ = ["DiskQuota", "QuotaFile", "with_quota"]


class DiskQuota:
    """A container's file operations with a disk limit (see the module docstring)."""

    def __init__(self, fs: Any, limit: int) -> None:
        object.__setattr__(self, "_fs", fs)
        object.__setattr__(self, "_limit", limit)
        object.__setattr__(self, "_used", _usage(fs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fs, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._fs, name, value)  # e.g. ``credentials``: it is the container's

    @property
    def used(self) -> int:
        """Bytes of file data in the writable layer, as counted so far."""
        return int(self._used)

    def _old_size(self, path: str) -> int:
        upper = _upper(self._fs)
        entry = upper.get(path) if upper is not None else None
        return int(getattr(entry, "allocated", getattr(entry, "size", 0)) or 0) if entry is not None else 0

    def _grow(self, path: str, growth: int) -> None:
        if growth > 0 and self._used + growth > self._limit:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    def write_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        size = len(data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data)
        growth = size - self._old_size(path)
        self._grow(path, growth)
        self._fs.write_file(path, data, mode)
        object.__setattr__(self, "_used", self._used + growth)

    def append_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        size = len(data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data)
        old = self._old_size(path)
        growth = size if old or size == 0 else size + _lower_size(self._fs, path)  # a copy-up brings the file
        self._grow(path, growth)
        self._fs.append_file(path, data, mode)
        object.__setattr__(self, "_used", self._used + growth)

    def truncate(self, path: str, size: int) -> None:
        # extending makes a hole, which takes no block (as on ext4); a lower file is copied up first
        upper_old = self._old_size(path)
        copied = 0 if upper_old else _lower_size(self._fs, path)
        growth = copied + min(0, size - (upper_old or copied))
        self._grow(path, growth)
        self._fs.truncate(path, size)
        object.__setattr__(self, "_used", max(0, self._used + growth))

    def open(self, path: str, mode: str | int = "r", perms: int = 0o666) -> FileHandle:
        """``open(2)`` within the limit: an open for write copies a lower file up whole (ENOSPC
        when it does not fit, as overlayfs' copy-up on a full upper file system); ``O_TRUNC``
        frees the file's data; the descriptor's writes are counted as they happen."""
        flags = open_flags(mode)
        growth = 0
        if wants_write(flags):
            growth = self._open_growth(path, flags)
            self._grow(path, growth)
        handle = self._fs.open(path, mode, perms)
        object.__setattr__(self, "_used", max(0, self._used + growth))
        return QuotaFile(handle, self) if wants_write(flags) else handle

    def _open_growth(self, path: str, flags: int) -> int:
        try:
            entry = self._fs.stat(path)
            in_upper = self._fs.source_of(path) == "upper"
        except (OSError, ValueError, AttributeError):
            return 0  # created by the open (empty), or the open fails by itself
        if not entry.is_file:
            return 0
        size = int(entry.size or 0)
        if flags & os.O_TRUNC:
            return -size if in_upper else 0
        return 0 if in_upper else size  # the copy-up brings the whole file

    def _grew(self, growth: int) -> None:
        object.__setattr__(self, "_used", max(0, self._used + growth))


class QuotaFile:
    """A descriptor opened for write through a :class:`DiskQuota`: ``write`` and ``truncate``
    past the limit fail with ENOSPC before writing anything (no partial write)."""

    def __init__(self, handle: FileHandle, quota: DiskQuota) -> None:
        self._handle = handle
        self._quota = quota
        self.path = handle.path
        self.flags = handle.flags

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def write(self, data: bytes | str) -> int:
        """Write within the limit; a write that does not fit writes what fits (the kernel's
        short write on a full disk) and then fails with ENOSPC, as the retried write would."""
        content = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)
        size = int(self._handle.fstat().size or 0)
        start = size if self.flags & os.O_APPEND else self._handle.tell()
        growth = max(0, start + len(content) - size) if content else 0
        room = self._quota._limit - self._quota._used
        if growth > room:
            fits = max(0, len(content) - (growth - max(0, room)))
            if fits:
                self._handle.write(content[:fits])
                self._quota._grew(max(0, start + fits - size))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.path)
        written = self._handle.write(content)
        self._quota._grew(growth)
        return written

    def truncate(self, size: int | None = None) -> int:
        old = int(self._handle.fstat().size or 0)
        length = self._handle.tell() if size is None else size
        if length > old:
            self._quota._grow(self.path, length - old)
        result = self._handle.truncate(size)
        self._quota._grew(length - old)
        return result

    def read(self, size: int = -1) -> bytes:
        return self._handle.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def fstat(self) -> Entry:
        return self._handle.fstat()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> QuotaFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _upper(fs: Any) -> Any:
    inner = getattr(fs, "fs", fs)
    table = getattr(inner, "writable_entries", None)
    try:
        return table() if callable(table) else None
    except Exception:  # a backend without a table: usage is then followed from the writes alone
        return None


def _usage(fs: Any) -> int:
    used = getattr(getattr(fs, "fs", fs), "disk_used", None)  # the model's count: holes are free
    if callable(used):
        return int(used())
    try:
        return int(getattr(fs, "size_rw", 0) or 0)
    except Exception:
        return 0


def _lower_size(fs: Any, path: str) -> int:
    try:
        entry = fs.stat(path)
    except (OSError, ValueError):
        return 0
    return int(getattr(entry, "size", 0) or 0) if not getattr(entry, "is_dir", False) else 0


def with_quota(fs: Any, limit: int | None) -> Any:
    """``fs`` behind a :class:`DiskQuota` (``fs`` itself when there is no limit)."""
    if limit is None or isinstance(fs, DiskQuota):
        return fs
    return DiskQuota(fs, limit)
