"""Path handling for the model: validation, splitting, parents, and resolution in a root.

Paths inside images and containers are absolute POSIX strings (``/etc/passwd``).  Resolution
follows symlinks the way the kernel does inside a chroot: absolute targets start again at the
container's root and ``..`` never climbs above ``/``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import InvalidPath
from .entries import Entry, Kind

__all__ = [
    "DOTS",
    "MAX_SYMLINKS",
    "NAME_MAX",
    "PATH_MAX",
    "Found",
    "Last",
    "ancestors",
    "basename",
    "check_length",
    "check_path",
    "count_link",
    "follow",
    "fs_error",
    "join",
    "look",
    "lookup_path",
    "normalize",
    "parent",
    "path_sort_key",
    "resolve",
    "split",
    "tree_lookup",
    "walk_parent",
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
    if ".." not in path:  # the common case: nothing can climb
        return path
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
    if _plain(path):
        return path
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


def path_sort_key(path: str) -> str:
    """Sort key that orders a tree walk-like: component by component, parents first.

    The path with its slashes made NUL (a character no name holds, below every other one):
    string order is then component order, as ``tuple(path.split("/"))`` gives, for one string
    per path instead of a tuple of names (sorting a 1,000,000-entry layer keeps 100s of MB less).
    """
    return path.replace("/", "\0")


Lookup = Callable[[str], Entry | None]

NAME_MAX = 255
"""Longest name (bytes) a directory holds: a longer one is ENAMETOOLONG when it is looked up."""
PATH_MAX = 4096
"""Size of the kernel's path buffer, NUL included: a path of 4096 bytes or more is ENAMETOOLONG."""

DOTS = ("", ".", "..")
"""Last components that name no new entry: the root (``/``), ``.`` and ``..``."""


def _length(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


def _plain(path: str) -> bool:
    """An absolute path other than ``/`` with no empty, ``.`` or ``..`` component and no trailing
    slash: its lexical form is already normal (the fast paths below take only such paths)."""
    if len(path) < 2 or path[0] != "/" or path[-1] == "/" or "//" in path:
        return False
    if "/." not in path:
        return True
    tail = path + "/"  # a "." or ".." component is "/./" or "/../" here, a ".bin" is not
    return "/./" not in tail and "/../" not in tail


def _short_names(path: str) -> bool:
    """No component can pass ``NAME_MAX`` bytes (a character is 1 to 4 bytes)."""
    return len(path) <= NAME_MAX // 4 or max(map(len, path.split("/"))) <= NAME_MAX // 4


_F = TypeVar("_F", bound=Callable[..., Any])


def tree_lookup(lookup: _F) -> _F:
    """Mark a lookup function as a *tree*: every directory it shows at a normalised path has a
    directory it shows at each proper ancestor (so no symlink on the way), and it checks no
    permission.  A walk of a plain path (see ``_plain``) with such a lookup looks the parent
    directory up at once instead of component by component: the result is the same, in time
    independent of the depth (``mkdir -p`` of 2,000 levels, every lookup of the model)."""
    lookup._tree_lookup = True  # type: ignore[attr-defined]
    return lookup


def _fast_parent(lookup: Lookup, path: str, links: int) -> Last | None:
    """``walk_parent`` of a plain absolute path with a tree lookup, when its parent is a directory."""
    if not getattr(lookup, "_tree_lookup", False) or not _plain(path) or not _short_names(path):
        return None
    cut = path.rfind("/")
    directory = path[:cut] or "/"
    if cut:
        entry = lookup(directory)
        if entry is None or entry.kind is not Kind.DIR:
            return None  # the slow walk says which error
    return Last(directory, path[cut + 1 :], False, links)


def check_length(path: str) -> None:
    """``getname()``: a path of ``PATH_MAX`` bytes or more is refused before any lookup."""
    if len(path) * 4 >= PATH_MAX and _length(path) >= PATH_MAX:
        raise fs_error(errno.ENAMETOOLONG, path)


@dataclass(frozen=True, slots=True)
class Last:
    """Where a walk to the parent stopped (the kernel's ``path_parentat``): the resolved
    ``directory`` and the ``name`` left to look up in it, as written.

    ``name`` is ``""`` for the root, or ``.``/``..`` (the kernel's ``LAST_ROOT``, ``LAST_DOT``,
    ``LAST_DOTDOT``: they name an existing directory, never a new entry); ``slash`` says the
    path ended with ``/`` after it (the caller then wants a directory); ``links`` counts the
    symlinks followed so far (ELOOP past :data:`MAX_SYMLINKS` for the whole lookup).
    """

    directory: str
    name: str
    slash: bool
    links: int

    @property
    def normal(self) -> bool:
        """A real name (not the root, ``.`` or ``..``)."""
        return self.name not in DOTS

    @property
    def path(self) -> str:
        """The normalised path this last component names."""
        if self.name == "..":
            return parent(self.directory)
        if self.name in DOTS:
            return self.directory
        return join(self.directory, self.name)


def search(lookup: Lookup, directory: str) -> None:
    """``may_lookup``: the kernel needs search permission on every directory it walks a name
    from, ``.`` and ``..`` and the last name included (``"/d/."`` or ``mkdir /d/x/`` as a user
    without x on ``/d``: EACCES before EEXIST).  The lookup of ``directory + "/."`` checks it
    (its answer, never a real entry, is ignored)."""
    lookup(join(directory, "."))


def look(lookup: Lookup, last: Last, original: str) -> Entry | None:
    """Look up the last name in its directory: the directory answers ENAMETOOLONG for a name
    longer than :data:`NAME_MAX` (after the search permission the lookup itself checks)."""
    entry = lookup(last.path)
    if len(last.name) > NAME_MAX // 4 and last.normal and _length(last.name) > NAME_MAX:
        raise fs_error(errno.ENAMETOOLONG, original)
    return entry


def _split_last(path: str) -> tuple[list[str], str, bool]:
    parts = path.split("/")
    slash = len(parts) > 1 and parts[-1] == ""
    names = [p for p in parts if p]
    if not names:
        return [], "", False
    return names[:-1], names[-1], slash


def count_link(links: int, original: str) -> int:
    links += 1
    if links > MAX_SYMLINKS:
        raise fs_error(errno.ELOOP, original)
    return links


def walk_parent(lookup: Lookup, path: str, *, start: str = "/", links: int = 0, original: str = "") -> Last:
    """Resolve every component of ``path`` but the last (``path_parentat``).

    Each one must be a directory once symlinks are followed (ENOENT, ENOTDIR, ELOOP); the
    last is returned unresolved, for the call to treat as it needs (follow it or not, create
    it ...).  A relative ``path`` (a symlink's target) starts at ``start``, an absolute one at
    the root; ``..`` goes to the resolved parent and never above the root.
    """
    fast = _fast_parent(lookup, path, links)
    if fast is not None:
        return fast
    original = original or path
    head, name, slash = _split_last(path)
    directory = "/" if path.startswith("/") else start
    for part in head:
        if part == ".":
            search(lookup, directory)
            continue
        if part == "..":
            search(lookup, directory)
            directory = parent(directory)
            continue
        current = join(directory, part)
        entry = lookup(current)
        if len(part) > NAME_MAX // 4 and _length(part) > NAME_MAX:  # a character is 1 to 4 bytes
            raise fs_error(errno.ENAMETOOLONG, original)
        if entry is None:
            raise fs_error(errno.ENOENT, original)
        if entry.kind is Kind.SYMLINK:
            links = count_link(links, original)
            found = follow(
                lookup,
                walk_parent(lookup, entry.target, start=directory, links=links, original=original),
                True,
                original,
            )
            if found.entry is None:
                raise fs_error(errno.ENOENT, original)
            if found.entry.kind is not Kind.DIR:
                raise fs_error(errno.ENOTDIR, original)
            directory, links = found.path, found.links
            continue
        if entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, original)
        directory = current
    if name:  # link_path_walk's may_lookup on the directory of the last name, whatever the name
        search(lookup, directory)
    return Last(directory, name, slash, links)


