"""A registry's contents in a store: rows in ``store.db``, blobs in ``oci/blobs/sha256/``.

:class:`RegistryTables` is the store's side of :class:`simulator.registry.backing.Backing` (duck
typed: the store does not import the registry).  Tables (see :mod:`~simulator.store.db`):
``registry_blobs`` (the blobs linked into each repository), ``registry_manifests`` (each
repository's manifests by digest, with their media type; the bytes are the blob of that digest)
and ``registry_tags``; every row carries the registry's name, so one store can hold several
registries.  Blobs are the store's content-addressed files: a config blob pushed by an engine
with this root is the same file as the image's config (same digest), stored once.

Each change is one store transaction (blob file first, then the rows, then ``COMMIT``): killed
at any point, the registry has the change entirely or not at all.  A push is several such
operations (each layer, the config, then the manifest): killed half-way, the blobs already
uploaded stay linked (distribution's upload semantics: a blob exists once its upload closed) and
the manifest is absent; ``fsck`` notes blobs no manifest references.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator

from ..errors import StoreError
from . import Store

__all__ = ["RegistryTables"]


class RegistryTables:
    """The registry called ``name`` kept in ``store``.

    Examples:
        >>> import tempfile
        >>> tables = RegistryTables(Store(tempfile.mkdtemp()), "registry.local")
        >>> digest = "sha256:" + hashlib.sha256(b"blob").hexdigest()
        >>> tables.link("web", digest, b"blob")
        >>> tables.snapshot()[1] == [("web", digest)]
        True
        >>> tables.blob(digest)
        b'blob'
    """

    def __init__(self, store: Store, name: str, *, committed: Callable[[int], None] | None = None) -> None:
        self.store = store
        self.name = name
        self._known: int | None = None  # the generation the registry's memory reflects
        # told the generation before each of this registry's commits (an engine sharing the store
        # then knows that nothing it holds changed, and skips a reload)
        self._committed = committed

    def __repr__(self) -> str:
        return f"<RegistryTables {self.name} in {self.store.root}>"

    # -- reading ----------------------------------------------------------------------------------
    def changed(self) -> bool:
        """Has anyone else committed since the last snapshot (or this registry's own last write)?"""
        return self.store.generation != self._known

    def snapshot(
        self,
    ) -> tuple[
        list[str], list[tuple[str, str]], list[tuple[str, str, str, bytes]], list[tuple[str, str, str]]
    ]:
        db = self.store.db
        own = not self.store.in_transaction and not db.in_transaction
        if own:
            db.execute("BEGIN")  # one consistent view of the three tables
        try:
            gen = self.store.generation
            repositories = [
                r
                for (r,) in db.execute(
                    "SELECT repository FROM registry_repositories WHERE registry = ? ORDER BY repository",
                    (self.name,),
                )
            ]
            links = db.execute(
                "SELECT repository, digest FROM registry_blobs WHERE registry = ? ORDER BY repository, digest",
                (self.name,),
            ).fetchall()
            manifests = [
                (repo, digest, media_type, self.store.blobs.read(digest))
                for repo, digest, media_type in db.execute(
                    "SELECT repository, digest, media_type FROM registry_manifests WHERE registry = ? "
                    "ORDER BY repository, digest",
                    (self.name,),
                ).fetchall()
            ]
            tags = db.execute(
                "SELECT repository, tag, digest FROM registry_tags WHERE registry = ? ORDER BY repository, tag",
                (self.name,),
            ).fetchall()
        finally:
            if own:
                db.execute("COMMIT")
        self._known = gen
        return repositories, links, manifests, tags

    def blob(self, digest: str) -> bytes | None:
        try:
            path = self.store.blobs.path(digest)
        except StoreError:
            return None
        if not os.path.exists(path):
            return None
        return self.store.blobs.read(digest)

    def blob_sizes(self) -> list[int]:
        rows = self.store.db.execute(
            "SELECT DISTINCT digest FROM registry_blobs WHERE registry = ?", (self.name,)
        ).fetchall()
        sizes = []
        for (digest,) in rows:
            with contextlib.suppress(FileNotFoundError):
                sizes.append(os.path.getsize(self.store.blobs.path(digest)))
        return sizes

    # -- writing: one transaction each -------------------------------------------------------------
    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        with self.store.transaction() as outer:
            before = self.store.generation
            yield
        if outer and before == self._known:  # nobody else committed in between: memory is current
            self._known = before + 1
        if outer and self._committed is not None:
            self._committed(before)

    def _put_blob(self, digest: str, data: bytes) -> None:
        if not digest.startswith("sha256:"):
            raise StoreError(f"a store keeps sha256 blobs only, not {digest.partition(':')[0]} ({digest})")
        if hashlib.sha256(data).hexdigest() != digest.partition(":")[2]:
            raise StoreError(f"blob meant to be {digest} has other bytes; nothing was stored")
        self.store.blobs.put([data], expected=digest)

    def _repository(self, repository: str) -> None:
        self.store.db.execute(
            "INSERT OR IGNORE INTO registry_repositories VALUES (?, ?)", (self.name, repository)
        )

    def link(self, repository: str, digest: str, data: bytes | None) -> None:
        with self._write():
            if data is not None:
                self._put_blob(digest, data)
            elif not self.store.blobs.has(digest):
                raise StoreError(f"cannot link {digest} into {repository}: the store has no such blob")
            self._repository(repository)
            self.store.db.execute(
                "INSERT OR IGNORE INTO registry_blobs VALUES (?, ?, ?)", (self.name, repository, digest)
            )

    def unlink(self, repository: str, digest: str) -> None:
        with self._write():
            self.store.db.execute(
                "DELETE FROM registry_blobs WHERE registry = ? AND repository = ? AND digest = ?",
                (self.name, repository, digest),
            )

    def put_manifest(
        self, repository: str, digest: str, media_type: str, data: bytes, tag: str | None
    ) -> None:
        with self._write():
            self._put_blob(digest, data)
            self._repository(repository)
            self.store.db.execute(
                "INSERT OR REPLACE INTO registry_manifests VALUES (?, ?, ?, ?)",
                (self.name, repository, digest, media_type),
            )
            if tag is not None:
                self.store.db.execute(
                    "INSERT OR REPLACE INTO registry_tags VALUES (?, ?, ?, ?)",
                    (self.name, repository, tag, digest),
                )

    def delete_manifest(self, repository: str, digest: str) -> None:
        with self._write():
            args = (self.name, repository, digest)
            self.store.db.execute(
                "DELETE FROM registry_tags WHERE registry = ? AND repository = ? AND digest = ?", args
            )
            self.store.db.execute(
                "DELETE FROM registry_manifests WHERE registry = ? AND repository = ? AND digest = ?", args
            )

    def delete_tag(self, repository: str, tag: str) -> None:
        with self._write():
            self.store.db.execute(
                "DELETE FROM registry_tags WHERE registry = ? AND repository = ? AND tag = ?",
                (self.name, repository, tag),
            )
