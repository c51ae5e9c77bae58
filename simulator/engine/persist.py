"""The engine's half of a store on disk: images, tags, layers, containers and build cache as rows.

``Engine(root=PATH)`` makes a :class:`Persistence`; with no root the engine never touches it (one
``is None`` test per public method).  The rules:

* **One transaction per engine operation.**  Every public method that changes something
  (``images.add/tag/remove/prune/pull/load``, ``build``, ``containers.create/run/rename/prune``,
  ``container.commit/exec_run``) runs inside :meth:`Persistence.operation`: the store's lock,
  ``BEGIN IMMEDIATE``, a reload of what other processes committed, the change, the rows, ``COMMIT``.
  Blobs are written (atomically) before the rows that name them, so a crash leaves at most
  unreferenced blobs, never a row without its blob.
* **A container write from Python is an operation**: ``c.write_file(...)`` (any call that changes
  its file system) saves the writable layer in its own transaction; inside a bigger operation
  (``exec_run``, ``run``) the layer is saved once, when the operation commits.  Lifecycle changes
  made directly on the object (``c.start()``, ``c.stop()``) are saved by the next operation or
  :meth:`~simulator.engine.Engine.sync`.
* **Lazy loading**: opening reads rows only; an image is built (config blob, layer tars) when first
  looked at, a container when first looked at.  Layers are shared by ChainID as in memory.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import itertools
import json
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ..builder.cache import BuildCache, CacheRecord
from ..clock import LogicalClock
from ..digest import Digest, canonical_json
from ..errors import StoreError
from ..model.container import Container, State
from ..model.cow import CopyOnWrite
from ..model.image import Image
from ..model.layer import Layer
from ..oci.blobs import Blob, LayerBlob
from ..oci.changeset import read_layer, tar_source
from ..oci.formats import OCI_CONFIG, OCI_LAYER, OCI_MANIFEST
from ..oci.reader import config_history, image_from_config
from ..store import FsckReport, LazyDict, Store, Thunk, fsck
from ..store.registry import RegistryTables

if TYPE_CHECKING:
    from ..registry import Registry
    from . import Engine

__all__ = ["Persistence", "open_registry", "operation", "reads"]

F = TypeVar("F", bound=Callable[..., Any])

_MUTATORS = frozenset(
    [
        "write_file",
        "append_file",
        "truncate",
        "touch",
        "chmod",
        "chown",
        "lchown",
        "mkdir",
        "makedirs",
        "rmdir",
        "unlink",
        "symlink",
        "link",
        "rename",
        "load_upper",
    ]
)


def _persistence(obj: Any) -> Persistence | None:
    engine = getattr(obj, "_engine", obj)
    return engine._persist  # type: ignore[no-any-return]


def operation(fn: F) -> F:
    """Run the method as one store operation when the engine has a root (else call it as is)."""

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        p = _persistence(self)
        if p is None:
            return fn(self, *args, **kwargs)
        with p.operation():
            return fn(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def reads(fn: F) -> F:
    """Show what other processes committed before the method reads (when the engine has a root)."""

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        p = _persistence(self)
        if p is not None and not p.store.in_transaction:
            p.refresh()
        return fn(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class _PersistingFS:
    """A container's file system whose changing calls are store operations."""

    __slots__ = ("_container", "_inner", "_persist")

    def __init__(self, inner: Any, container: Container, persist: Persistence) -> None:
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_container", container)
        object.__setattr__(self, "_persist", persist)

    @property
    def inner(self) -> Any:
        """The file system this one saves the changes of."""
        return self._inner

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if name not in _MUTATORS:
            return value

        def changing(*args: Any, **kwargs: Any) -> Any:
            with self._persist.operation():
                try:
                    return value(*args, **kwargs)
                finally:
                    self._persist.dirty.add(self._container.id)

        return changing

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._inner, name, value)


def _layer_chunks(layer: Layer) -> Iterator[bytes]:
    source = tar_source(layer)
    return source.iter_uncompressed() if source is not None else layer.iter_tar()


