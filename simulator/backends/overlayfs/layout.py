"""Between the two forms of a layer: OCI entries and an overlayfs directory.

:func:`materialise` writes one image layer as a directory an overlay mount can stack as a
``lowerdir``: OCI whiteouts become 0/0 character devices, opaque directories get the
``<ns>.overlay.opaque=y`` xattr (``ns`` is ``trusted``, or ``user`` with ``userxattr``).

:func:`read_upper` reads a container's upper directory back into entries: a 0/0 character
device (or an xattr whiteout, or fuse-overlayfs' ``.wh.<name>`` file) is a whiteout, a directory
marked opaque is an opaque directory, and names sharing one inode become hard links to the name
that sorts first — the same canonical form :meth:`~simulator.model.layer.Layer.of` uses.
"""

from __future__ import annotations

import os
import stat as st
import zlib
from collections.abc import Callable, Iterator

from ...model.entries import Entry, Kind
from ...model.layer import Layer
from ...model.paths import ancestors, join, parent, path_sort_key
from ...model.tar import OPAQUE_MARKER, WHITEOUT_PREFIX
from ...model.union import UnionView

__all__ = ["lower_mtime", "materialise", "read_upper"]


def lower_mtime(key: str, path: str) -> int:
    """A fixed, distinct mtime for each file of a materialised layer.

    Real image layers carry build-time mtimes that differ from file to file; ``docker diff``
    compares them.  Zero for every file would make two different lower files look alike.
    """
    return 1_000_000_000 + (zlib.crc32(f"{key}:{path}".encode()) & 0xFFFFFF)


def _host(root: str, path: str) -> str:
    return root + path


def _chown(target: str | int, uid: int, gid: int, *, symlink: bool = False) -> None:
    try:
        if isinstance(target, int):
            os.fchown(target, uid, gid)
        else:
            os.chown(target, uid, gid, follow_symlinks=not symlink)
    except PermissionError:  # not root (fuse-overlayfs, user namespaces): keep our own ids
        pass


