"""The store's consistency check: every referenced blob present with its digest, no dangling row.

Problems (the store is inconsistent) and notes (harmless left-overs, such as blobs no row
references after a crash between writing a blob and committing its row) are kept apart.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field

from .blobs import BlobStore

__all__ = ["FsckReport", "fsck"]


@dataclass(slots=True)
class FsckReport:
    """What :func:`fsck` found."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    images: int = 0
    containers: int = 0
    blobs: int = 0
    manifests: int = 0  # registries' manifests

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"{self.images} images, {self.containers} containers, {self.blobs} blobs: "
        head += "consistent" if self.ok else f"{len(self.problems)} problems"
        return "\n".join(
            [head, *(f"  problem: {p}" for p in self.problems), *(f"  note: {n}" for n in self.notes)]
        )


def _json_blob(blobs: BlobStore, digest: str, what: str, report: FsckReport) -> object:
    problem = blobs.verify(digest)
    if problem:
        report.problems.append(f"{what}: {problem}")
        return None
    with open(blobs.path(digest), "rb") as f:
        return json.loads(f.read())


def _registries(db: sqlite3.Connection, blobs: BlobStore, report: FsckReport) -> set[str]:
    """Registries' rows: every linked blob and manifest present, every manifest's references linked."""
    referenced: set[str] = set()
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'registry_blobs'").fetchone() is None:
        return referenced  # a store no layerlab with registries has opened yet
    links: dict[tuple[str, str], set[str]] = {}
    for registry, repo, digest in db.execute("SELECT registry, repository, digest FROM registry_blobs"):
        links.setdefault((registry, repo), set()).add(digest)
        referenced.add(digest)
        problem = blobs.verify(digest)
        if problem:
            report.problems.append(f"registry {registry} repository {repo}: {problem}")
    manifests: dict[tuple[str, str], set[str]] = {}
    used: set[tuple[str, str, str]] = set()
    for registry, repo, digest in db.execute("SELECT registry, repository, digest FROM registry_manifests"):
        report.manifests += 1
        manifests.setdefault((registry, repo), set()).add(digest)
        referenced.add(digest)
    for (registry, repo), digests in manifests.items():
        for digest in sorted(digests):
            doc = _json_blob(blobs, digest, f"registry {registry} {repo} manifest", report)
            if not isinstance(doc, dict):
                continue
            index = isinstance(doc.get("manifests"), list)
            descriptors = doc["manifests"] if index else [doc.get("config"), *(doc.get("layers") or [])]
            known = digests if index else links.get((registry, repo), set())
            for desc in descriptors:
                ref = desc.get("digest") if isinstance(desc, dict) else None
                used.add((registry, repo, str(ref)))
                if ref not in known:
                    report.problems.append(
                        f"registry {registry} {repo} manifest {digest} references {ref}, which is not in the repository"
                    )
    for registry, repo, tag, digest in db.execute(
        "SELECT registry, repository, tag, digest FROM registry_tags"
    ):
        if digest not in manifests.get((registry, repo), set()):
            report.problems.append(
                f"registry {registry} {repo}:{tag} names manifest {digest}, which has no row"
            )
    loose = sum(1 for (r, repo), ds in links.items() for d in ds if (r, repo, d) not in used)
    if loose:
        report.notes.append(
            f"{loose} registry blobs no manifest references (uploaded by a push that did not finish, or left "
            "when a manifest was deleted; distribution keeps such blobs until garbage collection)"
        )
    return referenced


