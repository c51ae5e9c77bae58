"""The kernel's rules for the last name of a path, shared by every file system (``fs/namei.c``).

Each system call treats the last component of its path its own way: ``stat`` follows a
symlink there, ``unlink`` does not, ``mkdir`` wants it missing, ``open(O_CREAT)`` refuses a
trailing slash ...  The functions here decide those answers, in the kernel's order, from the
entries a lookup function returns, so the model (:class:`~simulator.model.cow.CopyOnWrite`)
and the real backend (which looks up through its mount) answer alike.  The whole-path rules
(ENOENT/ENOTDIR on the way, ELOOP, ENAMETOOLONG) are in :mod:`simulator.model.paths`.

Sources (Linux 6.x ``fs/namei.c`` and ``fs/open.c``, checked against this machine's kernel by
``tests/model/test_path_rules_kernel.py``): ``build_open_flags``, ``open_last_lookups``,
``do_open``, ``may_open``, ``filename_create``, ``do_unlinkat``, ``do_rmdir``, ``do_renameat2``.
"""

from __future__ import annotations

import errno
import os

from ..errors import InvalidArgument
from .entries import Entry, Kind
from .paths import (
    Found,
    Last,
    Lookup,
    check_length,
    count_link,
    follow,
    fs_error,
    look,
    lookup_path,
    walk_parent,
)

__all__ = [
    "OPEN_FLAGS",
    "create_last",
    "open_flags",
    "open_lookup",
    "rename_lasts",
    "rmdir_last",
    "touch_lookup",
    "unlink_last",
    "wants_write",
]

OPEN_FLAGS = (
    os.O_ACCMODE
    | os.O_CREAT
    | os.O_EXCL
    | os.O_TRUNC
    | os.O_APPEND
    | os.O_DIRECTORY
    | os.O_NOFOLLOW
    | os.O_CLOEXEC
    | os.O_NOCTTY
    | os.O_NONBLOCK
)
"""The ``open(2)`` flags the simulator models (the others are refused with a clear error)."""

_MODES = {
    "r": os.O_RDONLY,
    "r+": os.O_RDWR,
    "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "w+": os.O_RDWR | os.O_CREAT | os.O_TRUNC,
    "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "a+": os.O_RDWR | os.O_CREAT | os.O_APPEND,
    "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
    "x+": os.O_RDWR | os.O_CREAT | os.O_EXCL,
}


def open_flags(mode: str | int) -> int:
    """``open(2)`` flags for a Python mode string (``"r"``, ``"r+"``, ``"wb"``, ``"a"``, ``"x+"``)
    or flags given as an int (``os.O_RDWR | os.O_CREAT``), validated.

    Raises:
        InvalidArgument: an unknown mode string, an access mode of 3, or a flag the simulator does not
            model (``O_TMPFILE``, ``O_PATH`` ...).
        TypeError: neither a string nor an int.
    """
    if isinstance(mode, str):
        key = mode.replace("b", "").replace("t", "")
        key = "".join(sorted(key, key=lambda c: c == "+"))
        if len(mode) - len(key) > 1 or key not in _MODES:
            raise InvalidArgument(
                f"invalid mode {mode!r}: use r, r+, w, w+, a, a+, x or x+ (optionally with b)"
            )
        return _MODES[key]
    if not isinstance(mode, int) or isinstance(mode, bool):
        raise TypeError(f"open() takes a mode string such as 'r+' or os.O_* flags, not {mode!r}")
    if mode & ~OPEN_FLAGS or mode < 0:
        raise InvalidArgument(
            f"open flags {mode:#o} include flags the simulator does not model; it knows "
            "O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW "
            "(and ignores O_CLOEXEC, O_NOCTTY, O_NONBLOCK)"
        )
    if mode & os.O_ACCMODE == os.O_ACCMODE:
        raise InvalidArgument("open flags: the access mode is O_RDONLY, O_WRONLY or O_RDWR, not 3")
    return mode


def wants_write(flags: int) -> bool:
    """The open needs write access (``MAY_WRITE``): a write mode or ``O_TRUNC`` (``build_open_flags``);
    on overlayfs it is also what copies a lower file up (``ovl_open_flags_need_copy_up``)."""
    return flags & os.O_ACCMODE != os.O_RDONLY or bool(flags & os.O_TRUNC)


def open_lookup(lookup: Lookup, path: str, flags: int) -> Found:
    """``open(2)``'s lookup and checks before permissions, in the kernel's order.

    Returns what the path reaches (symlinks followed unless ``O_NOFOLLOW``, or ``O_CREAT|O_EXCL``);
    ``entry`` is ``None`` only when ``O_CREAT`` is to create it there.

    Raises:
        EINVAL (``O_CREAT|O_DIRECTORY``), ENAMETOOLONG, ENOENT, ENOTDIR, ELOOP, EISDIR (a trailing
        slash with ``O_CREAT``; a directory opened to write or with ``O_CREAT``), EEXIST (``O_EXCL``).
    """
    if flags & os.O_CREAT and flags & os.O_DIRECTORY:
        raise fs_error(errno.EINVAL, path)  # build_open_flags, since Linux 6.4
    check_length(path)
    creating = bool(flags & os.O_CREAT)
    nofollow = bool(flags & os.O_NOFOLLOW) or (creating and bool(flags & os.O_EXCL))
    last = walk_parent(lookup, path)
    if not creating:
        found = follow(lookup, last, not nofollow, path)
        if found.entry is None:
            raise fs_error(errno.ENOENT, path)
    else:
        found = _create_side(lookup, last, nofollow, path)
        if found.entry is None:
            return found
        if flags & os.O_EXCL:
            raise fs_error(errno.EEXIST, path)
        if found.entry.kind is Kind.DIR:
            raise fs_error(errno.EISDIR, path)
    entry = found.entry
    if flags & os.O_DIRECTORY and entry.kind is not Kind.DIR:
        raise fs_error(errno.ENOTDIR, path)
    if entry.kind is Kind.SYMLINK:  # may_open: O_NOFOLLOW on a symlink
        raise fs_error(errno.ELOOP, path)
    if entry.kind is Kind.DIR and wants_write(flags):
        raise fs_error(errno.EISDIR, path)
    return found


