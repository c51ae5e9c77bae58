"""The state the overlay mount options add to :class:`~simulator.model.cow.CopyOnWrite`.

A mixin, kept apart from the copy-on-write core: the directories renamed with ``redirect_dir``
(their ``trusted.overlay.redirect``), the metadata-only copy-ups of ``metacopy``, the lower
files copied up with ``index`` (so that their other names stay linked), and the inode numbers
``stat()`` reports.  The rules are the kernel's, checked against it in
``tests/backends/test_kernel_options.py``:

- every object shows the overlay's ``st_dev`` (all layers on one file system, as Docker's);
- ``st_ino`` is the underlying file's; a copy-up keeps the lower number for a directory, and
  for a file when it has one link or ``index`` is on (the upper file records its *origin*);
  with ``index=off`` a copied-up file with several links gets the upper file's number;
- ``st_nlink`` of a file that nobody copied up is the lower file's, even when another of its
  names was removed or copied up; a directory in the upper layer that merges a lower one (or
  one in several image layers) reports 1.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Set
from dataclasses import replace
from typing import TYPE_CHECKING

from .entries import Entry, Kind
from .fs import CopyUp
from .paths import basename, join, parent, path_sort_key
from .permissions import ROOT

if TYPE_CHECKING:
    from .fs import ContainerFS
    from .overlay_options import OverlayOptions
    from .union import UnionView
    from .upper_table import UpperTable

__all__ = ["FIRST_UPPER_INODE", "OptionsState", "changeset_entries"]

FIRST_UPPER_INODE = 1_000_000
"""The model numbers a container's new files from here (its root directory has this number)."""

_DEVICES = itertools.count(64)  # each mount is its own device (the kernel's anonymous st_dev)