def materialise(
    layer: Layer,
    dest: str,
    *,
    below: UnionView | Callable[[], UnionView],
    key: str,
    xattr_ns: str = "trusted",
) -> None:
    """Write ``layer`` into the new directory ``dest`` in overlayfs form.

    ``below`` is the merged view of the layers under this one: it gives implicit parent
    directories the metadata tar extraction would keep, drops whiteouts that hide nothing
    (they would otherwise create stray parent directories), and supplies the content of hard
    links to files in lower layers.  ``dest`` must not exist; nothing is written outside it.
    """
    os.mkdir(dest, 0o755)
    views: list[UnionView] = []

    def view() -> UnionView:  # only built when the layer needs it (implicit parents, whiteouts, links)
        if not views:
            views.append(below() if callable(below) else below)
        return views[0]

    owner = (os.geteuid(), os.getegid())
    dir_meta: dict[str, Entry] = {}
    entries = layer.entries

    def ensure_parents(path: str) -> None:
        for anc in reversed(list(ancestors(path))):
            if anc in dir_meta:
                continue
            explicit = entries.get(anc)
            if explicit is not None and explicit.kind is Kind.DIR:
                meta = explicit
            else:
                lower = view().lookup(anc)
                meta = lower if lower is not None and lower.kind is Kind.DIR else Entry.directory()
                meta = Entry.directory(meta.mode, meta.uid, meta.gid)
            os.mkdir(_host(dest, anc), 0o700)
            dir_meta[anc] = meta

    for path, entry in entries.items():
        host = _host(dest, path)
        kind = entry.kind
        if kind is Kind.WHITEOUT:
            if view().lookup(path) is None:
                continue  # hides nothing (OCI: a no-op)
            ensure_parents(path)
            os.mknod(host, st.S_IFCHR | 0o600, os.makedev(0, 0))
            continue
        ensure_parents(path)
        if kind is Kind.DIR:
            if path not in dir_meta:
                os.mkdir(host, 0o700)
            dir_meta[path] = entry
            if entry.opaque:
                os.setxattr(host, f"{xattr_ns}.overlay.opaque", b"y")
        elif kind is Kind.FILE or kind is Kind.HARDLINK:
            if kind is Kind.HARDLINK:
                same_layer = entries.get(entry.target)
                if same_layer is not None and same_layer.kind is Kind.FILE:
                    os.link(_host(dest, entry.target), host)
                    continue
                found = view().lookup(entry.target)
                if found is None or found.kind is not Kind.FILE:
                    continue  # a dangling hard link: the union view drops it too
                entry = found
            fd = os.open(host, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                data = entry.read()
                buf = memoryview(data)
                while buf:
                    buf = buf[os.write(fd, buf) :]
                if (entry.uid, entry.gid) != owner:
                    _chown(fd, entry.uid, entry.gid)  # before chmod: chown clears setuid/setgid
                if entry.mode != 0o600:
                    os.fchmod(fd, entry.mode)
                mtime = lower_mtime(key, path)
                os.utime(fd, (mtime, mtime))
            finally:
                os.close(fd)
        elif kind is Kind.SYMLINK:
            os.symlink(entry.target, host)
            _chown(host, entry.uid, entry.gid, symlink=True)
            mtime = lower_mtime(key, path)
            os.utime(host, (mtime, mtime), follow_symlinks=False)
    # directory modes last, deepest first, so a read-only directory is still filled
    for path in sorted(dir_meta, key=path_sort_key, reverse=True):
        meta = dir_meta[path]
        host = _host(dest, path)
        if (meta.uid, meta.gid) != owner:
            _chown(host, meta.uid, meta.gid)
        os.chmod(host, meta.mode)


# -- reading an upper directory back -----------------------------------------------------------
def _is_whiteout(info: os.stat_result) -> bool:
    return st.S_ISCHR(info.st_mode) and info.st_rdev == 0


def _xattr(fd: int, name: str, attr: str) -> bytes | None:
    try:
        # os.getxattr has no dir_fd: go through the directory's /proc magic link instead
        where = f"/proc/self/fd/{fd}/{name}" if name else f"/proc/self/fd/{fd}"
        return os.getxattr(where, attr, follow_symlinks=False)
    except OSError:
        return None


def _opaque(fd: int, name: str, namespaces: tuple[str, ...]) -> bool:
    return any(_xattr(fd, name, f"{ns}.overlay.opaque") == b"y" for ns in namespaces)


def _walk(root: str) -> Iterator[tuple[str, list[str], int]]:
    for dirpath, dirnames, filenames, dirfd in os.fwalk(root, follow_symlinks=False):
        rel = "/" + os.path.relpath(dirpath, root).replace(os.sep, "/") if dirpath != root else "/"
        rel = "/" if rel == "/." else rel
        yield rel, sorted(dirnames + filenames), dirfd


def read_upper(
    upper: str, *, namespaces: tuple[str, ...] = ("trusted", "user")
) -> tuple[dict[str, Entry], dict[str, os.stat_result]]:
    """Entries of an upper (or layer) directory in OCI form, and the ``lstat`` of each path.

    The root directory is included as ``"/"`` only when its mode or owner differs from
    ``0755 root:root`` (the model keeps it only after ``chmod /``).
    """
    entries: dict[str, Entry] = {}
    stats: dict[str, os.stat_result] = {}
    inodes: dict[tuple[int, int], list[str]] = {}
    root_info = os.lstat(upper)
    if (st.S_IMODE(root_info.st_mode), root_info.st_uid, root_info.st_gid) != (0o755, 0, 0):
        entries["/"] = Entry.directory(st.S_IMODE(root_info.st_mode), root_info.st_uid, root_info.st_gid)
        stats["/"] = root_info
    for directory, names, dirfd in _walk(upper):
        for name in names:
            path = join(directory, name)
            info = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
            mode, uid, gid = st.S_IMODE(info.st_mode), info.st_uid, info.st_gid
            if name == OPAQUE_MARKER:  # fuse-overlayfs without xattrs
                if directory in entries:
                    entries[directory] = Entry.directory(
                        entries[directory].mode, entries[directory].uid, entries[directory].gid, opaque=True
                    )
                continue
            if name.startswith(WHITEOUT_PREFIX) and st.S_ISREG(info.st_mode) and info.st_size == 0:
                entries[join(directory, name[len(WHITEOUT_PREFIX) :])] = Entry.whiteout()
                continue
            stats[path] = info
            if _is_whiteout(info) or any(
                _xattr(dirfd, name, f"{ns}.overlay.whiteout") is not None for ns in namespaces
            ):
                entries[path] = Entry.whiteout()
            elif st.S_ISDIR(info.st_mode):
                opaque = _opaque(dirfd, name, namespaces)
                entries[path] = Entry.directory(mode, uid, gid, opaque=opaque)
            elif st.S_ISLNK(info.st_mode):
                entries[path] = Entry.symlink(os.readlink(name, dir_fd=dirfd), uid, gid)
            else:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dirfd)
                try:
                    with os.fdopen(fd, "rb", closefd=False) as f:
                        data = f.read()
                finally:
                    os.close(fd)
                entries[path] = Entry.file(data, mode, uid, gid)
                if info.st_nlink > 1:
                    inodes.setdefault((info.st_dev, info.st_ino), []).append(path)
    for names in inodes.values():
        if len(names) < 2:
            continue
        first, *rest = sorted(names, key=path_sort_key)
        content = entries[first]
        for path in rest:
            entries[path] = Entry.hardlink(first, content.mode, content.uid, content.gid)
    # a ".wh.<name>" whiteout of fuse-overlayfs may name a path whose parent is the only entry
    return dict(sorted(entries.items(), key=lambda item: path_sort_key(item[0]))), stats


def parents_present(entries: dict[str, Entry]) -> bool:
    """Every entry's parent directory is itself an entry (true of a real upper directory)."""
    return all(parent(p) == "/" or parent(p) in entries for p in entries if p != "/")
