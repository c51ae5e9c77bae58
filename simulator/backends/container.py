"""A container whose writable layer is a real overlayfs mount.

:class:`RealContainer` is a :class:`~simulator.model.container.Container`: same lifecycle, same
public methods, same errors.  The difference is where the answers come from:

- every file operation is a system call on the kernel's merged view (the errors are the
  kernel's own ``OSError``), made through directory file descriptors below the mount point;
- paths are first resolved with the model's own :func:`~simulator.model.paths.resolve`, fed
  with ``lstat``/``readlink`` answers from the mount, so symlinks in the image (absolute,
  relative, ``..`` chains, links to links) resolve inside the container and never reach a
  host path;
- ``upper``, ``diff()``, ``size_rw`` and ``commit()`` read the upper directory back (0/0
  character devices -> whiteouts, the opaque xattr -> opaque directories) into the model's
  tables and reuse the model's algorithms on what the kernel really did;
- ``copy_ups`` records a :class:`~simulator.model.container.CopyUp` whenever a path that was
  served from an image layer before an operation is in the upper directory after it.
"""

from __future__ import annotations

import errno
import os
import stat as st
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import ContainerStateError, InvalidPath
from ..model.container import Container, CopyUp, State
from ..model.entries import Entry, Kind
from ..model.image import Image
from ..model.layer import Layer
from ..model.paths import ancestors, check_path, fs_error, join, normalize, path_sort_key, resolve
from ._rootfs import RootFS
from .layout import _xattr, read_upper
from .mounting import mount_overlay, unmount
from .overlayfs import _remove_tree

if TYPE_CHECKING:
    from .overlayfs import OverlayBackend

__all__ = ["RealContainer"]