def _create_side(lookup: Lookup, last: Last, nofollow: bool, path: str) -> Found:
    """``open_last_lookups`` with ``O_CREAT``: a trailing slash is EISDIR whatever is there; a
    symlink is followed (also a dangling one: the file is created where it points)."""
    while True:
        if not last.normal:
            return Found(last.path, look(lookup, last, path), False, last.links, last)
        if last.slash:
            raise fs_error(errno.EISDIR, path)
        entry = look(lookup, last, path)
        if entry is not None and entry.kind is Kind.SYMLINK and not nofollow:
            links = count_link(last.links, path)
            last = walk_parent(lookup, entry.target, start=last.directory, links=links, original=path)
            continue
        return Found(last.path, entry, False, last.links, last)


def create_last(lookup: Lookup, path: str) -> tuple[Last, Entry | None]:
    """``filename_create`` (mkdir, symlink, the new name of link): the parent walked, then EEXIST
    for ``.``, ``..``, the root or an existing name (a symlink is not followed).  A trailing slash on
    a missing name is ENOENT, except for mkdir (the caller strips it from ``last.slash``)."""
    check_length(path)
    last = walk_parent(lookup, path)
    if not last.normal:
        raise fs_error(errno.EEXIST, path)
    entry = look(lookup, last, path)
    if entry is not None:
        raise fs_error(errno.EEXIST, path)
    return last, entry


def unlink_last(lookup: Lookup, path: str) -> tuple[Last, Entry]:
    """``do_unlinkat``: the root, ``.`` and ``..`` are EISDIR; with a trailing slash the name (not
    followed) is ENOENT, EISDIR or ENOTDIR before any permission check."""
    check_length(path)
    last = walk_parent(lookup, path)
    if not last.normal:
        raise fs_error(errno.EISDIR, path)
    entry = look(lookup, last, path)
    if entry is None:
        raise fs_error(errno.ENOENT, path)
    if last.slash:
        raise fs_error(errno.EISDIR if entry.kind is Kind.DIR else errno.ENOTDIR, path)
    return last, entry


def rmdir_last(lookup: Lookup, path: str) -> tuple[Last, Entry]:
    """``do_rmdir``: ``..`` is ENOTEMPTY, ``.`` EINVAL, the root EBUSY; the name is not followed
    (a symlink to a directory is ENOTDIR, from ``may_delete``)."""
    check_length(path)
    last = walk_parent(lookup, path)
    if last.name == "..":
        raise fs_error(errno.ENOTEMPTY, path)
    if last.name == ".":
        raise fs_error(errno.EINVAL, path)
    if last.name == "":
        raise fs_error(errno.EBUSY, path)
    entry = look(lookup, last, path)
    if entry is None:
        raise fs_error(errno.ENOENT, path)
    return last, entry


def rename_lasts(lookup: Lookup, src: str, dst: str) -> tuple[Last, Entry, Last, Entry | None]:
    """``do_renameat2`` up to ``vfs_rename``: both parents walked, EBUSY for the root, ``.`` or
    ``..``, ENOENT for a missing source, ENOTDIR when a non-directory has a trailing slash on
    either side, then EINVAL (into its own subtree) and ENOTEMPTY (onto an ancestor)."""
    check_length(src)
    check_length(dst)
    old = walk_parent(lookup, src)
    new = walk_parent(lookup, dst)
    if not old.normal or not new.normal:
        raise fs_error(errno.EBUSY, src, dst)
    entry = look(lookup, old, src)
    if entry is None:
        raise fs_error(errno.ENOENT, src, dst)
    target = look(lookup, new, dst)
    if entry.kind is not Kind.DIR and (old.slash or new.slash):
        raise fs_error(errno.ENOTDIR, src, dst)
    source, real = old.path, new.path
    if real.startswith(source + "/"):
        raise fs_error(errno.EINVAL, src, dst)
    if source.startswith(real + "/"):
        raise fs_error(errno.ENOTEMPTY, src, dst)
    return old, entry, new, target


def touch_lookup(lookup: Lookup, path: str) -> Found:
    """coreutils ``touch``: ``open(O_WRONLY|O_CREAT)``; when that is EISDIR (a directory, or any
    path ending in ``/``) the times of what the path names are set instead, and EISDIR is the
    error reported when that fails too.  ``entry`` is ``None`` when the file is to be created."""
    try:
        return open_lookup(lookup, path, os.O_WRONLY | os.O_CREAT)
    except IsADirectoryError:
        try:
            found = lookup_path(lookup, path)
        except OSError:
            raise fs_error(errno.EISDIR, path) from None
        if found.entry is None:
            raise fs_error(errno.EISDIR, path) from None
        return found
