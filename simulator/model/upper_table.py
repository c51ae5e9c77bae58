"""The writable layer's table: path -> entry, with the hard links that name each path.

:class:`UpperTable` is the ``dict`` :class:`~simulator.model.cow.CopyOnWrite` keeps its upper
directory in.  It also keeps, for each path, the set of paths holding a hard link to it, so
that ``stat``'s ``st_nlink`` and the heir of an unlinked file are found without scanning the
whole table: writing and then stat-ing each of a thousand files (``go mod download``,
``npm install``) was quadratic.
"""

from __future__ import annotations

from collections.abc import Iterable

from .entries import Entry, Kind

__all__ = ["UpperTable"]


class UpperTable(dict[str, Entry]):
    """A ``dict`` of path -> entry whose :meth:`links_to` answers which paths link to a path.

    Every way of changing a dict keeps the index in step (only item assignment and ``del``
    are used by the copy-on-write layer; the others are here so that none can break it).

    Examples:
        >>> table = UpperTable()
        >>> table["/a"] = Entry.file(b"x")
        >>> table["/b"] = Entry.hardlink("/a")
        >>> table.links_to("/a")
        {'/b'}
        >>> del table["/b"]
        >>> table.links_to("/a")
        set()
    """

    __slots__ = ("_links",)

    def __init__(self, items: Iterable[tuple[str, Entry]] = ()) -> None:
        super().__init__()
        self._links: dict[str, set[str]] = {}
        for path, entry in items:
            self[path] = entry

    def links_to(self, path: str) -> set[str]:
        """The paths whose entry is a hard link naming ``path`` (do not change the set)."""
        return self._links.get(path) or set()

    def _forget(self, path: str, old: Entry | None) -> None:
        if old is not None and old.kind is Kind.HARDLINK:
            names = self._links[old.target]
            names.discard(path)
            if not names:
                del self._links[old.target]

    def __setitem__(self, path: str, entry: Entry) -> None:
        self._forget(path, self.get(path))
        super().__setitem__(path, entry)
        if entry.kind is Kind.HARDLINK:
            self._links.setdefault(entry.target, set()).add(path)

    def __delitem__(self, path: str) -> None:
        old = self[path]
        super().__delitem__(path)
        self._forget(path, old)

    def pop(self, path: str, *default: Entry | None) -> Entry | None:  # type: ignore[override]
        if path not in self:
            return super().pop(path, *default)
        old = super().pop(path)
        self._forget(path, old)
        return old

    def popitem(self) -> tuple[str, Entry]:
        path, old = super().popitem()
        self._forget(path, old)
        return path, old

    def clear(self) -> None:
        super().clear()
        self._links.clear()

    def setdefault(self, path: str, default: Entry) -> Entry:
        if path not in self:
            self[path] = default
        return self[path]

    def update(self, *args: object, **kwargs: Entry) -> None:
        for path, entry in dict(*args, **kwargs).items():
            self[path] = entry

    def __ior__(self, other: object) -> UpperTable:  # type: ignore[override,misc]
        self.update(other)
        return self

    def copy(self) -> UpperTable:
        return UpperTable(self.items())
