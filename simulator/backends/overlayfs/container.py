"""A container whose file system is a real overlayfs mount.

:class:`RealContainer` is the model's :class:`~simulator.model.container.Container` (same
lifecycle, same public methods, same errors) built on an :class:`~.filesystem.OverlayFS`: every
file operation, ``upper``, ``diff()`` and ``copy_ups`` come from the mount, none from memory.
The class itself overrides nothing of the model; it adds what only a real mount has: its
directories on the host and :meth:`run_program`.
"""

from __future__ import annotations

import os
import stat as st
import subprocess
from collections.abc import Callable, Sequence

from ...errors import ContainerStateError
from ...model.container import Container, ContainerOwner, State
from ...model.image import Image
from ...model.paths import path_sort_key
from .filesystem import MountOptions, OverlayFS
from .layout import _xattr

__all__ = ["RealContainer", "upper_listing"]


class RealContainer(Container):
    """An image + a real overlay mount (``upperdir``/``workdir`` in the backend's state directory).

    Created by :meth:`OverlayBackend.new_container` (or ``Engine(backend="overlayfs")``).  It
    is a context manager: leaving the ``with`` block unmounts it and removes its directories.

    Attributes:
        overlay: its file system (also ``fs``), with the host paths ``directory``,
            ``merged_dir``, ``upper_dir`` and ``work_dir`` (shown here too, for ``ls -l`` in a
            lesson).  Do not pass ``merged_dir + path`` to host tools: a symlink in the image
            would be followed on the host.
        mount_api: ``"old"`` (mount(2)), ``"new"`` (fsconfig ``lowerdir+``) or ``"fuse"``.
    """

    def __init__(
        self,
        image: Image,
        *,
        lower_dirs: list[str],
        directory: str,
        options: MountOptions,
        id: str = "",
        name: str = "",
        command: tuple[str, ...] | None = None,
        created: str = "",
        on_remove: Callable[[Container], None] | None = None,
        owner: ContainerOwner | None = None,
    ) -> None:
        self.overlay = OverlayFS(
            image.view, lower_dirs, directory, options, check=self._alive, disk_limit=self._disk_limit
        )
        super().__init__(
            image,
            id=id,
            name=name,
            command=command,
            created=created,
            on_remove=on_remove,
            fs=self.overlay,
            owner=owner,
        )

    @property
    def lower_dirs(self) -> list[str]:
        return self.overlay.lower_dirs

    @property
    def directory(self) -> str:
        return self.overlay.directory

    @property
    def merged_dir(self) -> str:
        return self.overlay.merged_dir

    @property
    def upper_dir(self) -> str:
        return self.overlay.upper_dir

    @property
    def work_dir(self) -> str:
        return self.overlay.work_dir

    @property
    def mount_api(self) -> str:
        return self.overlay.mount_api

    def __enter__(self) -> RealContainer:
        return self

    def run_program(
        self,
        argv: Sequence[str],
        *,
        input: bytes | None = None,
        timeout: float = 60,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run a real program in the running container (see :meth:`OverlayFS.run_program`)."""
        self._alive()
        if self.state is not State.RUNNING:
            raise ContainerStateError(
                f"cannot run a program in container {self.name or self.id[:12]}: "
                f"it is {self.state.value} (needs running)"
            )
        return self.overlay.run_program(argv, input=input, timeout=timeout, env=env)

    def upper_listing(self) -> str:
        """The upper directory as ``ls -l`` shows it (:func:`upper_listing`)."""
        return upper_listing(self)

    def __repr__(self) -> str:
        return (
            f"<RealContainer {self.name or self.id[:12]} {self.state.value} image={self.image.short_id} "
            f"{self.merged_dir if self.state is not State.REMOVED else 'unmounted'}>"
        )


def upper_listing(container: RealContainer) -> str:
    """``ls -l``-like text of the upper directory: modes, whiteout devices (``c 0,0``), opaque dirs."""
    container._alive()
    lines = []
    for dirpath, dirnames, filenames, dirfd in os.fwalk(container.upper_dir, follow_symlinks=False):
        rel = os.path.relpath(dirpath, container.upper_dir)
        for name in sorted(dirnames + filenames):
            info = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
            path = "/" + (name if rel == "." else f"{rel}/{name}")
            mode = st.filemode(info.st_mode)
            extra = ""
            if st.S_ISCHR(info.st_mode):
                extra = (
                    f"  c {os.major(info.st_rdev)},{os.minor(info.st_rdev)}  (whiteout)"
                    if info.st_rdev == 0
                    else ""
                )
            elif st.S_ISLNK(info.st_mode):
                extra = f" -> {os.readlink(name, dir_fd=dirfd)}"
            elif st.S_ISDIR(info.st_mode):
                value = _xattr(dirfd, name, f"{container.overlay.options.xattr_ns}.overlay.opaque")
                if value is not None:
                    extra = f"  {container.overlay.options.xattr_ns}.overlay.opaque={value.decode()}"
            size = "" if st.S_ISDIR(info.st_mode) or st.S_ISCHR(info.st_mode) else f" {info.st_size}"
            lines.append((path, f"{mode} {info.st_uid}:{info.st_gid}{size} {path}{extra}"))
    return "\n".join(line for _, line in sorted(lines, key=lambda item: path_sort_key(item[0])))