def fsck(root: str | os.PathLike[str]) -> FsckReport:
    """Check the store at ``root`` (read-only: it takes no lock and changes nothing)."""
    root = os.fspath(root)
    report = FsckReport()
    path = os.path.join(root, "store.db")
    if not os.path.exists(path):
        report.problems.append(f"{path} is missing")
        return report
    blobs = BlobStore(os.path.join(root, "oci", "blobs", "sha256"))
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60.0)
    try:
        db.execute("BEGIN")  # one snapshot for every query below
        referenced: set[str] = set()
        layers = dict(db.execute("SELECT chain_id, diff_id FROM layers").fetchall())
        uses: dict[str, int] = {}
        for image_id, manifest in db.execute("SELECT id, manifest FROM images").fetchall():
            report.images += 1
            referenced |= {image_id, manifest}
            chains = [
                c
                for (c,) in db.execute(
                    "SELECT chain_id FROM image_layers WHERE image_id = ? ORDER BY position", (image_id,)
                )
            ]
            doc = _json_blob(blobs, manifest, f"image {image_id} manifest", report)
            if blobs.verify(image_id):
                report.problems.append(f"image {image_id} config: {blobs.verify(image_id)}")
            if isinstance(doc, dict):
                listed = [d.get("digest") for d in doc.get("layers", [])]
                if listed != [layers.get(c) for c in chains]:
                    report.problems.append(f"image {image_id}: its manifest's layers differ from its rows")
                if doc.get("config", {}).get("digest") != image_id:
                    report.problems.append(f"image {image_id}: its manifest names another config")
            for chain in chains:
                if chain not in layers:
                    report.problems.append(f"image {image_id} uses layer {chain}, which has no row")
                uses[chain] = uses.get(chain, 0) + 1
        for chain, diff_id in layers.items():
            referenced.add(diff_id)
            problem = blobs.verify(diff_id)
            if problem:
                report.problems.append(f"layer {chain}: {problem}")
        for chain, count in db.execute("SELECT chain_id, refcount FROM layers"):
            if uses.get(chain, 0) != count:
                report.problems.append(
                    f"layer {chain}: refcount {count} but {uses.get(chain, 0)} images use it"
                )
        images = {i for (i,) in db.execute("SELECT id FROM images")}
        for name, image_id in db.execute("SELECT name, image_id FROM tags"):
            if image_id not in images:
                report.problems.append(f"tag {name} names image {image_id}, which has no row")
        for child, parent in db.execute("SELECT id, parent FROM images WHERE parent IS NOT NULL"):
            if parent not in images:
                report.problems.append(f"image {child}'s parent {parent} has no row")
        for cid, image_id, upper in db.execute("SELECT id, image_id, upper FROM containers"):
            report.containers += 1
            if image_id not in images:
                report.problems.append(f"container {cid[:12]} uses image {image_id}, which has no row")
            if upper is not None:
                referenced.add(upper)
                problem = blobs.verify(upper)
                if problem:
                    report.problems.append(f"container {cid[:12]} writable layer: {problem}")
        for key, diff_id in db.execute("SELECT key, diff_id FROM build_cache"):
            referenced.add(diff_id)
            problem = blobs.verify(diff_id)
            if problem:
                report.problems.append(f"build cache record {key[:19]}: {problem}")
        referenced |= _registries(db, blobs, report)
        index_path = os.path.join(root, "oci", "index.json")
        try:
            with open(index_path, "rb") as f:
                index = json.loads(f.read())
            tagged = {
                m["annotations"]["org.opencontainers.image.ref.name"]: m["digest"] for m in index["manifests"]
            }
        except (OSError, ValueError, KeyError, TypeError) as e:
            report.problems.append(f"{index_path}: unreadable ({e})")
            tagged = {}
        expected = dict(
            db.execute(
                "SELECT tags.name, images.manifest FROM tags JOIN images ON images.id = tags.image_id"
            ).fetchall()
        )
        if tagged != expected:
            report.notes.append(
                "index.json is behind the database (it is rewritten when the store is next opened)"
            )
        db.execute("COMMIT")
    finally:
        db.close()
    present = set(blobs)
    report.blobs = len(present)
    unreferenced = present - referenced
    if unreferenced:
        report.notes.append(f"{len(unreferenced)} blobs no row references (left by an interrupted operation)")
    return report
