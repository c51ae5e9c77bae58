"""A store on disk: an engine's images, layers, tags, containers and build cache, kept between processes.

Layout of a store ``ROOT``::

    ROOT/lock        the writers' flock (:mod:`~simulator.store.lock`)
    ROOT/store.db    metadata in SQLite, WAL mode (:mod:`~simulator.store.db`)
    ROOT/oci/        an OCI image layout: oci-layout, index.json (one entry per tag), blobs/sha256/
                     (layer tars, configs, manifests, containers' writable layers)

:class:`Store` is the file-level half (blobs, transactions, the lock, ``index.json``); the engine's
half (what an image or a container becomes in rows) is :mod:`simulator.engine.persist`.
:func:`fsck` checks a store: every referenced blob present with its digest, no dangling row.

Examples:
    >>> import tempfile
    >>> store = Store(tempfile.mkdtemp())
    >>> with store.transaction():
    ...     digest = store.blobs.put_bytes(b"hello")
    >>> store.blobs.read(digest)
    b'hello'
    >>> fsck(store.root).ok
    True
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator

from ..digest import canonical_json
from ..errors import StoreError
from ..oci.formats import ANNOTATION_CONTAINERD_NAME, ANNOTATION_REF_NAME, OCI_INDEX, OCI_MANIFEST, full_name
from ._crash import crash_point
from .blobs import BlobStore, atomic_write
from .db import SCHEMA_VERSION, connect
from .fsck import FsckReport, fsck
from .lazy import LazyDict, Thunk
from .lock import StoreLock

__all__ = ["BlobStore", "FsckReport", "LazyDict", "Store", "Thunk", "crash_point", "fsck"]

_OCI_LAYOUT = b'{"imageLayoutVersion":"1.0.0"}'
_EMPTY_INDEX = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}


class Store:
    """The files of a store at ``root`` (created when missing)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = os.path.abspath(os.fspath(root))
        if os.path.exists(self.root) and not os.path.isdir(self.root):
            raise StoreError(f"{self.root} is a file, not a store directory; choose a directory")
        existing = os.path.isdir(self.root) and os.listdir(self.root)
        if existing and not os.path.exists(os.path.join(self.root, "store.db")):
            raise StoreError(
                f"{self.root} is a non-empty directory without store.db: not a layerlab store; "
                "choose an empty or new directory"
            )
        self.layout = os.path.join(self.root, "oci")
        blobs = os.path.join(self.layout, "blobs", "sha256")
        os.makedirs(blobs, exist_ok=True)
        self.blobs = BlobStore(blobs)
        self.lock = StoreLock(os.path.join(self.root, "lock"))
        with self._locked():
            if not os.path.exists(os.path.join(self.layout, "oci-layout")):
                atomic_write(os.path.join(self.layout, "oci-layout"), _OCI_LAYOUT)
            try:
                self.db = connect(os.path.join(self.root, "store.db"))
            except sqlite3.DatabaseError as e:
                raise StoreError(f"{self.root}/store.db: not a usable SQLite database ({e})") from None
            schema = int(self.get_meta("schema"))
            if schema != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.root}: store schema {schema}, this layerlab reads schema {SCHEMA_VERSION}"
                )
            for name in self.blobs.temporaries():  # interrupted writes of a killed process
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(blobs, name))
            if not os.path.exists(os.path.join(self.layout, "index.json")):
                atomic_write(os.path.join(self.layout, "index.json"), canonical_json(_EMPTY_INDEX))
            if self.index_generation() != self.generation:  # killed between COMMIT and index.json
                self.write_index()
        self._depth = 0

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.lock.acquire()
        try:
            yield
        finally:
            self.lock.release()

    # -- metadata ---------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise StoreError(f"{self.root}/store.db has no {key!r} in its meta table")
        return str(row[0])

    @property
    def generation(self) -> int:
        return int(self.get_meta("generation"))

    def data_version(self) -> int:
        """Changes when another connection commits (SQLite's ``PRAGMA data_version``)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    # -- transactions -----------------------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[bool]:
        """One operation: the lock, ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on an error).

        Re-entrant: an inner ``with`` joins the outer transaction.  Yields True for the outermost.
        """
        if self._depth:
            self._depth += 1
            try:
                yield False
            finally:
                self._depth -= 1
            return
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield True
                self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
                crash_point("before-commit")
                self.db.execute("COMMIT")
                crash_point("after-commit")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
            self.write_index()
        finally:
            self.lock.release()

    def write_index(self) -> None:
        """``oci/index.json`` from the tags table: one manifest descriptor per tag (skopeo ``oci:ROOT/oci:web:1``)."""
        rows = self.db.execute(
            "SELECT tags.name, images.manifest, images.manifest_size FROM tags JOIN images "
            "ON images.id = tags.image_id ORDER BY tags.name"
        ).fetchall()
        manifests = []
        for name, manifest, size in rows:
            manifests.append(
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": manifest,
                    "size": size,
                    "annotations": {
                        ANNOTATION_CONTAINERD_NAME: full_name(name),
                        ANNOTATION_REF_NAME: name,
                    },
                }
            )
        index = dict(_EMPTY_INDEX, manifests=manifests)
        index["annotations"] = {"org.layerlab.store.generation": str(self.generation)}
        data = canonical_json(index)
        path = os.path.join(self.layout, "index.json")
        try:
            with open(path, "rb") as f:
                if f.read() == data:
                    return
        except FileNotFoundError:
            pass
        atomic_write(path, data)
        crash_point("index-written")

    def index_generation(self) -> int | None:
        try:
            with open(os.path.join(self.layout, "index.json"), "rb") as f:
                index = json.loads(f.read())
            return int(index["annotations"]["org.layerlab.store.generation"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def close(self) -> None:
        self.db.close()
