"""Where a :class:`~simulator.registry.Registry` keeps its contents: memory, or a store on disk.

A registry without a backing keeps repositories, manifests, tags and blobs in dictionaries (lost
with the process).  A registry given a :class:`Backing` writes every change through it, one
operation at a time, and reads its state back from it in a new process.  The store's
implementation is :class:`simulator.store.registry.RegistryTables` (SQLite rows, blobs shared with
the image store's ``oci/blobs/sha256/``); :func:`simulator.engine.persist.open_registry` joins the
two.  The registry room does not import the store (they are siblings in the layers contract): the
protocol is duck-typed.

Each method that changes something is one transaction: a blob linked into a repository (the
closing ``PUT`` of an upload, a monolithic ``POST``, a cross-repository mount), a manifest put
(with its tag), a manifest, tag or blob link deleted.  Upload sessions in progress stay in memory,
as distribution's do until the closing ``PUT``: a killed registry forgets them and the client
starts the upload again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

__all__ = ["Backing", "Snapshot"]

Snapshot = tuple[
    list[str],  # repositories (an emptied one stays, as distribution's directory does)
    list[tuple[str, str]],  # (repository, digest) blob links
    list[tuple[str, str, str, bytes]],  # (repository, digest, media type, bytes) manifests
    list[tuple[str, str, str]],  # (repository, tag, digest) tags
]
"""A registry's metadata as the backing holds it (blobs' bytes are read on demand)."""


class Backing(Protocol):
    """What a registry needs of a persistent home (see the module)."""

    def changed(self) -> bool:
        """Has another writer (another process) committed since the last snapshot?  Then the registry reloads."""
        ...

    def snapshot(self) -> Snapshot:
        """Every repository, blob link, manifest and tag of this registry."""
        ...

    def blob(self, digest: str) -> bytes | None:
        """A stored blob's bytes (checked against the digest), or None."""
        ...

    def blob_sizes(self) -> Iterable[int]:
        """The size of each blob this registry references, each blob once."""
        ...

    def link(self, repository: str, digest: str, data: bytes | None) -> None:
        """Store ``data`` (unless None: a mount) and link ``digest`` into ``repository``."""
        ...

    def unlink(self, repository: str, digest: str) -> None: ...

    def put_manifest(
        self, repository: str, digest: str, media_type: str, data: bytes, tag: str | None
    ) -> None:
        """Store a manifest's bytes and row, and point ``tag`` at it: one transaction."""
        ...

    def delete_manifest(self, repository: str, digest: str) -> None:
        """Drop a manifest and every tag naming it."""
        ...

    def delete_tag(self, repository: str, tag: str) -> None: ...
