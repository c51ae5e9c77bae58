"""Containers: an image, a file system with a writable layer over it, and a lifecycle.

The container is the one mutable object of the model.  Its file operations are those of its
file system (:class:`~simulator.model.fs.ContainerFS`): by default the model's
:class:`~simulator.model.cow.CopyOnWrite`, which behaves like the kernel's overlayfs as Docker
mounts it; a backend can give a container another one (a real overlay mount).  ``upper``,
``diff()`` and ``size_rw`` read the writable layer back from the file system
(:mod:`simulator.model.diff`), whichever it is.

``commit()`` and ``exec_run()`` need an engine (a store for the image, a shell for the
command): the container asks its *owner*, an object given at creation that implements
:class:`ContainerOwner` (the engine does).  A bare ``Container(image)`` has none.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from .._locking import synchronize
from ..errors import ContainerStateError, FileTooLarge
from ..runtime.process import exit_code_of, parse_signal
from ..runtime.resources import Cgroup, Resources
from ..runtime.restart import RestartPolicy
from .cow import CopyOnWrite
from .cow_options import changeset_entries
from .diff import Change, changes_in_style
from .diff import size_rw as _size_rw
from .entries import Entry
from .fs import ContainerFS, CopyUp, FileHandle
from .image import Image
from .layer import Layer
from .overlay_options import DOCKER, OverlayOptions
from .permissions import ROOT, Credentials
from .union import UnionView

__all__ = [
    "ROOT",
    "Change",
    "Container",
    "ContainerOwner",
    "ContainerRuntime",
    "CopyUp",
    "Credentials",
    "State",
    "runtime_mounts",
]


class State(enum.Enum):
    """Docker's container states."""

    CREATED = "created"
    RUNNING = "running"
    PAUSED = "paused"
    RESTARTING = "restarting"  # exited; its restart policy starts it again after the back-off
    EXITED = "exited"
    REMOVED = "removed"


def runtime_mounts(hostname: str) -> dict[str, Entry]:
    """The files a container runtime bind-mounts into every container (Docker, runc, BuildKit).

    They live outside the writable layer: writing to them never reaches ``diff()`` or a commit,
    and ``rm`` of them fails with EBUSY, as ``RUN rm -rf /etc`` does under Docker.
    """
    return {
        "/etc/hosts": Entry.file(
            f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            f"127.0.0.1\t{hostname}\n".encode()
        ),
        "/etc/hostname": Entry.file(f"{hostname}\n".encode()),
        "/etc/resolv.conf": Entry.file(b"# layerlab: the simulator has no network\nnameserver 127.0.0.1\n"),
    }


class ContainerOwner(Protocol):
    """What a container asks of the engine that made it (for ``commit``, ``exec_run`` and times)."""

    def commit_container(
        self, container: Container, *, repository: str, tag: str, message: str, author: str
    ) -> Image: ...

    def exec_in_container(self, container: Container, cmd: str | list[str], **kwargs: Any) -> Any: ...

    def timestamp(self) -> str:
        """Now, as RFC 3339 text (for ``started_at`` and ``finished_at``)."""
        ...


class ContainerRuntime(Protocol):
    """Where a started container's main process runs (a :class:`simulator.runtime.Host`)."""

    def start_again(self, container: Any) -> None: ...

    def stop(self, container: Any, timeout: int | None = None) -> None: ...

    def kill(self, container: Any, signal: int | str = "SIGKILL") -> None: ...

    def wait(self, container: Any, timeout: float | None = None) -> dict[str, Any]: ...


