"""Can the overlayfs backend run here?  :func:`availability` says, with the reason if not.

A state directory (``/var/tmp/layerlab-overlay`` unless told otherwise) holds what the backend
writes; the probe makes a real test mount in it.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass

from ...errors import BackendUnavailable

__all__ = ["DEFAULT_STATE_DIR", "Availability", "availability"]

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


def _probe(state_dir: str, method: str) -> Availability:
    from . import _sys, mounting  # ctypes and Linux system calls: only once we know it is Linux

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


def _sys_openat2() -> bool:
    from . import _sys

    return _sys.openat2_available()


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
    elif not _sys_openat2():
        result = Availability(
            False,
            "openat2(2) is missing or blocked (Linux 5.6+ has it): the backend hands every path to the "
            "kernel with openat2(RESOLVE_IN_ROOT), so that the kernel walks it inside the container's root",
        )
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
