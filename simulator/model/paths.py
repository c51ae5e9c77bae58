"""Path handling for the model: validation, splitting, parents, and resolution in a root.

Paths inside images and containers are absolute POSIX strings (``/etc/passwd``).  Resolution
follows symlinks the way the kernel does inside a chroot: absolute targets start again at the
container's root and ``..`` never climbs above ``/``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator

from ..errors import InvalidPath
from .entries import Entry, Kind

__all__ = [
    "MAX_SYMLINKS",
    "ancestors",
    "basename",
    "check_path",
    "fs_error",
    "join",
    "normalize",
    "parent",
    "path_sort_key",
    "resolve",
    "split",
]

MAX_SYMLINKS = 40
"""Linux's limit on symlinks followed in one lookup (ELOOP beyond it)."""


def fs_error(code: int, path: str, path2: str | None = None) -> OSError:
    """The builtin ``OSError`` subclass for ``code`` (``FileNotFoundError`` for ENOENT ...)."""
    if path2 is not None:
        return OSError(code, os.strerror(code), path, None, path2)
    return OSError(code, os.strerror(code), path)


def check_path(path: object) -> str:
    """Validate a path argument and return it normalised.

    Raises:
        InvalidPath: not a string, empty, relative, containing NUL, or ``..`` climbing above ``/``.
    """
    if not isinstance(path, str):
        raise InvalidPath(path, f"paths are strings, not {type(path).__name__}")
    if not path:
        raise InvalidPath(path, "empty path")
    if "\0" in path:
        raise InvalidPath(path, "contains a NUL byte")
    if not path.startswith("/"):
        raise InvalidPath(path, "paths inside a container are absolute: start it with '/'")
    depth = 0
    for part in path.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                raise InvalidPath(path, "'..' climbs above the root '/'")
        elif part not in ("", "."):
            depth += 1
    return path


def split(path: str) -> list[str]:
    """Components of ``path`` without empty and ``.`` parts (``..`` is kept)."""
    return [p for p in path.split("/") if p not in ("", ".")]


def normalize(path: str) -> str:
    """Lexically normalised absolute path (``..`` resolved lexically, clamped at ``/``)."""
    out: list[str] = []
    for part in split(path):
        if part == "..":
            if out:
                out.pop()
        else:
            out.append(part)
    return "/" + "/".join(out)


def join(directory: str, name: str) -> str:
    return directory + name if directory.endswith("/") else f"{directory}/{name}"


def parent(path: str) -> str:
    head = path.rsplit("/", 1)[0]
    return head or "/"


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def ancestors(path: str) -> Iterator[str]:
    """Proper ancestors of a normalised path, nearest first, excluding ``/``."""
    while True:
        path = parent(path)
        if path == "/":
            return
        yield path


def path_sort_key(path: str) -> tuple[str, ...]:
    """Sort key that orders a tree walk-like: component by component, parents first."""
    return tuple(path.split("/"))


Lookup = Callable[[str], Entry | None]


def resolve(lookup: Lookup, path: str, *, follow_last: bool = True) -> str:
    """Resolve symlinks in ``path`` inside the root seen through ``lookup``.

    Every intermediate component must exist and be a directory (after following symlinks); the
    last component may be missing.  Absolute symlink targets restart at the root, and ``..`` at
    the root stays at the root, so the result never leaves the tree.

    Args:
        lookup: returns the visible entry at a normalised path, or ``None``.
        path: an absolute path (validated with :func:`check_path`).
        follow_last: follow a symlink in the last component (``stat``) or not (``lstat``).

    Returns:
        The normalised path of the object reached (which may not exist).

    Raises:
        FileNotFoundError, NotADirectoryError, OSError(ELOOP).
    """
    original = path
    trailing_slash = path.endswith("/") and len(split(path)) > 0
    work = split(path)
    stack: list[str] = []
    links = 0
    while work:
        name = work.pop(0)
        if name == "..":
            if stack:
                stack.pop()
            continue
        current = "/" + "/".join([*stack, name])
        is_last = not work
        entry = lookup(current)
        if (
            entry is not None
            and entry.kind is Kind.SYMLINK
            and (not is_last or follow_last or trailing_slash)
        ):
            links += 1
            if links > MAX_SYMLINKS:
                raise fs_error(errno.ELOOP, original)
            target = entry.target
            if target.startswith("/"):
                stack = []
            work = split(target) + work
            continue
        if not is_last or trailing_slash:
            if entry is None:
                raise fs_error(errno.ENOENT, original)
            if entry.kind is not Kind.DIR:
                raise fs_error(errno.ENOTDIR, original)
        stack.append(name)
    return "/" + "/".join(stack)
