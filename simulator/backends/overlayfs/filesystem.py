"""The file system of a container on a real overlayfs mount: a ``ContainerFS`` by composition.

:class:`OverlayFS` answers every call of :class:`~simulator.model.fs.ContainerFS` from the
kernel:

- every file operation is a system call on the kernel's merged view (the errors are the
  kernel's own ``OSError``), with the caller's path unchanged: the kernel walks it inside the
  container's root (``openat2`` with ``RESOLVE_IN_ROOT``, see :mod:`._inroot`), so trailing
  slashes, symlink chains, ``ELOOP`` and ``ENAMETOOLONG`` are the kernel's answers, and
  symlinks in the image (absolute, relative, ``..`` chains) never reach a host path;
- the writable layer (for ``upper``, ``diff()``, ``size_rw`` and ``commit()``) is the upper
  directory read back (0/0 character devices -> whiteouts, the opaque xattr -> opaque
  directories) into a model :class:`~simulator.model.cow.CopyOnWrite` table, so the model's
  algorithms run on what the kernel really did;
- ``copy_ups`` records a :class:`~simulator.model.fs.CopyUp` whenever a path that was served
  from an image layer before an operation is in the upper directory after it;
- ``open`` returns a :class:`RealFile`, a real descriptor on the merged mount.

Long module: about 790 lines, one class per side of the same system calls (the file system
and its open files); the lookups and the copy-up bookkeeping they share keep them together.
"""

# Long module: one class answering the whole ContainerFS protocol; its checks and its lifetime
# live in ._args and .lifetime already.
from __future__ import annotations

import errno
import os
import stat as st
import subprocess
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ...errors import InvalidPath
from ...model import fs as model_fs
from ...model.cow import CopyOnWrite
from ...model.entries import Entry, Kind
from ...model.fs import CopyUp, check_mode, check_name
from ...model.namei import open_flags, wants_write
from ...model.overlay_options import DOCKER, OverlayOptions
from ...model.paths import ancestors, check_path, fs_error, join, normalize, resolve
from ...model.permissions import ROOT, Credentials
from ...model.union import UnionView
from ._args import check_ids, check_mode_type, check_size, file_bytes
from ._disk import DiskCheck, allocated
from ._inroot import InRoot, fchownat_empty, split_last
from ._rootfs import RootFS
from .layout import _xattr, read_upper
from .lifetime import MountResources, guard
from .mounting import mount_overlay

__all__ = ["MountOptions", "OverlayFS", "RealFile"]

_WRITE = os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_T = TypeVar("_T")


_LIBC: Any = None


@contextmanager
def _fs_identity(uid: int, gid: int) -> Iterator[None]:
    """This thread's file-system uid and gid for the block (Linux ``setfsuid``/``setfsgid``)."""
    global _LIBC
    if uid == 0 and gid == 0:
        yield
        return
    if _LIBC is None:
        import ctypes

        _LIBC = ctypes.CDLL(None, use_errno=True)
    old_gid = _LIBC.setfsgid(gid)
    old_uid = _LIBC.setfsuid(uid)
    try:
        yield
    finally:
        _LIBC.setfsuid(old_uid)
        _LIBC.setfsgid(old_gid)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@dataclass(frozen=True)
class MountOptions:
    """How the backend mounts: ``method`` ``"kernel"`` or ``"fuse"``, the xattr namespace of the
    overlay markers, whether to resolve with ``openat2`` (``None``: when available), and the
    mount API (``"old"``, ``"new"`` or ``"auto"``)."""

    method: str = "kernel"
    xattr_ns: str = "trusted"
    use_openat2: bool | None = None
    mount_api: str = "auto"
    overlay: OverlayOptions = DOCKER


def _exists(dirfd: int, name: str) -> bool:
    try:
        os.stat(name.rstrip("/") or name, dir_fd=dirfd, follow_symlinks=False)
    except OSError:
        return False
    return True


def _nothing() -> None:
    pass