class Persistence:
    """Keeps ``engine``'s state in the store at ``root`` and loads it back (see the module)."""

    def __init__(self, engine: Engine, root: str) -> None:
        self.engine = engine
        self.store = Store(root)
        self.dirty: set[str] = set()  # containers whose rows to rewrite at commit
        self._gen: int | None = None
        self._revs: dict[str, int] = {}  # container ID -> row rev its loaded object reflects
        self._seen: dict[str, tuple[Any, ...]] = {}  # container ID -> lifecycle fields saved
        self._cached_keys: set[str] = set()  # build cache keys stored
        self._garbage: set[str] = set()  # blobs possibly unreferenced after this operation
        self.registries: dict[str, Registry] = {}  # open_registry(engine, name)
        # a familiar tag -> the other spellings its rows have (docker.io/library/demo:1, written
        # before names were kept familiar): replaced when that name is tagged or untagged
        self._spellings: dict[str, set[str]] = {}
        self.refresh()

    # -- operations -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def operation(self) -> Iterator[None]:
        with self.store.transaction() as outer:
            if not outer:
                yield
                return
            try:
                self.refresh(locked=True)
                yield
                self._flush()
            except BaseException:
                self._gen = None  # the rows rolled back: reload them (memory may be half-changed)
                for cid in self.dirty:
                    self._revs.pop(cid, None)
                self.dirty.clear()
                raise
        self._gen = self.store.generation
        self._collect_garbage()

    def _flush(self) -> None:
        containers = self.engine.containers._containers
        for cid in list(containers):
            if cid in self.dirty or (
                (containers.is_loaded(cid) if isinstance(containers, LazyDict) else True)
                and self._lifecycle(containers[cid]) != self._seen.get(cid)
            ):
                self.save_container(containers[cid])
        self.dirty.clear()
        clock = self.engine.clock
        if isinstance(clock, LogicalClock):  # one timeline for the store, across processes
            self.store.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('clock', ?)", (clock.peek().isoformat(),)
            )
        cache = self.engine.build_cache
        if isinstance(cache, BuildCache):
            for key, record in cache.records.items():
                if key not in self._cached_keys:
                    self._save_cache_record(key, record)

    # -- loading ----------------------------------------------------------------------------------
    def refresh(self, locked: bool = False) -> None:
        """Reload the indexes when another process (or a rolled-back operation) changed the rows."""
        gen = self.store.generation
        if gen == self._gen:
            return
        db = self.store.db
        if not locked:
            db.execute("BEGIN")
        try:
            self._load()
        finally:
            if not locked:
                db.execute("COMMIT")
        self._gen = gen

    def _load(self) -> None:
        db = self.store.db
        engine = self.engine
        layers = engine.layers
        old_layers = layers._layers
        new_layers: LazyDict[Digest, Layer] = LazyDict()
        refs: dict[Digest, int] = {}
        for chain, diff_id, size, created_by, comment, count in db.execute(
            "SELECT chain_id, diff_id, size, created_by, comment, refcount FROM layers"
        ):
            if isinstance(old_layers, LazyDict) and chain in old_layers and old_layers.is_loaded(chain):
                new_layers[chain] = old_layers[chain]
            else:
                new_layers[chain] = Thunk(self._build_layer, chain, (diff_id, size, created_by, comment))  # type: ignore[assignment]
            refs[chain] = count
        layers._layers, layers._refs = new_layers, refs

        images = engine.images
        old_images = images._by_id
        chains: dict[str, list[str]] = {}
        for image_id, chain in db.execute(
            "SELECT image_id, chain_id FROM image_layers ORDER BY image_id, position"
        ):
            chains.setdefault(image_id, []).append(chain)
        by_id: LazyDict[Digest, Image] = LazyDict()
        parents: list[tuple[Digest, Digest]] = []
        for image_id, parent in db.execute("SELECT id, parent FROM images ORDER BY seq"):
            if isinstance(old_images, LazyDict) and image_id in old_images and old_images.is_loaded(image_id):
                by_id[image_id] = old_images[image_id]
            else:
                by_id[image_id] = Thunk(self._build_image, image_id, chains.get(image_id, []))  # type: ignore[assignment]
            if parent:
                parents.append((image_id, parent))
        images._by_id = by_id
        images._tags, images._tags_by_image, images._parents, images._children = {}, {}, {}, {}
        self._spellings = {}
        for stored, image_id in db.execute("SELECT name, image_id FROM tags ORDER BY rowid"):
            name = images._full_tag(stored)
            if name != stored:
                self._spellings.setdefault(name, set()).add(stored)
            previous = images._tags.get(name)
            if previous is not None and previous != image_id:
                images._tags_by_image[previous].discard(name)
            images._tags[name] = image_id
            images._tags_by_image.setdefault(image_id, set()).add(name)
        for child, parent in parents:
            images._parents[child] = parent
            images._children.setdefault(parent, set()).add(child)

        coll = engine.containers
        old = coll._containers
        coll._containers, coll._by_name, coll._by_image = LazyDict(), LazyDict(), {}
        revs: dict[str, int] = {}
        for row in db.execute(
            "SELECT id, name, image_id, rev, command, created, state, exit_code, started_at, "
            "finished_at, upper FROM containers ORDER BY seq"
        ):
            cid, name, image_id, rev = row[:4]
            value: Any
            if isinstance(old, LazyDict) and cid in old and old.is_loaded(cid) and self._revs.get(cid) == rev:
                value = old[cid]
            else:
                value = Thunk(self._build_container, cid, row)
                self._seen.pop(cid, None)
            revs[cid] = rev
            coll._containers[cid] = value
            coll._by_name[name] = value
            coll._by_image.setdefault(image_id, LazyDict())[cid] = value
        self._revs = revs
        counter = db.execute("SELECT value FROM meta WHERE key = 'container_counter'").fetchone()
        coll._counter = itertools.count(int(counter[0]) + 1 if counter else 1)
        self._cached_keys = {k for (k,) in db.execute("SELECT key FROM build_cache")}
        clock_row = db.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
        clock = engine.clock
        if clock_row and isinstance(clock, LogicalClock):
            stored = _dt.datetime.fromisoformat(clock_row[0])
            if stored > clock.peek():
                clock._now = stored
        engine.build_cache = None  # loaded by the next build (load_build_cache)

    def _build_layer(self, thunk: Thunk) -> Layer:
        diff_id, size, created_by, comment = thunk.row
        path = self.store.blobs.path(diff_id)
        blob = Blob(path, 0, size, f"{self.store.root}: layer {diff_id}")
        return read_layer(
            LayerBlob(blob, "", OCI_LAYER),
            digest=diff_id,
            diff_id=diff_id,
            created_by=created_by,
            comment=comment,
        )

    def _build_image(self, thunk: Thunk) -> Image:
        image_id = thunk.key
        raw = self.store.blobs.read(image_id)
        cfg = json.loads(raw)
        layers = [self.engine.layers[chain] for chain in thunk.row]
        where = f"{self.store.root}: image {image_id}"
        image = image_from_config(layers, cfg, raw, config_history(cfg, len(layers), where), where)
        if image.id != image_id:
            raise StoreError(f"{self.store.root}: image {image_id} rebuilt with ID {image.id}; run fsck")
        return image

    def _build_container(self, thunk: Thunk) -> Container:
        cid, name, image_id, _rev, command, created, state, exit_code, started_at, finished_at, upper = (
            thunk.row
        )
        coll = self.engine.containers
        image = self.engine.images._by_id[image_id]
        argv = tuple(json.loads(command)) if command is not None else None
        c = self.engine._new_container(
            image, id=cid, name=name, command=argv, created=created, on_remove=coll._forget
        )
        c.state, c.exit_code, c.started_at, c.finished_at = State(state), exit_code, started_at, finished_at
        output = self.store.db.execute("SELECT output FROM containers WHERE id = ?", (cid,)).fetchone()
        c.output = bytes(output[0]) if output else b""
        if upper is not None:
            blob = Blob(
                self.store.blobs.path(upper),
                0,
                _size(self.store.blobs.path(upper)),
                f"container {name} upper",
            )
            layer = read_layer(LayerBlob(blob, "", OCI_LAYER), digest=upper, diff_id=upper)
            fs = c.fs
            if not isinstance(fs, CopyOnWrite):
                raise StoreError(f"container {name}: its backend's file system cannot load a writable layer")
            fs.load_upper(dict(layer.entries))
        self.attach(c)
        self._seen[cid] = self._lifecycle(c)
        return c

    def attach(self, c: Container) -> None:
        """Make ``c``'s file-system writes store operations."""
        if not isinstance(c.fs, _PersistingFS):
            c.fs = _PersistingFS(c.fs, c, self)

    # -- images -----------------------------------------------------------------------------------
    def image_added(self, image: Image) -> None:
        db, blobs = self.store.db, self.store.blobs
        descriptors = []
        for chain, layer in zip(image.chain_ids, image.layers, strict=True):
            row = db.execute("SELECT diff_id, size FROM layers WHERE chain_id = ?", (chain,)).fetchone()
            if row is None:
                digest, size = blobs.put(_layer_chunks(layer), expected=layer.diff_id)
                db.execute(
                    "INSERT INTO layers VALUES (?, ?, ?, ?, ?, 0)",
                    (chain, digest, size, layer.created_by, layer.comment),
                )
            else:
                digest, size = row
            db.execute("UPDATE layers SET refcount = refcount + 1 WHERE chain_id = ?", (chain,))
            descriptors.append({"mediaType": OCI_LAYER, "digest": digest, "size": size})
        config = image.config_bytes()
        config_digest = blobs.put_bytes(config)
        manifest = canonical_json(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config)},
                "layers": descriptors,
            }
        )
        manifest_digest = blobs.put_bytes(manifest)
        db.execute(
            "INSERT INTO images VALUES (?, ?, ?, ?, NULL, (SELECT COALESCE(MAX(seq), 0) + 1 FROM images))",
            (image.id, manifest_digest, len(manifest), image.created),
        )
        db.executemany(
            "INSERT INTO image_layers VALUES (?, ?, ?)",
            [(image.id, i, c) for i, c in enumerate(image.chain_ids)],
        )

    def image_removed(self, image: Image) -> None:
        db = self.store.db
        row = db.execute("SELECT manifest FROM images WHERE id = ?", (image.id,)).fetchone()
        db.execute("DELETE FROM image_layers WHERE image_id = ?", (image.id,))
        db.execute("DELETE FROM images WHERE id = ?", (image.id,))
        self._garbage |= {image.id, row[0]} if row else {image.id}
        for chain in image.chain_ids:
            db.execute("UPDATE layers SET refcount = refcount - 1 WHERE chain_id = ?", (chain,))
            gone = db.execute(
                "SELECT diff_id FROM layers WHERE chain_id = ? AND refcount <= 0", (chain,)
            ).fetchone()
            if gone:
                db.execute("DELETE FROM layers WHERE chain_id = ?", (chain,))
                self._garbage.add(gone[0])

    def parent_set(self, child: Digest, parent: Digest | None) -> None:
        self.store.db.execute("UPDATE images SET parent = ? WHERE id = ?", (parent, child))

    def tagged(self, name: str, image_id: Digest) -> None:
        self._forget_spellings(name)
        self.store.db.execute("INSERT OR REPLACE INTO tags VALUES (?, ?)", (name, image_id))

    def untagged(self, name: str) -> None:
        self._forget_spellings(name)
        self.store.db.execute("DELETE FROM tags WHERE name = ?", (name,))

    def _forget_spellings(self, name: str) -> None:
        for stored in self._spellings.pop(name, ()):
            self.store.db.execute("DELETE FROM tags WHERE name = ?", (stored,))

    # -- containers -------------------------------------------------------------------------------
    @staticmethod
    def _lifecycle(c: Container) -> tuple[Any, ...]:
        return (c.name, c.state, c.exit_code, c.started_at, c.finished_at, len(c.output))

    def container_created(self, c: Container, n: int) -> None:
        self.attach(c)
        self.store.db.execute("INSERT OR REPLACE INTO meta VALUES ('container_counter', ?)", (str(n),))
        self.save_container(c)

    def save_container(self, c: Container) -> None:
        db = self.store.db
        if c.state is State.REMOVED:
            return
        entries = c.fs.writable_entries()
        upper = None
        if any(p != "/" for p in entries):
            upper = self.store.blobs.put(c.upper.iter_tar())[0]
        old = db.execute("SELECT upper, rev, seq FROM containers WHERE id = ?", (c.id,)).fetchone()
        if old is not None and old[0] not in (None, upper):
            self._garbage.add(old[0])
        rev = old[1] + 1 if old else 1
        seq = old[2] if old else db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM containers").fetchone()[0]
        db.execute(
            "INSERT OR REPLACE INTO containers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                c.id, seq, c.name, c.image.id, None if c.command is None else json.dumps(list(c.command)),
                c.created, c.state.value, c.exit_code, c.started_at, c.finished_at, c.output, upper, rev,
            ),
        )  # fmt: skip
        self._revs[c.id] = rev
        self._seen[c.id] = self._lifecycle(c)

    def container_removed(self, cid: str) -> None:
        row = self.store.db.execute("SELECT upper FROM containers WHERE id = ?", (cid,)).fetchone()
        self.store.db.execute("DELETE FROM containers WHERE id = ?", (cid,))
        if row and row[0]:
            self._garbage.add(row[0])
        self._revs.pop(cid, None)
        self._seen.pop(cid, None)
        self.dirty.discard(cid)

    # -- build cache ------------------------------------------------------------------------------
    def load_build_cache(self) -> None:
        """Give the engine its stored build cache (before a build; layers are read here)."""
        if self.engine.build_cache is not None:
            return
        cache = BuildCache()
        for key, parent, diff_id, created_by, desc, created in self.store.db.execute(
            "SELECT key, parent, diff_id, created_by, description, created FROM build_cache ORDER BY seq"
        ):
            path = self.store.blobs.path(diff_id)
            blob = Blob(path, 0, _size(path), f"build cache {key[:19]}")
            layer = read_layer(
                LayerBlob(blob, "", OCI_LAYER), digest=diff_id, diff_id=diff_id, created_by=created_by
            )
            cache.store(parent, key, layer, json.loads(desc), created)
        self.engine.build_cache = cache

    def _save_cache_record(self, key: str, record: CacheRecord) -> None:
        layer = record.layer
        digest, _ = self.store.blobs.put(_layer_chunks(layer), expected=layer.diff_id)
        self.store.db.execute(
            "INSERT OR IGNORE INTO build_cache VALUES (?, ?, ?, ?, ?, ?, "
            "(SELECT COALESCE(MAX(seq), 0) + 1 FROM build_cache))",
            (
                key,
                record.parent,
                digest,
                layer.created_by,
                json.dumps(record.desc, sort_keys=True),
                record.created,
            ),
        )
        self._cached_keys.add(key)

    # -- garbage ----------------------------------------------------------------------------------
    def _collect_garbage(self) -> None:
        """Delete blobs the last operation stopped referencing (after its commit: a crash keeps them)."""
        if not self._garbage:
            return
        garbage, self._garbage = self._garbage, set()
        with contextlib.ExitStack() as stack:
            stack.callback(self.store.lock.release)
            self.store.lock.acquire()
            db = self.store.db
            for digest in garbage:
                used = db.execute(
                    "SELECT 1 FROM layers WHERE diff_id = ?1 UNION SELECT 1 FROM images WHERE id = ?1 OR manifest = ?1 "
                    "UNION SELECT 1 FROM containers WHERE upper = ?1 UNION SELECT 1 FROM build_cache WHERE diff_id = ?1 "
                    "UNION SELECT 1 FROM registry_blobs WHERE digest = ?1 "
                    "UNION SELECT 1 FROM registry_manifests WHERE digest = ?1",
                    (digest,),
                ).fetchone()
                if used is None:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self.store.blobs.path(digest))

    def registry_committed(self, before: int) -> None:
        """A registry on this store committed (registry rows only): no reload when nothing else did."""
        if self._gen == before:
            self._gen = before + 1

    def fsck(self) -> FsckReport:
        return fsck(self.store.root)

    def close(self) -> None:
        self.store.close()


