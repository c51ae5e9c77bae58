"""Disk usage and the engine's tables: ``docker system df [-v]``, ``docker images``, ``docker ps``.

:func:`disk_usage` reads the engine's indexes (image -> tags, image -> containers) and the
layer store, so it is linear in the number of images, tags, layers and containers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..clock import parse_time
from ..digest import Digest
from ..model.container import Container, State
from ..text import ellipsis, human_duration, human_size, table, truncate_id

if TYPE_CHECKING:
    from . import Engine

__all__ = [
    "ContainerUsage",
    "DiskUsage",
    "ImageUsage",
    "disk_usage",
    "images_table",
    "ps_table",
    "status_text",
]


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
    sizes = {chain: layer.size for chain, layer in engine.layers.items()}
    rows = []
    reclaimable = 0
    now = engine.clock_peek()
    for image in images:
        size = image.size
        shared = sum(sizes[c] for c in set(image.chain_ids) if refs[c] > 1)
        users = len(engine.containers.users_of(image))
        if users == 0:
            reclaimable += size - shared
        tags = engine.images.tags_of(image)
        repo, tag = tags[0].rsplit(":", 1) if tags else ("<none>", "<none>")
        rows.append(
            ImageUsage(repo, tag, image.id, _ago(now, image.created), size, shared, size - shared, users)
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
                c.size_rw,
                _ago(now, c.created),
                engine.status_text(c),
                c.name,
                c.state in (State.RUNNING, State.PAUSED),
            )
        )
    layers_size = sum(sizes[c] for c in refs)
    return DiskUsage(tuple(rows), tuple(containers), layers_size, reclaimable, active)


def images_table(engine: Engine) -> str:
    """``docker images``: one row per tag, newest image first."""
    rows = []
    now = engine.clock_peek()
    for image in engine.images.list():
        for full in engine.images.tags_of(image):
            name, tag = full.rsplit(":", 1)
            rows.append([name, tag, image.short_id, _ago(now, image.created), human_size(image.size)])
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
            row.append(f"{human_size(c.size_rw)} (virtual {human_size(c.size_root_fs)})")
        rows.append(row)
    header = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    if size:
        header.append("SIZE")
    return table(header, rows)
