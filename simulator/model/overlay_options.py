"""The overlayfs mount options a container's file system behaves by: :class:`OverlayOptions`.

The defaults are Docker's overlay2 mounts on a stock kernel: moby passes ``index=off`` itself
(``daemon/graphdriver/overlay2/overlay.go``: "figure out whether index=off option is recognized
by the kernel"), and leaves ``redirect_dir``, ``metacopy`` and ``xino`` at the overlay module's
defaults, which are off unless the kernel was built with ``CONFIG_OVERLAY_FS_REDIRECT_DIR``,
``CONFIG_OVERLAY_FS_METACOPY`` or ``CONFIG_OVERLAY_FS_XINO_AUTO`` (Debian's and this machine's:
``/sys/module/overlay/parameters/{redirect_dir,metacopy,xino_auto}`` read ``N``).

What each option changes (Documentation/filesystems/overlayfs.rst, checked on Linux 6.18 by
``tests/backends/test_kernel_options.py``):

- ``redirect_dir``: renaming a directory that comes from the image succeeds instead of failing
  with EXDEV; the moved directory in the upper layer carries ``trusted.overlay.redirect`` naming
  where its lower content lives, and a whiteout is left at the old name.
- ``metacopy``: chmod, chown and utime of a lower regular file copy up its metadata only (the
  upper file is sparse, with ``trusted.overlay.metacopy``); the data follows at the first open
  for writing.  The kernel refuses ``metacopy=on`` with ``redirect_dir=off``.
- ``index``: a lower file with several names stays one file (one inode, its ``st_nlink``) when
  one name is copied up; without it the copied-up name becomes a new file with one link.
- ``xino``: with every layer on one file system (Docker's ``/var/lib/docker``, the overlayfs
  backend's state directory) it changes nothing: the kernel says '"xino=on" is useless with all
  layers on same fs, ignore.' and every object already shows the overlay's ``st_dev`` and the
  underlying ``st_ino``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidArgument

__all__ = ["DOCKER", "OverlayOptions"]

_XINO = ("off", "on", "auto")


@dataclass(frozen=True, slots=True)
class OverlayOptions:
    """overlayfs mount options (defaults: Docker's overlay2 mounts, all off).

    Examples:
        >>> OverlayOptions().mount_options()
        {'redirect_dir': 'off', 'metacopy': 'off', 'index': 'off', 'xino': 'off'}
        >>> OverlayOptions(redirect_dir=True).mount_options()["redirect_dir"]
        'on'
    """

    redirect_dir: bool = False
    metacopy: bool = False
    index: bool = False
    xino: str = "off"

    def __post_init__(self) -> None:
        for name in ("redirect_dir", "metacopy", "index"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise InvalidArgument(f"OverlayOptions({name}={value!r}): give True or False")
        if self.xino not in _XINO:
            raise InvalidArgument(f"OverlayOptions(xino={self.xino!r}): give 'off', 'on' or 'auto'")
        if self.metacopy and not self.redirect_dir:
            raise InvalidArgument(
                "OverlayOptions(metacopy=True, redirect_dir=False): the kernel refuses this mount "
                "('conflicting options: metacopy=on,redirect_dir=off'); give redirect_dir=True too"
            )

    def mount_options(self) -> dict[str, str]:
        """The ``-o`` options of ``mount -t overlay`` (name -> ``on``/``off``/``auto``)."""
        onoff = {True: "on", False: "off"}
        return {
            "redirect_dir": onoff[self.redirect_dir],
            "metacopy": onoff[self.metacopy],
            "index": onoff[self.index],
            "xino": self.xino,
        }

    def __str__(self) -> str:
        return ",".join(f"{k}={v}" for k, v in self.mount_options().items())


DOCKER = OverlayOptions()
"""Docker's overlay2 mount options on a stock kernel: everything off."""
