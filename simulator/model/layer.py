"""Layers: immutable, content-addressed changesets.

A :class:`Layer` maps absolute paths to :class:`~simulator.model.entries.Entry` objects.  Its
DiffID is the sha256 of its canonical tar (:mod:`simulator.model.tar`), computed the first time
it is asked for; a layer imported from a real image keeps the DiffID of the real tar instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from ..digest import EMPTY_TAR_DIFF_ID, Digest, sha256_stream, short_id
from .entries import Entry, Kind
from .paths import check_path, normalize, path_sort_key
from .tar import tar_bytes, tar_chunks

__all__ = ["Layer", "TarSource"]


class TarSource(Protocol):
    """Where an imported layer's original uncompressed tar can be read again."""

    def iter_uncompressed(self) -> Iterator[bytes]:  # pragma: no cover - protocol
        ...


def _canonical_hardlinks(entries: dict[str, Entry]) -> None:
    """Make the first path (in tar order) of each hard-link group the file, the others links to it.

    A tar can only link to a member written before, so the group's content must sit at the
    path that sorts first.  The meaning (which names share the content) does not change.
    """
    groups: dict[str, list[str]] = {}
    for path, entry in entries.items():
        if (
            entry.kind is Kind.HARDLINK
            and entry.target in entries
            and entries[entry.target].kind is Kind.FILE
        ):
            groups.setdefault(entry.target, [entry.target]).append(path)
    for target, members in groups.items():
        first = min(members, key=path_sort_key)
        if first == target:
            continue
        content = entries[target]
        for path in members:
            if path == first:
                entries[path] = content
            else:
                entries[path] = Entry.hardlink(first, content.mode, content.uid, content.gid)


@dataclass(frozen=True, slots=True, eq=False)
class Layer:
    """An immutable changeset: path -> entry, with its OCI DiffID.

    Create one with :meth:`Layer.of`.  ``created_by`` and ``comment`` describe where the layer
    came from; they are shown in diagrams but are not part of its identity.
    """

    entries: Mapping[str, Entry]
    created_by: str = ""
    comment: str = ""
    imported_diff_id: Digest | None = None
    tar_source: TarSource | None = field(default=None, compare=False, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls,
        entries: Mapping[str, Entry] | Iterable[tuple[str, Entry]] = (),
        *,
        created_by: str = "",
        comment: str = "",
        diff_id: Digest | None = None,
        tar_source: TarSource | None = None,
    ) -> Layer:
        """A layer from ``path -> entry`` pairs (paths are validated and normalised).

        ``diff_id`` and ``tar_source`` are for imported layers: the real tar's digest, and where
        that tar can be read again, so that ``sha256(layer.tar()) == layer.diff_id`` holds for
        every layer.
        """
        items = entries.items() if isinstance(entries, Mapping) else entries
        table: dict[str, Entry] = {}
        for path, entry in items:
            clean = normalize(check_path(path))
            if clean == "/":
                continue  # the root directory's metadata is not part of a changeset
            if not isinstance(entry, Entry):
                raise TypeError(f"layer entry for {path!r} must be an Entry, not {type(entry).__name__}")
            table[clean] = entry
        _canonical_hardlinks(table)
        ordered = {p: table[p] for p in sorted(table, key=path_sort_key)}
        return cls(MappingProxyType(ordered), created_by, comment, diff_id, tar_source)

    # -- identity -----------------------------------------------------------------------------
    @property
    def diff_id(self) -> Digest:
        """sha256 of the canonical uncompressed tar (or of the imported tar)."""
        if self.imported_diff_id is not None:
            return self.imported_diff_id
        cached = self._cache.get("diff_id")
        if cached is None:
            if not self.entries:
                cached = EMPTY_TAR_DIFF_ID
            else:
                cached, length = sha256_stream(tar_chunks(self.entries))
                self._cache["tar_size"] = length
            self._cache["diff_id"] = cached
        return Digest(cached)

    def tar(self) -> bytes:
        """The tar bytes whose sha256 is :attr:`diff_id` (canonical, or the imported original)."""
        return b"".join(self.iter_tar()) if self.tar_source is not None else tar_bytes(self.entries)

    def iter_tar(self) -> Iterator[bytes]:
        """The same bytes as :meth:`tar`, in pieces (for large layers)."""
        if self.tar_source is not None:
            return self.tar_source.iter_uncompressed()
        return tar_chunks(self.entries)

    @property
    def size(self) -> int:
        """Bytes as ``docker history`` counts them: regular files and symlinks, hard links once."""
        cached = self._cache.get("size")
        if cached is None:
            cached = sum(e.disk_size for e in self.entries.values())
            self._cache["size"] = cached
        return int(cached)

    @property
    def is_empty(self) -> bool:
        return not self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Layer) and self.diff_id == other.diff_id

    def __hash__(self) -> int:
        return hash(self.diff_id)

    def __repr__(self) -> str:
        label = f' "{self.created_by}"' if self.created_by else ""
        n = len(self.entries)
        return (
            f"<Layer {self.diff_id.split(':')[0]}:{short_id(self.diff_id)} {n} change{'s' * (n != 1)}{label}>"
        )
