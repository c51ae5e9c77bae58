# Long module: one idea, the writable layer's system calls keeping the same tables consistent
# (see the docstring).
"""Copy-on-write: a writable layer over an image's union view, with overlayfs semantics.

:class:`CopyOnWrite` is the model's file system of a container.  Its operations mirror system
calls and behave like the kernel's overlayfs as Docker mounts it (``index=off``, no
``redirect_dir``, no ``metacopy``; other mount options: :mod:`.overlay_options`, their state in
:mod:`.cow_options`):

- the first modification of a lower file copies it up whole (chmod and chown too), after
  copying up its parent directories; every copy-up is recorded as a :class:`CopyUp` event;
- unlink and rmdir leave a whiteout only when the name exists in a lower layer;
- creating a directory over a whiteout makes it opaque; renaming a lower or merged directory
  fails with EXDEV (``mv`` then copies and deletes), renaming a directory created in the
  container into a merged parent makes it opaque;
- errors are the builtin ``OSError`` subclasses with real errno values, and an operation either
  applies fully or changes nothing (every check runs before the first change).

Long module: about 970 lines because it is one idea: every system call keeps the same tables
(entries, children, touched, the open files' names) consistent, and splitting the calls from
the lookups and permission checks they share would scatter those invariants.  The path rules
live in :mod:`.paths` and :mod:`.namei`, the open file object in :mod:`.openfile`.
"""

from __future__ import annotations

import errno
import os
import weakref
from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import replace

from ..errors import InvalidPath
from . import fs
from .cow_options import OptionsState
from .entries import Entry, Kind
from .fs import CopyUp, check_mode, check_name
from .namei import (
    create_last,
    open_flags,
    open_lookup,
    rename_lasts,
    rmdir_last,
    touch_lookup,
    unlink_last,
    wants_write,
)
from .openfile import OpenFile
from .overlay_options import DOCKER, OverlayOptions
from .paths import (
    PATH_MAX,
    Lookup,
    ancestors,
    basename,
    check_length,
    check_path,
    fs_error,
    join,
    lookup_path,
    parent,
    path_sort_key,
    resolve,
    tree_lookup,
)
from .permissions import ROOT, Credentials, allows, in_group, may_hardlink, mode_without_privileges
from .union import UnionView
from .upper_table import UpperTable

__all__ = ["CopyOnWrite"]


def _nothing() -> None:
    pass


def _no_limit() -> int | None:
    return None


class _Node:
    """The file behind open descriptors (a :class:`~.openfile.Backing`): its current name, or
    its last entry once no name is left (an unlinked file stays readable through its fd)."""

    __slots__ = ("__weakref__", "fs", "orphan", "path")

    def __init__(self, fs: CopyOnWrite, path: str) -> None:
        self.fs = fs
        self.path = path
        self.orphan: Entry | None = None

    def check(self) -> None:
        self.fs._check()

    def entry(self) -> Entry:
        if self.orphan is not None:
            return self.orphan
        fs = self.fs
        if self.path in fs.mounts:
            return fs.mounts[self.path]
        entry = fs._lookup(self.path)
        assert entry is not None, self.path
        return entry

    def store(self, entry: Entry) -> None:
        fs = self.fs
        entry = fs._kill_privs(entry)
        if self.orphan is not None:
            self.orphan = entry
        elif self.path in fs.mounts:
            fs.mounts[self.path] = entry
        else:
            holder = fs._copy_up(self.path, "write")
            fs._charge(entry.allocated - fs._upper[holder].allocated, self.path)
            fs._upper[holder] = entry
            fs._touched.add(holder)


