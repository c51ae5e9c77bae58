"""What a mounted container holds on the host, released whichever comes first of close, garbage
collection and interpreter exit.

:class:`MountResources` keeps only the data needed to let go (the mount point, the method, the
container directory, the open directory handles), never the file system object itself: it is
the callback of a :func:`weakref.finalize` on that object, so a container dropped without
``close()`` (an engine made inside a function, a notebook cell re-run that rebinds ``engine``)
is unmounted and its directories removed when it is collected, and any still alive at exit are
released by ``finalize``'s own exit hook.  Calling the finalizer twice does nothing the second
time.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Any

from .cleanup import remove_tree
from .mounting import unmount

__all__ = ["MountResources", "guard"]


class MountResources:
    """The host side of one container: its directory, its mount point, its open handles."""

    __slots__ = ("directory", "handles", "merged_dir", "method", "mounted")

    def __init__(self, directory: str, merged_dir: str, method: str) -> None:
        self.directory = directory
        self.merged_dir = merged_dir
        self.method = method
        self.mounted = False
        self.handles: list[Any] = []  # objects with close() (directory fds), closed before unmounting

    def release(self) -> None:
        for handle in self.handles:
            with contextlib.suppress(OSError):
                handle.close()
        self.handles.clear()
        if self.mounted:
            unmount(self.merged_dir, self.method)
            self.mounted = False
        remove_tree(self.directory)


def guard(owner: object, resources: MountResources) -> weakref.finalize[Any, Any]:
    """Release ``resources`` when ``owner`` is collected or at exit; call the result to release now."""
    return weakref.finalize(owner, resources.release)
