"""Read one layer blob into a :class:`~simulator.model.layer.Layer`, streaming, checking as it goes.

The blob is read once, front to back: the compressed bytes are hashed (the layer *digest* of
the manifest), decompressed, hashed again (the *DiffID* of the config) and parsed with
a streaming header reader (:mod:`simulator.oci.tarstream`; ``tarfile`` for unusual headers).  Regular files keep only their offset in the uncompressed stream,
their size and their sha256; their bytes are read again from the blob when someone asks
(:class:`~simulator.oci.blobs.BlobContent`).

How tar members become entries (OCI image-spec "Layer", go-archive ``ConvertRead``):

=============================  ==========================================================
``dir/``                       a directory
``file``                       a regular file (lazy content)
``link -> target``             a symlink; a relative target must not climb above ``/``
hard link ``a`` -> ``b``       a hard link to ``/b`` (inside the image, never ``..``)
``dir/.wh.name``               a whiteout: ``/dir/name`` is deleted from lower layers
``dir/.wh..wh..opq``           ``/dir`` is opaque (created if the tar has no header for it)
``name`` and ``.wh.name``      both in one layer: the whiteout only hides lower layers, so
                               ``name`` is kept (a directory becomes opaque)
char/block devices, FIFOs      skipped with an :class:`OCIWarning` (the model has no
                               device files); the DiffID still covers them
=============================  ==========================================================

Rejected with :class:`~simulator.errors.ImageFormatError`: absolute names, ``..`` components,
duplicate paths, ``.wh.`` with nothing after it, ``.wh..wh.<anything but .opq>`` (AUFS
leftovers such as ``.wh..wh.plnk``), whiteouts that are not regular files, entries below a
non-directory of the same layer, sparse files, unknown member types, trailing garbage after the
end-of-archive blocks, and of course digests that do not match.
"""

from __future__ import annotations

import hashlib
import tarfile
import warnings
from collections.abc import Iterator

from ..digest import Digest
from ..errors import ImageFormatError
from ..model import Entry, Kind, Layer
from ..model.tar import OPAQUE_MARKER, WHITEOUT_PREFIX
from .blobs import CHUNK, BlobContent, HashingReader, LayerBlob, detect_compression
from .limits import DEFAULT_LIMITS, Budget, ImportLimits
from .tarstream import TarStream

__all__ = ["OCIWarning", "read_layer", "safe_member_path", "tar_source"]
"""Key under which an imported layer keeps its :class:`LayerBlob` in ``Layer._cache``."""

_TAR_BUFSIZE = 1 << 16


class OCIWarning(UserWarning):
    """Something in an imported image the model cannot represent and skipped."""


def safe_member_path(name: str, where: str) -> str:
    """``./usr//bin/`` -> ``/usr/bin``; refuses absolute names and ``..`` components."""
    if "\0" in name:
        raise ImageFormatError(f"{where}: member name {name!r} contains a NUL byte")
    if name.startswith("/"):
        raise ImageFormatError(
            f"{where}: member {name!r} has an absolute name; layer tars hold relative names such as 'etc/passwd'"
        )
    parts = name.split("/")
    if ".." in parts:
        raise ImageFormatError(f"{where}: member {name!r} contains '..'; it would point outside the image")
    if "" in parts or "." in parts:
        parts = [part for part in parts if part not in ("", ".")]
    return "/" + "/".join(parts)


def _check_symlink(path: str, target: str, where: str) -> None:
    if not target:
        raise ImageFormatError(f"{where}: symlink {path} has an empty target")
    if "\0" in target:
        raise ImageFormatError(f"{where}: symlink {path} target contains a NUL byte")
    if target.startswith("/"):
        return  # absolute targets are resolved inside the container's root
    depth = path.count("/") - 1  # components of the directory holding the link
    for part in target.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                raise ImageFormatError(f"{where}: symlink {path} -> {target} points outside the image root")
        elif part not in ("", "."):
            depth += 1