class OptionsState:
    """Mixed into ``CopyOnWrite``: the kernel options' tables and the ``stat()`` numbers."""

    # what CopyOnWrite provides
    lower: UnionView
    options: OverlayOptions
    mounts: dict[str, Entry]
    _upper: UpperTable
    _children: dict[str, set[str]]
    _redirects: dict[str, str]
    _metacopy: set[str]
    _index: dict[int, str]
    copy_ups: list[CopyUp]

    def _init_ids(self) -> None:
        self._index_origin: dict[str, Entry] = {}  # index holder -> the lower file it came from
        self._index_orphans: dict[int, Entry] = {}  # index inodes whose upper names are all gone
        self._index_nlink: dict[int, int] = {}  # index inode -> st_nlink (trusted.overlay.nlink)
        self._next_ino = FIRST_UPPER_INODE + 1
        self._mount_inos: dict[str, int] = {}
        self.device = next(_DEVICES)

    if TYPE_CHECKING:  # the core's lookups, provided by CopyOnWrite

        def _lookup(self, path: str) -> Entry | None: ...
        def _hidden_by_upper(self, path: str) -> bool: ...
        def _links_to(self, path: str) -> list[str]: ...
        def _charge(self, growth: int, path: str, need_room: bool = False) -> None: ...

    # ------------------------------------------------------------------ lookups through the options
    def _lower_path(self, path: str) -> str:
        """Where ``path``'s lower content is looked up: ``path`` itself, or below the
        ``trusted.overlay.redirect`` of a renamed directory on the way (``redirect_dir``)."""
        redirects = self._redirects
        if not redirects or path == "/":
            return path
        low, up = "", ""
        for part in path[1:].split("/"):
            up = f"{up}/{part}"
            target = redirects.get(up)
            if target is None:
                low = f"{low}/{part}"
            elif target.startswith("/"):
                low = target
            else:
                low = f"{low}/{target}"
        return low

    def _merged_lower(self, path: str) -> Entry | None:
        """The lower entry merged under ``path`` (following redirects), unless the upper hides it."""
        if path == "/" or self._hidden_by_upper(path):
            return None
        return self.lower.lookup(self._lower_path(path))

    def _lookup_below(self, path: str) -> Entry | None:
        """A name not in the upper layer: its lower entry (through redirects), or the upper
        file an ``index`` copy-up made of it (another name of the same lower file)."""
        entry = self.lower.lookup(self._lower_path(path))
        if entry is not None and self._index and entry.kind is Kind.FILE:
            holder = self._index.get(id(entry))
            if holder is not None:
                return self._upper[holder] if holder in self._upper else self._index_orphans[id(entry)]
        return entry

    def _copy_data_up(self, holder: str, reason: str) -> None:
        """metacopy: the first write to a metadata-only copy-up copies its data up now."""
        self._charge(self._upper[holder].allocated, holder)  # ENOSPC before anything changes
        self._metacopy.discard(holder)
        origin = self.lower.origin(self._lower_path(holder))
        layer = origin.layer if origin is not None else -1
        entry = self._upper[holder]
        self.copy_ups.append(CopyUp(holder, layer, Kind.FILE, entry.size, f"{reason} (data)"))

    # ------------------------------------------------------------------ what the options left
    def redirects(self) -> Mapping[str, str]:
        """Upper directories renamed with ``redirect_dir`` -> their ``trusted.overlay.redirect``
        (a name relative to the parent's lower directory, or an absolute lower path)."""
        return self._redirects

    def metacopy_paths(self) -> Set[str]:
        """Upper files copied up without their data (``metacopy``): sparse, data still below."""
        return self._metacopy

    # ------------------------------------------------------------------ redirect_dir
    def _redirect_for(self, source: str, real: str) -> str:
        """The redirect a directory renamed from ``source`` to ``real`` gets (``ovl_set_redirect``):
        an existing one is kept on a rename in the same directory or when absolute; otherwise
        its name within the same directory, or its whole lower path into another one."""
        existing = self._redirects.get(source)
        samedir = parent(source) == parent(real)
        if existing is not None and (samedir or existing.startswith("/")):
            return existing
        return basename(source) if samedir else self._lower_path(source)

    def _moved_state(self, source: str, real: str) -> tuple[dict[str, str], set[str], dict[str, str]]:
        """The options' entries at ``source`` and below, renamed to ``real`` (taken out now)."""

        def inside(p: str) -> bool:
            return p == source or p.startswith(source + "/")

        def moved(p: str) -> str:
            return real + p[len(source) :]

        redirects = {moved(p): r for p, r in self._redirects.items() if inside(p)}
        metacopy = {moved(p) for p in self._metacopy if inside(p)}
        holders = {p: moved(p) for p in self._index_origin if inside(p)}
        for p in [p for p in self._redirects if inside(p)]:
            del self._redirects[p]
        self._metacopy -= {p for p in self._metacopy if inside(p)}
        return redirects, metacopy, holders

    def _restore_state(
        self, kept: tuple[dict[str, str], set[str], dict[str, str]], extra: Mapping[str, str] | str
    ) -> None:
        redirects, metacopy, holders = kept
        self._redirects.update(redirects)
        if isinstance(extra, Mapping):
            self._redirects.update(extra)
        self._metacopy |= metacopy
        for old, new in holders.items():
            self._move_holder(old, new)

    # ------------------------------------------------------------------ index
    def _move_holder(self, old: str, new: str | None) -> None:
        origin = self._index_origin.pop(old, None)
        if origin is None:
            return
        if new is None:
            self._index.pop(id(origin), None)
        else:
            self._index[id(origin)] = new
            self._index_origin[new] = origin

    def _rehome_index(self, path: str, heir: str | None) -> None:
        """``path`` goes: the index entry it held moves to another upper name of the same file,
        else it lives on in the work directory's index (the kernel's ``work/index``) for the
        lower names nobody copied up."""
        origin = self._index_origin.get(path)
        if origin is None:
            return
        if heir is None:
            self._index_orphans[id(origin)] = self._upper[path]
            self._index_origin.pop(path)
            self._index[id(origin)] = ""  # no upper name: the orphan table holds the content
            return
        self._move_holder(path, heir)

    def _index_before_unlink(self, path: str, heir: str | None) -> None:
        """index=on: removing a name of a file with other names keeps the file in the index
        (``ovl_nlink_start`` copies a lower one there first), so the other names count one
        link less."""
        key = self._index_key(path)
        if key is not None:
            self._index_nlink[key] -= 1
        if path in self._upper:
            if self._index:
                self._rehome_index(path, heir)
            return
        lower = self.lower.lookup(self._lower_path(path))
        if lower is None or lower.kind is not Kind.FILE or id(lower) in self._index:
            return
        if self.lower.file_nlink(lower) > 1:
            self._index_orphans[id(lower)] = lower.with_ids(self.lower.inode_number(lower), 0, 0)
            self._index[id(lower)] = ""
            self._index_nlink[id(lower)] = self.lower.file_nlink(lower) - 1

    def _index_key(self, path: str) -> int | None:
        """The index inode (id of its lower file) a visible name belongs to, if any."""
        upper = self._upper.get(path)
        if upper is not None:
            origin = self._index_origin.get(upper.target if upper.kind is Kind.HARDLINK else path)
            return id(origin) if origin is not None else None
        lower = self.lower.lookup(self._lower_path(path))
        return id(lower) if lower is not None and id(lower) in self._index else None

    def _index_linked(self, path: str) -> None:
        """index=on: a new hard link to ``path`` adds a link to its index inode."""
        key = self._index_key(path)
        if key is not None:
            self._index_nlink[key] += 1

    def _new_dir_opaque(self, real: str) -> bool:
        """Measured on Linux 6.18: with ``redirect_dir``, ``metacopy``, ``index`` or ``xino=on``
        a directory made in a merged directory is created opaque (``trusted.overlay.opaque``);
        with Docker's options (and ``xino=auto``) it is not."""
        o = self.options
        if not (o.redirect_dir or o.metacopy or o.index or o.xino == "on"):
            return False
        above = parent(real)
        upper = self._upper.get(above)
        if upper is not None and upper.opaque:
            return False
        return above == "/" or self._merged_lower(above) is not None

    def inode_key(self, path: str) -> tuple[str, object]:
        """Which file a normalised, visible ``path`` names (equal for two names of one file)."""
        upper = self._upper.get(path)
        if upper is not None:
            return ("upper", upper.target if upper.kind is Kind.HARDLINK else path)
        entry = self.lower.lookup(self._lower_path(path))
        holder = self._index.get(id(entry)) if self._index else None
        if holder:
            return ("upper", holder)
        if holder == "":
            return ("index", id(entry))
        return ("lower", id(entry))

    # ------------------------------------------------------------------ stat's numbers
    def _origin_ino(self, copied: Entry, lower: Entry) -> Entry:
        """A copy-up keeps the lower inode number unless it breaks a hard link (index=off)."""
        if lower.kind is Kind.FILE and not self.options.index and self.lower.file_nlink(lower) > 1:
            return copied
        return replace(copied, ino=self.lower.inode_number(lower))

    def _with_ids(self, real: str, entry: Entry) -> Entry:
        """``entry`` (visible at ``real``) with the ``st_ino``, ``st_dev`` and ``st_nlink`` of stat()."""
        if real == "/":
            return entry.with_ids(FIRST_UPPER_INODE, self.device, 1)  # upper + lower: always merged
        if real in self.mounts:
            ino = self._mount_inos.setdefault(real, self._fresh_ino())
            return entry.with_ids(ino, self.device, 1)
        upper = self._upper.get(real)
        holder = None
        if upper is not None:
            holder = upper.target if upper.kind is Kind.HARDLINK else real
        else:
            lower = self.lower.lookup(self._lower_path(real))
            assert lower is not None, real
            holder = self._index.get(id(lower)) if self._index else None
            if holder == "":  # an index inode with no upper name left
                orphan = self._index_orphans[id(lower)]
                nlink = self._index_nlink[id(lower)]
                return entry.with_ids(orphan.ino or self.lower.inode_number(lower), self.device, nlink)
            if holder is None:
                return entry.with_ids(
                    self.lower.inode_number(lower), self.device, self._lower_nlink(real, lower)
                )
        stored = self._upper[holder]
        if not stored.ino:
            stored = self._upper[holder] = replace(stored, ino=self._fresh_ino())
        return entry.with_ids(stored.ino, self.device, self._upper_nlink(holder, stored))

    def _fresh_ino(self) -> int:
        number = self._next_ino
        self._next_ino += 1
        return number

    def _lower_nlink(self, real: str, lower: Entry) -> int:
        if lower.kind is Kind.FILE:
            return self.lower.file_nlink(lower)
        if lower.kind is not Kind.DIR:
            return 1
        return self.lower.dir_nlink(self._lower_path(real))

    def _upper_nlink(self, holder: str, stored: Entry) -> int:
        if stored.kind is Kind.DIR:
            if not stored.opaque and self._merged_lower(holder) is not None:
                return 1  # a merged directory
            kids = self._children.get(holder, ())
            return 2 + sum(1 for n in kids if self._upper[join(holder, n)].kind is Kind.DIR)
        if stored.kind is not Kind.FILE:
            return 1
        origin = self._index_origin.get(holder)
        if origin is not None:  # index: the kernel's count, kept as names come and go
            return self._index_nlink[id(origin)]
        return 1 + len(self._links_to(holder))