def open_registry(
    where: Engine | str | os.PathLike[str], name: str = "registry.local", *, delete_enabled: bool = True
) -> Registry:
    """The registry ``name`` kept in a store: an engine's (``Engine(root=...)``) or the one at a path.

    Its repositories, manifests, tags and blobs are rows and blob files of the store (blobs shared
    with the images' when the digest is the same), one transaction per request; a new process
    opening the same store finds them again.  An engine gets one registry object per name (push to
    it with ``engine.images.push(ref, registry)``, serve it with :func:`simulator.registry.serve`).

    Examples:
        >>> import tempfile
        >>> from simulator import Engine
        >>> root = tempfile.mkdtemp()
        >>> engine = Engine.open(root)
        >>> reg = open_registry(engine)
        >>> _ = engine.images.pull("alpine:3.20", quiet=True)
        >>> _ = engine.images.push("alpine:3.20", reg, quiet=True)
        >>> open_registry(root).tags("alpine")  # another store object, as in a new process
        ['3.20']
    """
    from ..registry.memory import Registry  # the registry room is loaded on first use

    if isinstance(where, (str, os.PathLike)):
        return Registry(
            name, delete_enabled=delete_enabled, backing=RegistryTables(Store(os.fspath(where)), name)
        )
    persist = where._persist
    if persist is None:
        raise StoreError(
            "this engine keeps nothing on disk (Engine() without root=): its registries would be lost; "
            "use simulator.registry.Registry() for an in-memory one, or Engine.open(PATH)"
        )
    if name not in persist.registries:
        tables = RegistryTables(persist.store, name, committed=persist.registry_committed)
        persist.registries[name] = Registry(name, delete_enabled=delete_enabled, backing=tables)
    return persist.registries[name]


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        raise StoreError(f"{path} is missing from the store; run fsck") from None
