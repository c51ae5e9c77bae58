"""The union (overlay) view of a stack of layers.

Applying layers bottom to top with OCI/overlayfs semantics gives the merged tree a container
sees:

- lookup is top-down: the topmost layer holding a name wins; directories merge their names;
- a whiteout hides the name in every lower layer (and is itself invisible);
- an opaque directory hides all lower layers' children of that directory;
- a non-directory over a directory hides the whole lower subtree;
- whiteouts and opaque markers apply to lower layers only, never to their own layer.

:class:`UnionView` computes that tree once, when it is first read (it is immutable, like its
layers), so a lookup costs the same whatever the number of layers.  A view extended by one layer
makes its tree from the view below it, and one nobody reads (a fully cached build's) costs nothing.  Hard links are resolved to the file they name.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .entries import Entry, Kind
from .layer import Layer
from .paths import (
    ancestors,
    basename,
    check_path,
    fs_error,
    join,
    normalize,
    parent,
    path_sort_key,
    resolve,
    tree_lookup,
)

__all__ = ["Origin", "UnionView"]

_ROOT = Entry.directory(0o755)

FIRST_LOWER_INODE = 1000
"""The model numbers the image's files from here (the writable layer's from 1,000,000)."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a merged path comes from: the entry and the index of its layer (0 = bottom)."""

    path: str
    entry: Entry
    layer: int


class Tree:
    """A mutable merged tree: path -> (entry, layer index), with a children index.

    :meth:`copy` is cheap: the copy shares its children sets with the original and copies a
    set only the first time it changes one (copy-on-write), so extending an image by one layer
    costs about the size of that layer, not of the whole image.
    """

    __slots__ = ("_owned", "children", "index")

    def __init__(self) -> None:
        self.index: dict[str, tuple[Entry, int]] = {"/": (_ROOT, -1)}
        self.children: dict[str, set[str]] = {"/": set()}
        self._owned: set[str] | None = None  # None: every set is ours

    def copy(self) -> Tree:
        other = Tree.__new__(Tree)
        other.index = dict(self.index)
        other.children = dict(self.children)
        other._owned = set()
        return other

    def _names(self, path: str) -> set[str]:
        """The children set of ``path``, made private to this tree before it is changed."""
        names = self.children[path]
        if self._owned is not None and path not in self._owned:
            names = set(names)
            self.children[path] = names
            self._owned.add(path)
        return names

    def _new_dir(self, path: str) -> None:
        self.children[path] = set()
        if self._owned is not None:
            self._owned.add(path)

    def remove(self, path: str) -> None:
        """Remove ``path`` and everything below it."""
        if path not in self.index:
            return
        stack = [path]
        while stack:
            p = stack.pop()
            self.index.pop(p, None)
            for name in self.children.pop(p, ()):
                stack.append(join(p, name))
        if path != "/" and parent(path) in self.children:
            self._names(parent(path)).discard(basename(path))

    def clear_children(self, path: str) -> None:
        for name in list(self.children.get(path, ())):
            self.remove(join(path, name))

    def put(self, path: str, entry: Entry, layer: int) -> None:
        """Place ``entry`` at ``path`` with tar-extraction semantics (dirs merge, others replace)."""
        up = parent(path)
        found = self.index.get(up)
        # a directory in the tree has directories as all its ancestors (this method keeps it so):
        # a parent that is one needs no walk up (layers list parents first, so this is the rule)
        for anc in () if found is not None and found[0].kind is Kind.DIR else reversed(list(ancestors(path))):
            existing = self.index.get(anc)
            if existing is None or existing[0].kind is not Kind.DIR:
                if existing is not None:
                    self.remove(anc)
                self.index[anc] = (Entry.directory(), layer)
                self._new_dir(anc)
                self._names(parent(anc)).add(basename(anc))
        existing = self.index.get(path)
        if existing is not None and not (existing[0].kind is Kind.DIR and entry.kind is Kind.DIR):
            self.remove(path)
        self.index[path] = (entry, layer)
        if entry.kind is Kind.DIR and path not in self.children:
            self._new_dir(path)
        names = self.children[parent(path)]
        if basename(path) not in names:
            self._names(parent(path)).add(basename(path))

    def apply(self, layer: Layer, number: int) -> None:
        """Apply one layer on top, as an OCI layer is applied to a root filesystem."""
        entries = layer.entries
        for path, entry in entries.items():  # deletions first: they only affect lower layers
            if entry.kind is Kind.WHITEOUT:
                self.remove(path)
            elif entry.kind is Kind.DIR and entry.opaque:
                self.clear_children(path)
        links = []
        for path, entry in entries.items():
            if entry.kind is Kind.WHITEOUT:
                continue
            if entry.kind is Kind.HARDLINK:
                links.append((path, entry))
                continue
            self.put(path, entry, number)
        for path, entry in links:
            found = self.index.get(normalize(entry.target))
            if found is not None and found[0].kind is Kind.FILE:
                self.put(path, found[0], number)


