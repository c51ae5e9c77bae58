"""The porcelain: an :class:`Engine` with Docker's vocabulary.

``engine.images`` and ``engine.containers`` are named like the Docker SDK for Python where it
fits (``get``, ``list``, ``tag``, ``remove``, ``prune``, ``create``, ``run``), and
``engine.df()`` gives the numbers of ``docker system df -v``.  Layers are stored once per
ChainID and reference-counted by the images that use them.

The package has one module per part: :mod:`~simulator.engine.store` (the layer store),
:mod:`~simulator.engine.images` (``engine.images``: tags, builds, save and load),
:mod:`~simulator.engine.containers` (``engine.containers``) and :mod:`~simulator.engine.df`
(disk usage and the ``docker images``/``ps``/``system df`` tables).  The engine is the
:class:`~simulator.builder.host.BuildHost` of its builds.

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

import contextlib
import datetime as _dt
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, Unpack

from .._locking import new_lock, synchronize
from ..backends import backend_named
from ..backends.base import Backend
from ..builder.builder import BuildOptions
from ..builder.builder import build as _build
from ..builder.host import ContextSource
from ..builder.result import BuildResult
from ..clock import LogicalClock, rfc3339
from ..errors import ImageNotFound, InvalidArgument, StoreError
from ..limits import Limits
from ..limits import resolve as resolve_limits
from ..model.container import Container, runtime_mounts
from ..model.image import HistoryEntry, Image
from ..model.overlay_options import DOCKER, OverlayOptions
from ..reference import parse_reference
from ..runtime.host import Host
from ..runtime.workload import Workload
from ..store import FsckReport
from .containers import ContainerCollection
from .df import IMAGE_STORES, ContainerUsage, DiskUsage, ImageUsage, disk_usage, status_text
from .images import ImageCollection
from .persist import Persistence, operation
from .store import LayerStore

__all__ = [
    "ContainerCollection",
    "ContainerUsage",
    "DiskUsage",
    "Engine",
    "ImageCollection",
    "ImageUsage",
    "LayerStore",
    "LogicalClock",
    "parse_reference",
]


@synchronize
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
        limits: what a command (``RUN``, ``exec_run``, ``containers.run``) may use: steps, time,
            memory, the container's disk, output (:class:`~simulator.limits.Limits`; default
            :data:`~simulator.limits.DEFAULT_LIMITS`, classroom-safe). A call's own ``limits=``
            wins; ``engine.limits`` can be changed at any time.
        root: a directory to keep everything in (a store on disk, see :mod:`simulator.store`):
            images, layers, tags, containers and the build cache survive the process, and other
            processes using the same root see them.  ``None`` (the default): in memory only.
        host: the machine started containers' main processes run on (CPUs, memory; see
            :mod:`simulator.runtime`); default ``Host()``: 4 CPUs, 8 GiB.
        image_store: Docker's image store: ``"containerd"`` (the default: the containerd image
            store of a fresh Docker 29 install) or ``"overlay2"`` (the graphdriver store of
            Docker 28 and of hosts upgraded to 29; the real Docker 20.10 of the real-tool tests
            uses it). They differ in ``docker images`` (IMAGE ID, SIZE), ``docker system df``,
            ``docker ps -s`` and ``docker pull``'s "Already exists" (see
            :mod:`simulator.engine.df`); ``docker diff`` is the same in both.
        overlay_options: the overlayfs mount options containers behave by
            (:class:`~simulator.model.overlay_options.OverlayOptions`: ``redirect_dir``,
            ``metacopy``, ``index``, ``xino``); default: Docker's overlay2 mounts, all off.
            Given to a backend named here; a backend object has its own.
    """

    def __init__(
        self,
        backend: Backend | str = "memory",
        *,
        clock: Callable[[], _dt.datetime] | None = None,
        state_dir: str | None = None,
        limits: Limits | None = None,
        root: str | os.PathLike[str] | None = None,
        host: Host | None = None,
        image_store: str = "containerd",
        overlay_options: OverlayOptions | None = None,
    ) -> None:
        if image_store not in IMAGE_STORES:
            raise InvalidArgument(
                f"image_store must be one of {', '.join(map(repr, IMAGE_STORES))} "
                f"(Docker's graphdriver store or the containerd store), not {image_store!r}"
            )
        self.image_store: str = image_store
        self._lock = new_lock()  # every public operation holds it (simulator._locking)
        # a name is mapped to its backend (BackendUnavailable says why overlayfs cannot run)
        if isinstance(backend, str):
            self.backend: Backend = backend_named(
                backend, state_dir=state_dir, overlay_options=overlay_options or DOCKER
            )
        else:
            if overlay_options is not None and getattr(backend, "overlay_options", DOCKER) != overlay_options:
                raise InvalidArgument(
                    f"overlay_options={overlay_options} differ from the backend's own; give them to the "
                    f"backend ({type(backend).__name__}(overlay_options=...)) or pass the backend by name"
                )
            self.backend = backend
        self.overlay_options: OverlayOptions = getattr(self.backend, "overlay_options", DOCKER)
        self.limits: Limits = resolve_limits(limits)
        self.clock = clock or LogicalClock()
        self.layers = LayerStore()
        self.images = ImageCollection(self)
        self.containers = ContainerCollection(self)
        self.build_cache: Any = None  # a simulator.builder.builder.BuildCache, made by the first build
        self.host = host or Host()  # where started containers' main processes run (simulator.runtime)
        self._persist: Persistence | None = None
        if root is not None:
            if getattr(self.backend, "name", "") != "memory":
                raise StoreError(
                    f"a store on disk (root={os.fspath(root)!r}) keeps containers of the memory backend "
                    f"only, not {getattr(self.backend, 'name', self.backend)!r}; drop root= or use backend='memory'"
                )
            self._persist = Persistence(self, os.fspath(root))

    @classmethod
    def open(cls, path: str | os.PathLike[str], **kwargs: Any) -> Engine:
        """An engine keeping its state in the store at ``path`` (created if missing): ``Engine(root=path)``."""
        return cls(root=path, **kwargs)

    @property
    def root(self) -> str | None:
        """The store's directory, or None for an in-memory engine."""
        return self._persist.store.root if self._persist is not None else None

    def sync(self) -> None:
        """Save what was changed on objects directly (``c.stop()``) and load what other processes did."""
        if self._persist is not None:
            with self._persist.operation():
                pass

    def fsck(self) -> FsckReport | None:
        """The store's consistency check (:func:`simulator.store.fsck`); None for an in-memory engine."""
        return self._persist.fsck() if self._persist is not None else None

    def close(self) -> None:
        """Save pending changes and close the store (an in-memory engine has nothing to close)."""
        if self._persist is not None:
            self.sync()
            self._persist.close()
            self._persist = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- time ---------------------------------------------------------------------------------
    def now(self) -> _dt.datetime:
        return self.clock()

    def clock_peek(self) -> _dt.datetime:
        peek = getattr(self.clock, "peek", None)
        return peek() if peek is not None else self.clock()

    # -- base image library (filled by simulator.distro.library) --------------------------------
    def library_has(self, ref: str) -> bool:
        from ..distro import library  # loads its data on first use only

        return bool(library.has(ref))

    def library_image(self, ref: str) -> Image:
        from ..distro import library

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
        return status_text(c, self.clock_peek())

    # -- what a container asks of its owner (model.container.ContainerOwner) --------------------
    def timestamp(self) -> str:
        """Now as RFC 3339 text (a container's ``started_at`` and ``finished_at``)."""
        return rfc3339(self.now())

    @operation
    def exec_in_container(self, container: Container, cmd: Any, **kwargs: Any) -> Any:
        """``container.exec_run(cmd)``: the command runs in the RUN shell."""
        from ..sh.run import exec_in

        kwargs.setdefault("limits", self.limits)
        if self._persist is not None:
            self._persist.dirty.add(container.id)

        return exec_in(container, cmd, **kwargs)

    @operation
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
        return disk_usage(self)

    # -- builds: the engine is the builder's BuildHost ------------------------------------------
    @operation
    def build(
        self, dockerfile: str | None = None, context: ContextSource = None, **options: Unpack[BuildOptions]
    ) -> BuildResult:
        """Build an image the way BuildKit would: ``tag=``, ``build_args=``, ``target=``, ``no_cache=``,
        ``filename=``, ``limits=``, ``strict=``, ``secrets=``, ``urls=``, ``progress=`` as
        :func:`simulator.builder.builder.build` takes them."""
        if self._persist is not None:
            self._persist.load_build_cache()
        if options.get("progress") is None and self.images.progress is not None:
            options["progress"] = self.images.progress("Building")  # the front end's bar
        return _build(self, dockerfile, context, **options)

    def base_image(self, ref: str) -> Image:
        """The image ``FROM ref`` starts from: a stored one, else pulled from the library."""
        return self.images.get_or_pull(ref)

    def resolved_digest(self, ref: str) -> str | None:
        """The manifest digest a build names ``FROM ref`` with (see :meth:`ImageCollection.resolved_digest`)."""
        return self.images.resolved_digest(ref)

    @operation
    def store_image(self, image: Image, tag: str | None = None) -> Image:
        """Keep a built image (tagged ``tag`` when given); returns the stored image."""
        return self.images.add(image, tag)

    @operation
    def run_in(
        self, container: Container, *, remove: bool = False, limits: Limits | None = None
    ) -> Container:
        """Start ``container``, run its command with the RUN shell, and stop it."""
        from ..sh.run import run_container_command

        if self._persist is not None:
            self._persist.dirty.add(container.id)
        return run_container_command(self, container, remove=remove, limits=limits or self.limits)

    def start_on_host(
        self,
        container: Container,
        workload: Workload | None,
        *,
        init: bool = False,
        stop_timeout: int | None = None,
        limits: Limits | None = None,
    ) -> None:
        """Start ``container``'s main process on ``engine.host``: ``workload``, or its command run
        once in the RUN shell (again at each restart; the output goes to its logs)."""
        from ..sh.run import run_container_command

        def runner(c: Container) -> tuple[int, bytes]:  # starts it, runs the command, leaves it exited
            run_container_command(self, c, limits=limits or self.limits)
            return c.exit_code or 0, c.output

        self.host.start(
            container,
            workload=workload,
            runner=None if workload is not None else runner,
            init=init,
            stop_signal=container.image.config.stop_signal or "SIGTERM",
            stop_timeout=stop_timeout,
        )