@dataclass(frozen=True, slots=True)
class Found:
    """The end of a lookup: the normalised ``path`` reached, its ``entry`` (``None``: it does not
    exist), whether a trailing slash asked for a directory, and the symlinks followed."""

    path: str
    entry: Entry | None
    directory: bool
    links: int
    last: Last


def follow(lookup: Lookup, last: Last, follow_last: bool, original: str) -> Found:
    """Look up ``last``, following a symlink there when ``follow_last`` or a trailing slash asks
    (``lookup_last``: a trailing slash means follow and want a directory, even for ``lstat``).

    Raises ENOTDIR when a directory was asked for and something else is there; a missing
    entry is returned as ``entry=None`` (the caller says ENOENT, or creates it).
    """
    want_dir = last.slash
    links = last.links
    while True:
        entry = look(lookup, last, original)
        if entry is not None and entry.kind is Kind.SYMLINK and last.normal and (follow_last or want_dir):
            links = count_link(links, original)
            last = walk_parent(lookup, entry.target, start=last.directory, links=links, original=original)
            links = last.links
            want_dir = want_dir or last.slash
            continue
        if want_dir and entry is not None and entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, original)
        return Found(last.path, entry, want_dir, links, last)


def lookup_path(lookup: Lookup, path: str, *, follow_last: bool = True) -> Found:
    """The kernel's ``path_lookupat`` for an absolute ``path`` (validated, PATH_MAX checked)."""
    check_length(path)
    last = walk_parent(lookup, path)
    if not last.slash and len(last.name) <= NAME_MAX // 4:  # follow()'s first step, inline
        real = last.path
        entry = lookup(real)
        if entry is None or entry.kind is not Kind.SYMLINK or not follow_last or not last.normal:
            return Found(real, entry, False, last.links, last)  # nothing to follow
    return follow(lookup, last, follow_last, path)


def resolve(lookup: Lookup, path: str, *, follow_last: bool = True) -> str:
    """Resolve symlinks in ``path`` inside the root seen through ``lookup``.

    Every intermediate component must exist and be a directory (after following symlinks); the
    last component may be missing, unless the path ends with ``/``.  Absolute symlink targets
    restart at the root, and ``..`` at the root stays at the root, so the result never leaves
    the tree.  Names longer than 255 bytes and paths of 4096 bytes or more are ENAMETOOLONG.

    Args:
        lookup: returns the visible entry at a normalised path, or ``None``.
        path: an absolute path (validated with :func:`check_path`).
        follow_last: follow a symlink in the last component (``stat``) or not (``lstat``); a
            trailing slash follows it anyway, as in the kernel.

    Returns:
        The normalised path of the object reached (which may not exist).

    Raises:
        FileNotFoundError, NotADirectoryError, OSError(ELOOP), OSError(ENAMETOOLONG).
    """
    found = lookup_path(lookup, path, follow_last=follow_last)
    if found.directory and found.entry is None:
        raise fs_error(errno.ENOENT, path)
    return found.path
