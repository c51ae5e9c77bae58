"""Where an image's files come from: an OCI layout directory or a tar archive, read in place.

Both give :class:`~simulator.oci.blobs.Blob` objects by name (``index.json``,
``blobs/sha256/<hex>``, ``<hex>/layer.tar`` ...).  A plain tar archive is indexed once (member
name -> offset, size) and never unpacked.  A gzip-compressed archive (``docker save | gzip``) is
indexed in one streamed pass that records decompression checkpoints
(:class:`~simulator.oci.blobs.CompressedFile`); a member is read again from the nearest
checkpoint, so nothing is written to disk.  Only a zstd-compressed archive (no resumable state in
the ``zstandard`` API) is decompressed to a temporary file, which lives as long as an imported
image uses it.  Every pass counts bytes and members against the :class:`ImportLimits`.
Names are checked: absolute names, ``..``, duplicates and links that leave the archive are errors.
"""

from __future__ import annotations

import contextlib
import os
import tarfile
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import ImageFormatError
from .blobs import Blob, CompressedFile, detect_compression
from .limits import DEFAULT_LIMITS, Budget, ImportLimits

__all__ = ["ArchiveSource", "DirectorySource", "Source", "open_source"]


class Source:
    """Named blobs of a layout; subclasses fill :meth:`blob`."""

    label: str
    limits: ImportLimits = DEFAULT_LIMITS

    def has(self, name: str) -> bool:
        raise NotImplementedError

    def blob(self, name: str) -> Blob:
        raise NotImplementedError

    def read(self, name: str, limit: int = 16 << 20) -> bytes:
        return self.blob(name).read_all(limit)

    def _clean(self, name: str) -> str:
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if name.startswith("/") or ".." in parts or not parts:
            raise ImageFormatError(f"{self.label}: refusing the path {name!r} (absolute or with '..')")
        return "/".join(parts)


class DirectorySource(Source):
    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.label = self.root

    def has(self, name: str) -> bool:
        return os.path.isfile(os.path.join(self.root, self._clean(name)))

    def blob(self, name: str) -> Blob:
        clean = self._clean(name)
        path = os.path.join(self.root, clean)
        if not os.path.isfile(path):
            raise ImageFormatError(f"{self.label}: missing {clean}")
        return Blob(path, 0, os.path.getsize(path), f"{self.label}/{clean}")


@dataclass(frozen=True, slots=True)
class _Member:
    offset: int
    size: int


class _TempFile:
    """Owns a temporary file and deletes it when the last blob using it is gone."""

    def __init__(self, path: str) -> None:
        self.path = path
        weakref.finalize(self, _unlink, path)


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):  # already gone
        os.unlink(path)


class ArchiveSource(Source):
    """A tar archive (``docker save`` output, or an OCI layout packed with tar)."""

    def __init__(self, path: str, limits: ImportLimits = DEFAULT_LIMITS) -> None:
        self.label = os.path.abspath(path)
        self.path = self.label
        self._owner: _TempFile | None = None
        self._archive: CompressedFile | None = None
        with open(path, "rb") as f:
            compression = detect_compression(f.read(4))
        if compression == "zstd":
            self._owner = self._decompress(path, limits)
            self.path = self._owner.path
        self.members: dict[str, _Member] = {}
        links: dict[str, str] = {}
        budget = Budget(None, self.label, limits)
        try:
            with contextlib.ExitStack() as stack:
                if compression == "gzip":
                    self._archive = CompressedFile(self.path, self.label)
                    raw = stack.enter_context(open(self.path, "rb"))
                    counted = Budget(self._archive.stream(raw), self.label, limits, raw.tell)
                    tar = stack.enter_context(tarfile.open(fileobj=counted, mode="r|"))  # type: ignore[call-overload]
                else:
                    tar = stack.enter_context(tarfile.open(self.path, "r:"))
                for count, info in enumerate(_members(tar), 1):
                    budget.entry(count)
                    if info.isdir() and not [p for p in info.name.split("/") if p not in ("", ".")]:
                        continue  # the archive's own root, "./"
                    name = self._clean(info.name)
                    if name in self.members or name in links:
                        raise ImageFormatError(f"{self.label}: duplicate member {name!r}")
                    if info.isreg():
                        self.members[name] = _Member(info.offset_data, info.size)
                    elif info.issym() or info.islnk():
                        base = os.path.dirname(name) if info.issym() else ""
                        target = os.path.normpath(os.path.join(base, info.linkname))
                        if info.linkname.startswith("/") or target.startswith("..") or target == ".":
                            raise ImageFormatError(
                                f"{self.label}: link {name!r} -> {info.linkname!r} points outside the archive"
                            )
                        links[name] = target
                    elif not info.isdir():
                        raise ImageFormatError(f"{self.label}: unexpected member type for {name!r}")
        except tarfile.TarError as e:
            raise ImageFormatError(f"{self.label}: not a readable tar archive ({e})") from None
        for name, target in links.items():
            seen = {name}
            while target in links and target not in seen:
                seen.add(target)
                target = links[target]
            if target not in self.members:
                raise ImageFormatError(f"{self.label}: link {name!r} points to a missing member {target!r}")
            self.members[name] = self.members[target]

    @staticmethod
    def _decompress(path: str, limits: ImportLimits) -> _TempFile:
        try:
            import zstandard  # type: ignore[import-not-found]
        except ImportError:
            raise ImageFormatError(
                f"{path}: the archive is zstd-compressed; install 'zstandard' or decompress it first (zstd -d)"
            ) from None
        fd, tmp = tempfile.mkstemp(prefix="layerlab-archive-", suffix=".tar")
        owner = _TempFile(tmp)
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as f:
                reader = Budget(zstandard.ZstdDecompressor().stream_reader(f), path, limits, f.tell)
                while chunk := reader.read(1 << 20):
                    out.write(chunk)
        except zstandard.ZstdError as e:
            del owner
            raise ImageFormatError(f"{path}: corrupt zstd data ({e})") from None
        except BaseException:
            del owner
            raise
        return owner

    def has(self, name: str) -> bool:
        try:
            return self._clean(name) in self.members
        except ImageFormatError:
            return False

    def blob(self, name: str) -> Blob:
        clean = self._clean(name)
        member = self.members.get(clean)
        if member is None:
            raise ImageFormatError(f"{self.label}: missing {clean}")
        return Blob(
            self.path,
            member.offset,
            member.size,
            f"{self.label}:{clean}",
            keepalive=self._owner,
            archive=self._archive,
        )


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The members one by one, without ``tarfile`` keeping them all (a stream's list grows)."""
    while True:
        info = tar.next()
        if info is None:
            return
        tar.members.clear()  # type: ignore[attr-defined]
        yield info


def open_source(path: str | os.PathLike[str], limits: ImportLimits = DEFAULT_LIMITS) -> Source:
    """A directory is an OCI layout; a file is a (possibly compressed) tar archive."""
    text = os.fspath(path)
    source: Source
    if os.path.isdir(text):
        source = DirectorySource(text)
    elif os.path.isfile(text):
        source = ArchiveSource(text, limits)
    else:
        raise ImageFormatError(f"{text}: no such file or directory")
    source.limits = limits
    return source
