"""Where an image's files come from: an OCI layout directory or a tar archive, read in place.

Both give :class:`~simulator.oci.blobs.Blob` objects by name (``index.json``,
``blobs/sha256/<hex>``, ``<hex>/layer.tar`` ...).  A plain tar archive is indexed once (member
name -> offset, size) and never unpacked; a gzip- or zstd-compressed archive (``docker save |
gzip``) is first decompressed to a temporary file that lives as long as an imported image uses it.
Names are checked: absolute names, ``..``, duplicates and links that leave the archive are errors.
"""

from __future__ import annotations

import contextlib
import os
import tarfile
import tempfile
import weakref
from dataclasses import dataclass

from ..errors import ImageFormatError
from .blobs import Blob, detect_compression

__all__ = ["ArchiveSource", "DirectorySource", "Source", "open_source"]


class Source:
    """Named blobs of a layout; subclasses fill :meth:`blob`."""

    label: str

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

    def __init__(self, path: str) -> None:
        self.label = os.path.abspath(path)
        self.path = self.label
        self._owner: _TempFile | None = None
        with open(path, "rb") as f:
            compression = detect_compression(f.read(4))
        if compression:
            self._owner = self._decompress(path, compression)
            self.path = self._owner.path
        self.members: dict[str, _Member] = {}
        links: dict[str, str] = {}
        try:
            with tarfile.open(self.path, "r:") as tar:
                for info in tar:
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
    def _decompress(path: str, compression: str) -> _TempFile:
        fd, tmp = tempfile.mkstemp(prefix="layerlab-archive-", suffix=".tar")
        owner = _TempFile(tmp)
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as f:
                if compression == "gzip":
                    from .blobs import Inflater

                    reader = Inflater(f, path)
                    while chunk := reader.read(1 << 20):
                        out.write(chunk)
                else:
                    try:
                        import zstandard  # type: ignore[import-not-found]
                    except ImportError:
                        raise ImageFormatError(
                            f"{path}: the archive is zstd-compressed; install 'zstandard' or decompress it "
                            "first (zstd -d)"
                        ) from None
                    zstandard.ZstdDecompressor().copy_stream(f, out)
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
        return Blob(self.path, member.offset, member.size, f"{self.label}:{clean}", keepalive=self._owner)


def open_source(path: str | os.PathLike[str]) -> Source:
    """A directory is an OCI layout; a file is a (possibly compressed) tar archive."""
    text = os.fspath(path)
    if os.path.isdir(text):
        return DirectorySource(text)
    if os.path.isfile(text):
        return ArchiveSource(text)
    raise ImageFormatError(f"{text}: no such file or directory")