_WRITE = os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC


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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class RealContainer(Container):
    """An image + a real overlay mount (``upperdir``/``workdir`` in the backend's state directory).

    Created by :meth:`OverlayBackend.new_container` (or ``Engine(backend="overlayfs")``).  It
    is a context manager: leaving the ``with`` block unmounts it and removes its directories.

    Attributes:
        directory: the container's directory (``upper``, ``work``, ``merged`` below it).
        merged_dir, upper_dir, work_dir: host paths, for ``ls -l`` in a lesson.  Do not pass
            ``merged_dir + path`` to host tools: a symlink in the image would be followed on
            the host.
        mount_api: ``"old"`` (mount(2)), ``"new"`` (fsconfig ``lowerdir+``) or ``"fuse"``.
    """

    def __init__(
        self,
        image: Image,
        *,
        backend: OverlayBackend,
        id: str = "",
        name: str = "",
        command: tuple[str, ...] | None = None,
        created: str = "",
        on_remove: Callable[[Container], None] | None = None,
    ) -> None:
        super().__init__(image, id=id, name=name, command=command, created=created, on_remove=on_remove)
        self.backend = backend
        self.lower_dirs = backend.layer_dirs(image)
        self.directory = backend.container_dir(id or name)
        self.upper_dir = os.path.join(self.directory, "upper")
        self.work_dir = os.path.join(self.directory, "work")
        self.merged_dir = os.path.join(self.directory, "merged")
        for d in (self.upper_dir, self.work_dir, self.merged_dir):
            os.mkdir(d, 0o755)
        os.chmod(self.upper_dir, 0o755)
        self._mounted = False
        self._generation = 0
        self._synced = -1
        self._upper_stats: dict[str, os.stat_result] = {}
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
                method=backend.method,
                userxattr=backend.xattr_ns == "user",
                api=backend.mount_api,
            )
            self._mounted = True
            self._fs = RootFS(self.merged_dir, use_openat2=backend.use_openat2)
            self._ufs = RootFS(self.upper_dir, use_openat2=backend.use_openat2)
        except BaseException:
            self._teardown()
            raise

    # ------------------------------------------------------------------ lifecycle
    def _teardown(self) -> None:
        for fs in (getattr(self, "_fs", None), getattr(self, "_ufs", None)):
            if fs is not None:
                fs.close()
        if self._mounted:
            unmount(self.merged_dir, self.backend.method)
            self._mounted = False
        _remove_tree(self.directory)

    def remove(self, force: bool = False) -> None:
        """Remove the container: unmount, delete its upper/work directories, forget it."""
        super().remove(force)
        self._teardown()
        self._upper_stats = {}

    def close(self) -> None:
        """Unmount and remove (idempotent); used by ``with`` and at interpreter exit."""
        if self.state is not State.REMOVED:
            self.remove(force=True)

    def __enter__(self) -> RealContainer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading the upper back
    def _changed_fs(self) -> None:
        self._generation += 1

    def _sync(self) -> None:
        """Refresh the model's upper table from the upper directory (after any change)."""
        self._alive()
        if self._synced == self._generation:
            return
        entries, stats = read_upper(self.upper_dir, namespaces=(self.backend.xattr_ns,))
        self._load_upper(entries, self._touched_paths(entries, stats))
        self._upper_stats = stats
        self._synced = self._generation

    def _touched_paths(self, entries: dict[str, Entry], stats: dict[str, os.stat_result]) -> set[str]:
        """Upper non-directories whose mtime differs from the image file's (``docker diff``'s test)."""
        touched = set()
        view = self.image.view
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

    @property
    def upper(self) -> Layer:
        self._sync()
        return super().upper

    @property
    def upper_entries(self) -> dict[str, Entry]:
        self._sync()
        return super().upper_entries

    @property
    def size_rw(self) -> int:
        if self.state is State.REMOVED:
            return 0
        self._sync()
        return super().size_rw

    def diff(self) -> list[Any]:
        self._sync()
        return super().diff()

    def source_of(self, path: str) -> str:
        real = self._resolve(path)
        if self._fs.lstat(real) is None:
            raise fs_error(errno.ENOENT, path)
        self._sync()
        return super().source_of(path)

    # ------------------------------------------------------------------ the merged view (kernel)
    def _resolve(self, path: str, follow_last: bool = True) -> str:
        self._alive()
        who = self.credentials
        with _fs_identity(who.uid, who.gid):  # path lookup needs search permission, as in the kernel
            return resolve(self._fs.kind_entry, check_path(path), follow_last=follow_last)

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

    def _upper_opaque(self, real: str) -> bool:
        if real == "/":
            return False
        info = self._ufs.lstat(real)
        if info is None or not st.S_ISDIR(info.st_mode):
            return False
        with self._ufs.parent(real) as (fd, name):
            return _xattr(fd, name, f"{self.backend.xattr_ns}.overlay.opaque") == b"y"

    def _entry(self, real: str, original: str) -> Entry:
        entry = self._fs.entry(real)
        if entry is None:
            raise fs_error(errno.ENOENT, original)
        if entry.kind is Kind.DIR and self._upper_opaque(real):
            entry = Entry.directory(entry.mode, entry.uid, entry.gid, opaque=True)
        if real == "/" and self.state is not State.REMOVED:
            self._sync()
            root = self._upper.get("/")
            return root if root is not None else Entry.directory()
        return entry

    def read_file(self, path: str) -> bytes:
        real = self._resolve(path)
        if real == "/":
            raise fs_error(errno.EISDIR, path)
        with self._kernel(path), self._fs.parent(real) as (fd, name):
            return self._fs.read(fd, name)

    def stat(self, path: str, *, follow_symlinks: bool = True) -> Entry:
        return self._entry(self._resolve(path, follow_symlinks), path)

    def listdir(self, path: str) -> list[str]:
        real = self._resolve(path)
        with self._kernel(path), self._fs.dir(real) as fd:
            lister = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=fd)
            try:
                return sorted(os.listdir(lister))
            finally:
                os.close(lister)

    def walk(self, top: str = "/") -> Iterator[tuple[str, Entry]]:
        self._alive()
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
    def _in_upper(self, path: str) -> bool:
        return self._ufs.lstat(path) is not None

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
        done = False
        try:
            yield
            done = True
        finally:
            self._changed_fs()
            view = self.image.view
            seen: set[str] = set()
            for path, reason in plan:
                if before[path] or path in seen:  # a rename plans the shared parent twice
                    continue
                seen.add(path)
                info = self._ufs.lstat(moved[1] if done and moved is not None and path == moved[0] else path)
                if info is None or (st.S_ISCHR(info.st_mode) and info.st_rdev == 0):
                    continue
                origin = view.origin(path)
                if origin is None:
                    continue
                kind = origin.entry.kind
                size = origin.entry.size if kind is Kind.FILE else 0
                self.copy_ups.append(CopyUp(path, origin.layer, kind, size, reason))

    @staticmethod
    def _parents(real: str, reason: str) -> list[tuple[str, str]]:
        return [(anc, reason) for anc in reversed(list(ancestors(real)))]

    # ------------------------------------------------------------------ writing files
    def _write(self, path: str, data: bytes, flags: int, reason: str, create_mode: int | None) -> None:
        real = self._resolve(path)
        if real == "/":
            raise fs_error(errno.EISDIR, path)
        exists = self._fs.lstat(real) is not None
        if not exists:
            if create_mode is None:
                raise fs_error(errno.ENOENT, path)
            self._check_name(real)
            plan = self._parents(real, f"create {real}")
        else:
            plan = [*self._parents(real, f"{reason} {real}"), (real, reason)]
        with self._tracking(plan), self._kernel(path), self._fs.parent(real) as (dirfd, name):
            if exists:
                fd = os.open(name, _WRITE | flags, dir_fd=dirfd)
            else:
                fd = os.open(name, _WRITE | flags | os.O_CREAT | os.O_EXCL, 0o600, dir_fd=dirfd)
                os.fchmod(fd, create_mode & 0o7777)  # type: ignore[operator]
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)

    def write_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        content = data.encode() if isinstance(data, str) else bytes(data)
        self._write(path, content, os.O_TRUNC, "write", mode)

    def append_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        content = data.encode() if isinstance(data, str) else bytes(data)
        self._write(path, content, os.O_APPEND, "append", mode)

    def truncate(self, path: str, size: int) -> None:
        """``truncate(2)`` (through the file's ``O_PATH`` descriptor, so no symlink is followed)."""
        if size < 0:
            raise fs_error(errno.EINVAL, path)
        real = self._resolve(path)
        if real == "/":
            raise fs_error(errno.EISDIR, path)
        if self._fs.lstat(real) is None:
            raise fs_error(errno.ENOENT, path)
        plan = [*self._parents(real, f"truncate {real}"), (real, "truncate")]
        with self._tracking(plan), self._kernel(path), self._fs.parent(real) as (dirfd, name):
            fd = os.open(name, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dirfd)
            try:
                os.truncate(f"/proc/self/fd/{fd}", size)
            finally:
                os.close(fd)

    def touch(self, path: str, mode: int = 0o644) -> None:
        real = self._resolve(path)
        exists = self._fs.lstat(real) is not None
        if not exists:
            self._write(path, b"", 0, "touch", mode)
            return
        if real == "/":
            with self._tracking([]), self._kernel(path):
                os.utime(self.merged_dir, follow_symlinks=False)
            return
        plan = [*self._parents(real, f"touch {real}"), (real, "touch")]
        with self._tracking(plan), self._kernel(path), self._fs.parent(real) as (dirfd, name):
            os.utime(name, dir_fd=dirfd, follow_symlinks=False)

    def _attr(self, path: str, follow: bool, reason: str, apply: Callable[[int, str], None]) -> None:
        real = self._resolve(path, follow)
        if self._fs.lstat(real) is None:
            raise fs_error(errno.ENOENT, path)
        if real == "/":
            with self._tracking([]), self._kernel(path), self._fs.dir("/") as fd:
                apply(fd, ".")
            return
        plan = [*self._parents(real, f"{reason} {real}"), (real, reason)]
        with self._tracking(plan), self._kernel(path), self._fs.parent(real) as (dirfd, name):
            apply(dirfd, name)

    def chmod(self, path: str, mode: int) -> None:
        def apply(dirfd: int, name: str) -> None:
            fd = os.open(name, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dirfd)
            try:
                if not st.S_ISLNK(os.fstat(fd).st_mode):
                    os.chmod(f"/proc/self/fd/{fd}", mode & 0o7777)
            finally:
                os.close(fd)

        self._attr(path, True, "chmod", apply)

    def chown(self, path: str, uid: int, gid: int, *, follow_symlinks: bool = True) -> None:
        self._attr(
            path,
            follow_symlinks,
            "chown",
            lambda dirfd, name: os.chown(name, uid, gid, dir_fd=dirfd, follow_symlinks=False),
        )

    # ------------------------------------------------------------------ names
    def mkdir(self, path: str, mode: int = 0o755) -> None:
        real = self._resolve(path.rstrip("/") or "/", follow_last=False)
        if real == "/" or self._fs.lstat(real) is not None:
            raise fs_error(errno.EEXIST, path)
        self._check_name(real)
        with (
            self._tracking(self._parents(real, f"mkdir {real}")),
            self._kernel(path),
            self._fs.parent(real) as (dirfd, name),
        ):
            os.mkdir(name, 0o700, dir_fd=dirfd)
            fd = os.open(name, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dirfd)
            try:
                os.chmod(f"/proc/self/fd/{fd}", mode & 0o7777)
            finally:
                os.close(fd)

    def rmdir(self, path: str) -> None:
        real = self._resolve(path.rstrip("/") or "/", follow_last=False)
        if real == "/":
            raise fs_error(errno.EBUSY, path)
        with (
            self._tracking(self._parents(real, f"rmdir {real}")),
            self._kernel(path),
            self._fs.parent(real) as (dirfd, name),
        ):
            os.rmdir(name, dir_fd=dirfd)

    def unlink(self, path: str) -> None:
        real = self._resolve(path, follow_last=False)
        if real == "/":
            raise fs_error(errno.EISDIR, path)
        with (
            self._tracking(self._parents(real, f"unlink {real}")),
            self._kernel(path),
            self._fs.parent(real) as (dirfd, name),
        ):
            os.unlink(name, dir_fd=dirfd)

    remove_file = unlink

    def symlink(self, target: str, path: str) -> None:
        if not isinstance(target, str) or not target or "\0" in target:
            raise InvalidPath(target, "a symlink target is a non-empty string without NUL")
        real = self._resolve(path, follow_last=False)
        if real == "/" or self._fs.lstat(real) is not None:
            raise fs_error(errno.EEXIST, path)
        self._check_name(real)
        with (
            self._tracking(self._parents(real, f"symlink {real}")),
            self._kernel(path),
            self._fs.parent(real) as (dirfd, name),
        ):
            os.symlink(target, name, dir_fd=dirfd)

    def link(self, src: str, dst: str) -> None:
        # linkat(2)'s order: the old path must exist, then the new name must not, then the
        # old one must not be a directory (EPERM)
        source = self._resolve(src, follow_last=False)
        if self._fs.lstat(source) is None:
            raise fs_error(errno.ENOENT, src)
        real = self._resolve(dst, follow_last=False)
        if real == "/" or (source == "/" and self._fs.lstat(real) is not None):
            raise fs_error(errno.EEXIST, dst)
        if source == "/":
            raise fs_error(errno.EPERM, src)
        if self._fs.lstat(real) is None:
            self._check_name(real)
        plan = [
            *self._parents(source, f"link {source}"),
            (source, "link"),
            *self._parents(real, f"link {real}"),
        ]
        with (
            self._tracking(plan),
            self._kernel(src, dst),
            self._fs.parent(source) as (sfd, sname),
            self._fs.parent(real) as (dfd, dname),
        ):
            os.link(sname, dname, src_dir_fd=sfd, dst_dir_fd=dfd, follow_symlinks=False)

    def rename(self, src: str, dst: str) -> None:
        source = self._resolve(src, follow_last=False)
        real = self._resolve(dst.rstrip("/") or "/", follow_last=False)
        if source == "/" or real == "/":
            if self._fs.lstat(source) is None:
                raise fs_error(errno.ENOENT, src)
            if source != real:
                raise fs_error(errno.EBUSY, src)
            return
        source_exists = self._fs.lstat(source) is not None
        if source_exists and source != real:
            self._check_name(real)
        plan = (
            [
                *self._parents(source, f"rename {source}"),
                (source, "rename"),
                *self._parents(real, f"rename {real}"),
            ]
            if source_exists
            else []
        )
        with (
            self._tracking(plan, (source, real)),
            self._kernel(src, dst),
            self._fs.parent(source) as (sfd, sname),
            self._fs.parent(real) as (dfd, dname),
        ):
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
        self._alive()
        if self.state is not State.RUNNING:
            raise ContainerStateError(
                f"cannot run a program in container {self.name or self.id[:12]}: "
                f"it is {self.state.value} (needs running)"
            )
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

    def __repr__(self) -> str:
        return (
            f"<RealContainer {self.name or self.id[:12]} {self.state.value} image={self.image.short_id} "
            f"{self.merged_dir if self.state is not State.REMOVED else 'unmounted'}>"
        )


