"""The porcelain: an :class:`Engine` with Docker's vocabulary.

``engine.images`` and ``engine.containers`` are named like the Docker SDK for Python where it
fits (``get``, ``list``, ``tag``, ``remove``, ``prune``, ``create``, ``run``), and
``engine.df()`` gives the numbers of ``docker system df -v``.  Layers are stored once per
ChainID and reference-counted by the images that use them.

Examples:
    >>> from simulator import Engine, Entry, Image, Layer
    >>> engine = Engine()
    >>> base = Layer.of({"/etc": Entry.directory(), "/etc/motd": Entry.file(b"hi")})
    >>> image = engine.images.add(Image.of([base]), "demo:1")
    >>> c = engine.containers.create("demo:1", name="web")
    >>> c.write_file("/etc/motd", b"hello")
    >>> [str(change) for change in c.diff()]
    ['C /etc', 'C /etc/motd']
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as _dt
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from .backends import backend_named
from .backends.base import Backend
from .clock import LogicalClock, parse_time, rfc3339
from .digest import Digest, short_id
from .errors import Conflict, ContainerNotFound, ImageNotFound
from .model.container import Container, State, runtime_mounts
from .model.image import HistoryEntry, Image
from .model.layer import Layer
from .reference import parse_reference
from .text import ellipsis, human_duration, human_size, table, truncate_id

__all__ = ["ContainerCollection", "DiskUsage", "Engine", "ImageCollection", "LogicalClock", "parse_reference"]


class LayerStore:
    """Layers stored once per ChainID, with the number of images using each."""

    def __init__(self) -> None:
        self._layers: dict[Digest, Layer] = {}
        self._refs: dict[Digest, int] = {}

    def intern(self, image: Image) -> Image:
        layers = []
        for chain, layer in zip(image.chain_ids, image.layers, strict=True):
            stored = self._layers.setdefault(chain, layer)
            self._refs[chain] = self._refs.get(chain, 0) + 1
            layers.append(stored)
        if all(a is b for a, b in zip(layers, image.layers, strict=True)):
            return image
        return replace(image, layers=tuple(layers))

    def release(self, image: Image) -> None:
        for chain in image.chain_ids:
            self._refs[chain] -= 1
            if not self._refs[chain]:
                del self._refs[chain]
                del self._layers[chain]

    def refcount(self, chain: Digest) -> int:
        return self._refs.get(chain, 0)

    def __len__(self) -> int:
        return len(self._layers)

    def __contains__(self, chain: object) -> bool:
        return chain in self._layers

    def items(self) -> Iterable[tuple[Digest, Layer]]:
        return self._layers.items()


class ImageCollection:
    """``engine.images``: the local image store with its tags."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._by_id: dict[Digest, Image] = {}
        self._tags: dict[str, Digest] = {}
        self._parents: dict[Digest, Digest] = {}

    # -- registration -------------------------------------------------------------------------
    def add(self, image: Image, tag: str | None = None, *, parent: Image | None = None) -> Image:
        """Store ``image`` (once per ID) and optionally tag it; returns the stored image."""
        stored = self._by_id.get(image.id)
        if stored is None:
            stored = self._engine.layers.intern(image)
            self._by_id[stored.id] = stored
        if parent is not None and parent.id in self._by_id:
            self._parents[stored.id] = parent.id
        if tag:
            self.tag(stored, tag)
        return stored

    def _full_tag(self, ref: str) -> str:
        name, tag = parse_reference(ref)
        return f"{name}:{tag}"

    def tag(self, image: Image | str, repository: str, tag: str | None = None) -> bool:
        """Give ``image`` the name ``repository:tag`` (moving the name if another image had it)."""
        target = self.get(image) if isinstance(image, str) else image
        if target.id not in self._by_id:
            target = self.add(target)
        full = self._full_tag(repository if tag is None else f"{repository}:{tag}")
        self._tags[full] = target.id
        return True

    # -- lookup -------------------------------------------------------------------------------
    def _lookup(self, ref: str) -> Image | None:
        if isinstance(ref, Image):
            return self._by_id.get(ref.id)
        full = self._full_tag(ref)
        if full in self._tags:
            return self._by_id[self._tags[full]]
        hexpart = ref.split(":", 1)[1] if ref.startswith("sha256:") else ref
        if len(hexpart) >= 4 and all(c in "0123456789abcdef" for c in hexpart):
            matches = [
                img for digest, img in self._by_id.items() if digest.split(":", 1)[1].startswith(hexpart)
            ]
            if len(matches) == 1:
                return matches[0]
        return None

    def get(self, ref: str | Image) -> Image:
        """An image by ``name[:tag]``, full ID or unique ID prefix.

        Raises:
            ImageNotFound: naming the known images and, for base images, how to pull them.
        """
        found = self._lookup(ref)  # type: ignore[arg-type]
        if found is not None:
            return found
        known = ", ".join(sorted(self._tags)) or "none"
        hint = ""
        if isinstance(ref, str) and self._engine.library_has(ref):
            hint = f"; pull it first: engine.images.pull({ref!r})"
        raise ImageNotFound(f"no image {ref!r}; known images: {known}{hint}")

    def pull(self, ref: str) -> Image:
        """Fetch a base image from the built-in library (there is no network)."""
        existing = self._lookup(ref)
        if existing is not None:
            return existing
        image = self._engine.library_image(ref)
        return self.add(image, self._full_tag(ref))

    def get_or_pull(self, ref: str | Image) -> Image:
        if isinstance(ref, Image):
            return self.add(ref)
        found = self._lookup(ref)
        return found if found is not None else self.pull(ref)

    def tags_of(self, image: Image) -> builtins.list[str]:
        return sorted(t for t, i in self._tags.items() if i == image.id)

    def parent_of(self, image: Image) -> Image | None:
        parent = self._parents.get(image.id)
        return self._by_id.get(parent) if parent else None

    def list(self, all: bool = False) -> list[Image]:
        """Images newest first (``docker images``); dangling ones only with ``all=True``."""
        tagged = set(self._tags.values())
        images = [img for img in self._by_id.values() if all or img.id in tagged]
        return sorted(images, key=lambda i: (i.created, i.id), reverse=True)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, (str, Image)) and self._lookup(ref) is not None  # type: ignore[arg-type]

    # -- removal ------------------------------------------------------------------------------
    def remove(self, ref: str | Image, force: bool = False) -> builtins.list[str]:
        """``docker rmi``: untag, and delete the image when no tag and no container is left.

        Raises:
            Conflict: a container uses the image (unless ``force``, which only untags), or an ID
                names an image with several tags (unless ``force``).
        """
        image = self.get(ref)
        users = self._engine.containers._users_of(image)
        tags = self.tags_of(image)
        by_tag = isinstance(ref, str) and self._full_tag(ref) in self._tags
        events: list[str] = []
        if by_tag and len(tags) > 1:
            full = self._full_tag(ref)  # type: ignore[arg-type]
            del self._tags[full]
            return [f"Untagged: {full}"]
        if users and not force:
            who = users[0]
            what = f'repository reference "{ref}"' if by_tag else f"image {short_id(image.id)}"
            raise Conflict(
                f"conflict: unable to remove {what} (must force) - container {who.id[:12]} "
                f"({who.name}) is using its referenced image {short_id(image.id)}"
            )
        if not by_tag and len(tags) > 1 and not force:
            raise Conflict(
                f"conflict: unable to delete {short_id(image.id)} (must be forced) - "
                "image is referenced in multiple repositories"
            )
        for t in tags:
            del self._tags[t]
            events.append(f"Untagged: {t}")
        if users:
            return events  # forced: the image stays, dangling, for its containers
        if any(p == image.id for p in self._parents.values()):
            return events  # a child image still needs it as its parent
        del self._by_id[image.id]
        self._parents.pop(image.id, None)
        self._engine.layers.release(image)
        events.append(f"Deleted: {image.id}")
        return events

    def prune(self) -> dict[str, Any]:
        """Remove dangling images no container uses; returns what was deleted and reclaimed."""
        before = self._engine.df().layers_size
        deleted: list[str] = []
        changed = True
        while changed:
            changed = False
            tagged = set(self._tags.values())
            for image in list(self._by_id.values()):
                if image.id in tagged or self._engine.containers._users_of(image):
                    continue
                if image.id in self._parents.values():
                    continue
                deleted.extend(self.remove(image))
                changed = True
        return {"ImagesDeleted": deleted, "SpaceReclaimed": before - self._engine.df().layers_size}

    # -- text ---------------------------------------------------------------------------------
    def history(self, ref: str | Image, *, no_trunc: bool = False) -> str:
        """``docker history``: newest first; IDs walk the parent chain, else ``<missing>``."""
        image = self.get(ref)
        rows = []
        ids: list[str] = []
        current: Image | None = image
        while current is not None:
            ids.append(current.id)
            current = self.parent_of(current)
        now = self._engine.clock_peek()
        pairs = list(reversed(image.layer_history()))
        for i, (entry, layer) in enumerate(pairs):
            ident = truncate_id(ids[i], no_trunc) if i < len(ids) else "<missing>"
            created = parse_time(entry.created)
            since = (
                "N/A" if created.year <= 2000 else human_duration((now - created).total_seconds()) + " ago"
            )
            created_by = entry.created_by.replace("\t", " ")
            if not no_trunc:
                created_by = ellipsis(created_by, 45)
            size = human_size(layer.size) if layer is not None else "0B"
            rows.append([ident, since, created_by, size, entry.comment])
        return table(["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"], rows)

    def table(self) -> str:
        """``docker images``."""
        rows = []
        now = self._engine.clock_peek()
        for image in self.list():
            for full in self.tags_of(image):
                name, tag = full.rsplit(":", 1)
                age = human_duration((now - parse_time(image.created)).total_seconds()) + " ago"
                rows.append([name, tag, image.short_id, age, human_size(image.size)])
        return table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows)

    def build(self, *args: Any, **kwargs: Any) -> Any:
        """Build an image from a Dockerfile (see :mod:`simulator.builder`)."""
        return self._engine.build(*args, **kwargs)

    def save(self, ref: str | Image, path: Any, format: str = "oci") -> Any:
        """``docker save``: write the image as an OCI layout (``format="oci"``) or docker-save archive."""
        from .oci import save_image

        return save_image(self._engine, ref, path, format=format)

    def load(self, path: Any) -> builtins.list[Image]:
        """``docker load``: read an OCI layout (directory or tar) or a docker-save archive."""
        from .oci import load_images

        return load_images(self._engine, path)


