"""The kernel walks every path: ``openat2(RESOLVE_IN_ROOT)`` below the merged mount.

:class:`InRoot` hands the caller's path, unchanged, to the kernel, so every path-walk rule
(trailing slashes, ``.``/``..``, symlink chains and ``ELOOP``, ``ENAMETOOLONG``, search
permission) is the kernel's own answer, while no host path can be reached:

- a path whose last name is followed (``open``, ``stat``, ``chmod`` ...) is opened whole with
  ``openat2(root_fd, path, how={flags, resolve=RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS})``:
  absolute symlinks and ``..`` stay inside the root, as in a ``chroot``;
- a call on a name (``mkdirat``, ``unlinkat``, ``renameat2``, ``symlinkat``, ``linkat``) gets
  the descriptor of the parent, opened that way, and the last name exactly as given (with its
  trailing slashes): those calls never follow the last name, except ``linkat`` with a trailing
  slash, which :meth:`InRoot.last_is_plain` tells the caller to open whole instead;
- where the kernel put a path is read back from ``/proc/self/fd`` (for the copy-up bookkeeping).
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager

from . import _sys

__all__ = ["PATH_MAX", "InRoot", "split_last"]

PATH_MAX = 4096
_RESOLVE = _sys.RESOLVE_IN_ROOT | _sys.RESOLVE_NO_MAGICLINKS
_PARENT = os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC
AT_EMPTY_PATH = 0x1000
AT_SYMLINK_NOFOLLOW = 0x100

_libc = ctypes.CDLL(None, use_errno=True)


def split_last(path: str) -> tuple[str, str] | None:
    """``(parent, last)`` as the kernel's ``filename_parentat`` splits ``path`` (the last name
    keeps its trailing slashes), or ``None`` when the path names the root itself (``LAST_ROOT``)."""
    stripped = path.rstrip("/")
    if not stripped:
        return None
    cut = stripped.rfind("/")
    return (path[: cut + 1] or ".", path[cut + 1 :])


class InRoot:
    """Kernel path walks confined below ``root`` (a host directory, the merged mount)."""

    def __init__(self, root: str) -> None:
        self.fd = os.open(root, _PARENT)
        self.prefix = os.readlink(f"/proc/self/fd/{self.fd}")

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    @staticmethod
    def check_length(path: str) -> None:
        """``getname()``'s check, before any walk: a path of ``PATH_MAX`` bytes or more."""
        if len(os.fsencode(path)) >= PATH_MAX:
            raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), path)

    def open(self, path: str, flags: int, mode: int = 0) -> int:
        """``openat2`` of the whole path inside the root (the kernel follows what it follows).

        The path goes to the kernel unmeasured: ``openat2`` checks the flags (``build_open_flags``,
        e.g. ``O_CREAT|O_DIRECTORY`` is EINVAL) before it copies the path in (``getname``,
        ENAMETOOLONG), and that order is the kernel's to decide."""
        creates = flags & os.O_CREAT or flags & os.O_TMPFILE == os.O_TMPFILE
        return _sys.openat2(self.fd, path, flags | os.O_CLOEXEC, _RESOLVE, mode if creates else 0)

    @contextmanager
    def opened(self, path: str, flags: int) -> Iterator[int]:
        fd = self.open(path, flags)
        try:
            yield fd
        finally:
            os.close(fd)

    def open_parent(self, path: str) -> tuple[int, str]:
        """``(descriptor of the parent directory, last name as given)``; the root's own last name
        (a path of slashes) is ``"."``, which the name calls treat as the kernel treats ``/``
        (except ``rmdir``, which the caller answers ``EBUSY`` as ``do_rmdir`` does)."""
        self.check_length(path)
        parts = split_last(path)
        if parts is None:
            return os.dup(self.fd), "."
        return _sys.openat2(self.fd, parts[0], _PARENT, _RESOLVE), parts[1]

    def where(self, fd: int, name: str | None = None) -> str:
        """The container path of ``fd`` (joined with a plain ``name``), as the kernel resolved it."""
        host = os.readlink(f"/proc/self/fd/{fd}")
        inside = host[len(self.prefix) :] if host.startswith(self.prefix) else host
        inside = inside or "/"
        if name is None:
            return inside
        clean = name.rstrip("/")
        return (inside.rstrip("/") + "/" + clean) if clean not in ("", ".", "..") else inside

    @staticmethod
    def last_is_plain(name: str) -> bool:
        """A last name the ``*at()`` calls take literally (no trailing slash, not ``.``/``..``)."""
        return not name.endswith("/") and name not in (".", "..")


def fchownat_empty(fd: int, uid: int, gid: int) -> None:
    """``fchownat(fd, "", uid, gid, AT_EMPTY_PATH)``: change the owner of what an ``O_PATH``
    descriptor names (a symlink itself when it was opened with ``O_NOFOLLOW``)."""
    if _libc.fchownat(fd, b"", uid, gid, AT_EMPTY_PATH) < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
