"""The canonical uncompressed tar of a changeset (OCI layer form).

Deterministic bytes: entries in tree-walk order (component by component, parents first), mtime
0, empty owner names, PAX headers only where USTAR cannot hold a field, and the archive ends
with exactly two 512-byte zero blocks (no padding to tarfile's 10240-byte records), so the
empty changeset is the 1024-byte empty tar whose DiffID Docker hard-codes.

Whiteouts are written as empty regular files ``<dir>/.wh.<name>`` (mode 0600), and an opaque
directory as its directory header followed at once by ``<dir>/.wh..wh..opq`` with the
directory's mode and owner, which is what Docker's overlay2 driver writes.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator, Mapping

from .entries import Entry, Kind
from .paths import basename, parent, path_sort_key

__all__ = ["BLOCK", "OPAQUE_MARKER", "WHITEOUT_PREFIX", "tar_bytes", "tar_chunks", "tar_member_name"]

BLOCK = 512
WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"
_CHUNK = 1 << 20


def tar_member_name(path: str) -> str:
    """``/etc/passwd`` -> ``etc/passwd`` (tar members are relative)."""
    return path.lstrip("/")


_USTAR_MAX = 8**7  # uid and gid fit in 7 octal digits, the size in 11
_SIZE_MAX = 8**11
_MAGIC = tarfile.POSIX_MAGIC  # b"ustar\x0000"
_TAIL = b"\0" * (32 + 32 + 8 + 8 + 155 + 12)  # empty uname, gname, devmajor, devminor, prefix; padding


_MTIME = b"00000000000\0"
_CHECKSUM_BASE = sum(_MTIME) + 8 * ord(" ") + sum(_MAGIC)  # the fixed fields (and the checksum as spaces)


def _ustar(name: bytes, kind: bytes, mode: int, uid: int, gid: int, size: int, linkname: bytes) -> bytes:
    """A USTAR block as tarfile packs it (mtime 0, no owner names, no device numbers).  The
    checksum (the sum of the block's bytes, its own field as spaces) adds only the fields that
    vary to the fixed ones' sum: the rest of the block is NUL."""
    name, linkname = name[:100], linkname[:100]
    numbers = b"%07o\0%07o\0%07o\0%011o\0" % (mode & 0o7777, uid, gid, size)
    checksum = _CHECKSUM_BASE + sum(name) + sum(numbers) + kind[0] + sum(linkname)
    return b"".join(
        (
            name.ljust(100, b"\0"),
            numbers,
            _MTIME,
            b"%06o\0 " % checksum,
            kind,
            linkname.ljust(100, b"\0"),
            _MAGIC,
            _TAIL,
        )
    )


def _pax_record(keyword: bytes, value: bytes) -> bytes:
    """``"<length> <keyword>=<value>\\n"`` where the length counts its own digits (POSIX pax)."""
    body = len(keyword) + len(value) + 3  # the space, "=" and newline
    length = body + len(str(body))
    if len(str(length)) != len(str(body)):  # one more digit in the total
        length += 1
    return b"%d %s=%s\n" % (length, keyword, value)


def _header(
    name: str, kind: bytes, mode: int, uid: int, gid: int, size: int = 0, linkname: str = ""
) -> bytes:
    """One member's header, exactly as ``tarfile`` writes it in PAX format (mtime 0, no owner
    names).  The usual member (ASCII names, small numbers) is packed here directly, several
    times faster than ``tarfile``, with a PAX ``path``/``linkpath`` record before it where a
    name is longer than USTAR's 100 bytes; any other member goes through ``tarfile``."""
    if kind == tarfile.DIRTYPE and not name.endswith("/"):
        name += "/"  # as tarfile names a directory
    if (
        name.isascii()
        and linkname.isascii()
        and 0 <= uid < _USTAR_MAX
        and 0 <= gid < _USTAR_MAX
        and 0 <= size < _SIZE_MAX
    ):
        raw_name, raw_link = name.encode(), linkname.encode()
        block = _ustar(raw_name, kind, mode, uid, gid, size, raw_link)
        if len(raw_name) <= 100 and len(raw_link) <= 100:
            return block
        records = b""
        if len(raw_name) > 100:
            records += _pax_record(b"path", raw_name)
        if len(raw_link) > 100:
            records += _pax_record(b"linkpath", raw_link)
        pax = _ustar(b"././@PaxHeader", b"x", 0, 0, 0, len(records), b"")
        return pax + records + _padding(len(records)) + block
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode & 0o7777
    info.uid = uid
    info.gid = gid
    info.size = size
    info.mtime = 0
    info.uname = ""
    info.gname = ""
    info.linkname = linkname
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def _padding(size: int) -> bytes:
    rest = size % BLOCK
    return b"\0" * (BLOCK - rest) if rest else b""


def _file_chunks(entry: Entry) -> Iterator[bytes]:
    length = 0
    for piece in entry.iter_content(_CHUNK):
        length += len(piece)
        yield piece
    if length != entry.size:
        raise ValueError(f"file content is {length} bytes but its entry says {entry.size}")
    yield _padding(length)


def tar_chunks(entries: Mapping[str, Entry]) -> Iterator[bytes]:
    """Yield the canonical tar of ``entries`` (absolute path -> Entry) in pieces."""
    for path in sorted(entries, key=path_sort_key):
        entry = entries[path]
        name = tar_member_name(path)
        if entry.kind is Kind.DIR:
            yield _header(name + "/", tarfile.DIRTYPE, entry.mode, entry.uid, entry.gid)
            if entry.opaque:
                marker = f"{name}/{OPAQUE_MARKER}"
                yield _header(marker, tarfile.REGTYPE, entry.mode, entry.uid, entry.gid)
        elif entry.kind is Kind.FILE:
            yield _header(name, tarfile.REGTYPE, entry.mode, entry.uid, entry.gid, entry.size)
            yield from _file_chunks(entry)
        elif entry.kind is Kind.SYMLINK:
            yield _header(name, tarfile.SYMTYPE, entry.mode, entry.uid, entry.gid, linkname=entry.target)
        elif entry.kind is Kind.HARDLINK:
            yield _header(
                name,
                tarfile.LNKTYPE,
                entry.mode,
                entry.uid,
                entry.gid,
                linkname=tar_member_name(entry.target),
            )
        else:  # whiteout
            directory = tar_member_name(parent(path))
            wh = (
                f"{directory}/{WHITEOUT_PREFIX}{basename(path)}"
                if directory
                else f"{WHITEOUT_PREFIX}{basename(path)}"
            )
            yield _header(wh, tarfile.REGTYPE, 0o600, 0, 0)
    yield b"\0" * (2 * BLOCK)


def tar_bytes(entries: Mapping[str, Entry]) -> bytes:
    """The whole canonical tar as bytes."""
    return b"".join(tar_chunks(entries))