class _Collector:
    """Turns tar members into entries, whiteouts and opaque markers, checking as it goes."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.entries: dict[str, Entry] = {}
        self.whiteouts: set[str] = set()
        self.opaque: dict[str, tuple[int, int, int]] = {}
        self.skipped: list[str] = []

    def _dup(self, path: str) -> ImageFormatError:
        return ImageFormatError(
            f"{self.where}: duplicate entry for {path}; an OCI layer 'MUST NOT include duplicate entries'"
        )

    def marker(self, member: tarfile.TarInfo, path: str) -> bool:
        """Handle ``.wh.`` names; True when ``member`` was one."""
        base = path.rsplit("/", 1)[-1]
        if not base.startswith(WHITEOUT_PREFIX):
            return False
        directory = path.rsplit("/", 1)[0] or "/"
        if not member.isreg():
            raise ImageFormatError(f"{self.where}: whiteout {member.name!r} must be a regular file")
        if base == OPAQUE_MARKER:
            if directory in self.opaque:
                raise self._dup(path)
            self.opaque[directory] = (member.mode & 0o7777, member.uid, member.gid)
            return True
        if base.startswith(WHITEOUT_PREFIX + WHITEOUT_PREFIX):
            raise ImageFormatError(
                f"{self.where}: unknown whiteout form {member.name!r}; only '.wh.<name>' and "
                f"'{OPAQUE_MARKER}' are defined by the OCI image spec"
            )
        name = base[len(WHITEOUT_PREFIX) :]
        if name in ("", ".", ".."):
            raise ImageFormatError(f"{self.where}: invalid whiteout {member.name!r} (no name after '.wh.')")
        target = directory.rstrip("/") + "/" + name
        if target in self.whiteouts:
            raise self._dup(path)
        self.whiteouts.add(target)
        return True

    def add(self, path: str, entry: Entry) -> None:
        if path in self.entries:
            raise self._dup(path)
        self.entries[path] = entry

    def finish(self) -> dict[str, Entry]:
        entries = self.entries
        for directory, (mode, uid, gid) in self.opaque.items():
            if directory == "/":
                raise ImageFormatError(f"{self.where}: an opaque marker at the root is not supported")
            existing = entries.get(directory)
            if existing is None:
                entries[directory] = Entry.directory(mode, uid, gid, opaque=True)
            elif existing.kind is Kind.DIR:
                entries[directory] = Entry.directory(existing.mode, existing.uid, existing.gid, opaque=True)
            else:
                raise ImageFormatError(
                    f"{self.where}: opaque marker inside {directory}, which is not a directory"
                )
        for path in self.whiteouts:
            existing = entries.get(path)
            if existing is None:
                entries[path] = Entry.whiteout()
            elif existing.kind is Kind.DIR:  # whiteout + new dir in one layer = a fresh (opaque) dir
                entries[path] = Entry.directory(existing.mode, existing.uid, existing.gid, opaque=True)
            # any other kind replaces the lower path anyway: the whiteout adds nothing
        # Is any ancestor of a path a non-directory of this layer?  Each directory is answered
        # once (memo), so the check is linear in the entries, whatever their depth.
        blocker: dict[str, str | None] = {"": None}

        def blocking(directory: str) -> str | None:
            chain = []
            while directory not in blocker:
                chain.append(directory)
                directory = directory.rsplit("/", 1)[0]
            found = blocker[directory]
            for d in reversed(chain):
                above = entries.get(d)
                if found is None and above is not None and above.kind is not Kind.DIR:
                    found = d
                blocker[d] = found
            return found

        for path in entries:
            head = blocking(path.rsplit("/", 1)[0])
            if head is not None:
                raise ImageFormatError(
                    f"{self.where}: {path} is below {head}, which this layer makes a "
                    f"{entries[head].kind.value}, not a directory"
                )
        return entries


def _members(tar: TarStream, budget: Budget) -> Iterator[tarfile.TarInfo]:
    count = 0
    while True:
        member = tar.next()
        if member is None:
            return
        count += 1
        budget.entry(count)
        yield member


def read_layer(
    layer_blob: LayerBlob,
    *,
    digest: str | None = None,
    diff_id: str | None = None,
    created_by: str = "",
    comment: str = "",
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Layer:
    """Stream ``layer_blob`` into a :class:`Layer`, checking its digest and DiffID.

    Args:
        layer_blob: the blob; its ``compression`` is detected from the first bytes if empty.
        digest: the expected digest of the blob as stored (the manifest's), if known.
        diff_id: the expected digest of the uncompressed tar (the config's ``rootfs.diff_ids``).
        limits: the most uncompressed bytes, members, compression ratio and trailing zeros.

    Raises:
        ImageFormatError: a digest mismatch, corrupt compression, a member the importer refuses,
            or a limit crossed (as soon as it is crossed).
    """
    blob = layer_blob.blob
    where = blob.name
    algorithm = (digest or diff_id or "sha256:").split(":", 1)[0]
    if algorithm not in ("sha256", "sha512"):
        raise ImageFormatError(f"{where}: unsupported digest algorithm {algorithm!r}")
    layer_blob.checkpoints.clear()
    with blob.open() as raw_file:
        head = raw_file.read(4)
        layer_blob.compression = detect_compression(head)
        raw = HashingReader(_Prefixed(head, raw_file), algorithm)
        stream = layer_blob.uncompressed(raw, record=True)
        budget = Budget(stream, where, limits, (lambda: raw.count) if layer_blob.compression else None)
        plain = HashingReader(budget, "sha256", tail=4 * _TAR_BUFSIZE)
        collector = _Collector(where)
        try:
            tar = TarStream(plain, _TAR_BUFSIZE)  # ustar/GNU/pax headers parsed fast, tarfile for the rest
            for member in _members(tar, budget):
                _convert(tar, member, collector, layer_blob)
            end = tar.end
        except (tarfile.TarError, EOFError) as e:
            raise ImageFormatError(f"{where}: not a valid layer tar ({e})") from None
        try:
            rest = plain.since(end)
        except ValueError:
            rest = b""
        padding = 0
        while True:  # after the end-of-archive blocks only zero padding may follow
            if rest.strip(b"\0"):
                raise ImageFormatError(
                    f"{where}: unreadable tar header or trailing data at offset {end} of the layer tar"
                )
            padding += len(rest)
            if padding > limits.max_trailing_zeros + 2 * _TAR_BUFSIZE:
                raise ImageFormatError(
                    f"{where}: more than {limits.max_trailing_zeros} zero bytes after the end of the layer "
                    "tar (ImportLimits.max_trailing_zeros); refused as a decompression bomb"
                )
            rest = plain.read(CHUNK)
            if not rest:
                break
        while raw.read(CHUNK):  # hash every stored byte
            pass
    if digest is not None:
        if raw.count != blob.size:  # pragma: no cover - Window never reads past its size
            raise ImageFormatError(f"{where}: read {raw.count} bytes, expected {blob.size}")
        if raw.digest() != digest:
            raise ImageFormatError(
                f"{where}: digest mismatch: the blob's content hashes to {raw.digest()}, "
                f"the manifest says {digest}"
            )
    real_diff_id = plain.digest()
    if diff_id is not None and real_diff_id != diff_id:
        raise ImageFormatError(
            f"{where}: DiffID mismatch: the uncompressed tar hashes to {real_diff_id}, the config says {diff_id}"
        )
    layer_blob.digest = raw.digest()
    entries = collector.finish()
    if collector.skipped:
        shown = ", ".join(collector.skipped[:5]) + (" ..." if len(collector.skipped) > 5 else "")
        warnings.warn(
            f"{where}: skipped {len(collector.skipped)} device file(s)/FIFO(s) the model cannot represent: {shown}",
            OCIWarning,
            stacklevel=3,
        )
    layer = Layer.of(
        entries, created_by=created_by, comment=comment, diff_id=Digest(real_diff_id), tar_source=layer_blob
    )
    return layer


class _Prefixed:
    """A reader that first returns ``head`` (already read to sniff the format), then ``rest``."""

    __slots__ = ("_head", "_rest")

    def __init__(self, head: bytes, rest: object) -> None:
        self._head = head
        self._rest = rest

    def read(self, n: int = -1, /) -> bytes:
        if self._head:
            if n < 0 or n >= len(self._head):
                head, self._head = self._head, b""
                more = self._rest.read(-1 if n < 0 else n - len(head))  # type: ignore[attr-defined]
                return head + more
            head, self._head = self._head[:n], self._head[n:]
            return head
        return self._rest.read(n)  # type: ignore[attr-defined]


def _convert(tar: TarStream, member: tarfile.TarInfo, collector: _Collector, layer_blob: LayerBlob) -> None:
    where = collector.where
    path = safe_member_path(member.name, where)
    if path == "/":
        return  # the root directory's metadata is not part of a changeset
    if collector.marker(member, path):
        return
    mode, uid, gid = member.mode & 0o7777, member.uid, member.gid
    if member.isdir():
        collector.add(path, Entry.directory(mode, uid, gid))
    elif member.issparse():
        raise ImageFormatError(
            f"{where}: {path} is a sparse file; OCI layers 'SHOULD NOT' use them and the "
            "importer does not read them"
        )
    elif member.isreg():
        h = hashlib.sha256()
        for data in tar.data(member, CHUNK):  # a short member raises tarfile's ReadError
            h.update(data)
        content_digest = "sha256:" + h.hexdigest()
        source = BlobContent(layer_blob, member.offset_data, member.size, content_digest, path)
        collector.add(path, Entry.lazy_file(member.size, content_digest, source, mode, uid, gid))
    elif member.issym():
        _check_symlink(path, member.linkname, where)
        collector.add(path, Entry.symlink(member.linkname, uid, gid))
    elif member.islnk():
        target = safe_member_path(member.linkname, where)
        if target == "/" or target == path:
            raise ImageFormatError(f"{where}: hard link {path} -> {member.linkname!r} is not a file")
        linked = collector.entries.get(target)
        if linked is not None and linked.kind is Kind.HARDLINK:
            target, linked = linked.target, collector.entries.get(linked.target)
        if linked is not None and linked.kind is Kind.SYMLINK:
            collector.add(path, linked)  # a hard link to a symlink is that symlink again
        elif linked is not None and linked.kind is Kind.DIR:
            raise ImageFormatError(f"{where}: hard link {path} points to the directory {target}")
        else:
            collector.add(path, Entry.hardlink(target, mode, uid, gid))
    elif member.ischr() or member.isblk() or member.isfifo():
        collector.skipped.append(path)
    else:
        raise ImageFormatError(
            f"{where}: {path} has tar type {member.type!r}, which the importer does not know"
        )


def tar_source(layer: Layer) -> LayerBlob | None:
    """The blob an imported layer was read from (None for layers built by the model)."""
    source = layer.tar_source
    return source if isinstance(source, LayerBlob) else None
