"""``docker diff`` and ``docker ps -s``: what a writable layer changed, read from its table.

Both work on a writable layer in overlay form (path -> entry, as
:meth:`~simulator.model.fs.ContainerFS.writable_entries` gives it), so they answer the same
way for the model's copy-on-write layer and for a real upper directory read back.

Two styles, because engines differ: ``"docker"`` (:func:`changes`, Docker with either image
store: moby's overlay2 driver answers ``Changes`` with the naive comparison of the two trees
since moby commit ac5d363e67, 2018, "not implemented correctly to handle opaque directories";
the containerd store compares two mounts with ``archive.ChangesDirs``, daemon/containerd/
image_changes.go) and ``"podman"`` (:func:`podman_changes`, containers/storage's
``OverlayChanges``, which reads the upper directory alone).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from ..errors import InvalidArgument
from .entries import Entry, Kind
from .paths import basename, join, parent, path_sort_key
from .union import UnionView

__all__ = ["DIFF_STYLES", "Change", "changes", "changes_in_style", "podman_changes", "size_rw"]

#: The ``docker diff`` flavours: Docker (both image stores) and podman (containers/storage).
DIFF_STYLES = ("docker", "podman")


@dataclass(frozen=True, slots=True)
class Change:
    """One ``docker diff`` line: ``kind`` is ``A``, ``C`` or ``D``."""

    kind: str
    path: str

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


def size_rw(upper: Mapping[str, Entry]) -> int:
    """``docker ps -s`` SIZE: bytes of files and symlinks in the writable layer."""
    return sum(e.disk_size for e in upper.values())


def _changed(path: str, new: Entry, old: Entry, touched: Set[str]) -> bool:
    if new.kind is not old.kind or not new.same_metadata(old):
        return True
    if new.kind is Kind.DIR:
        return False
    return path in touched or new.size != old.size or new.target != old.target


def changes(upper: Mapping[str, Entry], touched: Set[str], lower: UnionView) -> list[Change]:
    """``docker diff``: A/C/D lines comparing the merged view with the image's (``lower``).

    Follows go-archive's ``addChanges``: a new name is ``A`` with its whole subtree, a name
    in both is ``C`` when its type, mode or owner differ (for non-directories also its size
    or mtime: written, truncated or touched, as ``touched`` lists), a deleted name is one ``D``
    line (a deleted directory's children are not listed), and a directory with changes below
    it is ``C`` before them (``/`` never is).  Siblings are sorted (Docker leaves their order
    open).
    """
    children: dict[str, set[str]] = {}
    for path in upper:
        if path != "/":
            children.setdefault(parent(path), set()).add(basename(path))
    out: list[Change] = []

    def visit(path: str, reported: bool, old_is_dir: bool) -> None:
        start = len(out)
        here = upper.get(path)
        visible: set[str] = set()
        for name in sorted(children.get(path, ())):
            child = join(path, name)
            old = lower.lookup(child) if old_is_dir else None
            entry = upper[child]
            if entry.kind is Kind.WHITEOUT:
                if old is not None:
                    out.append(Change("D", child))
                continue
            visible.add(name)
            new = upper[entry.target] if entry.kind is Kind.HARDLINK else entry
            child_reported = True
            if old is None:
                out.append(Change("A", child))
            elif _changed(child, new, old, touched):
                out.append(Change("C", child))
            else:
                child_reported = False
            if new.kind is Kind.DIR:
                visit(child, child_reported, old is not None and old.kind is Kind.DIR)
        if old_is_dir and here is not None and here.opaque:  # an opaque directory hides every old child
            out.extend(Change("D", join(path, n)) for n in sorted(lower.names(path) - visible))
        if len(out) > start and not reported and path != "/":
            out.insert(start, Change("C", path))

    visit("/", False, True)
    return sorted(out, key=lambda change: path_sort_key(change.path))


def podman_changes(upper: Mapping[str, Entry], lower: UnionView) -> list[Change]:
    """``podman diff``: containers/storage's walk of the upper directory (pkg/archive/changes.go
    ``changes`` with the overlay callbacks of changes_linux.go, v1.45), in its order.

    The upper directory is walked depth first, names in byte order (``filepath.Walk``):

    - a whiteout is ``D`` of its name;
    - an opaque directory whose name the image has is ``D`` (deleted and re-created: its old
      children are not listed), and what is in it now is compared with the image as usual;
    - a name the image lacks is ``A``; a non-directory the image has is ``C`` (even when only
      copied up); a directory the image has is ``C`` only when its mode or its mtime differ,
      and its mtime differs when a name in it was created or deleted (copy-up keeps the
      parent's times), so ``echo >> /etc/motd`` is ``C /etc/motd`` alone;
    - before an ``A`` or ``D``, each ancestor not yet listed is ``C`` (before it, outermost
      first).  ``/`` is never listed.

    The model keeps no directory mtimes: a directory's mtime counts as changed when a child in
    the upper layer is a whiteout or a name the image lacks.  A name deleted and re-created
    with the same type, and ``touch`` on a directory, are therefore not seen.
    """
    children: dict[str, list[str]] = {}
    for path in upper:
        if path != "/":
            children.setdefault(parent(path), []).append(basename(path))
    out: list[Change] = []
    listed: set[str] = set()  # changedDirs: directories recorded so far

    def dir_mtime_changed(path: str) -> bool:
        for name in children.get(path, ()):
            child = join(path, name)
            if upper[child].kind is Kind.WHITEOUT or lower.lookup(child) is None:
                return True
        return False

    def record(kind: str, path: str, is_dir: bool) -> None:
        if is_dir:
            listed.add(path)
        if kind in ("A", "D"):
            tail: list[Change] = []
            up = parent(path)
            while up != "/":
                if up not in listed:
                    tail.insert(0, Change("C", up))
                    listed.add(up)
                up = parent(up)
            out.extend(tail)
        out.append(Change(kind, path))

    def visit(path: str) -> None:
        for name in sorted(children.get(path, ()), key=lambda n: n.encode("utf-8", "surrogateescape")):
            child = join(path, name)
            entry = upper[child]
            old = lower.lookup(child)
            is_dir = entry.kind is Kind.DIR
            if entry.kind is Kind.WHITEOUT:
                if old is not None:
                    record("D", child, False)
                continue
            if is_dir and entry.opaque and old is not None:
                record("D", child, True)
            elif old is None:
                record("A", child, is_dir)
            elif is_dir and old.kind is Kind.DIR and entry.mode == old.mode and not dir_mtime_changed(child):
                pass  # the same directory: not recorded, and not counted as listed
            else:
                record("C", child, is_dir)
            if is_dir:
                visit(child)

    visit("/")
    return out


def changes_in_style(
    upper: Mapping[str, Entry], touched: Set[str], lower: UnionView, style: str
) -> list[Change]:
    """``docker diff`` as ``style`` answers it (one of :data:`DIFF_STYLES`)."""
    if style == "docker":
        return changes(upper, touched, lower)
    if style == "podman":
        return podman_changes(upper, lower)
    raise InvalidArgument(f"diff style must be one of {', '.join(DIFF_STYLES)}, not {style!r}")
