"""``docker diff`` and ``docker ps -s``: what a writable layer changed, read from its table.

Both work on a writable layer in overlay form (path -> entry, as
:meth:`~simulator.model.fs.ContainerFS.writable_entries` gives it), so they answer the same
way for the model's copy-on-write layer and for a real upper directory read back.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from .entries import Entry, Kind
from .paths import basename, join, parent, path_sort_key
from .union import UnionView

__all__ = ["Change", "changes", "size_rw"]


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