class CopyOnWrite(OptionsState):
    """A writable layer over ``lower`` (an image's :class:`UnionView`): a :class:`~.fs.ContainerFS`.

    Args:
        lower: the image's merged view, read-only.
        mounts: runtime bind mounts (path -> entry), kept when their directory exists below.
        check: called before every operation; raises when the owner (a container) is gone.
        disk_limit: the most bytes of file data the writable layer may hold (``Limits.disk``,
            asked at each write; None: no limit).  A write, a copy-up or a new directory that
            would pass it fails with ``ENOSPC`` before anything changes, as on a full disk.
        options: the overlay mount options it behaves by (default: Docker's, all off); see
            :mod:`.overlay_options`.
    """

    def __init__(
        self,
        lower: UnionView,
        *,
        mounts: Mapping[str, Entry] | None = None,
        check: Callable[[], None] = _nothing,
        disk_limit: Callable[[], int | None] = _no_limit,
        options: OverlayOptions = DOCKER,
    ) -> None:
        if not isinstance(options, OverlayOptions):
            raise TypeError(f"options must be an OverlayOptions, not {type(options).__name__}")
        self.lower = lower
        self.disk_limit = disk_limit
        self._used: int | None = None  # bytes of file data in the upper layer (None: count again)
        self.options = options
        # the kernel options' state (see overlay_options): upper directory -> trusted.overlay.redirect,
        # upper files whose data is still below (metacopy), lower inodes copied up (index)
        self._redirects: dict[str, str] = {}
        self._metacopy: set[str] = set()
        self._index: dict[int, str] = {}
        self._init_ids()
        self.credentials: Credentials = ROOT
        self.copy_ups: list[CopyUp] = []
        self._check = check
        self._upper = UpperTable()
        self._children: dict[str, set[str]] = {"/": set()}
        self._touched: set[str] = set()
        self._nodes: weakref.WeakSet[_Node] = weakref.WeakSet()
        self.mounts: dict[str, Entry] = {}
        # (lower, mount paths, whether one is a directory below): _lookup_fn asks at every call
        self._mounts_on_dirs: tuple[UnionView, tuple[str, ...], bool] | None = None
        for path, entry in (mounts or {}).items():
            clean = check_path(path)
            if self._lookup(parent(clean)) is not None:  # a mount needs its directory in the image
                self.mounts[clean] = entry

    # ------------------------------------------------------------------ the merged view
    def _hidden_by_upper(self, path: str) -> bool:
        """An upper ancestor of ``path`` is a whiteout, a non-directory or opaque."""
        upper = self._upper
        for anc in ancestors(path):
            entry = upper.get(anc)
            if entry is not None and (entry.kind is not Kind.DIR or entry.opaque):
                return True
        return False

    def _lower_entry(self, path: str) -> Entry | None:
        """What the image shows at ``path`` through the upper layer (``ovl_lower_positive``)."""
        if path == "/":
            return None
        if self._redirects:
            return (
                None
                if self._hidden_by_upper(path)
                else self.lower.lookup(join(self._lower_path(parent(path)), basename(path)))
            )
        below = self.lower.lookup(path)  # first: most new paths have nothing below (O(1))
        return None if below is None or self._hidden_by_upper(path) else below

    @tree_lookup  # an upper directory's ancestors are upper directories; a lower one is hidden
    def _lookup(self, path: str) -> Entry | None:  # when an upper ancestor is not a directory
        """The visible entry at a normalised path (symlinks not followed, hard links resolved)."""
        if path == "/":
            return self._upper.get("/") or self.lower.lookup("/")  # the image's root directory
        if self.mounts and path in self.mounts:
            return self.mounts[path]
        entry = self._upper.get(path)
        if entry is not None:
            if entry.kind is Kind.WHITEOUT:
                return None
            if entry.kind is Kind.HARDLINK:
                return self._upper[entry.target]
            return entry
        if self._redirects or self._index:
            return None if self._hidden_by_upper(path) else self._lookup_below(path)
        below = self.lower.lookup(path)  # first: most new paths have nothing below (O(1))
        return None if below is None or self._hidden_by_upper(path) else below

    def _names(self, path: str) -> list[str]:
        """Names visible in the directory at a normalised path."""
        upper = self._upper
        entry = upper.get(path)
        names = {n for n in self._children.get(path, ()) if upper[join(path, n)].kind is not Kind.WHITEOUT}
        opaque = entry is not None and entry.opaque
        if not opaque and (path == "/" or self._merged_lower(path) is not None):
            for name in self.lower.names(self._lower_path(path)):
                child = join(path, name)
                if upper.get(child) is None:
                    names.add(name)
        names.update(basename(m) for m in self.mounts if parent(m) == path)
        return sorted(names)

    def _lookup_fn(self) -> Lookup:
        """The lookup a path walk uses: a non-root caller needs search permission on the way."""
        self._check()
        if self.credentials.uid != 0:
            return self._searching_lookup
        if self.mounts and self._a_mount_on_a_dir():
            return lambda path: self._lookup(path)  # a file mounted on a directory: walk it
        return self._lookup

    def _a_mount_on_a_dir(self) -> bool:
        """Whether a mount is over a directory of the image (remembered for the same mount paths
        and lower view: the image's view never changes, so neither does the answer)."""
        paths = tuple(self.mounts)
        memo = self._mounts_on_dirs
        if memo is not None and memo[0] is self.lower and memo[1] == paths:
            return memo[2]
        answer = any((e := self.lower.lookup(m)) is not None and e.kind is Kind.DIR for m in paths)
        self._mounts_on_dirs = (self.lower, paths, answer)
        return answer

    def _resolve(self, path: str, follow_last: bool = True) -> str:
        lookup = self._lookup_fn()
        return resolve(lookup, check_path(path), follow_last=follow_last)

    def _searching_lookup(self, path: str) -> Entry | None:
        """A lookup that needs search (x) permission on the directory it looks in (non-root)."""
        directory = self._lookup(parent(path))
        if directory is not None and directory.kind is Kind.DIR and not self._may(directory, 0o1):
            raise fs_error(errno.EACCES, path)
        return self._lookup(path)

    def source_of(self, path: str) -> str:
        """``"upper"`` or ``"layer N"``: where ``path`` is served from (symlinks followed)."""
        real = self._resolve(path)
        if real in self._upper or (real == "/" and "/" in self._upper):
            return "upper"
        origin = self.lower.origin(self._lower_path(real))
        if origin is None or self._lookup(real) is None:
            raise fs_error(errno.ENOENT, path)
        return f"layer {origin.layer}"

    # ------------------------------------------------------------------ open files
    def open(self, path: str, mode: str | int = "r", perms: int = 0o666) -> OpenFile:
        """``open(2)``: a descriptor on ``path`` (``mode`` a Python mode string or ``os.O_*`` flags).

        As overlayfs: opening a lower file for writing (or with ``O_TRUNC``) copies it up whole
        at the open, even if nothing is ever written; a read-only open copies nothing.  The
        path rules are the kernel's (``O_CREAT`` with a trailing slash is EISDIR, ``O_EXCL``
        does not follow a symlink ...).  A new file gets ``perms`` exactly (no umask).
        """
        flags = open_flags(mode)
        check_mode(perms)
        clean = check_path(path)
        found = open_lookup(self._lookup_fn(), clean, flags)
        real, entry = found.path, found.entry
        if entry is None:  # O_CREAT makes it
            check_name(real)
            self._may_change_names_in(parent(real), path)
            self._copy_up_parents(real, f"create {real}")
            self._drop(real)  # a whiteout is replaced by the new file
            self._set(real, self._owned(Entry.file(b"", perms)))
            self._touched.add(real)
        else:
            want = (0o4 if flags & os.O_ACCMODE != os.O_WRONLY else 0) | (0o2 if wants_write(flags) else 0)
            if not self._may(entry, want):
                raise fs_error(errno.EACCES, path)
            if wants_write(flags) and entry.kind is Kind.FILE:
                if real in self.mounts:
                    if flags & os.O_TRUNC:
                        self.mounts[real] = replace(entry, data=b"", size=0, digest=None, source=None)
                else:
                    holder = self._copy_up(real, "open")
                    if flags & os.O_TRUNC:
                        emptied = replace(self._upper[holder], data=b"", size=0, digest=None, source=None)
                        self._used = None
                        self._upper[holder] = self._kill_privs(emptied)
                        self._touched.add(holder)
        node = _Node(self, real)
        self._nodes.add(node)
        return OpenFile(node, real, flags)

    # ------------------------------------------------------------------ reading
    def read_file(self, path: str) -> bytes:
        """Content of a regular file (symlinks followed)."""
        entry = self._lookup(self._resolve(path))
        if entry is None:
            raise fs_error(errno.ENOENT, path)
        if not self._may(entry, 0o4):  # open(O_RDONLY) is refused before read() finds a directory
            raise fs_error(errno.EACCES, path)
        if entry.kind is Kind.DIR:
            raise fs_error(errno.EISDIR, path)
        return entry.read()

    def stat(self, path: str, *, follow_symlinks: bool = True) -> Entry:
        """The entry at ``path`` (like ``stat``/``lstat``)."""
        real = self._resolve(path, follow_symlinks)
        entry = self._lookup(real)
        if entry is None:
            raise fs_error(errno.ENOENT, path)
        return self._with_ids(real, entry)

    def lstat(self, path: str) -> Entry:
        return fs.lstat(self, path)

    def exists(self, path: str) -> bool:
        return fs.exists(self, path)

    def listdir(self, path: str) -> list[str]:
        """Sorted names in a directory (upper and lower merged, whiteouts hidden)."""
        real = self._resolve(path)
        entry = self._lookup(real)
        if entry is None:
            raise fs_error(errno.ENOENT, path)
        if entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, path)
        if not self._may(entry, 0o4):
            raise fs_error(errno.EACCES, path)
        return self._names(real)

    def readlink(self, path: str) -> str:
        return fs.readlink(self, path)

    def walk(self, top: str = "/") -> Iterator[tuple[str, Entry]]:
        """Every visible path below ``top`` (not following symlinks), parents first, sorted."""
        self._check()
        start = check_path(top)
        stack = [join(start, name) for name in reversed(self._names(start))]
        while stack:
            path = stack.pop()
            entry = self._lookup(path)
            if entry is None:
                continue
            yield path, entry
            if entry.kind is Kind.DIR:
                stack.extend(join(path, name) for name in reversed(self._names(path)))

    # ------------------------------------------------------------------ upper-layer primitives
    def _set(self, path: str, entry: Entry) -> None:
        if path not in self._upper:
            self._children.setdefault(parent(path), set()).add(basename(path))
        self._upper[path] = entry
        if entry.kind is Kind.DIR:
            self._children.setdefault(path, set())

    def _drop(self, path: str) -> None:
        """Remove ``path`` and its upper subtree from the upper layer."""
        if path not in self._upper:
            return
        self._used = None
        for name in list(self._children.get(path, ())):
            self._drop(join(path, name))
        del self._upper[path]
        if self._redirects or self._metacopy:
            self._redirects.pop(path, None)
            self._metacopy.discard(path)
        self._children.pop(path, None)
        self._touched.discard(path)
        self._children[parent(path)].discard(basename(path))

    def _copy_up_parents(self, path: str, reason: str) -> None:
        missing = []
        for anc in ancestors(path):  # nearest first: an upper entry's ancestors are all upper
            if anc in self._upper:
                break
            missing.append(anc)
        for anc in reversed(missing):
            origin = self.lower.origin(self._lower_path(anc))
            assert origin is not None and origin.entry.kind is Kind.DIR, anc
            e = origin.entry
            self._set(anc, Entry(Kind.DIR, e.mode, e.uid, e.gid, ino=self.lower.inode_number(e)))
            self.copy_ups.append(CopyUp(anc, origin.layer, Kind.DIR, 0, reason))

    def _copy_up(self, path: str, reason: str, *, data: bool = True) -> str:
        """Make ``path`` (visible) live in the upper layer; returns the path that holds its data.

        ``data=False`` (chmod, chown) copies a lower file's metadata only when ``metacopy`` is on;
        its data follows at the first ``_copy_up`` that needs it.
        """
        self._copy_up_parents(path, f"{reason} {path}")
        current = self._upper.get(path)
        if current is not None:
            holder = current.target if current.kind is Kind.HARDLINK else path
            if data and self._metacopy and holder in self._metacopy:
                self._copy_data_up(holder, reason)
            return holder
        origin = self.lower.origin(self._lower_path(path))
        assert origin is not None
        lower = origin.entry
        if self._index and lower.kind is Kind.FILE and id(lower) in self._index:
            holder = self._index[id(lower)]  # index=on: another name of a file already copied up
            if holder not in self._upper:  # no name of it left in the upper layer: this one holds it
                self._set(path, self._index_orphans.pop(id(lower)))
                self._index[id(lower)] = path
                self._index_origin[path] = lower
                self.copy_ups.append(CopyUp(path, origin.layer, Kind.FILE, 0, f"{reason} (link up)"))
                return self._copy_up(path, reason, data=data)
            target = self._upper[holder]
            self._set(path, Entry.hardlink(holder, target.mode, target.uid, target.gid))
            # copy_up.c ovl_link_up: the upper inode exists, this name is linked to it (no data copied)
            self.copy_ups.append(CopyUp(path, origin.layer, Kind.FILE, 0, f"{reason} (link up)"))
            return self._copy_up(path, reason) if data and holder in self._metacopy else holder
        metadata_only = not data and self.options.metacopy
        self._charge(
            lower.allocated if lower.kind is Kind.FILE and not metadata_only else 0, path
        )  # all or nothing
        copied = Entry.directory(lower.mode, lower.uid, lower.gid) if lower.kind is Kind.DIR else lower
        self._set(path, self._origin_ino(copied, lower))
        size = lower.size if lower.kind is Kind.FILE else 0
        if lower.kind is Kind.FILE:
            if self.options.index:
                self._index[id(lower)] = path
                self._index_origin[path] = lower
                self._index_nlink.setdefault(id(lower), self.lower.file_nlink(lower))
            if not data and self.options.metacopy:
                self._metacopy.add(path)
                size, reason = 0, f"{reason} (metadata only)"
        self.copy_ups.append(CopyUp(path, origin.layer, lower.kind, size, reason))
        return path

    def _remove_name(self, path: str) -> None:
        """Delete a visible name: a whiteout when it exists below, else nothing is left."""
        self._detach(path)
        heir = self._promote_links(path)
        if self.options.index:
            self._index_before_unlink(path, heir)
        lower_exists = self._lower_entry(path) is not None
        self._drop(path)
        if lower_exists:
            self._set(path, Entry.whiteout())

    def _detach(self, path: str) -> None:
        """Before the name ``path`` goes: descriptors on it follow the file to another of its
        names (a hard link), or keep its content (an unlinked file stays readable)."""
        nodes = [n for n in self._nodes if n.orphan is None and n.path == path]
        if not nodes:
            return
        upper = self._upper.get(path)
        survivor = None
        if upper is not None and upper.kind is Kind.HARDLINK:
            survivor = upper.target
        elif upper is not None and upper.kind is Kind.FILE:
            survivor = next(iter(self._links_to(path)), None)
        for node in nodes:
            if survivor is None:
                node.orphan = node.entry()
            else:
                node.path = survivor

    def _remap(self, source: str, real: str) -> None:
        """A rename: descriptors on ``source`` and below follow to ``real``."""
        for node in self._nodes:
            if node.orphan is None and (node.path == source or node.path.startswith(source + "/")):
                node.path = real + node.path[len(source) :]

    def _links_to(self, path: str) -> list[str]:
        return sorted(self._upper.links_to(path), key=path_sort_key)

    def _promote_links(self, path: str) -> str | None:
        """Before ``path`` goes away, hand its content to one of the hard links naming it (returned)."""
        entry = self._upper.get(path)
        if entry is None or entry.kind is not Kind.FILE:
            return None
        links = self._links_to(path)
        if not links:
            return None
        heir, rest = links[0], links[1:]
        self._upper[heir] = entry
        if path in self._metacopy:
            self._metacopy.add(heir)
        for other in rest:
            self._upper[other] = replace(self._upper[other], target=heir)
        return heir

    def _parent_dir(self, real: str, original: str) -> None:
        """The parent of a name to create must be a visible directory."""
        entry = self._lookup(parent(real))
        if entry is None:
            raise fs_error(errno.ENOENT, original)
        if entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, original)

    # ------------------------------------------------------------------ permissions
    def _may(self, entry: Entry, want: int) -> bool:
        """Whether the credentials have the ``want`` bits (4 read, 2 write, 1 search) on ``entry``."""
        return allows(self.credentials, entry, want)

    def _require_access(self, real: str, want: int, original: str) -> None:
        entry = self._lookup(real)
        if entry is not None and not self._may(entry, want):
            raise fs_error(errno.EACCES, original)

    def _may_change_names_in(self, directory: str, original: str) -> None:
        """Creating, removing or renaming a name needs write and search permission on its directory."""
        self._require_access(directory, 0o3, original)

    def _may_remove(self, real: str, original: str) -> None:
        """The sticky bit (``/tmp``): only the owner of the name or of the directory may remove it."""
        directory = parent(real)
        self._may_change_names_in(directory, original)
        who = self.credentials
        holder = self._lookup(directory)
        entry = self._lookup(real)
        if (
            who.uid
            and holder is not None
            and entry is not None
            and holder.mode & 0o1000
            and who.uid not in (entry.uid, holder.uid)
        ):
            raise fs_error(errno.EPERM, original)

    def _kill_privs(self, entry: Entry) -> Entry:
        """Writing as a non-root user drops setuid and setgid (the writer has no CAP_FSETID)."""
        if self.credentials.uid == 0:
            return entry
        mode = mode_without_privileges(self.credentials, entry)
        return entry if mode == entry.mode else replace(entry, mode=mode)

    def _owned(self, entry: Entry) -> Entry:
        """A new entry belongs to whoever creates it."""
        who = self.credentials
        return entry if who is ROOT else replace(entry, uid=who.uid, gid=who.gid)

    # ------------------------------------------------------------------ the disk limit
    def disk_used(self) -> int:
        """Bytes of file data the writable layer holds (a sparse file's hole counts nothing)."""
        if self._used is None:
            # a metadata-only copy-up (metacopy) holds no data blocks: its data is still below
            self._used = sum(e.allocated for p, e in self._upper.items() if p not in self._metacopy)
        return self._used

    def _charge(self, growth: int, path: str, need_room: bool = False) -> None:
        """Count ``growth`` more bytes in the writable layer, or raise ENOSPC (nothing counted)
        when that passes :attr:`disk_limit`; ``need_room``: fail when the layer is already full."""
        limit = self.disk_limit()
        if limit is not None and (growth > 0 or need_room):
            used = self.disk_used()
            if used + growth > limit or (need_room and used >= limit):
                raise fs_error(errno.ENOSPC, path)
        if self._used is not None:
            self._used = max(0, self._used + growth)

    # ------------------------------------------------------------------ writing files
    def _busy(self, real: str, original: str) -> None:
        """Runtime bind mounts (``/etc/hosts`` ...) cannot be removed or renamed: EBUSY."""
        if real in self.mounts:
            raise fs_error(errno.EBUSY, original)

    def _modify_file(
        self,
        path: str,
        change: Callable[[Entry], Entry],
        reason: str,
        create: Entry | None,
        touches: bool = True,
        writes: bool = True,
        flags: int = os.O_WRONLY | os.O_CREAT,
    ) -> None:
        if create is None:
            real = self._resolve(path)
        else:
            real = open_lookup(self._lookup_fn(), check_path(path), flags).path
        if real in self.mounts:  # writes go to the mounted file, never to the writable layer
            self.mounts[real] = change(self.mounts[real])
            return
        entry = self._lookup(real)
        if entry is None:
            if create is None:
                raise fs_error(errno.ENOENT, path)
            check_name(real)
            self._parent_dir(real, path)
            self._may_change_names_in(parent(real), path)
            self._copy_up_parents(real, f"create {real}")
            new = self._owned(change(create))
            self._charge(new.allocated, path)
            self._drop(real)  # a whiteout is replaced by the new file
            self._set(real, new)
        else:
            if entry.kind is Kind.DIR:
                raise fs_error(errno.EISDIR, path)
            if not self._may(entry, 0o2) and not (reason == "touch" and entry.uid == self.credentials.uid):
                raise fs_error(errno.EACCES, path)
            holder = self._copy_up(real, reason)
            updated = change(self._upper[holder])
            self._charge(updated.allocated - self._upper[holder].allocated, path)
            self._upper[holder] = self._kill_privs(updated) if writes else updated
            real = holder
        if touches or (create is not None and entry is None):
            self._touched.add(real)

    @staticmethod
    def _bytes(data: object) -> bytes:
        if isinstance(data, str):
            return data.encode()
        if isinstance(data, (bytes, bytearray, memoryview)):
            return bytes(data)
        raise TypeError(f"file data must be bytes or str, not {type(data).__name__}")

    def write_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        """``open(path, O_WRONLY|O_CREAT|O_TRUNC)`` then write ``data``.

        An existing lower file is copied up whole first (then truncated), keeping its mode and
        owner; a new file gets ``mode``.
        """
        content = self._bytes(data)
        self._modify_file(
            path,
            lambda e: e.with_data(content),
            "write",
            Entry.file(b"", mode),
            flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
        )

    def append_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        """``open(path, O_WRONLY|O_CREAT|O_APPEND)`` then write ``data`` (full copy-up first)."""
        content = self._bytes(data)

        def change(e: Entry) -> Entry:
            return e.written(e.size, content) if content else e

        # the open copies the file up; an empty write leaves its mtime (docker diff shows nothing)
        self._modify_file(
            path,
            change,
            "append",
            Entry.file(b"", mode),
            touches=bool(content),
            writes=bool(content),
            flags=os.O_WRONLY | os.O_CREAT | os.O_APPEND,
        )

    def truncate(self, path: str, size: int) -> None:
        """``truncate(path, size)``: the file must exist; it is copied up with its data first."""
        if size < 0:
            raise fs_error(errno.EINVAL, path)

        def change(e: Entry) -> Entry:
            return e.resized(size)  # extending leaves a hole: nothing is stored for it

        # the mtime changes even when the size does not, as on ext4 and xfs (tmpfs keeps it then)
        self._modify_file(path, change, "truncate", None)

    def touch(self, path: str, mode: int = 0o644) -> None:
        """``touch``: create an empty file, or copy up an existing one (its mtime changes).

        As coreutils' touch: ``open(O_WRONLY|O_CREAT)`` first; when that is EISDIR (a directory,
        or any path ending in ``/``), the times of what the path names are set instead, and
        EISDIR is the error when that fails too.
        """
        lookup = self._lookup_fn()
        clean = check_path(path)
        found = touch_lookup(lookup, clean)
        real, entry = found.path, found.entry
        who = self.credentials
        if entry is not None and who.uid not in (0, entry.uid) and not self._may(entry, 0o2):
            # setting the times to now needs the owner or a writer; when that fails too, touch
            # reports the open's error, EISDIR for a directory (may_open checks it first)
            raise fs_error(errno.EISDIR if entry.kind is Kind.DIR else errno.EACCES, path)
        if real == "/":
            return  # the root is the upper directory itself: nothing to copy up, no change to record
        if entry is not None and entry.kind is Kind.DIR:
            holder = self._copy_up(real, "touch")
            self._touched.add(holder)
            return
        self._modify_file(path, lambda e: e, "touch", Entry.file(b"", mode), writes=False)

    def _set_attr(
        self,
        path: str,
        follow: bool,
        reason: str,
        change: Callable[[Entry], Entry],
        allowed: Callable[[Entry], bool] | None = None,
    ) -> None:
        real = self._resolve(path, follow)
        current = self._lookup(real)
        if current is None:
            raise fs_error(errno.ENOENT, path)
        if allowed is not None and not allowed(current):
            raise fs_error(errno.EPERM, path)
        if real in self.mounts:
            self.mounts[real] = change(self.mounts[real])
            return
        if real == "/":
            self._upper["/"] = change(current)
            return
        holder = self._copy_up(real, reason, data=False)
        self._upper[holder] = change(self._upper[holder])

    def chmod(self, path: str, mode: int) -> None:
        """Change permission bits; copies a lower file up whole, even if the mode is unchanged."""
        check_mode(mode)
        self._set_attr(
            path,
            True,
            "chmod",
            lambda e: e if e.kind is Kind.SYMLINK else replace(e, mode=self._chmod_mode(e, mode)),
            lambda e: self.credentials.uid in (0, e.uid),  # only the owner (or root) may chmod
        )

    def _chmod_mode(self, entry: Entry, mode: int) -> int:
        """setattr_prepare: a caller neither root nor in the file's group cannot set setgid
        (silently dropped, for directories too)."""
        who = self.credentials
        return mode & (0o5777 if who.uid != 0 and not in_group(who, entry.gid) else 0o7777)

    def chown(self, path: str, uid: int, gid: int, *, follow_symlinks: bool = True) -> None:
        """Change owner (``-1`` keeps a value); copies a lower file up whole.

        As on Linux, a chown of a regular file clears its setuid bit, and its setgid bit when
        the group may execute it (or, for a non-root caller, when the caller is not in the
        file's group), even for root and even when nothing changes (``chown_common``).  Only
        root gives a file away; clearing those bits is a mode change, which only the owner may
        make.
        """

        def killed_mode(e: Entry) -> int:
            return mode_without_privileges(self.credentials, e)

        def change(e: Entry) -> Entry:
            return replace(
                e, uid=e.uid if uid == -1 else uid, gid=e.gid if gid == -1 else gid, mode=killed_mode(e)
            )

        def allowed(e: Entry) -> bool:  # chown_ok / chgrp_ok, and the owner check of a mode change
            who = self.credentials
            if who.uid == 0:
                return True
            owner = who.uid == e.uid
            if uid != -1 and not (owner and uid == e.uid):
                return False
            if gid != -1 and not (owner and (gid == e.gid or in_group(who, gid))):
                return False
            return owner or killed_mode(e) == e.mode

        self._set_attr(path, follow_symlinks, "chown", change, allowed)

    def lchown(self, path: str, uid: int, gid: int) -> None:
        fs.lchown(self, path, uid, gid)

    # ------------------------------------------------------------------ names
    def mkdir(self, path: str, mode: int = 0o755) -> None:
        """Create a directory; over a whiteout it is opaque (lower contents stay hidden)."""
        real = create_last(self._lookup_fn(), check_path(path))[0].path  # a trailing slash is fine
        check_name(real)
        self._may_change_names_in(parent(real), path)
        self._charge(0, path, need_room=True)  # a new directory needs a block: none on a full disk
        self._copy_up_parents(real, f"mkdir {real}")
        opaque = self._upper.get(real) is not None or self._new_dir_opaque(real)  # over a whiteout
        self._drop(real)
        self._set(real, self._owned(Entry.directory(mode, opaque=opaque)))
        self._touched.add(real)

    def makedirs(self, path: str, mode: int = 0o755, exist_ok: bool = True) -> None:
        """``mkdir -p``."""
        fs.makedirs(self, path, mode, exist_ok)

    def rmdir(self, path: str) -> None:
        """Remove an empty directory (empty in the merged view)."""
        last, entry = rmdir_last(self._lookup_fn(), check_path(path))
        real = last.path
        self._may_remove(real, path)  # may_delete: permission and sticky bit before the type
        if entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, path)
        if self._names(real):
            raise fs_error(errno.ENOTEMPTY, path)
        self._copy_up_parents(real, f"rmdir {real}")
        self._remove_name(real)

    def unlink(self, path: str) -> None:
        """Remove a non-directory name; a whiteout is left when it exists below."""
        last, entry = unlink_last(self._lookup_fn(), check_path(path))
        real = last.path
        self._may_remove(real, path)  # may_delete: permission and sticky bit before the type
        if entry.kind is Kind.DIR:
            raise fs_error(errno.EISDIR, path)
        self._busy(real, path)
        self._copy_up_parents(real, f"unlink {real}")
        self._remove_name(real)

    remove_file = unlink

    def symlink(self, target: str, path: str) -> None:
        """Create ``path`` as a symlink to ``target`` (no copy-up of anything but parents)."""
        if not isinstance(target, str) or not target or "\0" in target:
            raise InvalidPath(target, "a symlink target is a non-empty string without NUL")
        if len(target.encode("utf-8", "surrogateescape")) >= PATH_MAX:
            raise fs_error(errno.ENAMETOOLONG, target)
        last, _ = create_last(self._lookup_fn(), check_path(path))
        if last.slash:
            raise fs_error(errno.ENOENT, path)  # filename_create: a new non-directory named 'x/'
        real = last.path
        check_name(real)
        self._may_change_names_in(parent(real), path)
        self._charge(Entry.symlink(target).allocated, path)
        self._copy_up_parents(real, f"symlink {real}")
        self._drop(real)
        self._set(real, self._owned(Entry.symlink(target)))
        self._touched.add(real)

    def link(self, src: str, dst: str) -> None:
        """Hard link ``dst`` to ``src``; a lower ``src`` is copied up first (as overlayfs does)."""
        # linkat(2): the old name must exist, then the new name must not, then the old one must not be a dir
        lookup = self._lookup_fn()
        check_length(check_path(dst))  # linkat copies both names in (getname) before any walk
        found = lookup_path(lookup, check_path(src), follow_last=False)
        source, entry = found.path, found.entry
        if entry is None:
            raise fs_error(errno.ENOENT, src)
        last, _ = create_last(lookup, check_path(dst))
        if last.slash:
            raise fs_error(errno.ENOENT, dst)
        real = last.path
        if not may_hardlink(self.credentials, entry):
            raise fs_error(errno.EPERM, src)
        check_name(real)
        self._may_change_names_in(parent(real), dst)
        if entry.kind is Kind.DIR:
            raise fs_error(errno.EPERM, src)
        holder = self._copy_up(source, "link", data=False)
        if self.options.index:
            self._index_linked(holder)
        self._copy_up_parents(real, f"link {real}")
        self._drop(real)
        target = self._upper[holder]
        if target.kind is Kind.SYMLINK:  # a hard link to a symlink: another name for the same link
            self._set(real, target)
        else:
            self._set(real, Entry.hardlink(holder, target.mode, target.uid, target.gid))
        self._touched.add(real)

    def _same_inode(self, a: str, b: str) -> bool:
        """Two names of one file: hard links within the image, or within the writable layer
        (copy-up breaks a link, as with ``index=off``)."""
        ua, ub = self._upper.get(a), self._upper.get(b)
        if self._index:
            entry = self._lookup(a)
            return entry is not None and entry.kind is Kind.FILE and self.inode_key(a) == self.inode_key(b)
        if ua is None and ub is None:
            # index=off: two lower names of one file are two overlay inodes (ovl_hash_bylower:
            # "No, if lower hardlink is or will be broken on copy up"), so rename(2) between
            # them moves the name; with index=on they are one inode, hashed by the lower one
            la, lb = self._lower_entry(a), self._lower_entry(b)
            return self.options.index and la is not None and la is lb and la.kind is Kind.FILE
        if ua is None or ub is None:
            return False
        holder_a = ua.target if ua.kind is Kind.HARDLINK else a
        holder_b = ub.target if ub.kind is Kind.HARDLINK else b
        return holder_a == holder_b and self._upper[holder_a].kind is Kind.FILE

    def _is_merge_or_lower_dir(self, path: str) -> bool:
        upper = self._upper.get(path)
        lower = self._merged_lower(path)
        if lower is None or lower.kind is not Kind.DIR:
            return False
        return upper is None or (upper.kind is Kind.DIR and not upper.opaque)

    def rename(self, src: str, dst: str) -> None:
        """``rename(2)``: files move (leaving a whiteout when the old name exists below);
        directories from the image fail with EXDEV, as overlayfs without ``redirect_dir``."""
        # the order of the checks is the kernel's (do_renameat2, lock_rename, vfs_rename)
        old, entry, new, target = rename_lasts(self._lookup_fn(), check_path(src), check_path(dst))
        source, real = old.path, new.path
        if source == real or self._same_inode(source, real):
            return  # rename(2) of a name onto another name of the same file does nothing
        self._may_remove(source, src)
        if target is not None:
            self._may_remove(real, dst)
        else:
            self._may_change_names_in(parent(real), dst)
        is_dir = entry.kind is Kind.DIR
        if target is not None:
            if is_dir and target.kind is not Kind.DIR:
                raise fs_error(errno.ENOTDIR, src, dst)
            if not is_dir and target.kind is Kind.DIR:
                raise fs_error(errno.EISDIR, src, dst)
        self._busy(source, src)
        self._busy(real, dst)
        was_merge = is_dir and self._is_merge_or_lower_dir(source)
        if was_merge and not self.options.redirect_dir:
            raise fs_error(errno.EXDEV, src, dst)
        if target is not None and target.kind is Kind.DIR and self._names(real):
            raise fs_error(errno.ENOTEMPTY, src, dst)
        check_name(real)
        # -- all checks passed: change things
        redirect = self._redirect_for(source, real) if was_merge else ""
        holder = self._copy_up(source, "rename", data=False)
        self._copy_up_parents(real, f"rename {real}")
        # still the image's file that real names below (a hard link): same mtime, no docker diff C
        same_file_below = not is_dir and self._upper[holder] is self._lower_entry(real)
        heir = None
        if target is not None:  # the replaced file lives on in its other names (as unlink)
            self._detach(real)
            heir = self._promote_links(real)  # before the links to source are pointed at real
        if holder != source:  # a hard link: the moved name keeps pointing at the same content
            moved: dict[str, Entry] = {real: self._upper[source]}
        else:
            moved = {
                real + p[len(source) :]: e
                for p, e in self._upper.items()
                if p == source or p.startswith(source + "/")
            }
            for link in self._links_to(source):
                self._upper[link] = replace(self._upper[link], target=real)
        kept = self._moved_state(source, real)
        touched = {
            real + p[len(source) :] for p in self._touched if p == source or p.startswith(source + "/")
        }
        lower_at_source = self._lower_entry(source) is not None
        if target is not None and self.options.index and target.kind is Kind.FILE:
            self._index_before_unlink(real, heir)
        self._remap(source, real)
        self._drop(source)
        if lower_at_source:
            self._set(source, Entry.whiteout())
        self._drop(real)
        for p in sorted(moved, key=path_sort_key):
            self._set(p, moved[p])
        self._restore_state(kept, redirect and {real: redirect})
        if (
            is_dir
            and not was_merge
            and not moved[real].opaque
            and (parent(real) == "/" or self._is_merge_or_lower_dir(parent(real)))
        ):
            self._upper[real] = replace(moved[real], opaque=True)
        self._touched |= touched
        self._used = None
        if (target is not None or self._lower_entry(real) is not None) and not same_file_below:
            self._touched.add(real)

    # ------------------------------------------------------------------ the writable layer
    def load_upper(
        self,
        entries: Mapping[str, Entry],
        touched: Set[str] = frozenset(),
        *,
        redirects: Mapping[str, str] | None = None,
        metacopy: Set[str] = frozenset(),
    ) -> None:
        """Replace the writable layer's table (for backends that read a real upper directory back).

        ``entries`` is path -> entry in overlay form (whiteouts, opaque directories, hard links
        naming their first path); ``touched`` lists the non-directories whose mtime changed;
        ``redirects`` and ``metacopy`` the ``trusted.overlay.redirect``/``metacopy`` xattrs.
        """
        self._redirects = dict(redirects or {})
        self._metacopy = set(metacopy)
        self._upper = UpperTable()
        self._children = {"/": set()}
        self._used = None
        for path in sorted(entries, key=path_sort_key):
            if path == "/":
                self._upper["/"] = entries[path]
            else:
                self._set(path, entries[path])
        self._touched = set(touched)

    def writable_entries(self) -> Mapping[str, Entry]:
        """The writable layer's table (path -> entry, in overlay form); read it, do not change it."""
        return self._upper

    def touched_paths(self) -> Set[str]:
        """Names whose file was written or touched.  The mtime belongs to the inode, so every
        upper name of a touched file counts (an ``index`` link-up, a hard link renamed over an
        image name), whichever of its names holds the entry now."""
        touched = set(self._touched)
        for path in self._touched:
            entry = self._upper.get(path)
            if entry is None or entry.kind not in (Kind.FILE, Kind.HARDLINK):
                continue
            holder = entry.target if entry.kind is Kind.HARDLINK else path
            touched.add(holder)
            touched |= self._upper.links_to(holder)
        return touched

    def lookup(self, path: str) -> Entry | None:
        """The visible entry at a normalised path (symlinks not followed, hard links resolved)."""
        return self._lookup(path)

    def discard(self) -> None:
        """Drop the writable layer (the container was removed)."""
        self._redirects, self._metacopy, self._index = {}, set(), {}
        self._upper = UpperTable()
        self._children = {"/": set()}
        self._touched = set()
        self._used = None
