"""Disk usage and the engine's tables: ``docker system df [-v]``, ``docker images``, ``docker ps``.

:func:`disk_usage` reads the engine's indexes (image -> tags, image -> containers) and the
layer store, so it is linear in the number of images, tags, layers and containers.

Docker's two image stores answer differently (``Engine(image_store=...)``):

``"overlay2"`` (the graphdriver store: Docker 28 and hosts upgraded to 29)
    IMAGE ID is the config digest; an image's SIZE is the apparent size of its layers' files
    and symlinks; ``docker system df``'s Images SIZE is the layers of all images once.
``"containerd"`` (the containerd image store of a fresh Docker 29 install)
    Read from moby v28.0.0 ``daemon/containerd/image_list.go`` and ``service.go``: IMAGE ID is the image's target, the manifest digest; SIZE is its content (manifest, config
    and compressed layer blobs) plus its unpacked snapshots (the chain of its ChainIDs); SHARED
    SIZE counts only snapshots used by more than one image (``computeSharedSize``); the Images
    SIZE of ``docker system df`` is the usage of every snapshot in the snapshotter, the
    containers' writable ones included (``LayerDiskUsage`` walks them all), without the blobs.
    A snapshot's usage is containerd's ``fs.DiskUsage`` (continuity fs/du_unix.go): allocated
    blocks (``st_blocks * 512``) of each distinct inode under the snapshot directory, its root
    included, as :func:`snapshot_usage` counts them on ext4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..clock import parse_time
from ..digest import Digest
from ..model.container import Container, State
from ..model.entries import Entry, Kind
from ..text import ellipsis, human_duration, human_size, table, truncate_id

if TYPE_CHECKING:
    from ..model.image import Image
    from . import Engine

__all__ = [
    "IMAGE_STORES",
    "ContainerUsage",
    "DiskUsage",
    "ImageUsage",
    "disk_usage",
    "image_id",
    "image_size",
    "images_table",
    "ps_table",
    "snapshot_usage",
    "status_text",
    "stored_once",
]


#: Docker's image stores: the containerd store (a fresh Docker 29 install) and the graphdriver
#: store overlay2 (Docker 28, upgraded hosts).  ``Engine(image_store=...)``.
IMAGE_STORES = ("overlay2", "containerd")

#: ext4's block size (mkfs.ext4's default): what ``st_blocks`` counts in (continuity du_unix.go
#: multiplies ``st_blocks`` by 512; ext4 allocates whole 4 KiB blocks).
EXT4_BLOCK = 4096
#: ext4 keeps a symlink target shorter than 60 bytes in the inode ("fast symlink"): no block.
EXT4_FAST_SYMLINK_MAX = 59


def _blocks(entry: Entry) -> int:
    if entry.kind is Kind.DIR:
        return EXT4_BLOCK  # one block of directory entries (small directories)
    if entry.kind is Kind.FILE:
        return -(-entry.size // EXT4_BLOCK) * EXT4_BLOCK
    if entry.kind is Kind.SYMLINK:
        return 0 if entry.size <= EXT4_FAST_SYMLINK_MAX else EXT4_BLOCK
    return 0  # whiteouts (character devices 0/0), hard links (an inode counted once), devices, fifos


def snapshot_usage(entries: Iterable[Entry]) -> int:
    """containerd's usage of one snapshot holding ``entries``: its root directory's block and
    each entry's allocated blocks on ext4 (``fs.DiskUsage``: ``st_blocks * 512`` per distinct
    inode, continuity fs/du_unix.go)."""
    return EXT4_BLOCK + sum(_blocks(e) for e in entries)


def image_id(image: Image, store: str) -> str:
    """IMAGE ID as ``store`` shows it: the config digest (overlay2) or the manifest digest
    (containerd: the image's target, moby daemon/containerd/image_list.go)."""
    if store == "containerd":
        from ..registry.content import image_content

        return str(image_content(image).manifest_digest)
    return str(image.id)


def content_size(image: Image) -> int:
    """The image's blobs in containerd's content store: manifest, config, compressed layers."""
    from ..registry.content import image_content

    content = image_content(image)
    blobs = {d.digest: d.size for d in content.layers}
    return len(content.manifest) + content.config.size + sum(blobs.values())


def image_size(engine: Engine, image: Image) -> int:
    """SIZE of ``docker images`` as the engine's store counts it (see the module's text)."""
    if engine.image_store == "containerd":
        return content_size(image) + sum(_layer_usage(engine, c) for c in image.chain_ids)
    return image.size


def stored_once(engine: Engine, images: Iterable[Image]) -> tuple[int, int]:
    """What ``images`` keep on disk, each piece once: ``(layers, blobs)``.  overlay2: the
    layers' files and no blobs; containerd: the unpacked snapshots' usage and the distinct
    blobs of the content store (manifests, configs, compressed layers)."""
    from ..registry.content import image_content

    images = list(images)
    chains = {chain for image in images for chain in image.chain_ids}
    if engine.image_store != "containerd":
        return sum(engine.layers[c].size for c in chains), 0
    blobs: dict[Digest, int] = {}
    for image in images:
        content = image_content(image)
        blobs[content.manifest_digest] = len(content.manifest)
        blobs[content.config.digest] = content.config.size
        blobs.update((d.digest, d.size) for d in content.layers)
    return sum(_layer_usage(engine, c) for c in chains), sum(blobs.values())


def _layer_usage(engine: Engine, chain: Digest) -> int:
    return snapshot_usage(engine.layers[chain].entries.values())


@dataclass(frozen=True)
class ImageUsage:
    repository: str
    tag: str
    id: str
    created: str
    size: int
    shared_size: int
    unique_size: int
    containers: int


@dataclass(frozen=True)
class ContainerUsage:
    id: str
    image: str
    command: str
    size: int
    created: str
    status: str
    name: str
    active: bool = False  # running or paused: its writable layer is not reclaimable


@dataclass(frozen=True)
class DiskUsage:
    """``docker system df``: per-image and per-container rows and the totals."""

    images: tuple[ImageUsage, ...]
    containers: tuple[ContainerUsage, ...]
    layers_size: int
    images_reclaimable: int
    containers_active: int

    @property
    def images_active(self) -> int:
        return sum(1 for i in self.images if i.containers > 0)

    @property
    def containers_size(self) -> int:
        return sum(c.size for c in self.containers)

    @property
    def containers_reclaimable(self) -> int:
        return sum(c.size for c in self.containers if not c.active)

    @property
    def naive_size(self) -> int:
        """What the images would take if nothing were shared (the sum of their sizes)."""
        return sum(i.size for i in self.images)

    @staticmethod
    def _reclaimable(size: int, total: int) -> str:
        return f"{human_size(size, 4)} ({size * 100 // total}%)" if total > 0 else human_size(size, 4)

    def table(self) -> str:
        rows = [
            [
                "Images",
                str(len(self.images)),
                str(self.images_active),
                human_size(self.layers_size, 4),
                self._reclaimable(self.images_reclaimable, self.layers_size),
            ],
            [
                "Containers",
                str(len(self.containers)),
                str(self.containers_active),
                human_size(self.containers_size, 4),
                self._reclaimable(self.containers_reclaimable, self.containers_size),
            ],
            ["Local Volumes", "0", "0", "0B", "0B"],
            ["Build Cache", "0", "0", "0B", "0B"],
        ]
        return table(["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"], rows)

    def verbose(self) -> str:
        image_rows = [
            [
                i.repository,
                i.tag,
                truncate_id(i.id),
                i.created,
                human_size(i.size),
                human_size(i.shared_size, 4),
                human_size(i.unique_size, 4),
                str(i.containers),
            ]
            for i in self.images
        ]
        container_rows = [
            [c.id[:12], c.image, c.command, "0", human_size(c.size), c.created, c.status, c.name]
            for c in self.containers
        ]
        return "\n".join(
            [
                "Images space usage:",
                "",
                table(
                    [
                        "REPOSITORY",
                        "TAG",
                        "IMAGE ID",
                        "CREATED",
                        "SIZE",
                        "SHARED SIZE",
                        "UNIQUE SIZE",
                        "CONTAINERS",
                    ],
                    image_rows,
                ),
                "",
                "Containers space usage:",
                "",
                table(
                    [
                        "CONTAINER ID",
                        "IMAGE",
                        "COMMAND",
                        "LOCAL VOLUMES",
                        "SIZE",
                        "CREATED",
                        "STATUS",
                        "NAMES",
                    ],
                    container_rows,
                ),
                "",
                "Local Volumes space usage:",
                "",
                table(["VOLUME NAME", "LINKS", "SIZE"], []),
                "",
                "Build cache usage: 0B",
                "",
                table(["CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED"], []),
            ]
        )

    def __str__(self) -> str:
        return self.table()


def _ago(now: dt.datetime, moment: str) -> str:
    return human_duration((now - parse_time(moment)).total_seconds()) + " ago"


def status_text(c: Container, now: dt.datetime) -> str:
    """The STATUS column of ``docker ps``: ``Up 5 seconds``, ``Exited (0) 2 minutes ago`` ..."""

    def since(moment: str) -> str:
        return human_duration((now - parse_time(moment)).total_seconds()) if moment else "Less than a second"

    if c.state is State.RUNNING:
        return f"Up {since(c.started_at)}"
    if c.state is State.PAUSED:
        return f"Up {since(c.started_at)} (Paused)"
    if c.state is State.EXITED:
        return f"Exited ({c.exit_code or 0}) {since(c.finished_at)} ago"
    return c.status.capitalize()


def disk_usage(engine: Engine) -> DiskUsage:
    """``docker system df -v`` numbers (SIZE, SHARED SIZE, UNIQUE SIZE, RECLAIMABLE)."""
    images = engine.images.list(all=True)
    refs: dict[Digest, int] = {}
    for image in images:
        for chain in image.chain_ids:
            refs[chain] = refs.get(chain, 0) + 1
    containerd = engine.image_store == "containerd"
    if containerd:
        sizes = {chain: snapshot_usage(layer.entries.values()) for chain, layer in engine.layers.items()}
    else:
        sizes = {chain: layer.size for chain, layer in engine.layers.items()}
    rows = []
    reclaimable = 0
    now = engine.clock_peek()
    for image in images:
        size = image_size(engine, image)
        shared = sum(sizes[c] for c in set(image.chain_ids) if refs[c] > 1)
        users = len(engine.containers.users_of(image))
        if users == 0:
            reclaimable += size - shared
        tags = engine.images.tags_of(image)
        repo, tag = tags[0].rsplit(":", 1) if tags else ("<none>", "<none>")
        rows.append(
            ImageUsage(
                repo,
                tag,
                image_id(image, engine.image_store),
                _ago(now, image.created),
                size,
                shared,
                size - shared,
                users,
            )
        )
    containers = []
    active = 0
    for c in engine.containers.list(all=True):
        if c.state in (State.RUNNING, State.PAUSED):
            active += 1
        tags = engine.images.tags_of(c.image)
        containers.append(
            ContainerUsage(
                c.id,
                tags[0] if tags else c.image.short_id,
                '"' + ellipsis(" ".join(c.command or ()), 20) + '"',
                container_size(engine, c),
                _ago(now, c.created),
                engine.status_text(c),
                c.name,
                c.state in (State.RUNNING, State.PAUSED),
            )
        )
    layers_size = sum(sizes[c] for c in refs)
    if containerd:  # LayerDiskUsage walks every snapshot: the containers' writable ones too
        layers_size += sum(c.size for c in containers)
    return DiskUsage(tuple(rows), tuple(containers), layers_size, reclaimable, active)


def container_size(engine: Engine, c: Container) -> int:
    """``docker ps -s`` SIZE: the writable layer's files and symlinks (overlay2), or its
    snapshot's usage (containerd: ``snapshotter.Usage``, moby daemon/containerd/service.go
    ``GetContainerLayerSize``)."""
    if engine.image_store == "containerd" and c.state is not State.REMOVED:
        return snapshot_usage(e for e in c.fs.writable_entries().values())
    return c.size_rw


def container_virtual_size(engine: Engine, c: Container) -> int:
    """``docker ps -s`` virtual size: the writable layer and the image's unpacked layers."""
    if engine.image_store == "containerd":
        return container_size(engine, c) + sum(_layer_usage(engine, ch) for ch in c.image.chain_ids)
    return c.size_root_fs


def images_table(engine: Engine) -> str:
    """``docker images``: one row per tag, newest image first."""
    rows = []
    now = engine.clock_peek()
    for image in engine.images.list():
        for full in engine.images.tags_of(image):
            name, tag = full.rsplit(":", 1)
            short = truncate_id(image_id(image, engine.image_store))
            rows.append([name, tag, short, _ago(now, image.created), human_size(image_size(engine, image))])
    return table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows)


def ps_table(engine: Engine, all: bool = False, size: bool = False) -> str:
    """``docker ps [-a] [-s]``."""
    now = engine.clock_peek()
    rows = []
    for c in engine.containers.list(all=all):
        tags = engine.images.tags_of(c.image)
        image = tags[0].removesuffix(":latest") if tags else c.image.short_id
        command = '"' + ellipsis(" ".join(c.command or ()), 20) + '"'
        row = [c.id[:12], image, command, _ago(now, c.created), engine.status_text(c), "", c.name]
        if size:
            size_rw, virtual = container_size(engine, c), container_virtual_size(engine, c)
            row.append(f"{human_size(size_rw)} (virtual {human_size(virtual)})")
        rows.append(row)
    header = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    if size:
        header.append("SIZE")
    return table(header, rows)
