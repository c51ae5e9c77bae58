"""The disk limit on the real backend: the upper directory's data bytes, counted as the model
counts its writable layer (:meth:`simulator.model.cow.CopyOnWrite.disk_used`).

A regular file counts the bytes it really stores: ``min(st_size, st_blocks * 512)``, so a dense
file counts its size (as the model's ``Entry.allocated``) and a hole counts nothing (a sparse
file, or the data-less file of a metadata-only copy-up); a symlink counts its target's length;
directories, whiteouts and devices count nothing.  The checks run *before* the system call, so a
write that would pass the limit fails with ``ENOSPC`` and changes nothing, as in the model.
"""

from __future__ import annotations

import errno
import os
import stat as st
from collections.abc import Callable

from simulator.model.paths import fs_error


def allocated(info: os.stat_result) -> int:
    """Data bytes one upper entry holds (what the disk limit counts)."""
    if st.S_ISREG(info.st_mode):
        return min(info.st_size, info.st_blocks * 512)
    if st.S_ISLNK(info.st_mode):
        return info.st_size
    return 0


def upper_used(upper_dir: str) -> int:
    """Data bytes of the whole upper directory (a hard-linked file counts once)."""
    total = 0
    seen: set[tuple[int, int]] = set()
    stack = [upper_dir]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for item in entries:
                info = item.stat(follow_symlinks=False)
                if st.S_ISDIR(info.st_mode):
                    stack.append(item.path)
                    continue
                if info.st_nlink > 1:
                    key = (info.st_dev, info.st_ino)
                    if key in seen:
                        continue
                    seen.add(key)
                total += allocated(info)
    return total


class DiskCheck:
    """``Limits.disk`` for one overlay mount's upper directory, asked at each write."""

    def __init__(self, upper_dir: str, limit: Callable[[], int | None]) -> None:
        self.upper_dir = upper_dir
        self.limit = limit

    def room(self, path: str, *, copy: int = 0, current: int = 0, new: int | None = None) -> None:
        """Raise ``ENOSPC`` for ``path`` unless a copy-up of ``copy`` bytes, then the file going
        from ``current`` (after the copy) to ``new`` bytes, fit; the model's two charges."""
        limit = self.limit()
        if limit is None or (copy <= 0 and (new is None or new <= current)):
            return
        used = upper_used(self.upper_dir)
        if copy > 0:
            if used + copy > limit:
                raise fs_error(errno.ENOSPC, path)
            used += copy
        if new is not None and new > current and used + new - current > limit:
            raise fs_error(errno.ENOSPC, path)

    def full(self, path: str) -> None:
        """``ENOSPC`` when the layer has no byte left (a new directory needs a block)."""
        limit = self.limit()
        if limit is not None and upper_used(self.upper_dir) >= limit:
            raise fs_error(errno.ENOSPC, path)
