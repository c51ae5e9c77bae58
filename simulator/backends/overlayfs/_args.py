"""Argument checks of the overlay file system, the same as the model's (same error, same words).

The model (:class:`~simulator.model.cow.CopyOnWrite`) checks file data in its ``_bytes`` and a
mode inline in ``chmod``; this module reuses the first and spells the second the same way, so
``write_file(path, None)``, ``write_file(path, 5)`` and ``chmod(path, "755")`` raise the same
``TypeError`` on both backends.  User and group IDs are checked as Linux does: an ``int``,
``-1`` meaning "keep", and otherwise a valid ``uid_t`` (``0 .. 2**32 - 2``; ``chown_common``
returns ``EINVAL`` for an ID that maps to nothing), where Python's ``os.chown`` would raise
``OverflowError`` before the system call.
"""

from __future__ import annotations

import errno

from ...model.cow import CopyOnWrite
from ...model.paths import fs_error

__all__ = ["MAX_ID", "check_ids", "check_mode_type", "check_size", "file_bytes"]

MAX_ID = 2**32 - 2
"""The largest valid uid/gid (``(uid_t)-1``, 4294967295, means "no change")."""

file_bytes = CopyOnWrite._bytes
"""``str`` -> UTF-8, bytes-like -> bytes, anything else ``TypeError`` (the model's own check)."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_mode_type(mode: object) -> int:
    """A new file's or directory's mode is an ``int`` (``0o755``); the model's words.

    (``chmod`` and ``open`` check the range too, with the model's :func:`~simulator.model.fs.check_mode`.)"""
    if not _is_int(mode):
        raise TypeError(f"mode must be an int such as 0o755, not {mode!r}")
    return mode  # type: ignore[return-value]


def check_ids(path: str, uid: object, gid: object) -> None:
    """``TypeError`` for a non-int, ``OSError(EINVAL)`` for an ID no ``uid_t`` can hold."""
    for name, value in (("uid", uid), ("gid", gid)):
        if not _is_int(value):
            raise TypeError(f"{name} must be an int (-1 keeps it), not {value!r}")
        if not -1 <= value <= MAX_ID:  # type: ignore[operator]
            raise fs_error(errno.EINVAL, path)


def check_size(path: str, size: object) -> int:
    """A file size for ``truncate``: an ``int``, not negative (``EINVAL`` as ``truncate(2)``)."""
    if not _is_int(size):
        raise TypeError(f"size must be an int, not {size!r}")
    if size < 0:  # type: ignore[operator]
        raise fs_error(errno.EINVAL, path)
    return size  # type: ignore[return-value]