_ADJECTIVES = (
    "brave",
    "calm",
    "eager",
    "fond",
    "gentle",
    "happy",
    "jolly",
    "keen",
    "lucid",
    "merry",
    "nifty",
    "quirky",
    "serene",
    "tender",
    "vivid",
    "witty",
)
_NAMES = (
    "babbage",
    "curie",
    "dijkstra",
    "euler",
    "franklin",
    "goldberg",
    "hopper",
    "knuth",
    "lamarr",
    "lovelace",
    "noether",
    "ritchie",
    "shannon",
    "thompson",
    "turing",
    "wozniak",
)


class ContainerCollection:
    """``engine.containers``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._containers: dict[str, Container] = {}
        self._counter = itertools.count(1)

    def _new_name(self, n: int) -> str:
        a = _ADJECTIVES[n % len(_ADJECTIVES)]
        b = _NAMES[(n // len(_ADJECTIVES)) % len(_NAMES)]
        suffix = n // (len(_ADJECTIVES) * len(_NAMES))
        return f"{a}_{b}" + (str(suffix) if suffix else "")

    def create(
        self, image: str | Image, command: str | Iterable[str] | None = None, *, name: str | None = None
    ) -> Container:
        """A new container (state ``created``) from ``image``; base images are pulled if missing."""
        img = self._engine.images.get_or_pull(image)
        n = next(self._counter)
        if name is None:
            name = self._new_name(n)
            while any(c.name == name for c in self._containers.values()):
                n = next(self._counter)
                name = self._new_name(n)
        elif any(c.name == name for c in self._containers.values()):
            raise Conflict(
                f'the container name "/{name}" is already in use; remove that container or choose another name'
            )
        if isinstance(command, str):
            argv: tuple[str, ...] | None = ("/bin/sh", "-c", command)
        elif command is None:
            argv = (*(img.config.entrypoint or ()), *(img.config.cmd or ())) or None
        elif isinstance(command, (list, tuple)) and all(isinstance(a, str) for a in command):
            argv = tuple(command)
        else:
            raise TypeError(
                f"command must be a string (run by /bin/sh -c) or a list of strings, not {command!r}"
            )
        cid = hashlib.sha256(f"layerlab-container-{n}-{name}".encode()).hexdigest()  # reproducible
        container = self._engine._new_container(
            img, id=cid, name=name, command=argv, created=rfc3339(self._engine.now()), on_remove=self._forget
        )
        self._containers[cid] = container
        return container

    def run(
        self,
        image: str | Image,
        command: str | Iterable[str] | None = None,
        *,
        name: str | None = None,
        remove: bool = False,
    ) -> Any:
        """Create and start a container, run ``command`` in its shell, and stop it.

        Returns the container (its ``output`` and ``exit_code`` attributes hold the result)."""
        container = self.create(image, command, name=name)
        return self._engine.run_in(container, remove=remove)

    def _forget(self, container: Container) -> None:
        self._containers.pop(container.id, None)

    def get(self, ref: str) -> Container:
        """A container by name, full ID or unique ID prefix."""
        for c in self._containers.values():
            if c.name == ref or c.id == ref:
                return c
        matches = [c for c in self._containers.values() if len(ref) >= 4 and c.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(sorted(c.name for c in self._containers.values())) or "none"
        raise ContainerNotFound(f"no container {ref!r}; known containers: {known}")

    def list(self, all: bool = False) -> list[Container]:
        """Running containers (all of them with ``all=True``), newest first."""
        items = [c for c in self._containers.values() if all or c.state in (State.RUNNING, State.PAUSED)]
        return list(reversed(items))

    def prune(self) -> dict[str, Any]:
        """Remove every stopped (created or exited) container."""
        deleted, reclaimed = [], 0
        for c in list(self._containers.values()):
            if c.state in (State.CREATED, State.EXITED):
                reclaimed += c.size_rw
                deleted.append(c.id)
                c.remove()
        return {"ContainersDeleted": deleted, "SpaceReclaimed": reclaimed}

    def _users_of(self, image: Image) -> builtins.list[Container]:
        return [c for c in self._containers.values() if c.image.id == image.id]

    def __len__(self) -> int:
        return len(self._containers)

    def table(self, all: bool = False, size: bool = False) -> str:
        """``docker ps [-a] [-s]``."""
        now = self._engine.clock_peek()
        rows = []
        for c in self.list(all=all):
            tags = self._engine.images.tags_of(c.image)
            image = tags[0].removesuffix(":latest") if tags else c.image.short_id
            command = '"' + ellipsis(" ".join(c.command or ()), 20) + '"'
            age = human_duration((now - parse_time(c.created)).total_seconds()) + " ago"
            row = [c.id[:12], image, command, age, self._engine.status_text(c), "", c.name]
            if size:
                row.append(f"{human_size(c.size_rw)} (virtual {human_size(c.size_root_fs)})")
            rows.append(row)
        header = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
        if size:
            header.append("SIZE")
        return table(header, rows)


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


class Engine:
    """An in-memory Docker engine: images, containers, layers and builds.

    Args:
        backend: what the containers' file systems are: a
            :class:`~simulator.backends.base.Backend` object (``MemoryBackend()``,
            ``OverlayBackend.create(state_dir)``, your own), or its name: ``"memory"`` (the
            model, the default) or ``"overlayfs"`` (Linux; see :mod:`simulator.backends`).
        clock: returns the current time; the default :class:`LogicalClock` makes image IDs
            reproducible.
        state_dir: with ``backend="overlayfs"``, where it keeps its layers and mounts (its
            default is ``/var/tmp/layerlab-overlay``).
    """

    def __init__(
        self,
        backend: Backend | str = "memory",
        *,
        clock: Callable[[], _dt.datetime] | None = None,
        state_dir: str | None = None,
    ) -> None:
        # a name is mapped to its backend (BackendUnavailable says why overlayfs cannot run)
        self.backend: Backend = (
            backend_named(backend, state_dir=state_dir) if isinstance(backend, str) else backend
        )
        self.clock = clock or LogicalClock()
        self.layers = LayerStore()
        self.images = ImageCollection(self)
        self.containers = ContainerCollection(self)
        self.build_cache: Any = None  # a simulator.builder.builder.BuildCache, made by the first build

    # -- time ---------------------------------------------------------------------------------
    def now(self) -> _dt.datetime:
        return self.clock()

    def clock_peek(self) -> _dt.datetime:
        peek = getattr(self.clock, "peek", None)
        return peek() if peek is not None else self.clock()

    # -- base image library (filled by simulator.distro.library) --------------------------------
    def library_has(self, ref: str) -> bool:
        from .distro import library  # loads its data on first use only

        return bool(library.has(ref))

    def library_image(self, ref: str) -> Image:
        from .distro import library

        if not library.has(ref):
            raise ImageNotFound(
                f"no image {ref!r} locally or in the built-in library; "
                f"library images: {', '.join(library.names())}"
            )
        return library.get(ref)

    # -- operations ---------------------------------------------------------------------------
    def _new_container(self, image: Image, **kwargs: Any) -> Container:
        """A container of this engine's backend, owned by the engine (``commit``, ``exec_run``)."""
        mounts = runtime_mounts(kwargs.get("id", "")[:12])
        return self.backend.new_container(image, mounts=mounts, owner=self, **kwargs)

    @contextlib.contextmanager
    def work_container(self, image: Image, mounts: dict[str, Any] | None = None) -> Iterator[Container]:
        """A throw-away container of this engine's backend for one build step (removed after)."""
        container = self.backend.new_container(image, mounts=mounts)
        try:
            yield container
        finally:
            container.close()

    def status_text(self, c: Container) -> str:
        """The STATUS column of ``docker ps``: ``Up 5 seconds``, ``Exited (0) 2 minutes ago`` ..."""
        now = self.clock_peek()

        def since(moment: str) -> str:
            return (
                human_duration((now - parse_time(moment)).total_seconds()) if moment else "Less than a second"
            )

        if c.state is State.RUNNING:
            return f"Up {since(c.started_at)}"
        if c.state is State.PAUSED:
            return f"Up {since(c.started_at)} (Paused)"
        if c.state is State.EXITED:
            return f"Exited ({c.exit_code or 0}) {since(c.finished_at)} ago"
        return c.status.capitalize()

    # -- what a container asks of its owner (model.container.ContainerOwner) --------------------
    def timestamp(self) -> str:
        """Now as RFC 3339 text (a container's ``started_at`` and ``finished_at``)."""
        return rfc3339(self.now())

    def exec_in_container(self, container: Container, cmd: Any, **kwargs: Any) -> Any:
        """``container.exec_run(cmd)``: the command runs in the RUN shell."""
        from .sh.run import exec_in

        return exec_in(container, cmd, **kwargs)

    def commit_container(
        self,
        container: Container,
        *,
        repository: str = "",
        tag: str = "latest",
        message: str = "",
        author: str = "",
    ) -> Image:
        """``container.commit(...)``: an image whose top layer is the container's writable layer."""
        created = rfc3339(self.now())
        entry = HistoryEntry(" ".join(container.command or ()), created, message, author)
        layer = replace(container.upper, created_by=entry.created_by)
        image = container.image.with_layer(layer, entry)
        stored = self.images.add(image, f"{repository}:{tag}" if repository else None, parent=container.image)
        return stored

    def df(self) -> DiskUsage:
        """``docker system df -v`` numbers (SIZE, SHARED SIZE, UNIQUE SIZE, RECLAIMABLE)."""
        images = self.images.list(all=True)
        refs: dict[Digest, int] = {}
        for image in images:
            for chain in image.chain_ids:
                refs[chain] = refs.get(chain, 0) + 1
        sizes = {chain: layer.size for chain, layer in self.layers.items()}
        rows = []
        reclaimable = 0
        now = self.clock_peek()
        for image in images:
            size = image.size
            shared = sum(sizes[c] for c in set(image.chain_ids) if refs[c] > 1)
            users = len(self.containers._users_of(image))
            if users == 0:
                reclaimable += size - shared
            tags = self.images.tags_of(image)
            repo, tag = tags[0].rsplit(":", 1) if tags else ("<none>", "<none>")
            age = human_duration((now - parse_time(image.created)).total_seconds()) + " ago"
            rows.append(ImageUsage(repo, tag, image.id, age, size, shared, size - shared, users))
        containers = []
        active = 0
        for c in self.containers.list(all=True):
            if c.state in (State.RUNNING, State.PAUSED):
                active += 1
            tags = self.images.tags_of(c.image)
            age = human_duration((now - parse_time(c.created)).total_seconds()) + " ago"
            containers.append(
                ContainerUsage(
                    c.id,
                    tags[0] if tags else c.image.short_id,
                    '"' + ellipsis(" ".join(c.command or ()), 20) + '"',
                    c.size_rw,
                    age,
                    self.status_text(c),
                    c.name,
                    c.state in (State.RUNNING, State.PAUSED),
                )
            )
        layers_size = sum(sizes[c] for c in refs)
        return DiskUsage(tuple(rows), tuple(containers), layers_size, reclaimable, active)

    def build(self, *args: Any, **kwargs: Any) -> Any:
        from .builder.builder import build

        return build(self, *args, **kwargs)

    def run_in(self, container: Container, *, remove: bool = False) -> Container:
        """Start ``container``, run its command with the RUN shell, and stop it."""
        from .sh.run import run_container_command

        return run_container_command(self, container, remove=remove)
