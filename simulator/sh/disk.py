"""The container's disk limit: writes past :attr:`Limits.disk` fail with ``ENOSPC``.

:class:`DiskQuota` stands in front of the container's file operations while a command runs
(the shell and every command it starts use it): ``write_file``, ``append_file`` and
``truncate`` first check that the writable layer stays within the limit, and fail like a write
on a full disk -- ``OSError(ENOSPC, "No space left on device")`` -- before changing anything.
Everything else passes through unchanged.

The writable layer's usage is taken from the container once (``size_rw``, what ``docker ps -s``
shows) and then followed write by write: a file rewritten in the layer counts its new size
instead of its old one; a file copied up from the image counts its new size.
"""

from __future__ import annotations

import errno
import os
from typing import Any

__all__ = ["DiskQuota", "with_quota"]


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
