"""The store's metadata in SQLite (``ROOT/store.db``): images, tags, layers, containers, build cache, registries.

WAL journal mode: readers see the last committed transaction while a writer works; ``synchronous
= FULL`` makes a committed transaction survive a power cut.  One engine operation is one
transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``); a crash before ``COMMIT`` leaves the previous state.
The ``generation`` in ``meta`` counts committed operations: a process that sees another number
than its own reloads what changed.
"""

from __future__ import annotations

import sqlite3

__all__ = ["SCHEMA_VERSION", "connect"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS layers (
    chain_id TEXT PRIMARY KEY,            -- ChainID: one stored layer per chain
    diff_id TEXT NOT NULL,                -- sha256 of the uncompressed tar = the blob's digest
    size INTEGER NOT NULL,                -- bytes of the tar blob
    created_by TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    refcount INTEGER NOT NULL             -- images using it (LayerStore.refcount)
);
CREATE TABLE IF NOT EXISTS images (
    id TEXT PRIMARY KEY,                  -- ImageID = digest of the config blob
    manifest TEXT NOT NULL,               -- digest of the OCI manifest blob
    manifest_size INTEGER NOT NULL,
    created TEXT NOT NULL,
    parent TEXT,                          -- the image it was committed on (docker history)
    seq INTEGER NOT NULL                  -- insertion order
);
CREATE TABLE IF NOT EXISTS image_layers (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    chain_id TEXT NOT NULL REFERENCES layers(chain_id),
    PRIMARY KEY (image_id, position)
);
CREATE TABLE IF NOT EXISTS tags (
    name TEXT PRIMARY KEY,                -- "repository:tag"
    image_id TEXT NOT NULL REFERENCES images(id)
);
CREATE TABLE IF NOT EXISTS containers (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,                 -- creation order (docker ps lists newest first)
    name TEXT NOT NULL UNIQUE,
    image_id TEXT NOT NULL REFERENCES images(id),
    command TEXT,                         -- JSON list, or NULL
    created TEXT NOT NULL,
    state TEXT NOT NULL,
    exit_code INTEGER,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    output BLOB NOT NULL,
    upper TEXT,                           -- digest of the writable layer's tar blob (NULL: empty)
    rev INTEGER NOT NULL                  -- bumped at every save
);
CREATE TABLE IF NOT EXISTS build_cache (
    key TEXT PRIMARY KEY,
    parent TEXT NOT NULL,
    diff_id TEXT NOT NULL,                -- the layer's tar blob
    created_by TEXT NOT NULL,
    description TEXT NOT NULL,            -- JSON
    created TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS containers_by_image ON containers(image_id);
-- registries' contents (simulator.registry.Registry with a store backing): per registry name and
-- repository, the blobs linked there, the manifests (bytes in blobs/sha256/) and the tags
CREATE TABLE IF NOT EXISTS registry_repositories (  -- kept when emptied, as distribution's directories
    registry TEXT NOT NULL, repository TEXT NOT NULL, PRIMARY KEY (registry, repository)
);
CREATE TABLE IF NOT EXISTS registry_blobs (
    registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (registry, repository, digest)
);
CREATE TABLE IF NOT EXISTS registry_manifests (
    registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL,
    PRIMARY KEY (registry, repository, digest)
);
CREATE TABLE IF NOT EXISTS registry_tags (
    registry TEXT NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (registry, repository, tag)
);
"""


def connect(path: str) -> sqlite3.Connection:
    """Open (creating if needed) the metadata database at ``path``."""
    db = sqlite3.connect(path, isolation_level=None, timeout=60.0, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(_SCHEMA)
    db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
    return db
