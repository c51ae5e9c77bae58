"""The overlayfs backend: image layers as directories, containers as real overlay mounts.

Everything the backend writes lives below one *state directory* (``/var/tmp/layerlab-overlay``
unless told otherwise)::

    <state>/layers/<ns>/<chain-id hex>/    one materialised layer, shared read-only by every mount
    <state>/containers/<dir>/upper|work|merged|owner
    <state>/tmp/                           staging; a layer is renamed into place when complete

The rooms: :mod:`.probe` (can it run here), :mod:`.mounting` (mount and unmount),
:mod:`.layout` (layers on disk, the upper directory read back), :mod:`.filesystem` (the system
calls on a mount: a :class:`~simulator.model.fs.ContainerFS`), :mod:`.container`
(:class:`RealContainer`), :mod:`.cleanup` (what crashed processes left).
"""

from __future__ import annotations

import atexit
import errno
import os
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ...errors import BackendUnavailable
from ...model.entries import Entry
from ...model.image import Image
from ...model.overlay_options import DOCKER, OverlayOptions
from ...model.union import UnionView
from .cleanup import cleanup, mounts_under, owner_text
from .layout import materialise
from .probe import DEFAULT_STATE_DIR, Availability, availability

if TYPE_CHECKING:
    from .container import RealContainer

__all__ = [
    "DEFAULT_STATE_DIR",
    "Availability",
    "OverlayBackend",
    "RealContainer",
    "availability",
    "cleanup",
    "mounts_under",
]


def __getattr__(name: str) -> object:
    # RealContainer imports the mount machinery (ctypes, Linux only): on first use
    if name == "RealContainer":
        from .container import RealContainer

        return RealContainer
    raise AttributeError(name)


# -- the backend ---------------------------------------------------------------------------------
_LIVE: weakref.WeakSet[OverlayBackend] = weakref.WeakSet()


def _close_all() -> None:
    for backend in list(_LIVE):
        backend.close()


def _keep(backend: OverlayBackend) -> None:
    """Close ``backend`` at interpreter exit (registered with the first backend, not on import)."""
    if not _LIVE:
        atexit.unregister(_close_all)  # at most one registration
        atexit.register(_close_all)
    _LIVE.add(backend)


class OverlayBackend:
    """Materialises layers and creates :class:`RealContainer` objects: a ``Backend``.

    Use :meth:`create` (it checks :func:`availability` first).  A backend is a context manager;
    closing it unmounts and removes every container it made.  Open backends are also closed at
    interpreter exit.
    """

    def __init__(
        self,
        state_dir: str | None = None,
        *,
        method: str = "kernel",
        xattr_ns: str = "trusted",
        use_openat2: bool | None = None,
        mount_api: str = "auto",
        overlay_options: OverlayOptions = DOCKER,
    ) -> None:
        if not isinstance(overlay_options, OverlayOptions):
            raise TypeError(
                f"overlay_options must be an OverlayOptions, not {type(overlay_options).__name__}"
            )
        self.overlay_options = overlay_options
        self.state_dir = os.path.realpath(state_dir or DEFAULT_STATE_DIR)
        self.method = method
        self.xattr_ns = xattr_ns
        self.use_openat2 = use_openat2
        self.mount_api = mount_api
        self.name = "overlayfs"
        for sub in ("layers", "containers", "tmp"):
            os.makedirs(os.path.join(self.state_dir, sub), mode=0o700, exist_ok=True)
        self._containers: weakref.WeakSet[RealContainer] = weakref.WeakSet()
        self._lock = threading.Lock()
        _keep(self)

    @classmethod
    def create(cls, state_dir: str | None = None, *, method: str = "auto", **options: Any) -> OverlayBackend:
        """A backend, or :class:`~simulator.errors.BackendUnavailable` with the reason."""
        found = availability(state_dir, method)
        if not found.ok:
            raise BackendUnavailable(found.reason)
        return cls(state_dir, method=found.method, xattr_ns=found.xattr_ns, **options)

    # -- layers -------------------------------------------------------------------------------
    def layer_dirs(self, image: Image) -> list[str]:
        """The image's materialised layer directories, bottom first (made on first use)."""
        root = os.path.join(self.state_dir, "layers", self.xattr_ns)
        os.makedirs(root, exist_ok=True)
        out = [os.path.join(root, chain.split(":", 1)[1]) for chain in image.chain_ids]
        missing = [n for n, path in enumerate(out) if not os.path.isdir(path)]
        if not missing:
            return out
        # the merged view below each layer, grown one layer at a time (copy-on-write, cheap)
        below = [UnionView([])]
        for layer in image.layers[: missing[-1]]:
            below.append(below[-1].extended(layer))

        def make(number: int) -> None:
            key = image.chain_ids[number].split(":", 1)[1]
            staging = tempfile.mkdtemp(
                prefix=f"layer-{os.getpid()}-", dir=os.path.join(self.state_dir, "tmp")
            )
            try:
                materialise(
                    image.layers[number],
                    os.path.join(staging, "d"),
                    below=below[number],
                    key=key,
                    xattr_ns=self.xattr_ns,
                )
                try:
                    os.rename(os.path.join(staging, "d"), out[number])
                except OSError as exc:
                    if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                        raise
            finally:
                shutil.rmtree(staging, ignore_errors=True)

        for number in missing:
            make(number)
        return out

    # -- containers ---------------------------------------------------------------------------
    def container_dir(self, hint: str) -> str:
        name = f"{(hint or uuid.uuid4().hex)[:12]}-{uuid.uuid4().hex[:8]}"
        path = os.path.join(self.state_dir, "containers", name)
        os.mkdir(path, 0o700)
        with open(os.path.join(path, "owner"), "w") as f:
            f.write(owner_text())
        return path

    def new_container(
        self, image: Image, *, mounts: Mapping[str, Entry] | None = None, **meta: Any
    ) -> RealContainer:
        """A :class:`RealContainer` of ``image``, mounted now.

        ``meta`` are the model container's (``id``, ``name``, ``command``, ``created``,
        ``on_remove``, ``owner``).  ``mounts`` (runtime bind mounts such as ``/etc/hosts``) are
        not made on a real mount: they are ignored.
        """
        from .container import RealContainer  # the mount machinery (ctypes, Linux only)
        from .filesystem import MountOptions

        lower_dirs = self.layer_dirs(image)
        directory = self.container_dir(meta.get("id") or meta.get("name") or "")
        options = MountOptions(
            self.method, self.xattr_ns, self.use_openat2, self.mount_api, self.overlay_options
        )
        container = RealContainer(image, lower_dirs=lower_dirs, directory=directory, options=options, **meta)
        self._containers.add(container)
        return container

    def containers(self) -> Iterator[RealContainer]:
        return iter(list(self._containers))

    def close(self) -> None:
        """Unmount and remove every container of this backend (the layer cache stays)."""
        for container in list(self._containers):
            container.close()

    def __enter__(self) -> OverlayBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<OverlayBackend {self.method} {self.state_dir}>"
