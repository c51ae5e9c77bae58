"""The overlayfs backend: image layers as directories, containers as real overlay mounts.

Everything the backend writes lives below one *state directory* (``/var/tmp/layerlab-overlay``
unless told otherwise)::

    <state>/layers/<ns>/<chain-id hex>/    one materialised layer, shared read-only by every mount
    <state>/containers/<dir>/upper|work|merged|owner
    <state>/tmp/                           staging; a layer is renamed into place when complete

``owner`` holds the pid (and its start time) of the process that made the container, so that
:func:`cleanup` can tell the mounts of a crashed process from live ones.
"""

from __future__ import annotations

import atexit
import errno
import os
import shutil
import sys
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import BackendUnavailable
from ..model.image import Image
from ..model.union import UnionView

__all__ = ["DEFAULT_STATE_DIR", "Availability", "OverlayBackend", "availability", "cleanup", "mounts_under"]

DEFAULT_STATE_DIR = os.environ.get("LAYERLAB_OVERLAY_DIR", "/var/tmp/layerlab-overlay")


@dataclass(frozen=True)
class Availability:
    """Whether the backend can run here; ``reason`` says why not (or how it will run)."""

    ok: bool
    reason: str
    method: str = ""  # "kernel" or "fuse"
    xattr_ns: str = "trusted"

    def __bool__(self) -> bool:
        return self.ok


_CACHE: dict[tuple[str, str], Availability] = {}


