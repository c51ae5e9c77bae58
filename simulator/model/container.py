"""Containers: an image plus one writable (upper) layer, with overlayfs semantics.

The container is the one mutable object of the model.  Its file operations mirror system calls
and behave like the kernel's overlayfs as Docker mounts it (``index=off``, no ``redirect_dir``,
no ``metacopy``):

- the first modification of a lower file copies it up whole (chmod and chown too), after
  copying up its parent directories; every copy-up is recorded as a :class:`CopyUp` event;
- unlink and rmdir leave a whiteout only when the name exists in a lower layer;
- creating a directory over a whiteout makes it opaque; renaming a lower or merged directory
  fails with EXDEV (``mv`` then copies and deletes), renaming a directory created in the
  container into a merged parent makes it opaque;
- errors are the builtin ``OSError`` subclasses with real errno values, and an operation either
  applies fully or changes nothing (every check runs before the first change).
"""

from __future__ import annotations

import enum
import errno
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import ContainerStateError, InvalidPath
from .entries import Entry, Kind
from .image import Image
from .layer import Layer
from .paths import ancestors, basename, check_path, fs_error, join, parent, path_sort_key, resolve, split
from .permissions import ROOT, Credentials, allows, in_group, may_hardlink, mode_without_privileges
from .tar import WHITEOUT_PREFIX

if TYPE_CHECKING:
    from .union import UnionView

__all__ = ["Change", "Container", "CopyUp", "Credentials", "State", "runtime_mounts"]


class State(enum.Enum):
    """Docker's container states."""

    CREATED = "created"
    RUNNING = "running"
    PAUSED = "paused"
    EXITED = "exited"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class CopyUp:
    """A copy-up: ``path`` copied from image layer ``layer`` (0 = bottom) into the upper layer.

    ``bytes`` is the data copied (0 for directories and symlinks), ``reason`` the operation
    that caused it (``write``, ``chmod``, ``create /etc/x`` for a parent directory ...).
    """

    path: str
    layer: int
    kind: Kind
    bytes: int
    reason: str


@dataclass(frozen=True, slots=True)
class Change:
    """One ``docker diff`` line: ``kind`` is ``A``, ``C`` or ``D``."""

    kind: str
    path: str

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


def runtime_mounts(hostname: str) -> dict[str, Entry]:
    """The files a container runtime bind-mounts into every container (Docker, runc, BuildKit).

    They live outside the writable layer: writing to them never reaches ``diff()`` or a commit,
    and ``rm`` of them fails with EBUSY, as ``RUN rm -rf /etc`` does under Docker.
    """
    return {
        "/etc/hosts": Entry.file(
            f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            f"127.0.0.1\t{hostname}\n".encode()
        ),
        "/etc/hostname": Entry.file(f"{hostname}\n".encode()),
        "/etc/resolv.conf": Entry.file(b"# layerlab: the simulator has no network\nnameserver 127.0.0.1\n"),
    }


