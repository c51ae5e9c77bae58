"""What a container offers the programs inside it: system calls on a merged file system.

:class:`FileSystem` is exactly the set of operations the shell, the userland commands and the
builder call on a container (``ctx.fs.write_file`` ...): the system calls, ``walk`` and the
credentials they run with.  :class:`ContainerFS` adds what the model's
:class:`~simulator.model.container.Container` needs from the file system it is built on (the
writable layer read back, copy-ups, the runtime mounts, discarding it on ``remove``).  The
model's :class:`~simulator.model.cow.CopyOnWrite` implements both; so does the overlayfs
backend's file system on a real mount.

The functions at the bottom are the operations made of other operations (``exists``,
``makedirs`` ...), shared by every implementation so that they behave alike.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from typing import Protocol

from ..errors import InvalidArgument, InvalidPath
from .entries import Entry, Kind
from .paths import basename, check_path, fs_error, split
from .permissions import Credentials
from .tar import WHITEOUT_PREFIX

__all__ = [
    "ContainerFS",
    "CopyUp",
    "FileHandle",
    "FileSystem",
    "check_mode",
    "check_name",
    "exists",
    "lchown",
    "lstat",
    "makedirs",
    "readlink",
]


@dataclass(frozen=True, slots=True)
class CopyUp:
    """A copy-up: ``path`` copied from image layer ``layer`` (0 = bottom) into the upper layer.

    ``bytes`` is the data copied (0 for directories and symlinks), ``reason`` the operation
    that caused it (``write``, ``chmod``, ``create /etc/x`` for a parent directory ...).
    """

    path: str
    layer: int
    kind: Kind
    bytes: int
    reason: str


class FileHandle(Protocol):
    """An open file (what ``open`` returns): a descriptor with a position, closed on exit."""

    path: str
    flags: int

    @property
    def closed(self) -> bool: ...
    def read(self, size: int = -1) -> bytes: ...
    def write(self, data: bytes | str) -> int: ...
    def seek(self, offset: int, whence: int = 0) -> int: ...
    def tell(self) -> int: ...
    def truncate(self, size: int | None = None) -> int: ...
    def fstat(self) -> Entry: ...
    def close(self) -> None: ...
    def __enter__(self) -> FileHandle: ...
    def __exit__(self, *exc: object) -> None: ...


class FileSystem(Protocol):
    """The system calls a container answers, with Linux's errors (``OSError`` with errno).

    Paths are absolute container paths; symlinks are followed except where the call says not
    (``lstat``, ``readlink``, the last name of ``unlink``/``rename``/``symlink``/``link``).
    ``credentials`` is who makes the calls (root by default; the RUN shell sets the USER's).
    """

    credentials: Credentials

    def open(self, path: str, mode: str | int = "r", perms: int = 0o666) -> FileHandle: ...
    def read_file(self, path: str) -> bytes: ...
    def write_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None: ...
    def append_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None: ...
    def truncate(self, path: str, size: int) -> None: ...
    def touch(self, path: str, mode: int = 0o644) -> None: ...
    def stat(self, path: str, *, follow_symlinks: bool = True) -> Entry: ...
    def lstat(self, path: str) -> Entry: ...
    def exists(self, path: str) -> bool: ...
    def listdir(self, path: str) -> list[str]: ...
    def readlink(self, path: str) -> str: ...
    def walk(self, top: str = "/") -> Iterator[tuple[str, Entry]]: ...
    def mkdir(self, path: str, mode: int = 0o755) -> None: ...
    def makedirs(self, path: str, mode: int = 0o755, exist_ok: bool = True) -> None: ...
    def rmdir(self, path: str) -> None: ...
    def unlink(self, path: str) -> None: ...
    def symlink(self, target: str, path: str) -> None: ...
    def link(self, src: str, dst: str) -> None: ...
    def rename(self, src: str, dst: str) -> None: ...
    def chmod(self, path: str, mode: int) -> None: ...
    def chown(self, path: str, uid: int, gid: int, *, follow_symlinks: bool = True) -> None: ...
    def lchown(self, path: str, uid: int, gid: int) -> None: ...


class ContainerFS(FileSystem, Protocol):
    """A :class:`FileSystem` with a writable layer over an image: what a ``Container`` is built on.

    ``copy_ups`` lists the copy-ups in the order they happened; ``mounts`` are the runtime bind mounts (``/etc/hosts`` ...),
    outside the writable layer.
    """

    mounts: dict[str, Entry]

    @property
    def copy_ups(self) -> list[CopyUp]: ...

    def source_of(self, path: str) -> str:
        """``"upper"`` or ``"layer N"``: where ``path`` is served from (symlinks followed)."""
        ...

    def writable_entries(self) -> Mapping[str, Entry]:
        """The writable layer in overlay form: path -> entry (whiteouts, opaque directories,
        hard links naming their first path; ``"/"`` when the root's attributes changed)."""
        ...

    def touched_paths(self) -> Set[str]:
        """Non-directories of the writable layer whose mtime changed (``docker diff``'s ``C``)."""
        ...

    def discard(self) -> None:
        """Drop the writable layer (the container is removed); later calls are refused."""
        ...


# -- operations made of other operations -----------------------------------------------------------
def lstat(fs: FileSystem, path: str) -> Entry:
    return fs.stat(path, follow_symlinks=False)


def exists(fs: FileSystem, path: str) -> bool:
    try:
        fs.stat(path)
    except (OSError, InvalidPath):
        return False
    return True


def readlink(fs: FileSystem, path: str) -> str:
    entry = fs.lstat(path)
    if entry.kind is not Kind.SYMLINK:
        raise fs_error(errno.EINVAL, path)
    return entry.target


def lchown(fs: FileSystem, path: str, uid: int, gid: int) -> None:
    fs.chown(path, uid, gid, follow_symlinks=False)


def makedirs(fs: FileSystem, path: str, mode: int = 0o755, exist_ok: bool = True) -> None:
    """``mkdir -p``."""
    current = ""
    for part in split(check_path(path)):
        current = f"{current}/{part}"
        try:
            entry = fs.stat(current)
        except FileNotFoundError:
            fs.mkdir(current, mode)
            continue
        if entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, path)
        if current == "/" + "/".join(split(path)) and not exist_ok:
            raise fs_error(errno.EEXIST, path)


def check_mode(mode: object) -> int:
    """A permission mode for ``chmod`` or a new file: an int from 0 to ``0o7777``.

    The kernel keeps only those 12 bits (``chmod(-1)`` there means ``0o7777``); the simulator
    refuses anything else rather than guess.
    """
    if not isinstance(mode, int) or isinstance(mode, bool):
        raise TypeError(f"mode must be an int such as 0o755, not {mode!r}")
    if not 0 <= mode <= 0o7777:
        raise InvalidArgument(
            f"mode {mode!r} is not a permission mode: give 0 to 0o7777 "
            f"(chmod(2) keeps only the low 12 bits, so {mode!r} would mean {mode & 0o7777:#o})"
        )
    return mode


def check_name(path: str) -> None:
    """A name that an OCI layer can store (``.wh.`` names mean whiteouts there)."""
    if basename(path).startswith(WHITEOUT_PREFIX):
        raise InvalidPath(
            path, "names starting with '.wh.' cannot be stored in an OCI layer (they mean whiteouts)"
        )
