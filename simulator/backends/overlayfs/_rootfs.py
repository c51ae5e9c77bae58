"""Safe access to a directory tree that may hold hostile symlinks.

A :class:`RootFS` wraps a directory file descriptor.  Paths handed to it are *already resolved*
inside the container (by the model's own :func:`~simulator.model.paths.resolve`, fed with
lookups made here), so they contain no symlink except, possibly, in the last component.  Every
directory on the way is still opened without following symlinks — with ``openat2`` and
``RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH`` where the kernel has it, else one ``O_NOFOLLOW``
``openat`` per component — so a symlink planted (or swapped in by a program running in the
container) makes the call fail with ``ELOOP``/``ENOTDIR`` instead of reaching a host path.
"""

from __future__ import annotations

import errno
import os
import stat as st
from collections.abc import Iterator
from contextlib import contextmanager

from ...model.entries import Entry, Kind
from . import _sys

__all__ = ["RootFS"]

_DIR_FLAGS = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_RESOLVE = _sys.RESOLVE_NO_SYMLINKS | _sys.RESOLVE_BENEATH | _sys.RESOLVE_NO_MAGICLINKS


def parts_of(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


class RootFS:
    """Directory-fd based access below ``root`` (a host directory path)."""

    def __init__(self, root: str, *, use_openat2: bool | None = None) -> None:
        self.root = root
        self.fd = os.open(root, _DIR_FLAGS)
        self.use_openat2 = _sys.openat2_available() if use_openat2 is None else use_openat2

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    # -- opening directories ------------------------------------------------------------------
    def open_dir(self, parts: list[str]) -> int:
        """An ``O_PATH`` fd of the directory ``/parts...`` (no symlink followed anywhere)."""
        if not parts:
            return os.dup(self.fd)
        if self.use_openat2:
            return _sys.openat2(self.fd, "/".join(parts), _DIR_FLAGS, _RESOLVE)
        fd = os.dup(self.fd)
        try:
            for name in parts:
                if name in (".", ".."):
                    raise OSError(errno.EINVAL, "unexpected component", name)
                new = os.open(name, _DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = new
        except BaseException:
            os.close(fd)
            raise
        return fd

    @contextmanager
    def parent(self, path: str) -> Iterator[tuple[int, str]]:
        """``(fd of the parent directory, basename)`` of a resolved absolute path."""
        parts = parts_of(path)
        if not parts:
            raise OSError(errno.EINVAL, "the root has no parent", path)
        fd = self.open_dir(parts[:-1])
        try:
            yield fd, parts[-1]
        finally:
            os.close(fd)

    @contextmanager
    def dir(self, path: str) -> Iterator[int]:
        fd = self.open_dir(parts_of(path))
        try:
            yield fd
        finally:
            os.close(fd)

    # -- queries ------------------------------------------------------------------------------
    def lstat(self, path: str) -> os.stat_result | None:
        """``lstat`` of a resolved path, or ``None`` when it (or a parent) does not exist."""
        parts = parts_of(path)
        try:
            if not parts:
                return os.stat(self.fd)
            fd = self.open_dir(parts[:-1])
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a symlink where a directory should be: not there as a dir
                return None
            raise
        try:
            return os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            return None
        finally:
            os.close(fd)

    def kind_entry(self, path: str) -> Entry | None:
        """A light :class:`Entry` (kind, and target for symlinks) for path resolution."""
        parts = parts_of(path)
        if not parts:
            return Entry.directory()
        try:
            fd = self.open_dir(parts[:-1])
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            try:
                info = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
            except (FileNotFoundError, NotADirectoryError):
                return None
            if st.S_ISDIR(info.st_mode):
                return Entry(Kind.DIR)
            if st.S_ISLNK(info.st_mode):
                return Entry(Kind.SYMLINK, target=os.readlink(parts[-1], dir_fd=fd))
            return Entry(Kind.FILE)
        finally:
            os.close(fd)

    def read(self, fd: int, name: str) -> bytes:
        f = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
        try:
            chunks: list[bytes] = []
            while True:
                chunk = os.read(f, 1 << 20)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        finally:
            os.close(f)

    def entry(self, path: str, *, opaque: bool = False) -> Entry | None:
        """The full :class:`Entry` at a resolved path (files read whole), or ``None``."""
        parts = parts_of(path)
        try:
            fd = self.open_dir(parts[:-1]) if parts else os.dup(self.fd)
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            info = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False) if parts else os.stat(fd)
            mode, uid, gid = st.S_IMODE(info.st_mode), info.st_uid, info.st_gid
            if st.S_ISDIR(info.st_mode):
                return Entry.directory(mode, uid, gid, opaque=opaque)
            if st.S_ISLNK(info.st_mode):
                return Entry.symlink(os.readlink(parts[-1], dir_fd=fd), uid, gid)
            if st.S_ISREG(info.st_mode):
                return Entry.file(self.read(fd, parts[-1]), mode, uid, gid)
            return Entry(Kind.FILE, mode, uid, gid, data=b"")  # a device, fifo or socket a program made
        except (FileNotFoundError, NotADirectoryError):
            return None
        finally:
            os.close(fd)

    def __enter__(self) -> RootFS:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