def upper_listing(container: RealContainer) -> str:
    """``ls -l``-like text of the upper directory: modes, whiteout devices (``c 0,0``), opaque dirs."""
    container._alive()
    lines = []
    for dirpath, dirnames, filenames, dirfd in os.fwalk(container.upper_dir, follow_symlinks=False):
        rel = os.path.relpath(dirpath, container.upper_dir)
        for name in sorted(dirnames + filenames):
            info = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
            path = "/" + (name if rel == "." else f"{rel}/{name}")
            mode = st.filemode(info.st_mode)
            extra = ""
            if st.S_ISCHR(info.st_mode):
                extra = (
                    f"  c {os.major(info.st_rdev)},{os.minor(info.st_rdev)}  (whiteout)"
                    if info.st_rdev == 0
                    else ""
                )
            elif st.S_ISLNK(info.st_mode):
                extra = f" -> {os.readlink(name, dir_fd=dirfd)}"
            elif st.S_ISDIR(info.st_mode):
                value = _xattr(dirfd, name, f"{container.backend.xattr_ns}.overlay.opaque")
                if value is not None:
                    extra = f"  {container.backend.xattr_ns}.overlay.opaque={value.decode()}"
            size = "" if st.S_ISDIR(info.st_mode) or st.S_ISCHR(info.st_mode) else f" {info.st_size}"
            lines.append((path, f"{mode} {info.st_uid}:{info.st_gid}{size} {path}{extra}"))
    return "\n".join(line for _, line in sorted(lines, key=lambda item: path_sort_key(item[0])))