class OverlayFS:
    """An overlay mount of ``lower_dirs`` (bottom first) in ``directory`` and the calls on it.

    ``directory`` gets ``upper``, ``work`` and ``merged`` below it; the mount is made now and
    undone by :meth:`discard`.  ``check`` is called before every operation (it raises when the
    container is gone).

    Attributes:
        merged_dir, upper_dir, work_dir: host paths, for ``ls -l`` in a lesson.  Do not pass
            ``merged_dir + path`` to host tools: a symlink in the image would be followed on
            the host.
        mount_api: ``"old"`` (mount(2)), ``"new"`` (fsconfig ``lowerdir+``) or ``"fuse"``.
    """

    def __init__(
        self,
        lower: UnionView,
        lower_dirs: list[str],
        directory: str,
        options: MountOptions,
        *,
        check: Callable[[], None] = _nothing,
        disk_limit: Callable[[], int | None] = lambda: None,
    ) -> None:
        self.lower = lower
        self.lower_dirs = lower_dirs
        self.directory = directory
        self.options = options
        self.credentials: Credentials = ROOT
        self.copy_ups: list[CopyUp] = []
        self.mounts: dict[str, Entry] = {}  # no runtime bind mounts on a real mount
        self._check = check
        self._table = CopyOnWrite(lower, options=options.overlay)  # the upper directory read back
        self.upper_dir = os.path.join(self.directory, "upper")
        self.work_dir = os.path.join(self.directory, "work")
        self.merged_dir = os.path.join(self.directory, "merged")
        self._disk = DiskCheck(self.upper_dir, disk_limit)  # Limits.disk, checked before each write
        self._held = MountResources(directory, self.merged_dir, options.method)
        self._release = guard(self, self._held)  # unmounts on close, collection or exit
        for d in (self.upper_dir, self.work_dir, self.merged_dir):
            os.mkdir(d, 0o755)
        os.chmod(self.upper_dir, 0o755)
        self._generation = 0
        self._synced = -1
        self._upper_stats: dict[str, os.stat_result] = {}
        self._open_files: weakref.WeakSet[RealFile] = weakref.WeakSet()
        try:
            if self.lower_dirs:
                lowers = list(reversed(self.lower_dirs))  # top first
            else:  # overlayfs needs a lower layer: an empty one stands for the empty image
                lowers = [os.path.join(self.directory, "empty")]
                os.mkdir(lowers[0], 0o755)
            self.mount_api = mount_overlay(
                self.merged_dir,
                lowers,
                self.upper_dir,
                self.work_dir,
                method=options.method,
                userxattr=options.xattr_ns == "user",
                api=options.mount_api,
                overlay=options.overlay,
            )
            self._held.mounted = True
            self._fs = RootFS(self.merged_dir, use_openat2=options.use_openat2)
            self._held.handles.append(self._fs)
            self._ufs = RootFS(self.upper_dir, use_openat2=options.use_openat2)
            self._held.handles.append(self._ufs)
            self._root = InRoot(self.merged_dir)
            self._held.handles.append(self._root)
        except BaseException:
            self._teardown()
            raise

    # ------------------------------------------------------------------ lifecycle
    def _teardown(self) -> None:
        self._release()  # see .lifetime: the same release runs if the object is dropped unclosed

    def discard(self) -> None:
        """Close the open files, unmount, and delete the upper and work directories (the
        container is removed)."""
        for handle in list(self._open_files):
            handle.close()
        self._table.discard()
        self._teardown()
        self._upper_stats = {}

    # ------------------------------------------------------------------ reading the upper back
    def _changed_fs(self) -> None:
        self._generation += 1

    def _sync(self) -> None:
        """Refresh the model's upper table from the upper directory (after any change)."""
        self._check()
        if self._synced == self._generation:
            return
        entries, stats = read_upper(self.upper_dir, namespaces=(self.options.xattr_ns,))
        redirects, metacopy = self._option_xattrs(entries)
        for path in metacopy:  # the upper file is sparse: its data is the lower file's, read it there
            with open(self.merged_dir + path, "rb") as f:
                entries[path] = replace(entries[path], data=f.read(), digest=None, source=None)
        self._table.load_upper(
            entries, self._touched_paths(entries, stats), redirects=redirects, metacopy=metacopy
        )
        self._upper_stats = stats
        self._synced = self._generation

    def _touched_paths(self, entries: dict[str, Entry], stats: dict[str, os.stat_result]) -> set[str]:
        """Upper non-directories whose mtime differs from the image file's (``docker diff``'s test)."""
        touched = set()
        view = self.lower
        for path, entry in entries.items():
            if entry.kind in (Kind.DIR, Kind.WHITEOUT):
                continue
            origin = view.origin(path)
            if origin is None or origin.layer < 0 or origin.entry.kind is Kind.DIR:
                touched.add(path)
                continue
            try:
                lower = os.lstat(self.lower_dirs[origin.layer] + path)
            except OSError:
                touched.add(path)
                continue
            if lower.st_mtime_ns != stats[path].st_mtime_ns:
                touched.add(path)
        return touched

    def _option_xattrs(self, entries: Mapping[str, Entry]) -> tuple[dict[str, str], set[str]]:
        """The upper directory's ``overlay.redirect`` (directories) and ``overlay.metacopy`` (files)."""
        overlay = self.options.overlay
        redirects: dict[str, str] = {}
        metacopy: set[str] = set()
        if not (overlay.redirect_dir or overlay.metacopy):
            return redirects, metacopy
        ns = self.options.xattr_ns
        for path, entry in entries.items():
            if path == "/" or entry.kind not in (Kind.DIR, Kind.FILE):
                continue
            where = self.upper_dir + path
            try:
                if entry.kind is Kind.DIR:
                    redirects[path] = os.getxattr(
                        where, f"{ns}.overlay.redirect", follow_symlinks=False
                    ).decode()
                else:
                    os.getxattr(where, f"{ns}.overlay.metacopy", follow_symlinks=False)
                    metacopy.add(path)
            except OSError:
                continue
        return redirects, metacopy

    def redirects(self) -> Mapping[str, str]:
        """The upper directories' ``trusted.overlay.redirect`` (renamed with ``redirect_dir``)."""
        self._sync()
        return self._table.redirects()

    def metacopy_paths(self) -> Set[str]:
        """Upper files holding metadata only (``trusted.overlay.metacopy``)."""
        self._sync()
        return self._table.metacopy_paths()

    def writable_entries(self) -> Mapping[str, Entry]:
        self._sync()
        return self._table.writable_entries()

    def touched_paths(self) -> Set[str]:
        self._sync()
        return self._table.touched_paths()

    def source_of(self, path: str) -> str:
        with self._opened(path, os.O_PATH) as fd:
            real = self._root.where(fd)
        self._sync()
        upper = self._table.writable_entries()
        if real in upper:
            return "upper"
        origin = self.lower.origin(real)
        if origin is None or self._table.lookup(real) is None:
            raise fs_error(errno.ENOENT, path)
        return f"layer {origin.layer}"

    # ------------------------------------------------------------------ the kernel walks the paths
    @contextmanager
    def _kernel(self, path: str, path2: str | None = None) -> Iterator[None]:
        """Run the system calls inside with the container's credentials (``setfsuid``, so the
        kernel checks a non-root user's permissions) and re-raise the kernel's error with the
        caller's path (as the model names it)."""
        who = self.credentials
        try:
            with _fs_identity(who.uid, who.gid):
                yield
        except OSError as exc:
            if exc.errno is None:
                raise
            raise fs_error(exc.errno, path, path2) from None

    def _open(
        self, path: str, flags: int, mode: int = 0, *, named: tuple[str, str | None] | None = None
    ) -> int:
        """``openat2`` of the caller's ``path`` inside the root, with the caller's credentials."""
        self._check()
        check_path(path)
        where = named or (path, None)
        with self._kernel(*where):
            return self._root.open(path, flags, mode)

    @contextmanager
    def _opened(self, path: str, flags: int) -> Iterator[int]:
        fd = self._open(path, flags)
        try:
            yield fd
        finally:
            os.close(fd)

    @contextmanager
    def _parent(self, path: str, *named: str) -> Iterator[tuple[int, str]]:
        """The parent's descriptor (the kernel walked it) and the last name exactly as given."""
        self._check()
        check_path(path)
        names = named or (path,)
        with self._kernel(names[0], names[1] if len(names) > 1 else None):
            fd, last = self._root.open_parent(path)
        try:
            yield fd, last
        finally:
            os.close(fd)

    def _probe(self, path: str, flags: int = os.O_PATH) -> tuple[str, os.stat_result] | OSError:
        """Where the kernel puts ``path`` now (for the copy-up bookkeeping), or its error."""
        try:
            fd = self._open(path, flags)
        except OSError as exc:
            return exc
        try:
            return self._root.where(fd), os.stat(fd)
        finally:
            os.close(fd)

    def _create_plan(self, path: str, reason: str) -> list[tuple[str, str]]:
        """Directories a creation at ``path`` may copy up: the parent the kernel walks to, or,
        when the last name is a dangling symlink, the directories of its target (found with the
        model's resolution: bookkeeping only, the kernel still decides what happens)."""
        try:
            with self._parent(path) as (dirfd, last):
                if not self._root.last_is_plain(last):
                    return []
                real = self._root.where(dirfd, last)
                try:
                    link = st.S_ISLNK(os.stat(last, dir_fd=dirfd, follow_symlinks=False).st_mode)
                except OSError:
                    link = False
        except OSError:
            return []
        if link:
            try:
                real = resolve(self._fs.kind_entry, real)
            except OSError:
                return []
        return self._parents(real, f"{reason} {real}")

    def _upper_opaque(self, real: str) -> bool:
        if real == "/":
            return False
        info = self._ufs.lstat(real)
        if info is None or not st.S_ISDIR(info.st_mode):
            return False
        with self._ufs.parent(real) as (fd, name):
            return _xattr(fd, name, f"{self.options.xattr_ns}.overlay.opaque") == b"y"

    def _fd_entry(self, fd: int, real: str) -> Entry:
        """The :class:`Entry` an ``O_PATH`` descriptor names (a file's data read as root)."""
        info = os.stat(fd)
        if real == "/":
            self._sync()
            root = self._table.writable_entries().get("/") or Entry.directory()
            return root.with_ids(info.st_ino, info.st_dev, info.st_nlink)
        return self._fd_content(fd, real, info).with_ids(info.st_ino, info.st_dev, info.st_nlink)

    def _fd_content(self, fd: int, real: str, info: os.stat_result) -> Entry:
        mode, uid, gid = st.S_IMODE(info.st_mode), info.st_uid, info.st_gid
        if st.S_ISDIR(info.st_mode):
            return Entry.directory(mode, uid, gid, opaque=self._upper_opaque(real))
        if st.S_ISLNK(info.st_mode):
            return Entry.symlink(os.readlink("", dir_fd=fd), uid, gid)
        if st.S_ISREG(info.st_mode):
            reader = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY | os.O_CLOEXEC)
            try:
                return Entry.file(_read_all(reader), mode, uid, gid)
            finally:
                os.close(reader)
        return Entry(Kind.FILE, mode, uid, gid, data=b"")  # a device, fifo or socket a program made

    def read_file(self, path: str) -> bytes:
        with self._opened(path, os.O_RDONLY) as fd, self._kernel(path):
            return _read_all(fd)

    def stat(self, path: str, *, follow_symlinks: bool = True) -> Entry:
        with self._opened(path, os.O_PATH | (0 if follow_symlinks else os.O_NOFOLLOW)) as fd:
            return self._fd_entry(fd, self._root.where(fd))

    def listdir(self, path: str) -> list[str]:
        with self._opened(path, os.O_RDONLY | os.O_DIRECTORY) as fd, self._kernel(path):
            return sorted(os.listdir(fd))

    def walk(self, top: str = "/") -> Iterator[tuple[str, Entry]]:
        self._check()
        stack = [normalize(check_path(top))]
        while stack:
            directory = stack.pop()
            try:
                names = self.listdir(directory)
            except OSError:
                continue
            for name in reversed(names):
                child = join(directory, name)
                entry = self._fs.entry(child, opaque=False)
                if entry is None:
                    continue
                if entry.kind is Kind.DIR and self._upper_opaque(child):
                    entry = Entry.directory(entry.mode, entry.uid, entry.gid, opaque=True)
                yield child, entry
                if entry.kind is Kind.DIR:
                    stack.append(child)

    # ------------------------------------------------------------------ copy-up bookkeeping
    def _upper_lstat(self, path: str) -> os.stat_result | None:
        """``lstat`` in the upper directory for the bookkeeping: a name the kernel refused (too
        long, ...) is not there."""
        try:
            return self._ufs.lstat(path)
        except OSError:
            return None

    def _in_upper(self, path: str) -> bool:
        return self._upper_lstat(path) is not None

    @contextmanager
    def _tracking(
        self, plan: Sequence[tuple[str, str]], moved: tuple[str, str] | None = None
    ) -> Iterator[None]:
        """Record copy-ups of ``plan`` ((path, reason), in order) done by the operation inside.

        Every path in the plan is visible in the merged view before the operation; one that
        was not in the upper directory then and is there (not as a whiteout) afterwards was
        copied up by the kernel.  ``moved`` is ``(source, destination)`` of a rename: the
        copied-up source is looked for at its new name.
        """
        before = {p: self._in_upper(p) for p, _ in plan}
        metacopy = self.options.overlay.metacopy
        meta_before = {p for p, _ in plan if before[p] and self._is_metacopy(p)} if metacopy else set()
        done = False
        try:
            yield
            done = True
        finally:
            self._changed_fs()
            view = self.lower
            seen: set[str] = set()
            for path, reason in plan:
                if path in meta_before and path not in seen and not self._is_metacopy(path):
                    origin = view.origin(path)  # metacopy: the data follows now
                    if origin is not None:
                        self.copy_ups.append(
                            CopyUp(path, origin.layer, Kind.FILE, origin.entry.size, f"{reason} (data)")
                        )
                if before[path] or path in seen:  # a rename plans the shared parent twice
                    continue
                seen.add(path)
                where = moved[1] if done and moved is not None and path == moved[0] else path
                info = self._upper_lstat(where)
                if info is None or (st.S_ISCHR(info.st_mode) and info.st_rdev == 0):
                    continue
                origin = view.origin(path)
                if origin is None:
                    continue
                kind = origin.entry.kind
                size = origin.entry.size if kind is Kind.FILE else 0
                if metacopy and kind is Kind.FILE and self._is_metacopy(where):
                    size, reason = 0, f"{reason} (metadata only)"
                self.copy_ups.append(CopyUp(path, origin.layer, kind, size, reason))

    def _is_metacopy(self, path: str) -> bool:
        """The upper file at ``path`` holds metadata only (``overlay.metacopy`` xattr)."""
        try:
            os.getxattr(
                self.upper_dir + path, f"{self.options.xattr_ns}.overlay.metacopy", follow_symlinks=False
            )
        except OSError:
            return False
        return True

    @staticmethod
    def _parents(real: str, reason: str) -> list[tuple[str, str]]:
        return [(anc, reason) for anc in reversed(list(ancestors(real)))]

    # ------------------------------------------------------------------ the disk limit
    def _copy_cost(self, real: str, *, data: bool = True) -> int:
        """Data bytes a copy-up of ``real`` adds to the upper directory (the model's charge):
        a lower regular file's stored bytes; nothing when it is up already (unless only its
        metadata is), and nothing for a metadata-only copy-up (``data=False`` under metacopy)."""
        info = self._upper_lstat(real)
        metacopy = self.options.overlay.metacopy
        if info is not None and not (st.S_ISCHR(info.st_mode) and info.st_rdev == 0):
            if not (data and metacopy and st.S_ISREG(info.st_mode) and self._is_metacopy(real)):
                return 0
        elif not data and metacopy:
            return 0
        origin = self.lower.origin(real)
        return origin.entry.allocated if origin is not None and origin.entry.kind is Kind.FILE else 0

    def _room_for_write(self, path: str, fd: int, flags: int, size: int) -> None:
        """ENOSPC before ``write(fd)`` of ``size`` bytes that would pass the limit: the bytes past
        the end (a dense file), or all of them (a sparse one: they may fill a hole)."""
        info = os.fstat(fd)
        start = info.st_size if flags & os.O_APPEND else os.lseek(fd, 0, os.SEEK_CUR)
        dense = allocated(info) >= info.st_size
        self._disk.room(path, new=max(0, start + size - info.st_size) if dense else size)

    def _stored(self, real: str) -> int:
        """Data bytes the upper directory holds for ``real`` now."""
        info = self._upper_lstat(real)
        return 0 if info is None else allocated(info)

    def _room_to_write(self, path: str, real: str, grow: Callable[[int], int] | None) -> None:
        """ENOSPC before a write open of the existing file ``real``: its copy-up, then ``grow``."""
        copy = self._copy_cost(real)
        current = copy if copy else self._stored(real)
        self._disk.room(path, copy=copy, current=current, new=None if grow is None else grow(current))

    # ------------------------------------------------------------------ writing files
    def _open_tracked(
        self, path: str, flags: int, perms: int, reason: str, grow: Callable[[int], int] | None = None
    ) -> tuple[int, bool]:
        """``openat2(path, flags)`` as the caller asked, the copy-ups it does recorded; a file it
        creates gets ``perms`` exactly (no umask).  Returns ``(fd, created)``.  ``grow``: the
        bytes the file will store, from the bytes it stores (for the disk limit's check)."""
        nofollow = flags & os.O_NOFOLLOW or (flags & os.O_CREAT and flags & os.O_EXCL)
        found = self._probe(path, os.O_PATH | (os.O_NOFOLLOW if nofollow else 0))
        missing = isinstance(found, OSError) and found.errno == errno.ENOENT
        plan: list[tuple[str, str]] = []
        if isinstance(found, tuple):
            real, info = found
            if wants_write(flags) and st.S_ISREG(info.st_mode):
                plan = [*self._parents(real, f"{reason} {real}"), (real, reason)]
                self._room_to_write(path, real, grow)
        elif missing and flags & os.O_CREAT:
            plan = self._create_plan(path, "create")
            self._disk.room(path, new=0 if grow is None else grow(0))
        with self._tracking(plan):
            fd = self._open(path, flags, 0o600)
            created = missing and bool(flags & os.O_CREAT)
            if created:
                try:
                    os.fchmod(fd, perms & 0o7777)
                    name = self._root.where(fd)
                    check_name(name)
                except BaseException:
                    os.close(fd)
                    raise
        return fd, created

    def _write(self, path: str, data: bytes, flags: int, reason: str, create_mode: int) -> None:
        size = len(data)
        grow = (lambda _: size) if flags & os.O_TRUNC else (lambda stored: stored + size)
        fd, _ = self._open_tracked(path, os.O_WRONLY | os.O_CREAT | flags, create_mode, reason, grow)
        try:
            with self._kernel(path):
                _write_all(fd, data)
        finally:
            os.close(fd)
            self._changed_fs()

    def open(self, path: str, mode: str | int = "r", perms: int = 0o666) -> RealFile:
        """A real descriptor on the merged mount: ``openat2`` of the caller's path with the
        caller's flags, the kernel resolving inside the container's root.  The kernel copies a
        lower file up when it is opened for writing or with ``O_TRUNC``."""
        flags = open_flags(mode)
        check_mode(perms)
        fd, _ = self._open_tracked(path, flags, perms, "open")
        handle = RealFile(self, fd, self._root.where(fd), flags)
        self._open_files.add(handle)
        return handle

    def write_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        content = file_bytes(data)
        self._write(path, content, os.O_TRUNC, "write", check_mode_type(mode))

    def append_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        content = file_bytes(data)
        self._write(path, content, os.O_APPEND, "append", check_mode_type(mode))

    def _attr(self, path: str, follow: bool, reason: str, apply: Callable[[int], None]) -> None:
        """``apply`` on the ``O_PATH`` descriptor of ``path`` (the kernel walked it)."""
        with self._opened(path, os.O_PATH | (0 if follow else os.O_NOFOLLOW)) as fd:
            real = self._root.where(fd)
            plan = [] if real == "/" else [*self._parents(real, f"{reason} {real}"), (real, reason)]
            if real != "/":  # chmod and chown copy metadata only under metacopy
                self._disk.room(path, copy=self._copy_cost(real, data=reason not in ("chmod", "chown")))
            with self._tracking(plan), self._kernel(path):
                apply(fd)

    def truncate(self, path: str, size: int) -> None:
        """``truncate(2)`` (through the file's ``O_PATH`` descriptor's ``/proc/self/fd`` link)."""
        check_size(path, size)
        self._attr(path, True, "truncate", lambda fd: os.truncate(f"/proc/self/fd/{fd}", size))

    def touch(self, path: str, mode: int = 0o644) -> None:
        """coreutils ``touch``: ``open(O_WRONLY|O_CREAT)`` and ``futimens``; when the open fails,
        ``utimensat`` on the name, and the open's error is reported if that fails too."""
        check_mode_type(mode)
        try:
            fd, _ = self._open_tracked(path, os.O_WRONLY | os.O_CREAT, mode, "touch")
        except OSError as exc:
            opened: OSError = exc
        else:
            try:
                with self._kernel(path):
                    os.utime(fd)
            finally:
                os.close(fd)
                self._changed_fs()
            return
        try:
            self._attr(path, True, "touch", lambda fd: os.utime(f"/proc/self/fd/{fd}"))
        except OSError:
            raise opened from None

    def chmod(self, path: str, mode: int) -> None:
        check_mode(mode)
        self._attr(path, True, "chmod", lambda fd: os.chmod(f"/proc/self/fd/{fd}", mode & 0o7777))

    def chown(self, path: str, uid: int, gid: int, *, follow_symlinks: bool = True) -> None:
        check_ids(path, uid, gid)
        self._attr(path, follow_symlinks, "chown", lambda fd: fchownat_empty(fd, uid, gid))

    # ------------------------------------------------------------------ names
    def mkdir(self, path: str, mode: int = 0o755) -> None:
        check_mode_type(mode)
        with self._parent(path) as (dirfd, name):
            real = self._root.where(dirfd, name)
            if self._root.last_is_plain(name):
                check_name(real)
            if not _exists(dirfd, name):  # EEXIST first, then a full disk has no block for it
                self._disk.full(path)
            with self._tracking(self._parents(real, f"mkdir {real}")), self._kernel(path):
                os.mkdir(name, 0o700, dir_fd=dirfd)
                fd = os.open(name.rstrip("/"), os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dirfd)
                try:
                    os.chmod(f"/proc/self/fd/{fd}", mode & 0o7777)
                finally:
                    os.close(fd)

    def _names(self, first: str, second: str) -> None:
        """The syscall copies both names in (``getname``) before any walk: ENAMETOOLONG first."""
        self._check()
        for name in (first, second):
            with self._kernel(first, second):
                InRoot.check_length(name)

    def _name_call(self, path: str, what: str, call: Callable[[int, str], None]) -> None:
        with self._parent(path) as (dirfd, name):
            real = self._root.where(dirfd, name)
            with self._tracking(self._parents(real, f"{what} {real}")), self._kernel(path):
                call(dirfd, name)

    def rmdir(self, path: str) -> None:
        if split_last(check_path(path)) is None:
            self._check()
            raise fs_error(errno.EBUSY, path)  # rmdir("/"): LAST_ROOT is EBUSY (do_rmdir)
        self._name_call(path, "rmdir", lambda dirfd, name: os.rmdir(name, dir_fd=dirfd))

    def unlink(self, path: str) -> None:
        self._name_call(path, "unlink", lambda dirfd, name: os.unlink(name, dir_fd=dirfd))

    remove_file = unlink

    def symlink(self, target: str, path: str) -> None:
        if not isinstance(target, str) or not target or "\0" in target:
            raise InvalidPath(target, "a symlink target is a non-empty string without NUL")
        self._names(check_path(path), target)

        def call(dirfd: int, name: str) -> None:
            if self._root.last_is_plain(name):
                check_name(self._root.where(dirfd, name))
            if not _exists(dirfd, name):
                self._disk.room(path, new=len(target.encode("utf-8", "surrogateescape")))
            os.symlink(target, name, dir_fd=dirfd)

        self._name_call(path, "symlink", call)

    def link(self, src: str, dst: str) -> None:
        """``linkat(2)``: the old path is looked up first (its last name not followed, unless a
        trailing slash makes the kernel follow it: then it is opened whole inside the root and
        linked through its ``/proc/self/fd`` link), then the new name is created."""
        self._names(check_path(src), check_path(dst))
        with self._parent(src, src, dst) as (sfd, sname):
            plain = self._root.last_is_plain(sname)
            if plain:
                source = self._root.where(sfd, sname)
                with self._kernel(src, dst):
                    os.stat(sname, dir_fd=sfd, follow_symlinks=False)
                held = -1
            else:
                held = self._open(src, os.O_PATH, named=(src, dst))
                source = self._root.where(held)
            try:
                with self._parent(dst, src, dst) as (dfd, dname):
                    real = self._root.where(dfd, dname)
                    if self._root.last_is_plain(dname):
                        check_name(real)
                    plan = [
                        *self._parents(source, f"link {source}"),
                        (source, "link"),
                        *self._parents(real, f"link {real}"),
                    ]
                    with self._tracking(plan), self._kernel(src, dst):
                        if plain:
                            os.link(sname, dname, src_dir_fd=sfd, dst_dir_fd=dfd, follow_symlinks=False)
                        else:
                            os.link(f"/proc/self/fd/{held}", dname, dst_dir_fd=dfd, follow_symlinks=True)
            finally:
                if held >= 0:
                    os.close(held)

    def rename(self, src: str, dst: str) -> None:
        self._names(check_path(src), check_path(dst))
        with self._parent(src, src, dst) as (sfd, sname), self._parent(dst, src, dst) as (dfd, dname):
            source, real = self._root.where(sfd, sname), self._root.where(dfd, dname)
            if source != real and self._root.last_is_plain(dname):
                check_name(real)
            plan = [
                *self._parents(source, f"rename {source}"),
                (source, "rename"),
                *self._parents(real, f"rename {real}"),
            ]
            if not self._root.last_is_plain(sname):
                plan = []
            with self._tracking(plan, (source, real)), self._kernel(src, dst):
                os.rename(sname, dname, src_dir_fd=sfd, dst_dir_fd=dfd)

    # ------------------------------------------------------------------ real programs
    def run_program(
        self,
        argv: Sequence[str],
        *,
        input: bytes | None = None,
        timeout: float = 60,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run a real program in the container: ``unshare`` (new mount, UTS, IPC and pid
        namespaces) then ``chroot`` into the merged directory.  Its writes land in the upper
        directory, and ``diff()``/``upper`` show them.  The image must contain the program
        (for example the static busybox of :func:`simulator.backends.busybox_layer`).
        """
        command = [
            "unshare",
            "--mount",
            "--uts",
            "--ipc",
            "--pid",
            "--fork",
            "--",
            "chroot",
            self.merged_dir,
            *argv,
        ]
        environment = env if env is not None else {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
        try:
            return subprocess.run(
                command, input=input, capture_output=True, timeout=timeout, env=environment, check=False
            )
        finally:
            self._changed_fs()

    # ------------------------------------------------------------------ made of the calls above
    def lstat(self, path: str) -> Entry:
        return model_fs.lstat(self, path)

    def exists(self, path: str) -> bool:
        return model_fs.exists(self, path)

    def readlink(self, path: str) -> str:
        return model_fs.readlink(self, path)

    def makedirs(self, path: str, mode: int = 0o755, exist_ok: bool = True) -> None:
        model_fs.makedirs(self, path, mode, exist_ok)

    def lchown(self, path: str, uid: int, gid: int) -> None:
        model_fs.lchown(self, path, uid, gid)


class RealFile:
    """A real descriptor on a container's merged mount (what :meth:`OverlayFS.open` returns).

    The same interface as the model's :class:`~simulator.model.openfile.OpenFile`; every call is
    the system call on the descriptor, with the container's credentials, and the kernel's errors.
    """

    def __init__(self, fs: OverlayFS, fd: int, path: str, flags: int) -> None:
        self.path = path
        self.flags = flags
        self._fs = fs
        self._fd = fd

    @property
    def closed(self) -> bool:
        return self._fd < 0

    def __repr__(self) -> str:
        return f"<RealFile {self.path!r} fd={self._fd} flags={self.flags:#o}>"

    def _live(self) -> int:
        self._fs._check()  # the container was removed (its descriptors were closed then)
        if self._fd < 0:
            raise ValueError(f"I/O operation on closed file {self.path!r}")
        return self._fd

    def read(self, size: int = -1) -> bytes:
        fd = self._live()
        chunks: list[bytes] = []
        wanted = size
        with self._fs._kernel(self.path):
            if size == 0:
                return os.read(fd, 0)  # still the system call: EBADF, EISDIR
            while wanted != 0:
                chunk = os.read(fd, 1 << 20 if wanted < 0 else min(wanted, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                if wanted > 0:
                    wanted -= len(chunk)
        return b"".join(chunks)

    def write(self, data: bytes | str) -> int:
        content = data.encode() if isinstance(data, str) else bytes(data)
        fd = self._live()
        if content:
            self._fs._room_for_write(self.path, fd, self.flags, len(content))
        try:
            with self._fs._kernel(self.path):
                if not content:
                    os.write(fd, b"")  # still the system call: EBADF
                _write_all(fd, content)
        finally:
            self._fs._changed_fs()
        return len(content)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        fd = self._live()
        with self._fs._kernel(self.path):
            return os.lseek(fd, offset, whence)

    def tell(self) -> int:
        return self.seek(0, os.SEEK_CUR)

    def truncate(self, size: int | None = None) -> int:
        length = self.tell() if size is None else size
        fd = self._live()
        if length < 0:
            raise fs_error(errno.EINVAL, self.path)
        try:
            with self._fs._kernel(self.path):
                os.ftruncate(fd, length)
        finally:
            self._fs._changed_fs()
        return length

    def fstat(self) -> Entry:
        """The file's entry (its data read through ``/proc/self/fd``, the same open file)."""
        fd = self._live()
        info = os.fstat(fd)
        mode, uid, gid = st.S_IMODE(info.st_mode), info.st_uid, info.st_gid
        if st.S_ISDIR(info.st_mode):
            return Entry.directory(mode, uid, gid)
        reader = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY | os.O_CLOEXEC)
        try:
            data = os.pread(reader, info.st_size, 0)
        finally:
            os.close(reader)
        return Entry.file(data, mode, uid, gid)

    def close(self) -> None:
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def __enter__(self) -> RealFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
