"""Mounting and unmounting an overlay: kernel (old or new mount API) or fuse-overlayfs.

The old ``mount(2)`` API takes every option in one string that must fit in one page; each
``lowerdir`` path costs its length plus one.  Larger stacks use the new mount API, where
``fsconfig(..., "lowerdir+", path)`` appends one layer per call (Linux 6.8).
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess

from ...errors import BackendUnavailable
from ...model.overlay_options import DOCKER, OverlayOptions
from . import _sys

__all__ = ["MAX_STACK", "escape", "mount_options", "mount_overlay", "overlay_params", "unmount"]

MAX_STACK = 500
"""``OVL_MAX_STACK``: the kernel refuses more lower layers than this."""

PAGE = resource.getpagesize()


def escape(path: str) -> str:
    """A path for ``lowerdir=``/``upperdir=`` in a mount(2) option string (``\\``, ``:`` and ``,`` escaped)."""
    return path.replace("\\", "\\\\").replace(":", "\\:").replace(",", "\\,")


def overlay_params(options: OverlayOptions = DOCKER) -> dict[str, str]:
    """The mount options for ``options`` (default: Docker's, ``index=off``, no ``redirect_dir``/``metacopy``).

    Only options the running kernel knows are given (it lists them in
    ``/sys/module/overlay/parameters``; ``xino`` is given only when not ``off``).

    Raises:
        BackendUnavailable: an option asked on that this kernel does not have.
    """
    known = set()
    with contextlib.suppress(OSError):
        known = set(os.listdir("/sys/module/overlay/parameters"))
    wanted = options.mount_options()
    out: dict[str, str] = {}
    for name in ("index", "redirect_dir", "metacopy"):
        if name in known:
            out[name] = wanted[name]
        elif wanted[name] != "off":
            raise BackendUnavailable(f"this kernel's overlayfs has no {name} option (asked {name}=on)")
    if wanted["xino"] != "off":
        out["xino"] = wanted["xino"]
    return out


def mount_options(lowers: list[str], upper: str, work: str, extra: dict[str, str], userxattr: bool) -> str:
    parts = [
        f"lowerdir={':'.join(escape(p) for p in lowers)}",
        f"upperdir={escape(upper)}",
        f"workdir={escape(work)}",
    ]
    parts += [f"{k}={v}" for k, v in extra.items()]
    if userxattr:
        parts.append("userxattr")
    return ",".join(parts)


def mount_overlay(
    target: str,
    lowers: list[str],
    upper: str,
    work: str,
    *,
    method: str = "kernel",
    userxattr: bool = False,
    api: str = "auto",
    overlay: OverlayOptions = DOCKER,
) -> str:
    """Mount an overlay at ``target``; ``lowers`` is top first.  Returns the API used.

    ``api`` is ``"auto"`` (``mount(2)`` when the options fit in a page, else the new API),
    ``"old"`` or ``"new"``.

    Raises:
        BackendUnavailable: the stack is too deep for this kernel (with the reason).
        OSError: the kernel refused the mount.
    """
    if len(lowers) > MAX_STACK:
        raise BackendUnavailable(
            f"the image has {len(lowers)} layers; overlayfs stacks at most {MAX_STACK} lower directories"
        )
    extra = overlay_params(overlay)
    if method == "fuse":
        if overlay != DOCKER:
            raise BackendUnavailable(
                f"fuse-overlayfs has no redirect_dir, metacopy, index or xino option (asked {overlay}); "
                "use the kernel's overlayfs"
            )
        options = mount_options(lowers, upper, work, {}, False)
        binary = shutil.which("fuse-overlayfs")
        if binary is None:
            raise BackendUnavailable("fuse-overlayfs is not installed")
        subprocess.run([binary, "-o", options, target], check=True, capture_output=True)
        return "fuse"
    options = mount_options(lowers, upper, work, extra, userxattr)
    if api == "old" or (api == "auto" and len(os.fsencode(options)) < PAGE):
        _sys.mount("overlay", target, "overlay", options)
        return "old"
    flags = dict(extra)
    if userxattr:
        flags["userxattr"] = ""
    try:
        _sys.fsmount_overlay(target, lowers, upper, work, {k: v for k, v in flags.items() if v})
    except OSError as exc:
        if api == "auto":
            raise BackendUnavailable(
                f"the image's {len(lowers)} layers need {len(options)} bytes of mount options, more than one "
                f"page ({PAGE}), and this kernel's new mount API refused 'lowerdir+' (Linux 6.8 or later "
                f"has it): {exc}"
            ) from exc
        raise
    return "new"


def unmount(target: str, method: str = "kernel") -> None:
    """Unmount ``target`` (lazily if it is busy)."""
    if method == "fuse" and os.geteuid() != 0:
        tool = shutil.which("fusermount3") or shutil.which("fusermount")
        if tool is not None:
            subprocess.run([tool, "-u", "-z", target], check=False, capture_output=True)
            return
    try:
        _sys.umount(target)
    except OSError as exc:
        if exc.errno == 16:  # EBUSY: a program still has it open; detach it
            _sys.umount(target, detach=True)
        elif exc.errno != 22:  # EINVAL: not mounted
            raise