def changeset_entries(fs: ContainerFS) -> Mapping[str, Entry]:
    """The writable layer as Docker commits, exports and diffs it.

    Without redirects that is the upper directory itself.  A directory renamed with
    ``redirect_dir`` keeps its content below, which a tar of the upper directory would lose, so
    Docker does not use the upper directory then: moby's overlay2 checks at start whether a
    rename leaves ``trusted.overlay.redirect`` (``doesSupportNativeDiff`` in
    ``daemon/graphdriver/overlay2/check.go``: "kernel has CONFIG_OVERLAY_FS_REDIRECT_DIR
    enabled") and then falls back to the naive differ, which compares the merged tree with the
    image.  Here each redirected directory becomes an opaque directory holding its whole merged
    content: ``docker diff`` shows it and everything below as added, the old name as deleted.
    """
    entries = fs.writable_entries()
    found = getattr(fs, "redirects", None)  # a ContainerFS of another backend may have none
    redirects: Mapping[str, str] = found() if found is not None else {}
    if not redirects:
        return entries
    out = dict(entries)
    done: list[str] = []
    saved, fs.credentials = fs.credentials, ROOT  # the daemon reads the tree as root
    try:
        for top in sorted(redirects, key=path_sort_key):
            if any(top.startswith(outer + "/") for outer in done):
                continue
            done.append(top)
            for path in [p for p in out if p.startswith(top + "/")]:
                del out[path]
            out[top] = replace(entries[top], opaque=True)
            for path, entry in fs.walk(top):
                if entry.kind is Kind.FILE:
                    entry = replace(entry, data=entry.read(), source=None)
                elif entry.kind is Kind.DIR and entry.opaque:
                    entry = replace(entry, opaque=False)  # below an opaque directory: plain
                out[path] = entry
    finally:
        fs.credentials = saved
    return out