@synchronize
class Container:
    """A container: ``image`` + a file system with a writable layer + a lifecycle state.

    Created by the engine (``engine.containers.create``); the file operations below can also
    be used on a bare ``Container(image)`` in tests and notebooks.

    Args:
        fs: the file system (default: a :class:`~simulator.model.cow.CopyOnWrite` over the
            image with ``mounts``); one given here should refuse its operations once it is
            discarded (the container removed).
        owner: the engine that made it, for ``commit``, ``exec_run`` and the lifecycle's times.
        overlay_options: the overlayfs mount options the default file system behaves by
            (:class:`~simulator.model.overlay_options.OverlayOptions`; Docker's by default).
    """

    def __init__(
        self,
        image: Image,
        *,
        id: str = "",
        name: str = "",
        command: tuple[str, ...] | None = None,
        created: str = "",
        on_remove: Callable[[Container], None] | None = None,
        mounts: Mapping[str, Entry] | None = None,
        fs: ContainerFS | None = None,
        owner: ContainerOwner | None = None,
        overlay_options: OverlayOptions = DOCKER,
    ) -> None:
        if fs is not None and mounts is not None:
            raise TypeError("give the mounts to the file system, not to a container given one")
        if fs is not None and overlay_options != DOCKER:
            raise TypeError("give the overlay options to the file system, not to a container given one")
        self.image = image
        self.id = id
        self.name = name
        self.command = command
        self.created = created
        self.state = State.CREATED
        self.exit_code: int | None = None
        self.output = b""  # what its command printed, after ``containers.run`` (docker logs)
        self.started_at = ""  # RFC 3339 times, when the container has an owner
        self.finished_at = ""
        self.owner = owner
        # the process side (simulator.runtime): options given at creation, state kept by the host
        self.resources = Resources()  # mem_limit, cpus ... (container.cgroup shows the files)
        self.restart_policy = RestartPolicy()
        self.oom_killed = False  # docker inspect .State.OOMKilled
        self.restart_count = 0  # docker inspect .RestartCount
        self.runtime: ContainerRuntime | None = None  # the host running its main process, once started
        self._on_remove = on_remove
        self.fs: ContainerFS = (
            fs
            if fs is not None
            else CopyOnWrite(
                image.view,
                mounts=mounts,
                check=self._alive,
                disk_limit=self._disk_limit,
                options=overlay_options,
            )
        )

    # ------------------------------------------------------------------ lifecycle
    @property
    def status(self) -> str:
        return self.state.value

    def _require(self, *states: State, action: str) -> None:
        if self.state not in states:
            allowed = " or ".join(s.value for s in states)
            raise ContainerStateError(
                f"cannot {action} container {self.name or self.id[:12]}: it is {self.state.value} (needs {allowed})"
            )

    def _now(self) -> str:
        return self.owner.timestamp() if self.owner is not None else ""

    def start(self) -> Container:
        """``docker start``: on a host (``runtime``), its main process runs again."""
        if self.runtime is not None:
            self.runtime.start_again(self)
            return self
        return self.mark_running()

    def mark_running(self) -> Container:
        """The state change of a start (the host calls it when it launches the main process)."""
        self._require(State.CREATED, State.EXITED, State.RESTARTING, action="start")
        self.state = State.RUNNING
        self.exit_code = None
        self.oom_killed = False  # moby State.SetRunning clears it
        self.started_at = self._now()
        return self

    def mark_restarting(self) -> None:
        """The container exited and its restart policy will start it again (``docker ps``: Restarting)."""
        self._require(State.EXITED, action="restart")
        self.state = State.RESTARTING

    @property
    def cgroup(self) -> Cgroup:
        """The cgroup v2 files its resource options become (``cpu.max``, ``memory.max`` ...)."""
        return self.resources.cgroup()

    def pause(self) -> Container:
        self._require(State.RUNNING, action="pause")
        self.state = State.PAUSED
        return self

    def unpause(self) -> Container:
        self._require(State.PAUSED, action="unpause")
        self.state = State.RUNNING
        return self

    def stop(self, exit_code: int | None = None, *, timeout: int | None = None) -> Container:
        """Stop a running or paused container (it keeps its writable layer).

        With a host running its process (``runtime``) and no ``exit_code``, this is ``docker
        stop``: the stop signal, then SIGKILL after ``timeout`` seconds (default 10).  With an
        ``exit_code``, the process has exited with it (what the host and the shell report).
        """
        if exit_code is None and self.runtime is not None:
            self.runtime.stop(self, timeout)
            return self
        self._require(State.RUNNING, State.PAUSED, State.RESTARTING, action="stop")
        self.state = State.EXITED
        self.exit_code = 0 if exit_code is None else exit_code
        self.finished_at = self._now()
        return self

    def kill(self, signal: int | str = "SIGKILL") -> Container:
        """``docker kill [-s signal]``: exit ``128 + n`` (137 for SIGKILL) unless the process
        handles or (as PID 1) ignores the signal."""
        if self.runtime is not None:
            self.runtime.kill(self, signal)
            return self
        number = parse_signal(signal)
        self._require(State.RUNNING, State.PAUSED, action="kill")
        return self.stop(exit_code_of(number))

    def wait(self, timeout: float | None = None) -> dict[str, Any]:
        """``container.wait()``: ``{"StatusCode": exit code, "Error": None}`` once it exits."""
        if self.runtime is not None:
            return self.runtime.wait(self, timeout)
        if self.state is State.RUNNING or self.state is State.PAUSED:
            raise ContainerStateError(
                f"container {self.name or self.id[:12]} runs no process to wait for (start it on a host)"
            )
        return {"StatusCode": self.exit_code if self.exit_code is not None else 0, "Error": None}

    def logs(self) -> bytes:
        """``docker logs``: what its main process printed (every run, restarts included)."""
        return self.output

    def remove(self, force: bool = False) -> None:
        """Remove the container: its writable layer is discarded; the image is untouched.

        Raises:
            ContainerStateError: it is running or paused and ``force`` is false (as Docker refuses).
        """
        if self.state is State.REMOVED:
            raise ContainerStateError(f"container {self.name or self.id[:12]} is already removed")
        if self.state in (State.RUNNING, State.PAUSED, State.RESTARTING) and not force:
            raise ContainerStateError(
                f"cannot remove container {self.name or self.id[:12]}: it is {self.state.value}; "
                "stop it first or remove it with force=True"
            )
        self.state = State.REMOVED
        if self._on_remove is not None:
            self._on_remove(self)
        self.fs.discard()

    def close(self) -> None:
        """Remove the container unless it is removed already; used by ``with``."""
        if self.state is not State.REMOVED:
            self.remove(force=True)

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _disk_limit(self) -> int | None:
        """The owner's ``limits.disk`` (an engine's), asked at each write; none without an owner."""
        limits = getattr(self.owner, "limits", None)
        return getattr(limits, "disk", None)

    def _alive(self) -> None:
        if self.state is State.REMOVED:
            raise ContainerStateError(
                f"container {self.name or self.id[:12]} was removed: its writable layer is gone"
            )

    # ------------------------------------------------------------------ the file system
    @property
    def lower(self) -> UnionView:
        return self.image.view

    @property
    def credentials(self) -> Credentials:
        """Who makes the file operations (root by default; the RUN shell sets the USER's)."""
        return self.fs.credentials

    @credentials.setter
    def credentials(self, who: Credentials) -> None:
        self.fs.credentials = who

    @property
    def copy_ups(self) -> list[CopyUp]:
        """Every copy-up so far, in order (:class:`CopyUp`)."""
        return self.fs.copy_ups

    @property
    def mounts(self) -> dict[str, Entry]:
        """Runtime bind mounts (``/etc/hosts`` ...): outside the writable layer."""
        return self.fs.mounts

    def source_of(self, path: str) -> str:
        """``"upper"`` or ``"layer N"``: where ``path`` is served from (symlinks followed)."""
        return self.fs.source_of(path)

    def open(self, path: str, mode: str | int = "r", perms: int = 0o666) -> FileHandle:
        """Open ``path``: ``mode`` is a Python mode string (``"r"``, ``"r+"``, ``"w"``, ``"a"``,
        ``"x"``, with ``+``/``b``) or ``os.O_*`` flags; returns a file with ``read``, ``write``,
        ``seek``, ``truncate``, ``fstat`` and ``close`` (a context manager).

        Opening an image file for writing copies it up at once, even if nothing is written
        (``open("big", "r+")`` copies all of ``big``); ``perms`` is the mode of a new file.
        """
        return self.fs.open(path, mode, perms)

    def read_file(self, path: str) -> bytes:
        """Content of a regular file (symlinks followed).

        Raises:
            FileTooLarge: the file is bigger than the owner engine's memory limit
                (``limits.memory``): read it in pieces with :meth:`open` instead.
        """
        limit = getattr(getattr(self.owner, "limits", None), "memory", None)
        if limit is not None:
            with contextlib.suppress(OSError):  # the read itself reports a missing file
                size = self.fs.stat(path).size
                if size > limit:
                    raise FileTooLarge(
                        f"{path} is {size:,} bytes, more than the engine's memory limit ({limit:,} bytes): "
                        f"read it in pieces with container.open({path!r}, 'rb').read(n), "
                        "or raise Limits(memory=...)"
                    )
        return self.fs.read_file(path)

    def stat(self, path: str, *, follow_symlinks: bool = True) -> Entry:
        """The entry at ``path`` (like ``stat``/``lstat``)."""
        return self.fs.stat(path, follow_symlinks=follow_symlinks)

    def lstat(self, path: str) -> Entry:
        return self.fs.lstat(path)

    def exists(self, path: str) -> bool:
        return self.fs.exists(path)

    def listdir(self, path: str) -> list[str]:
        """Sorted names in a directory (upper and lower merged, whiteouts hidden)."""
        return self.fs.listdir(path)

    def readlink(self, path: str) -> str:
        return self.fs.readlink(path)

    def walk(self, top: str = "/") -> Iterator[tuple[str, Entry]]:
        """Every visible path below ``top`` (not following symlinks), parents first, sorted."""
        return self.fs.walk(top)

    def write_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        """``open(path, O_WRONLY|O_CREAT|O_TRUNC)`` then write ``data``.

        An existing lower file is copied up whole first (then truncated), keeping its mode and
        owner; a new file gets ``mode``.
        """
        self.fs.write_file(path, data, mode)

    def append_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        """``open(path, O_WRONLY|O_CREAT|O_APPEND)`` then write ``data`` (full copy-up first)."""
        self.fs.append_file(path, data, mode)

    def truncate(self, path: str, size: int) -> None:
        """``truncate(path, size)``: the file must exist; it is copied up with its data first."""
        self.fs.truncate(path, size)

    def touch(self, path: str, mode: int = 0o644) -> None:
        """``touch``: create an empty file, or copy up an existing one (its mtime changes)."""
        self.fs.touch(path, mode)

    def chmod(self, path: str, mode: int) -> None:
        """Change permission bits; copies a lower file up whole, even if the mode is unchanged."""
        self.fs.chmod(path, mode)

    def chown(self, path: str, uid: int, gid: int, *, follow_symlinks: bool = True) -> None:
        """Change owner (``-1`` keeps a value); copies a lower file up whole."""
        self.fs.chown(path, uid, gid, follow_symlinks=follow_symlinks)

    def lchown(self, path: str, uid: int, gid: int) -> None:
        self.fs.lchown(path, uid, gid)

    def mkdir(self, path: str, mode: int = 0o755) -> None:
        """Create a directory; over a whiteout it is opaque (lower contents stay hidden)."""
        self.fs.mkdir(path, mode)

    def makedirs(self, path: str, mode: int = 0o755, exist_ok: bool = True) -> None:
        """``mkdir -p``."""
        self.fs.makedirs(path, mode, exist_ok)

    def rmdir(self, path: str) -> None:
        """Remove an empty directory (empty in the merged view)."""
        self.fs.rmdir(path)

    def unlink(self, path: str) -> None:
        """Remove a non-directory name; a whiteout is left when it exists below."""
        self.fs.unlink(path)

    remove_file = unlink

    def symlink(self, target: str, path: str) -> None:
        """Create ``path`` as a symlink to ``target`` (no copy-up of anything but parents)."""
        self.fs.symlink(target, path)

    def link(self, src: str, dst: str) -> None:
        """Hard link ``dst`` to ``src``; a lower ``src`` is copied up first (as overlayfs does)."""
        self.fs.link(src, dst)

    def rename(self, src: str, dst: str) -> None:
        """``rename(2)``: files move (leaving a whiteout when the old name exists below);
        directories from the image fail with EXDEV, as overlayfs without ``redirect_dir``."""
        self.fs.rename(src, dst)

    # ------------------------------------------------------------------ results
    @property
    def upper(self) -> Layer:
        """The writable layer as a changeset (a snapshot, like any layer): what ``commit`` and
        ``export`` write (a directory renamed with ``redirect_dir`` is written whole)."""
        self._alive()
        entries = changeset_entries(self.fs)
        return Layer.of(((p, e) for p, e in entries.items() if p != "/"), created_by="writable layer")

    @property
    def upper_entries(self) -> dict[str, Entry]:
        """A copy of the writable layer's raw table (path -> entry)."""
        return dict(self.fs.writable_entries())

    @property
    def size_rw(self) -> int:
        """``docker ps -s`` SIZE: bytes of files and symlinks in the writable layer."""
        if self.state is State.REMOVED:
            return 0
        return _size_rw(changeset_entries(self.fs))

    @property
    def size_root_fs(self) -> int:
        """``docker ps -s`` virtual size: the writable layer plus the image's layers."""
        return self.size_rw + self.image.size

    def diff(self, style: str = "docker") -> list[Change]:
        """``docker diff``: A/C/D lines comparing the merged view with the image's.

        ``style="docker"`` (Docker with either image store, :func:`simulator.model.diff.changes`)
        or ``"podman"`` (``podman diff``: a re-created directory is ``D``, in walk order;
        :func:`simulator.model.diff.podman_changes`).
        """
        self._alive()
        return changes_in_style(changeset_entries(self.fs), self.fs.touched_paths(), self.lower, style)

    def diff_text(self, style: str = "docker") -> str:
        return "\n".join(str(c) for c in self.diff(style))

    def __repr__(self) -> str:
        return f"<Container {self.name or self.id[:12]} {self.state.value} image={self.image.short_id}>"

    # ------------------------------------------------------------------ through the owner (the engine)
    def exec_run(self, cmd: str | list[str], **kwargs: Any) -> Any:
        """Run ``cmd`` in the running container with the RUN shell (``docker exec``).

        Returns an ``ExecResult(exit_code, output)`` like the Docker SDK's.
        """
        self._alive()
        self._require(State.RUNNING, action="exec in")
        if self.owner is None:
            raise ContainerStateError("this container does not belong to an engine, so it has no shell")
        return self.owner.exec_in_container(self, cmd, **kwargs)

    def commit(
        self, repository: str = "", tag: str = "latest", *, message: str = "", author: str = ""
    ) -> Image:
        """A new image whose top layer is this container's writable layer (``docker commit``)."""
        self._alive()
        if self.owner is None:
            raise ContainerStateError(
                "this container does not belong to an engine; use image.with_layer(c.upper, ...)"
            )
        return self.owner.commit_container(
            self, repository=repository, tag=tag, message=message, author=author
        )
