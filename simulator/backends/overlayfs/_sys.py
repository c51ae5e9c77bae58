"""Thin ctypes wrappers for the Linux system calls the overlayfs backend needs.

``mount(2)``/``umount2(2)``, the new mount API (``fsopen``/``fsconfig``/``fsmount``/
``move_mount``) and ``openat2(2)`` with ``RESOLVE_*`` flags.  Every wrapper raises ``OSError``
with the real errno.  Nothing here is imported on non-Linux hosts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform

__all__ = [
    "RESOLVE_BENEATH",
    "RESOLVE_IN_ROOT",
    "RESOLVE_NO_MAGICLINKS",
    "RESOLVE_NO_SYMLINKS",
    "fsmount_overlay",
    "have_new_mount_api",
    "mount",
    "openat2",
    "openat2_available",
    "umount",
]

# Syscall numbers of the generic table, shared by x86_64 and arm64 (SEMANTICS §1.1).
_GENERIC = {
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "openat2": 437,
}
_MACHINES = {"x86_64", "aarch64", "arm64", "riscv64", "loongarch64"}

FSCONFIG_SET_FLAG = 0
FSCONFIG_SET_STRING = 1
FSCONFIG_CMD_CREATE = 6
FSOPEN_CLOEXEC = 1
FSMOUNT_CLOEXEC = 1
MOVE_MOUNT_F_EMPTY_PATH = 0x4
AT_FDCWD = -100
MNT_DETACH = 2

RESOLVE_NO_XDEV = 0x01
RESOLVE_NO_MAGICLINKS = 0x02
RESOLVE_NO_SYMLINKS = 0x04
RESOLVE_BENEATH = 0x08
RESOLVE_IN_ROOT = 0x10

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _check(result: int, what: str, path: str | None = None) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}", path)
    return result


def _nr(name: str) -> int | None:
    return _GENERIC[name] if platform.machine() in _MACHINES else None


def mount(source: str, target: str, fstype: str, options: str, flags: int = 0) -> None:
    """``mount(2)`` with a data string (the old API; the data must fit in one page)."""
    _check(
        _libc.mount(
            source.encode(), os.fsencode(target), fstype.encode(), ctypes.c_ulong(flags), os.fsencode(options)
        ),
        "mount",
        target,
    )


def umount(target: str, *, detach: bool = False) -> None:
    _check(_libc.umount2(os.fsencode(target), MNT_DETACH if detach else 0), "umount", target)


# -- the new mount API --------------------------------------------------------------------------
def have_new_mount_api() -> bool:
    return _nr("fsopen") is not None


def _syscall(name: str, *args: object) -> int:
    nr = _nr(name)
    if nr is None:
        raise OSError(38, f"{name} is not wired for machine {platform.machine()}")  # ENOSYS
    return _check(_libc.syscall(ctypes.c_long(nr), *args), name)


def fsmount_overlay(
    target: str, lowers: list[str], upper: str | None, work: str | None, flags: dict[str, str]
) -> None:
    """Mount overlayfs at ``target`` with ``fsopen``/``fsconfig``: one ``lowerdir+`` call per layer.

    ``lowers`` is top first.  ``lowerdir+`` (Linux 6.8) takes each path literally, so a stack
    larger than one page of mount options (or paths with ``:`` and ``,``) can be mounted.
    """
    fs_fd = _syscall("fsopen", b"overlay", ctypes.c_uint(FSOPEN_CLOEXEC))
    try:

        def set_string(key: str, value: str) -> None:
            try:
                _syscall(
                    "fsconfig",
                    ctypes.c_int(fs_fd),
                    ctypes.c_uint(FSCONFIG_SET_STRING),
                    key.encode(),
                    os.fsencode(value),
                    ctypes.c_int(0),
                )
            except OSError as exc:
                raise OSError(exc.errno, f"fsconfig {key}={value!r}: {os.strerror(exc.errno or 0)}") from None

        for lower in lowers:
            set_string("lowerdir+", lower)
        if upper is not None and work is not None:
            set_string("upperdir", upper)
            set_string("workdir", work)
        for key, value in flags.items():
            set_string(key, value)
        _syscall(
            "fsconfig", ctypes.c_int(fs_fd), ctypes.c_uint(FSCONFIG_CMD_CREATE), None, None, ctypes.c_int(0)
        )
        mnt_fd = _syscall("fsmount", ctypes.c_int(fs_fd), ctypes.c_uint(FSMOUNT_CLOEXEC), ctypes.c_uint(0))
        try:
            _syscall(
                "move_mount",
                ctypes.c_int(mnt_fd),
                b"",
                ctypes.c_int(AT_FDCWD),
                os.fsencode(target),
                ctypes.c_uint(MOVE_MOUNT_F_EMPTY_PATH),
            )
        finally:
            os.close(mnt_fd)
    finally:
        os.close(fs_fd)


# -- openat2 ------------------------------------------------------------------------------------
class _OpenHow(ctypes.Structure):
    _fields_ = (("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64))


#: How many times an ``EAGAIN`` of ``openat2`` is retried.  With ``RESOLVE_IN_ROOT`` the kernel
#: refuses a path with ``..`` when a rename anywhere on the machine raced the walk (it cannot
#: prove the ``..`` stayed inside), and openat2(2) says "the caller may choose to retry"; a
#: retry succeeds unless renames never stop, so a bounded number is enough.
OPENAT2_RETRIES = 100


def openat2(dir_fd: int, path: str, flags: int, resolve: int, mode: int = 0) -> int:
    """``openat2(2)``: open ``path`` below ``dir_fd`` with ``RESOLVE_*`` restrictions (an
    ``EAGAIN`` from a racing rename is retried up to :data:`OPENAT2_RETRIES` times)."""
    how = _OpenHow(flags, mode, resolve)
    encoded = os.fsencode(path)
    for attempt in range(OPENAT2_RETRIES + 1):
        try:
            return _syscall(
                "openat2",
                ctypes.c_int(dir_fd),
                encoded,
                ctypes.byref(how),
                ctypes.c_size_t(ctypes.sizeof(how)),
            )
        except OSError as exc:
            if exc.errno == errno.EAGAIN and attempt < OPENAT2_RETRIES:
                continue
            raise OSError(exc.errno, os.strerror(exc.errno or 0), path) from None
    raise AssertionError("unreachable")  # pragma: no cover


_OPENAT2: bool | None = None


def openat2_available() -> bool:
    """Whether ``openat2`` works here (Linux 5.6+, not blocked by seccomp)."""
    global _OPENAT2
    if _OPENAT2 is None:
        try:
            fd = openat2(AT_FDCWD, "/", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC, RESOLVE_NO_SYMLINKS)
        except OSError:
            _OPENAT2 = False
        else:
            os.close(fd)
            _OPENAT2 = True
    return _OPENAT2