class Container:
    """A container: ``image`` + a writable layer + a lifecycle state.

    Created by the engine (``engine.containers.create``); the file operations below can also
    be used on a bare ``Container(image)`` in tests and notebooks.
    """

    def __init__(
        self,
        image: Image,
        *,
        id: str = "",
        name: str = "",
        command: tuple[str, ...] | None = None,
        created: str = "",
        on_remove: Callable[[Container], None] | None = None,
        mounts: Mapping[str, Entry] | None = None,
    ) -> None:
        self.image = image
        self.id = id
        self.name = name
        self.command = command
        self.created = created
        self.state = State.CREATED
        self.exit_code: int | None = None
        self.started_at = ""  # RFC 3339 times, when the engine gives the container a clock
        self.finished_at = ""
        self.credentials = ROOT  # the RUN shell sets the USER's for the commands it runs
        self.copy_ups: list[CopyUp] = []
        self._upper: dict[str, Entry] = {}
        self._children: dict[str, set[str]] = {"/": set()}
        self._touched: set[str] = set()
        self._on_remove = on_remove
        self.mounts: dict[str, Entry] = {}
        for path, entry in (mounts or {}).items():
            clean = check_path(path)
            if self._lookup(parent(clean)) is not None:  # a mount needs its directory in the image
                self.mounts[clean] = entry

    # ------------------------------------------------------------------ lifecycle
    @property
    def status(self) -> str:
        return self.state.value

    def _require(self, *states: State, action: str) -> None:
        if self.state not in states:
            allowed = " or ".join(s.value for s in states)
            raise ContainerStateError(
                f"cannot {action} container {self.name or self.id[:12]}: it is {self.state.value} (needs {allowed})"
            )

    def _now(self) -> str:
        return self._clock() if self._clock is not None else ""

    def start(self) -> Container:
        self._require(State.CREATED, State.EXITED, action="start")
        self.state = State.RUNNING
        self.exit_code = None
        self.started_at = self._now()
        return self

    def pause(self) -> Container:
        self._require(State.RUNNING, action="pause")
        self.state = State.PAUSED
        return self

    def unpause(self) -> Container:
        self._require(State.PAUSED, action="unpause")
        self.state = State.RUNNING
        return self

    def stop(self, exit_code: int = 0) -> Container:
        """Stop a running or paused container (it keeps its writable layer)."""
        self._require(State.RUNNING, State.PAUSED, action="stop")
        self.state = State.EXITED
        self.exit_code = exit_code
        self.finished_at = self._now()
        return self

    kill = stop

    def remove(self, force: bool = False) -> None:
        """Remove the container: its writable layer is discarded; the image is untouched.

        Raises:
            ContainerStateError: it is running or paused and ``force`` is false (as Docker refuses).
        """
        if self.state is State.REMOVED:
            raise ContainerStateError(f"container {self.name or self.id[:12]} is already removed")
        if self.state in (State.RUNNING, State.PAUSED) and not force:
            raise ContainerStateError(
                f"cannot remove container {self.name or self.id[:12]}: it is {self.state.value}; "
                "stop it first or remove it with force=True"
            )
        self.state = State.REMOVED
        self._upper = {}
        self._children = {"/": set()}
        self._touched = set()
        if self._on_remove is not None:
            self._on_remove(self)

    def _alive(self) -> None:
        if self.state is State.REMOVED:
            raise ContainerStateError(
                f"container {self.name or self.id[:12]} was removed: its writable layer is gone"
            )

    # ------------------------------------------------------------------ the merged view
    @property
    def lower(self) -> UnionView:
        return self.image.view

    def _hidden_by_upper(self, path: str) -> bool:
        """An upper ancestor of ``path`` is a whiteout, a non-directory or opaque."""
        upper = self._upper
        for anc in ancestors(path):
            entry = upper.get(anc)
            if entry is not None and (entry.kind is not Kind.DIR or entry.opaque):
                return True
        return False

    def _lower_entry(self, path: str) -> Entry | None:
        """What the image shows at ``path`` through the upper layer (``ovl_lower_positive``)."""
        if path == "/" or self._hidden_by_upper(path):
            return None
        return self.lower.lookup(path)

    def _lookup(self, path: str) -> Entry | None:
        """The visible entry at a normalised path (symlinks not followed, hard links resolved)."""
        if path == "/":
            return self._upper.get("/") or self.lower.lookup("/")  # the image's root directory
        if self.mounts and path in self.mounts:
            return self.mounts[path]
        entry = self._upper.get(path)
        if entry is not None:
            if entry.kind is Kind.WHITEOUT:
                return None
            if entry.kind is Kind.HARDLINK:
                return self._upper[entry.target]
            return entry
        if self._hidden_by_upper(path):
            return None
        return self.lower.lookup(path)

    def _names(self, path: str) -> list[str]:
        """Names visible in the directory at a normalised path."""
        upper = self._upper
        entry = upper.get(path)
        names = {n for n in self._children.get(path, ()) if upper[join(path, n)].kind is not Kind.WHITEOUT}
        opaque = entry is not None and entry.opaque
        if not opaque and (path == "/" or self._lower_entry(path) is not None):
            for name in self.lower.names(path):
                child = join(path, name)
                if upper.get(child) is None:
                    names.add(name)
        names.update(basename(m) for m in self.mounts if parent(m) == path)
        return sorted(names)

    def _resolve(self, path: str, follow_last: bool = True) -> str:
        self._alive()
        lookup = self._lookup if self.credentials.uid == 0 else self._searching_lookup
        return resolve(lookup, check_path(path), follow_last=follow_last)

    def _searching_lookup(self, path: str) -> Entry | None:
        """A lookup that needs search (x) permission on the directory it looks in (non-root)."""
        directory = self._lookup(parent(path))
        if directory is not None and directory.kind is Kind.DIR and not self._may(directory, 0o1):
            raise fs_error(errno.EACCES, path)
        return self._lookup(path)

    def source_of(self, path: str) -> str:
        """``"upper"`` or ``"layer N"``: where ``path`` is served from (symlinks followed)."""
        real = self._resolve(path)
        if real in self._upper or (real == "/" and "/" in self._upper):
            return "upper"
        origin = self.lower.origin(real)
        if origin is None or self._lookup(real) is None:
            raise fs_error(errno.ENOENT, path)
        return f"layer {origin.layer}"

    # ------------------------------------------------------------------ reading
    def read_file(self, path: str) -> bytes:
        """Content of a regular file (symlinks followed)."""
        entry = self._lookup(self._resolve(path))
        if entry is None:
            raise fs_error(errno.ENOENT, path)
        if not self._may(entry, 0o4):  # open(O_RDONLY) is refused before read() finds a directory
            raise fs_error(errno.EACCES, path)
        if entry.kind is Kind.DIR:
            raise fs_error(errno.EISDIR, path)
        return entry.read()

    def stat(self, path: str, *, follow_symlinks: bool = True) -> Entry:
        """The entry at ``path`` (like ``stat``/``lstat``)."""
        entry = self._lookup(self._resolve(path, follow_symlinks))
        if entry is None:
            raise fs_error(errno.ENOENT, path)
        return entry

    def lstat(self, path: str) -> Entry:
        return self.stat(path, follow_symlinks=False)

    def exists(self, path: str) -> bool:
        try:
            self.stat(path)
        except (OSError, InvalidPath):
            return False
        return True

    def listdir(self, path: str) -> list[str]:
        """Sorted names in a directory (upper and lower merged, whiteouts hidden)."""
        real = self._resolve(path)
        entry = self._lookup(real)
        if entry is None:
            raise fs_error(errno.ENOENT, path)
        if entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, path)
        if not self._may(entry, 0o4):
            raise fs_error(errno.EACCES, path)
        return self._names(real)

    def readlink(self, path: str) -> str:
        entry = self.lstat(path)
        if entry.kind is not Kind.SYMLINK:
            raise fs_error(errno.EINVAL, path)
        return entry.target

    def walk(self, top: str = "/") -> Iterator[tuple[str, Entry]]:
        """Every visible path below ``top`` (not following symlinks), parents first, sorted."""
        self._alive()
        start = check_path(top)
        stack = [join(start, name) for name in reversed(self._names(start))]
        while stack:
            path = stack.pop()
            entry = self._lookup(path)
            if entry is None:
                continue
            yield path, entry
            if entry.kind is Kind.DIR:
                stack.extend(join(path, name) for name in reversed(self._names(path)))

    # ------------------------------------------------------------------ upper-layer primitives
    def _set(self, path: str, entry: Entry) -> None:
        if path not in self._upper:
            self._children.setdefault(parent(path), set()).add(basename(path))
        self._upper[path] = entry
        if entry.kind is Kind.DIR:
            self._children.setdefault(path, set())

    def _drop(self, path: str) -> None:
        """Remove ``path`` and its upper subtree from the upper layer."""
        if path not in self._upper:
            return
        for name in list(self._children.get(path, ())):
            self._drop(join(path, name))
        del self._upper[path]
        self._children.pop(path, None)
        self._touched.discard(path)
        self._children[parent(path)].discard(basename(path))

    def _copy_up_parents(self, path: str, reason: str) -> None:
        for anc in reversed(list(ancestors(path))):
            if anc in self._upper:
                continue
            origin = self.lower.origin(anc)
            assert origin is not None and origin.entry.kind is Kind.DIR, anc
            e = origin.entry
            self._set(anc, Entry.directory(e.mode, e.uid, e.gid))
            self.copy_ups.append(CopyUp(anc, origin.layer, Kind.DIR, 0, reason))

    def _copy_up(self, path: str, reason: str) -> str:
        """Make ``path`` (visible) live in the upper layer; returns the path that holds its data."""
        self._copy_up_parents(path, f"{reason} {path}")
        current = self._upper.get(path)
        if current is not None:
            return current.target if current.kind is Kind.HARDLINK else path
        origin = self.lower.origin(path)
        assert origin is not None
        lower = origin.entry
        copied = Entry.directory(lower.mode, lower.uid, lower.gid) if lower.kind is Kind.DIR else lower
        self._set(path, copied)
        data = lower.size if lower.kind is Kind.FILE else 0
        self.copy_ups.append(CopyUp(path, origin.layer, lower.kind, data, reason))
        return path

    def _remove_name(self, path: str) -> None:
        """Delete a visible name: a whiteout when it exists below, else nothing is left."""
        self._promote_links(path)
        lower_exists = self._lower_entry(path) is not None
        self._drop(path)
        if lower_exists:
            self._set(path, Entry.whiteout())

    def _links_to(self, path: str) -> list[str]:
        return sorted(
            (p for p, e in self._upper.items() if e.kind is Kind.HARDLINK and e.target == path),
            key=path_sort_key,
        )

    def _promote_links(self, path: str) -> None:
        """Before ``path`` goes away, hand its content to one of the hard links naming it."""
        entry = self._upper.get(path)
        if entry is None or entry.kind is not Kind.FILE:
            return
        links = self._links_to(path)
        if not links:
            return
        heir, rest = links[0], links[1:]
        self._upper[heir] = entry
        for other in rest:
            self._upper[other] = replace(self._upper[other], target=heir)

    @staticmethod
    def _check_name(path: str) -> None:
        if basename(path).startswith(WHITEOUT_PREFIX):
            raise InvalidPath(
                path, "names starting with '.wh.' cannot be stored in an OCI layer (they mean whiteouts)"
            )

    def _parent_dir(self, real: str, original: str) -> None:
        """The parent of a name to create must be a visible directory."""
        entry = self._lookup(parent(real))
        if entry is None:
            raise fs_error(errno.ENOENT, original)
        if entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, original)

    # ------------------------------------------------------------------ permissions
    def _may(self, entry: Entry, want: int) -> bool:
        """Whether the credentials have the ``want`` bits (4 read, 2 write, 1 search) on ``entry``."""
        return allows(self.credentials, entry, want)

    def _require_access(self, real: str, want: int, original: str) -> None:
        entry = self._lookup(real)
        if entry is not None and not self._may(entry, want):
            raise fs_error(errno.EACCES, original)

    def _may_change_names_in(self, directory: str, original: str) -> None:
        """Creating, removing or renaming a name needs write and search permission on its directory."""
        self._require_access(directory, 0o3, original)

    def _may_remove(self, real: str, original: str) -> None:
        """The sticky bit (``/tmp``): only the owner of the name or of the directory may remove it."""
        directory = parent(real)
        self._may_change_names_in(directory, original)
        who = self.credentials
        holder = self._lookup(directory)
        entry = self._lookup(real)
        if (
            who.uid
            and holder is not None
            and entry is not None
            and holder.mode & 0o1000
            and who.uid not in (entry.uid, holder.uid)
        ):
            raise fs_error(errno.EPERM, original)

    def _kill_privs(self, entry: Entry) -> Entry:
        """Writing as a non-root user drops setuid and setgid (the writer has no CAP_FSETID)."""
        if self.credentials.uid == 0:
            return entry
        mode = mode_without_privileges(self.credentials, entry)
        return entry if mode == entry.mode else replace(entry, mode=mode)

    def _owned(self, entry: Entry) -> Entry:
        """A new entry belongs to whoever creates it."""
        who = self.credentials
        return entry if who is ROOT else replace(entry, uid=who.uid, gid=who.gid)

    # ------------------------------------------------------------------ writing files
    def _busy(self, real: str, original: str) -> None:
        """Runtime bind mounts (``/etc/hosts`` ...) cannot be removed or renamed: EBUSY."""
        if real in self.mounts:
            raise fs_error(errno.EBUSY, original)

    def _modify_file(
        self,
        path: str,
        change: Callable[[Entry], Entry],
        reason: str,
        create: Entry | None,
        touches: bool = True,
        writes: bool = True,
    ) -> None:
        real = self._resolve(path)
        if real in self.mounts:  # writes go to the mounted file, never to the writable layer
            self.mounts[real] = change(self.mounts[real])
            return
        entry = self._lookup(real)
        if entry is None:
            if create is None:
                raise fs_error(errno.ENOENT, path)
            self._check_name(real)
            self._parent_dir(real, path)
            self._may_change_names_in(parent(real), path)
            self._copy_up_parents(real, f"create {real}")
            self._drop(real)  # a whiteout is replaced by the new file
            self._set(real, self._owned(change(create)))
        else:
            if entry.kind is Kind.DIR:
                raise fs_error(errno.EISDIR, path)
            if not self._may(entry, 0o2) and not (reason == "touch" and entry.uid == self.credentials.uid):
                raise fs_error(errno.EACCES, path)
            holder = self._copy_up(real, reason)
            updated = change(self._upper[holder])
            self._upper[holder] = self._kill_privs(updated) if writes else updated
            real = holder
        if touches or (create is not None and entry is None):
            self._touched.add(real)

    @staticmethod
    def _bytes(data: object) -> bytes:
        if isinstance(data, str):
            return data.encode()
        if isinstance(data, (bytes, bytearray, memoryview)):
            return bytes(data)
        raise TypeError(f"file data must be bytes or str, not {type(data).__name__}")

    def write_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        """``open(path, O_WRONLY|O_CREAT|O_TRUNC)`` then write ``data``.

        An existing lower file is copied up whole first (then truncated), keeping its mode and
        owner; a new file gets ``mode``.
        """
        content = self._bytes(data)
        self._modify_file(
            path,
            lambda e: replace(e, data=content, size=len(content), digest=None, source=None),
            "write",
            Entry.file(b"", mode),
        )

    def append_file(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        """``open(path, O_WRONLY|O_CREAT|O_APPEND)`` then write ``data`` (full copy-up first)."""
        content = self._bytes(data)

        def change(e: Entry) -> Entry:
            new = e.read() + content
            return replace(e, data=new, size=len(new), digest=None, source=None)

        # the open copies the file up; an empty write leaves its mtime (docker diff shows nothing)
        self._modify_file(
            path, change, "append", Entry.file(b"", mode), touches=bool(content), writes=bool(content)
        )

    def truncate(self, path: str, size: int) -> None:
        """``truncate(path, size)``: the file must exist; it is copied up with its data first."""
        if size < 0:
            raise fs_error(errno.EINVAL, path)

        def change(e: Entry) -> Entry:
            old = e.read()
            new = old[:size] + b"\0" * max(0, size - len(old))
            return replace(e, data=new, size=size, digest=None, source=None)

        # the mtime changes even when the size does not, as on ext4 and xfs (tmpfs keeps it then)
        self._modify_file(path, change, "truncate", None)

    def touch(self, path: str, mode: int = 0o644) -> None:
        """``touch``: create an empty file, or copy up an existing one (its mtime changes)."""
        real = self._resolve(path)
        entry = self._lookup(real)
        who = self.credentials
        if entry is not None and who.uid not in (0, entry.uid) and not self._may(entry, 0o2):
            raise fs_error(errno.EACCES, path)  # setting the times to now: the owner or a writer
        if real == "/":
            return  # the root is the upper directory itself: nothing to copy up, no change to record
        if entry is not None and entry.kind is Kind.DIR:
            holder = self._copy_up(real, "touch")
            self._touched.add(holder)
            return
        self._modify_file(path, lambda e: e, "touch", Entry.file(b"", mode), writes=False)

    def _set_attr(
        self,
        path: str,
        follow: bool,
        reason: str,
        change: Callable[[Entry], Entry],
        allowed: Callable[[Entry], bool] | None = None,
    ) -> None:
        real = self._resolve(path, follow)
        current = self._lookup(real)
        if current is None:
            raise fs_error(errno.ENOENT, path)
        if allowed is not None and not allowed(current):
            raise fs_error(errno.EPERM, path)
        if real in self.mounts:
            self.mounts[real] = change(self.mounts[real])
            return
        if real == "/":
            self._upper["/"] = change(current)
            return
        holder = self._copy_up(real, reason)
        self._upper[holder] = change(self._upper[holder])

    def chmod(self, path: str, mode: int) -> None:
        """Change permission bits; copies a lower file up whole, even if the mode is unchanged."""
        if not isinstance(mode, int) or isinstance(mode, bool):
            raise TypeError(f"mode must be an int such as 0o755, not {mode!r}")
        self._set_attr(
            path,
            True,
            "chmod",
            lambda e: e if e.kind is Kind.SYMLINK else replace(e, mode=mode & 0o7777),
            lambda e: self.credentials.uid in (0, e.uid),  # only the owner (or root) may chmod
        )

    def chown(self, path: str, uid: int, gid: int, *, follow_symlinks: bool = True) -> None:
        """Change owner (``-1`` keeps a value); copies a lower file up whole.

        As on Linux, a chown of a regular file clears its setuid bit, and its setgid bit when
        the group may execute it (or, for a non-root caller, when the caller is not in the
        file's group), even for root and even when nothing changes (``chown_common``).  Only
        root gives a file away; clearing those bits is a mode change, which only the owner may
        make.
        """

        def killed_mode(e: Entry) -> int:
            return mode_without_privileges(self.credentials, e)

        def change(e: Entry) -> Entry:
            return replace(
                e, uid=e.uid if uid == -1 else uid, gid=e.gid if gid == -1 else gid, mode=killed_mode(e)
            )

        def allowed(e: Entry) -> bool:  # chown_ok / chgrp_ok, and the owner check of a mode change
            who = self.credentials
            if who.uid == 0:
                return True
            owner = who.uid == e.uid
            if uid != -1 and not (owner and uid == e.uid):
                return False
            if gid != -1 and not (owner and (gid == e.gid or in_group(who, gid))):
                return False
            return owner or killed_mode(e) == e.mode

        self._set_attr(path, follow_symlinks, "chown", change, allowed)

    def lchown(self, path: str, uid: int, gid: int) -> None:
        self.chown(path, uid, gid, follow_symlinks=False)

    # ------------------------------------------------------------------ names
    def mkdir(self, path: str, mode: int = 0o755) -> None:
        """Create a directory; over a whiteout it is opaque (lower contents stay hidden)."""
        real = self._resolve(check_path(path).rstrip("/") or "/", follow_last=False)
        if self._lookup(real) is not None:
            raise fs_error(errno.EEXIST, path)
        self._check_name(real)
        self._parent_dir(real, path)
        self._may_change_names_in(parent(real), path)
        self._copy_up_parents(real, f"mkdir {real}")
        over_whiteout = self._upper.get(real) is not None
        self._drop(real)
        self._set(real, self._owned(Entry.directory(mode, opaque=over_whiteout)))
        self._touched.add(real)

    def makedirs(self, path: str, mode: int = 0o755, exist_ok: bool = True) -> None:
        """``mkdir -p``."""
        current = ""
        for part in split(check_path(path)):
            current = f"{current}/{part}"
            try:
                entry = self.stat(current)
            except FileNotFoundError:
                self.mkdir(current, mode)
                continue
            if entry.kind is not Kind.DIR:
                raise fs_error(errno.ENOTDIR, path)
            if current == "/" + "/".join(split(path)) and not exist_ok:
                raise fs_error(errno.EEXIST, path)

    def rmdir(self, path: str) -> None:
        """Remove an empty directory (empty in the merged view)."""
        real = self._resolve(check_path(path).rstrip("/") or "/", follow_last=False)
        entry = self._lookup(real)
        if entry is None:
            raise fs_error(errno.ENOENT, path)
        if real == "/":
            raise fs_error(errno.EBUSY, path)
        self._may_remove(real, path)  # may_delete: permission and sticky bit before the type
        if entry.kind is not Kind.DIR:
            raise fs_error(errno.ENOTDIR, path)
        if self._names(real):
            raise fs_error(errno.ENOTEMPTY, path)
        self._copy_up_parents(real, f"rmdir {real}")
        self._remove_name(real)

    def unlink(self, path: str) -> None:
        """Remove a non-directory name; a whiteout is left when it exists below."""
        real = self._resolve(path, follow_last=False)
        entry = self._lookup(real)
        if entry is None:
            raise fs_error(errno.ENOENT, path)
        if real == "/":  # not a normal last component: do_unlinkat refuses it before any lookup
            raise fs_error(errno.EISDIR, path)
        self._may_remove(real, path)  # may_delete: permission and sticky bit before the type
        if entry.kind is Kind.DIR:
            raise fs_error(errno.EISDIR, path)
        self._busy(real, path)
        self._copy_up_parents(real, f"unlink {real}")
        self._remove_name(real)

    remove_file = unlink

    def symlink(self, target: str, path: str) -> None:
        """Create ``path`` as a symlink to ``target`` (no copy-up of anything but parents)."""
        if not isinstance(target, str) or not target or "\0" in target:
            raise InvalidPath(target, "a symlink target is a non-empty string without NUL")
        real = self._resolve(path, follow_last=False)
        if self._lookup(real) is not None:
            raise fs_error(errno.EEXIST, path)
        self._check_name(real)
        self._parent_dir(real, path)
        self._may_change_names_in(parent(real), path)
        self._copy_up_parents(real, f"symlink {real}")
        self._drop(real)
        self._set(real, self._owned(Entry.symlink(target)))
        self._touched.add(real)

    def link(self, src: str, dst: str) -> None:
        """Hard link ``dst`` to ``src``; a lower ``src`` is copied up first (as overlayfs does)."""
        # linkat(2): the old name must exist, then the new name must not, then the old one must not be a dir
        source = self._resolve(src, follow_last=False)
        entry = self._lookup(source)
        if entry is None:
            raise fs_error(errno.ENOENT, src)
        real = self._resolve(dst, follow_last=False)
        if self._lookup(real) is not None:
            raise fs_error(errno.EEXIST, dst)
        if not may_hardlink(self.credentials, entry):
            raise fs_error(errno.EPERM, src)
        self._check_name(real)
        self._parent_dir(real, dst)
        self._may_change_names_in(parent(real), dst)
        if entry.kind is Kind.DIR:
            raise fs_error(errno.EPERM, src)
        holder = self._copy_up(source, "link")
        self._copy_up_parents(real, f"link {real}")
        self._drop(real)
        target = self._upper[holder]
        if target.kind is Kind.SYMLINK:  # a hard link to a symlink: another name for the same link
            self._set(real, target)
        else:
            self._set(real, Entry.hardlink(holder, target.mode, target.uid, target.gid))
        self._touched.add(real)

    def _same_inode(self, a: str, b: str) -> bool:
        """Two names of one file: hard links within the image, or within the writable layer
        (copy-up breaks a link, as with ``index=off``)."""
        ua, ub = self._upper.get(a), self._upper.get(b)
        if ua is None and ub is None:
            la, lb = self._lower_entry(a), self._lower_entry(b)
            return la is not None and la is lb and la.kind is Kind.FILE
        if ua is None or ub is None:
            return False
        holder_a = ua.target if ua.kind is Kind.HARDLINK else a
        holder_b = ub.target if ub.kind is Kind.HARDLINK else b
        return holder_a == holder_b and self._upper[holder_a].kind is Kind.FILE

    def _is_merge_or_lower_dir(self, path: str) -> bool:
        upper = self._upper.get(path)
        lower = self._lower_entry(path)
        if lower is None or lower.kind is not Kind.DIR:
            return False
        return upper is None or (upper.kind is Kind.DIR and not upper.opaque)

    def rename(self, src: str, dst: str) -> None:
        """``rename(2)``: files move (leaving a whiteout when the old name exists below);
        directories from the image fail with EXDEV, as overlayfs without ``redirect_dir``."""
        # the order of the checks is the kernel's (do_renameat2, lock_rename, vfs_rename)
        source = self._resolve(src, follow_last=False)
        real = self._resolve(check_path(dst).rstrip("/") or "/", follow_last=False)
        self._parent_dir(source, src)
        self._parent_dir(real, dst)
        entry = self._lookup(source)
        if entry is None:
            raise fs_error(errno.ENOENT, src)
        target = self._lookup(real)
        if source == real or self._same_inode(source, real):
            return  # rename(2) of a name onto another name of the same file does nothing
        if source == "/" or real == "/":
            raise fs_error(errno.EBUSY, src)
        if real.startswith(source + "/"):
            raise fs_error(errno.EINVAL, src, dst)
        if source.startswith(real + "/"):
            raise fs_error(errno.ENOTEMPTY, src, dst)
        self._may_remove(source, src)
        if target is not None:
            self._may_remove(real, dst)
        else:
            self._may_change_names_in(parent(real), dst)
        is_dir = entry.kind is Kind.DIR
        if target is not None:
            if is_dir and target.kind is not Kind.DIR:
                raise fs_error(errno.ENOTDIR, src, dst)
            if not is_dir and target.kind is Kind.DIR:
                raise fs_error(errno.EISDIR, src, dst)
        self._busy(source, src)
        self._busy(real, dst)
        if is_dir and self._is_merge_or_lower_dir(source):
            raise fs_error(errno.EXDEV, src, dst)
        if target is not None and target.kind is Kind.DIR and self._names(real):
            raise fs_error(errno.ENOTEMPTY, src, dst)
        self._check_name(real)
        # -- all checks passed: change things
        holder = self._copy_up(source, "rename")
        self._copy_up_parents(real, f"rename {real}")
        if holder != source:  # a hard link: the moved name keeps pointing at the same content
            moved: dict[str, Entry] = {real: self._upper[source]}
        else:
            moved = {
                real + p[len(source) :]: e
                for p, e in self._upper.items()
                if p == source or p.startswith(source + "/")
            }
            for link in self._links_to(source):
                self._upper[link] = replace(self._upper[link], target=real)
        touched = {
            real + p[len(source) :] for p in self._touched if p == source or p.startswith(source + "/")
        }
        lower_at_source = self._lower_entry(source) is not None
        self._drop(source)
        if lower_at_source:
            self._set(source, Entry.whiteout())
        self._drop(real)
        for p in sorted(moved, key=path_sort_key):
            self._set(p, moved[p])
        if (
            is_dir
            and not moved[real].opaque
            and (parent(real) == "/" or self._is_merge_or_lower_dir(parent(real)))
        ):
            self._upper[real] = replace(moved[real], opaque=True)
        self._touched |= touched
        if target is not None or self._lower_entry(real) is not None:
            self._touched.add(real)

    def _load_upper(
        self, entries: Mapping[str, Entry], touched: set[str] | frozenset[str] = frozenset()
    ) -> None:
        """Replace the writable layer's table (for backends that read a real upper directory back).

        ``entries`` is path -> entry in overlay form (whiteouts, opaque directories, hard links
        naming their first path); ``touched`` lists the non-directories whose mtime changed.
        """
        self._upper = {}
        self._children = {"/": set()}
        for path in sorted(entries, key=path_sort_key):
            if path == "/":
                self._upper["/"] = entries[path]
            else:
                self._set(path, entries[path])
        self._touched = set(touched)

    # ------------------------------------------------------------------ results
    @property
    def upper(self) -> Layer:
        """The writable layer as a changeset (a snapshot, like any layer)."""
        self._alive()
        return Layer.of(((p, e) for p, e in self._upper.items() if p != "/"), created_by="writable layer")

    @property
    def upper_entries(self) -> dict[str, Entry]:
        """A copy of the writable layer's raw table (path -> entry)."""
        return dict(self._upper)

    @property
    def size_rw(self) -> int:
        """``docker ps -s`` SIZE: bytes of files and symlinks in the writable layer."""
        return sum(e.disk_size for e in self._upper.values())

    @property
    def size_root_fs(self) -> int:
        """``docker ps -s`` virtual size: the writable layer plus the image's layers."""
        return self.size_rw + self.image.size

    def _changed(self, path: str, new: Entry, old: Entry) -> bool:
        if new.kind is not old.kind or not new.same_metadata(old):
            return True
        if new.kind is Kind.DIR:
            return False
        return path in self._touched or new.size != old.size or new.target != old.target

    def diff(self) -> list[Change]:
        """``docker diff``: A/C/D lines comparing the merged view with the image's.

        Follows go-archive's ``addChanges``: a new name is ``A`` with its whole subtree, a name
        in both is ``C`` when its type, mode or owner differ (for non-directories also its size
        or mtime: written, truncated or touched), a deleted name is one ``D`` line (a deleted
        directory's children are not listed), and a directory with changes below it is ``C``
        before them (``/`` never is).  Siblings are sorted (Docker leaves their order open).
        """
        self._alive()
        out: list[Change] = []
        old_view = self.lower

        def visit(path: str, reported: bool, old_is_dir: bool) -> None:
            start = len(out)
            here = self._upper.get(path)
            visible: set[str] = set()
            for name in sorted(self._children.get(path, ())):
                child = join(path, name)
                old = old_view.lookup(child) if old_is_dir else None
                if self._upper[child].kind is Kind.WHITEOUT:
                    if old is not None:
                        out.append(Change("D", child))
                    continue
                visible.add(name)
                new = self._lookup(child)
                assert new is not None
                child_reported = True
                if old is None:
                    out.append(Change("A", child))
                elif self._changed(child, new, old):
                    out.append(Change("C", child))
                else:
                    child_reported = False
                if new.kind is Kind.DIR:
                    visit(child, child_reported, old is not None and old.kind is Kind.DIR)
            if old_is_dir and here is not None and here.opaque:  # an opaque directory hides every old child
                out.extend(Change("D", join(path, n)) for n in sorted(old_view.names(path) - visible))
            if len(out) > start and not reported and path != "/":
                out.insert(start, Change("C", path))

        visit("/", False, True)
        return sorted(out, key=lambda change: path_sort_key(change.path))

    def diff_text(self) -> str:
        return "\n".join(str(c) for c in self.diff())

    def __repr__(self) -> str:
        return f"<Container {self.name or self.id[:12]} {self.state.value} image={self.image.short_id}>"

    # engine hooks, set by the engine for commit(), exec_run() and the lifecycle's times
    _clock: Callable[[], str] | None = None
    _commit_hook: Callable[..., Any] | None = None
    _exec_hook: Callable[..., Any] | None = None

    def exec_run(self, cmd: str | list[str], **kwargs: Any) -> Any:
        """Run ``cmd`` in the running container with the RUN shell (``docker exec``).

        Returns an ``ExecResult(exit_code, output)`` like the Docker SDK's.
        """
        self._alive()
        self._require(State.RUNNING, action="exec in")
        if self._exec_hook is None:
            raise ContainerStateError("this container does not belong to an engine, so it has no shell")
        return self._exec_hook(self, cmd, **kwargs)

    def commit(
        self, repository: str = "", tag: str = "latest", *, message: str = "", author: str = ""
    ) -> Image:
        """A new image whose top layer is this container's writable layer (``docker commit``)."""
        self._alive()
        if self._commit_hook is None:
            raise ContainerStateError(
                "this container does not belong to an engine; use image.with_layer(c.upper, ...)"
            )
        return self._commit_hook(self, repository=repository, tag=tag, message=message, author=author)  # type: ignore[no-any-return]