class UnionView:
    """The merged tree of ``layers`` (bottom first).

    Examples:
        >>> from simulator.model.layer import Layer
        >>> base = Layer.of({"/etc": Entry.directory(), "/etc/motd": Entry.file(b"hi")})
        >>> top = Layer.of({"/etc": Entry.directory(), "/etc/motd": Entry.whiteout()})
        >>> UnionView([base, top]).listdir("/etc")
        []
    """

    __slots__ = ("_below", "_dir_links", "_file_links", "_inodes", "_links", "_made", "layers")

    def __init__(
        self, layers: Sequence[Layer], *, _tree: Tree | None = None, _below: UnionView | None = None
    ) -> None:
        self.layers = tuple(layers)
        self._inodes: dict[int, int] = {}  # id(entry) -> inode number, given on first ask
        self._links: dict[int, list[str]] | None = None  # id(file entry) -> its names, built on first ask
        self._dir_links: dict[str, int] = {}  # directory -> st_nlink, computed on first ask
        self._file_links: dict[int, int] | None = None  # id(file entry) -> names in its layer
        # the merged tree, made when first read (a fully cached build stacks layers whose trees
        # nobody reads): from ``_below`` (this view is it plus one layer on top) or from scratch
        self._made: Tree | None = _tree
        self._below = _below

    @property
    def _tree(self) -> Tree:
        made = self._made
        if made is None:
            # the nearest view below with a tree (made here if it is made from scratch), then
            # every layer above it, applied to one copy
            pending: list[UnionView] = []
            view = self
            while view._made is None and view._below is not None:
                pending.append(view)
                view = view._below
            made = view._made
            if made is None:
                made = view._made = Tree()
                for number, layer in enumerate(view.layers):
                    made.apply(layer, number)
            if pending:
                made = made.copy()
                for above in reversed(pending):
                    made.apply(above.layers[-1], len(above.layers) - 1)
                self._made, self._below = made, None
        return made

    def extended(self, layer: Layer) -> UnionView:
        """The view of these layers plus ``layer`` on top (this view is not changed).

        The new view's tree is made when first read, from this one's.
        """
        return UnionView((*self.layers, layer), _below=self)

    # -- raw (no symlink following) -----------------------------------------------------------
    @tree_lookup  # the merged tree's directories have directories as ancestors (Tree.put)
    def lookup(self, path: str) -> Entry | None:
        """The visible entry at a normalised path, without following symlinks."""
        found = (self._made or self._tree).index.get(path)
        return found[0] if found is not None else None

    def origin(self, path: str) -> Origin | None:
        """The entry at a normalised path and the layer it comes from (-1 for the root)."""
        found = self._tree.index.get(path)
        return Origin(path, found[0], found[1]) if found is not None else None

    def names(self, path: str) -> set[str]:
        """Children names of a normalised directory path (empty when none)."""
        return self._tree.children.get(path, set())

    # -- user-facing, symlink-aware ------------------------------------------------------------
    def resolve(self, path: str, *, follow_symlinks: bool = True) -> Origin:
        """Which layer ``path`` comes from, after following symlinks inside the root.

        Raises:
            FileNotFoundError: the path does not exist in the merged view.
        """
        real = resolve(self.lookup, check_path(path), follow_last=follow_symlinks)
        found = self.origin(real)
        if found is None:
            raise fs_error(errno.ENOENT, path)
        return found

    def exists(self, path: str) -> bool:
        try:
            self.resolve(path)
        except OSError:
            return False
        return True

    def read_file(self, path: str) -> bytes:
        """Content of the regular file at ``path`` (symlinks followed)."""
        found = self.resolve(path)
        if found.entry.kind is Kind.DIR:
            raise fs_error(errno.EISDIR, path)
        return found.entry.read()

    def listdir(self, path: str) -> list[str]:
        """Sorted names in the directory at ``path`` (symlinks followed)."""
        found = self.resolve(path)
        if found.entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, path)
        return sorted(self.names(found.path))

    def walk(self) -> Iterator[Origin]:
        """Every visible path except ``/``, parents first, siblings sorted."""
        index = self._tree.index
        for path in sorted(index, key=path_sort_key):
            if path != "/":
                entry, layer = index[path]
                yield Origin(path, entry, layer)

    # -- inodes (what stat() reports for a file nobody has copied up) --------------------------
    def inode_number(self, entry: Entry) -> int:
        """The model's inode number of a lower ``entry`` (names of one hard-linked file share it).

        The numbers are the model's own (the kernel's are the layer directories' ext4 inodes);
        what is faithful is which names share one, and that a copy-up keeps it.
        """
        number = self._inodes.get(id(entry))
        if number is None:
            number = self._inodes[id(entry)] = FIRST_LOWER_INODE + len(self._inodes)
        return number

    def names_of(self, entry: Entry) -> list[str]:
        """The merged paths that show the file ``entry`` (its hard links), sorted."""
        if self._links is None:
            links: dict[int, list[str]] = {}
            for path, (found, _) in self._tree.index.items():
                if found.kind is Kind.FILE:
                    links.setdefault(id(found), []).append(path)
            self._links = links
        return sorted(self._links.get(id(entry), ()), key=path_sort_key)

    def file_nlink(self, entry: Entry) -> int:
        """``st_nlink`` of the image file ``entry``: its names in its own layer's directory (where
        the kernel finds it), whatever the layers above did to them."""
        if self._file_links is None:
            counts: dict[int, int] = {}
            for layer in self.layers:
                entries = layer.entries
                for e in entries.values():
                    if e.kind is Kind.FILE:
                        counts[id(e)] = counts.get(id(e), 0) + 1
                    elif e.kind is Kind.HARDLINK:
                        target = entries.get(normalize(e.target))
                        if target is not None and target.kind is Kind.FILE:
                            counts[id(target)] = counts.get(id(target), 0) + 1
            self._file_links = counts
        return self._file_links.get(id(entry), 1)

    def dir_nlink(self, path: str) -> int:
        """``st_nlink`` of the lower directory ``path`` on a mount: 1 when two or more layers list
        it (overlayfs reports 1 for a merged directory), else 2 plus its subdirectories."""
        found = self._dir_links.get(path)
        if found is None:
            if self._dir_layers(path) > 1:
                found = 1
            else:
                index = self._tree.index
                found = 2 + sum(1 for n in self.names(path) if index[join(path, n)][0].kind is Kind.DIR)
            self._dir_links[path] = found
        return found

    def _dir_layers(self, path: str) -> int:
        """How many layers' directories the kernel merges at ``path`` (from the top down to a
        non-directory, a whiteout or an opaque directory at the path or above it)."""
        count = 0
        above = list(ancestors(path))
        for layer in reversed(self.layers):
            entries = layer.entries
            entry = entries.get(path)
            if entry is not None:
                if entry.kind is not Kind.DIR:
                    break
                count += 1
                if entry.opaque:
                    break
            if any((e := entries.get(a)) is not None and (e.kind is not Kind.DIR or e.opaque) for a in above):
                break
        return count

    def __len__(self) -> int:
        return len(self._tree.index) - 1

    @property
    def size(self) -> int:
        """Bytes of the merged tree (files and symlinks)."""
        return sum(entry.disk_size for entry, _ in self._tree.index.values())
