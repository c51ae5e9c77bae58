"""The build context: the files a build may COPY, after ``.dockerignore``.

A context is given as a mapping (``{"app.py": b"...", "run.sh": (b"...", 0o755)}``) or as a
directory on disk.  It becomes a :class:`~simulator.model.union.UnionView` of one layer, so
``COPY`` reads the context and ``COPY --from=stage`` reads a stage's image the same way.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulator.dockerfile.dockerignore import DockerIgnore
from simulator.errors import BuildError
from simulator.model.entries import Entry, Kind
from simulator.model.layer import Layer
from simulator.model.paths import join, normalize
from simulator.model.union import UnionView

__all__ = ["BuildContext", "glob", "source_checksum", "subtree"]

_MAGIC = re.compile(r"[*?\[]")

_MEMO_BYTES = 256 << 20
"""The content digests of the files ``COPY`` checksummed last are remembered, by entry (entries
are immutable), for files up to this many bytes in all: a cached build checksums the same
sources again (microservices-demo's ``pip install --prefix=/install`` tree is ~1,200 files,
70 MB).  The entries are kept alive with their digests, so this bounds what an image removed
since can still hold."""
_memo: dict[int, tuple[Entry, str]] = {}
_memo_bytes = 0


def _content_digest(entry: Entry) -> str:
    """``entry.content_digest()``, remembered (see :data:`_MEMO_BYTES`)."""
    global _memo_bytes
    found = _memo.get(id(entry))
    if found is not None and found[0] is entry:
        return found[1]
    digest = entry.content_digest()
    if entry.data is not None and entry.size <= _MEMO_BYTES:  # a lazy entry knows its digest
        while _memo and _memo_bytes + entry.size > _MEMO_BYTES:  # the oldest go
            old, _ = _memo.pop(next(iter(_memo)))
            _memo_bytes -= old.size
        _memo[id(entry)] = (entry, digest)
        _memo_bytes += entry.size
    return digest


class BuildContext:
    """The files sent to the builder, as a read-only tree."""

    def __init__(self, entries: Mapping[str, Entry], ignore: DockerIgnore | None = None) -> None:
        self.ignore = ignore
        self.view = UnionView([Layer.of(entries)])

    @classmethod
    def create(cls, context: Any, dockerfile_name: str = "Dockerfile") -> tuple[BuildContext, str | None]:
        """A context from a mapping or a directory; also returns the Dockerfile text found in it."""
        if context is None:
            return cls({}), None
        if isinstance(context, (str, os.PathLike)):
            return cls._from_directory(Path(context), dockerfile_name)
        if isinstance(context, Mapping):
            return cls._from_mapping(context, dockerfile_name)
        raise BuildError(
            f"context must be a mapping of path to content or a directory, not {type(context).__name__}"
        )

    @classmethod
    def _from_mapping(
        cls, mapping: Mapping[str, Any], dockerfile_name: str
    ) -> tuple[BuildContext, str | None]:
        entries: dict[str, Entry] = {}
        for raw, value in mapping.items():
            path = "/" + str(raw).strip("/")
            if ".." in path.split("/"):
                raise BuildError(f"context path {raw!r} climbs out of the context with '..'")
            if isinstance(value, Entry):
                entries[path] = value
                continue
            mode = 0o644
            if isinstance(value, tuple):
                value, mode = value
            data = value.encode() if isinstance(value, str) else bytes(value)
            entries[path] = Entry.file(data, mode)
        text = _text_of(entries.get("/" + dockerfile_name))
        return cls._with_ignore(entries, dockerfile_name), text

    @classmethod
    def _from_directory(cls, root: Path, dockerfile_name: str) -> tuple[BuildContext, str | None]:
        if not root.is_dir():
            raise BuildError(f"build context {str(root)!r} is not a directory")
        entries: dict[str, Entry] = {}
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                full = Path(dirpath) / name
                rel = "/" + full.relative_to(root).as_posix()
                st = full.lstat()
                perm = stat.S_IMODE(st.st_mode)
                if stat.S_ISLNK(st.st_mode):
                    entries[rel] = Entry.symlink(os.readlink(full))
                elif stat.S_ISDIR(st.st_mode):
                    entries[rel] = Entry.directory(perm)
                elif stat.S_ISREG(st.st_mode):
                    entries[rel] = Entry.file(full.read_bytes(), perm)
        text = _text_of(entries.get("/" + dockerfile_name))
        return cls._with_ignore(entries, dockerfile_name), text

    @classmethod
    def _with_ignore(cls, entries: dict[str, Entry], dockerfile_name: str) -> BuildContext:
        ignore_entry = entries.get(f"/{dockerfile_name}.dockerignore") or entries.get("/.dockerignore")
        ignore = DockerIgnore.parse(ignore_entry.read().decode()) if ignore_entry is not None else None
        if ignore is not None:
            entries = {p: e for p, e in entries.items() if not ignore.excludes(p.lstrip("/"))}
        return cls(entries, ignore)


def _text_of(entry: Entry | None) -> str | None:
    return entry.read().decode("utf-8", "replace") if entry is not None and entry.kind is Kind.FILE else None


def _go_pattern(segment: str) -> str:
    """Go ``filepath.Match`` classes use ``[^...]``; fnmatch uses ``[!...]``."""
    return segment.replace("[^", "[!")


def glob(view: UnionView, pattern: str) -> list[str]:
    """Paths in ``view`` matching a COPY source (Go ``filepath.Match`` per path segment).

    A source without wildcards is returned as is (checked by the caller); leading ``/`` and
    ``..`` cannot leave the root.
    """
    clean = normalize("/" + pattern)
    if not _MAGIC.search(clean):
        return [clean]
    matches = ["/"]
    for segment in [s for s in clean.split("/") if s]:
        next_matches = []
        for base in matches:
            if not _MAGIC.search(segment):
                candidate = join(base, segment)
                if view.lookup(candidate) is not None:
                    next_matches.append(candidate)
                continue
            regex = re.compile(fnmatch.translate(_go_pattern(segment)))
            next_matches.extend(join(base, n) for n in sorted(view.names(base)) if regex.match(n))
        matches = next_matches
    return matches


def subtree(view: UnionView, top: str) -> list[tuple[str, Entry]]:
    """Every path below the directory ``top`` in ``view``, parents first, siblings sorted."""
    out: list[tuple[str, Entry]] = []
    stack = [join(top, n) for n in sorted(view.names(top), reverse=True)]
    while stack:
        path = stack.pop()
        entry = view.lookup(path)
        if entry is None:
            continue
        out.append((path, entry))
        if entry.kind is Kind.DIR:
            stack.extend(join(path, n) for n in sorted(view.names(path), reverse=True))
    return out


def source_checksum(view: UnionView, paths: list[str], *, with_owner: bool) -> dict[str, str]:
    """Per-path content checksums of the selected sources (mtime excluded, as BuildKit's).

    Each value covers type, mode, (owner when it is kept), size and content or link target;
    a directory source contributes every path below it.
    """
    out: dict[str, str] = {}
    for top in paths:
        origin = view.origin(top)
        if origin is None:
            continue
        items = [(top, origin.entry)]
        if origin.entry.kind is Kind.DIR:
            items += subtree(view, top)
        for path, entry in items:
            owner = f"{entry.uid}:{entry.gid}" if with_owner else ""
            detail = _content_digest(entry) if entry.kind is Kind.FILE else entry.target
            text = f"{entry.kind.value}|{entry.mode:o}|{owner}|{entry.size}|{detail}"
            out[path] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return out