def _process_start(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def _owner_text() -> str:
    return f"{os.getpid()} {_process_start(os.getpid())}\n"


def _owner_alive(text: str) -> bool:
    try:
        pid_s, start = ([*text.split(), ""])[:2]
        pid = int(pid_s)
    except ValueError:
        return False
    if not os.path.exists(f"/proc/{pid}"):
        return False
    return not start or _process_start(pid) == start


def _probe(state_dir: str, method: str) -> Availability:
    from . import _sys, mounting

    os.makedirs(os.path.join(state_dir, "tmp"), exist_ok=True)
    probe = tempfile.mkdtemp(prefix=f"probe-{os.getpid()}-", dir=os.path.join(state_dir, "tmp"))
    try:
        dirs = {name: os.path.join(probe, name) for name in ("lower", "upper", "work", "merged")}
        for d in dirs.values():
            os.mkdir(d)
        ns = "trusted"
        try:
            os.setxattr(dirs["lower"], "trusted.overlay.probe", b"y")
        except OSError:
            ns = "user"
        try:
            used = mounting.mount_overlay(
                dirs["merged"],
                [dirs["lower"]],
                dirs["upper"],
                dirs["work"],
                method=method,
                userxattr=ns == "user",
            )
        except BackendUnavailable:
            raise
        except Exception as exc:
            code = getattr(exc, "errno", None)
            if code in (errno.EPERM, errno.EACCES):
                return Availability(
                    False,
                    "not permitted: mounting overlayfs needs CAP_SYS_ADMIN (run as root) or fuse-overlayfs",
                    method,
                )
            return Availability(False, f"a test mount failed: {exc}", method)
        mounting.unmount(dirs["merged"], used)
        if method == "kernel" and not _sys.openat2_available():
            pass  # the per-component O_NOFOLLOW walk is used instead
        return Availability(True, f"{method} overlay mounts work (xattrs: {ns}.overlay.*)", method, ns)
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def availability(state_dir: str | None = None, method: str = "auto") -> Availability:
    """Can the overlayfs backend run here?  If not, ``reason`` says why.

    Checks, in order: Linux; ``overlay`` in ``/proc/filesystems``; a real test mount in the
    state directory.  When kernel mounts are refused and ``fuse-overlayfs`` is installed (with
    ``/dev/fuse``), the backend uses it (``method == "fuse"``).
    """
    state_dir = state_dir or DEFAULT_STATE_DIR
    key = (os.path.abspath(state_dir), method)
    if key in _CACHE:
        return _CACHE[key]
    if not sys.platform.startswith("linux"):
        result = Availability(False, f"not Linux (this is {sys.platform}); overlayfs is a Linux file system")
    else:
        try:
            with open("/proc/filesystems") as f:
                has_overlay = any(line.split()[-1] == "overlay" for line in f if line.strip())
        except OSError:
            has_overlay = False
        fuse = shutil.which("fuse-overlayfs") is not None and os.path.exists("/dev/fuse")
        if method == "fuse":
            result = (
                _probe(state_dir, "fuse")
                if fuse
                else Availability(False, "fuse-overlayfs (and /dev/fuse) are needed for method='fuse'")
            )
        elif not has_overlay and method == "kernel":
            result = Availability(False, "no overlay in /proc/filesystems (try: modprobe overlay)")
        else:
            result = (
                _probe(state_dir, "kernel")
                if has_overlay
                else Availability(False, "no overlay in /proc/filesystems (try: modprobe overlay)")
            )
            if not result.ok and method == "auto" and fuse:
                fallback = _probe(state_dir, "fuse")
                if fallback.ok:
                    result = Availability(
                        True,
                        f"kernel mounts failed ({result.reason}); using fuse-overlayfs",
                        "fuse",
                        fallback.xattr_ns,
                    )
    _CACHE[key] = result
    return result


# -- mounts and stale state --------------------------------------------------------------------
def _unescape_mountinfo(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 3 < len(text) and text[i + 1 : i + 4].isdigit():
            out.append(chr(int(text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def mounts_under(directory: str) -> list[str]:
    """Mount points at or below ``directory`` (from ``/proc/self/mountinfo``), deepest first."""
    prefix = os.path.realpath(directory)
    found = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                point = _unescape_mountinfo(line.split()[4])
                if point == prefix or point.startswith(prefix.rstrip("/") + "/"):
                    found.append(point)
    except OSError:
        return []
    return sorted(found, key=len, reverse=True)


def _remove_tree(path: str) -> None:
    """``rm -rf`` a backend directory, refusing while anything is mounted below it."""
    if mounts_under(path):
        raise OSError(errno.EBUSY, "still mounted; unmount before removing", path)
    shutil.rmtree(path, ignore_errors=True)


def cleanup(state_dir: str | None = None, *, all: bool = False, layers: bool = False) -> list[str]:
    """Unmount and remove what crashed processes left under the state directory.

    A container directory is stale when the process named in its ``owner`` file is gone;
    ``all=True`` removes live ones too.  ``layers=True`` also empties the layer cache (only when
    nothing is mounted any more).  Returns one line per action.
    """
    from .mounting import unmount

    state_dir = os.path.realpath(state_dir or DEFAULT_STATE_DIR)
    actions: list[str] = []
    containers = os.path.join(state_dir, "containers")
    for name in sorted(os.listdir(containers)) if os.path.isdir(containers) else []:
        cdir = os.path.join(containers, name)
        try:
            with open(os.path.join(cdir, "owner")) as f:
                owner = f.read()
        except OSError:
            owner = ""
        if _owner_alive(owner) and not all:
            continue
        for point in mounts_under(cdir):
            try:
                unmount(point, "fuse" if os.geteuid() != 0 else "kernel")
                actions.append(f"unmounted {point}")
            except OSError as exc:
                actions.append(f"could not unmount {point}: {exc}")
        try:
            _remove_tree(cdir)
            actions.append(f"removed {cdir}")
        except OSError as exc:
            actions.append(f"kept {cdir}: {exc}")
    tmp = os.path.join(state_dir, "tmp")
    for name in sorted(os.listdir(tmp)) if os.path.isdir(tmp) else []:
        path = os.path.join(tmp, name)
        pid = name.split("-")[1] if name.count("-") >= 2 else ""
        live = pid.isdigit() and os.path.exists(f"/proc/{pid}")  # "layer-<pid>-..." being written
        if (all or not live) and not mounts_under(path):
            shutil.rmtree(path, ignore_errors=True)
            actions.append(f"removed {path}")
    if layers and not mounts_under(state_dir):
        path = os.path.join(state_dir, "layers")
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
            actions.append(f"removed {path}")
    return actions


# -- the backend ---------------------------------------------------------------------------------
_LIVE: weakref.WeakSet[OverlayBackend] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for backend in list(_LIVE):
        backend.close()


class OverlayBackend:
    """Materialises layers and creates :class:`~simulator.backends.container.RealContainer` objects.

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
    ) -> None:
        self.state_dir = os.path.realpath(state_dir or DEFAULT_STATE_DIR)
        self.method = method
        self.xattr_ns = xattr_ns
        self.use_openat2 = use_openat2
        self.mount_api = mount_api
        for sub in ("layers", "containers", "tmp"):
            os.makedirs(os.path.join(self.state_dir, sub), mode=0o700, exist_ok=True)
        self._containers: weakref.WeakSet[Any] = weakref.WeakSet()
        self._lock = threading.Lock()
        _LIVE.add(self)

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
        from .layout import materialise

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
            f.write(_owner_text())
        return path

    def new_container(self, image: Image, **kwargs: Any) -> Any:
        """A :class:`~simulator.backends.container.RealContainer` of ``image`` (mounted now)."""
        from .container import RealContainer

        container = RealContainer(image, backend=self, **kwargs)
        self._containers.add(container)
        return container

    def containers(self) -> Iterator[Any]:
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
