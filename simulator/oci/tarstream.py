"""A fast streaming reader of tar headers for the common case, falling back to ``tarfile``.

Importing a layer of 1,000,000 members spent two thirds of its time in ``tarfile``'s header
parsing.  :class:`TarStream` reads the same stream front to back and parses the 512-byte
headers itself for what image layers are made of -- POSIX ustar and GNU headers with octal
numbers, GNU long names (``L``/``K``) and pax extended headers (``x``) holding ``path``,
``linkpath``, ``size``, ``uid``, ``gid``, ``uname``, ``gname`` and times -- and gives the rest of
the archive to ``tarfile`` (stream mode) at the first header it does not handle itself: base-256
numbers, V7 headers without magic, unknown types, global pax headers (``g``), sparse files, pax
keys it does not know.  The members are :class:`tarfile.TarInfo` objects with the fields
``tarfile`` would set (name, linkname, type, mode, uid, gid, size, mtime, uname, gname,
devmajor, devminor, offset, offset_data, pax_headers), proven equal on generated archives
(``tests/oci/test_tarstream.py``).  Bad headers end the archive or raise ``tarfile.ReadError``
exactly where ``tarfile`` does (its own ``TarInfo.frombuf`` classifies them).
"""

from __future__ import annotations

import struct
import tarfile
from collections.abc import Iterator
from tarfile import EmptyHeaderError, EOFHeaderError, InvalidHeaderError, TruncatedHeaderError  # type: ignore[attr-defined]
from typing import Any

__all__ = ["TarStream"]

_BLOCK = 512
_MAGICS = (b"ustar\x0000", b"ustar  \x00")
_PLAIN = frozenset(b"0123456\x007")  # types parsed here (besides L, K and x)
_PAX_KEYS = frozenset(("path", "linkpath", "size", "uid", "gid", "uname", "gname", "mtime", "atime", "ctime"))
_ENCODING = "utf-8"
_ERRORS = "surrogateescape"


class _Fallback(Exception):
    """A header this reader leaves to ``tarfile``."""


_HEADER = struct.Struct("100s8s8s8s12s12s8sc100s8s32s32s8s8s155s12x")
_NUMBERS: dict[bytes, int] = {}  # fields repeat (modes, owners, times): parsed once
_TEXTS: dict[bytes, str] = {}


def _octal(field: bytes) -> int:
    number = _NUMBERS.get(field)
    if number is not None:
        return number
    if field[:1] in (b"\x80", b"\xff"):
        raise _Fallback  # base-256
    text = field.split(b"\0", 1)[0].strip()
    try:
        number = int(text, 8) if text else 0
    except ValueError:
        raise _Fallback from None
    if len(_NUMBERS) > 65536:
        _NUMBERS.clear()
    _NUMBERS[field] = number
    return number


def _text(field: bytes) -> str:
    if not field[:1] or field[0] == 0:
        return ""
    return field.split(b"\0", 1)[0].decode(_ENCODING, _ERRORS)


def _cached_text(field: bytes) -> str:
    text = _TEXTS.get(field)
    if text is None:
        if len(_TEXTS) > 65536:
            _TEXTS.clear()
        text = _TEXTS[field] = _text(field)
    return text


class _Replay:
    """``head`` first, then the rest of ``source`` (for the fallback to ``tarfile``)."""

    def __init__(self, head: bytes, source: Any) -> None:
        self.head = head
        self.source = source

    def read(self, n: int = -1, /) -> bytes:
        if self.head:
            if n < 0:
                out, self.head = self.head + self.source.read(), b""
                return bytes(out)
            out, self.head = self.head[:n], self.head[n:]
            return bytes(out)
        return bytes(self.source.read(n))


class TarStream:
    """Members of a tar stream, one at a time (``next``), and the data of the current one."""

    def __init__(self, source: Any, bufsize: int = 1 << 16) -> None:
        self.source = source
        self.bufsize = bufsize
        self.buffer = bytearray()
        self.position = 0  # stream offset of buffer[0]
        self.offset = 0  # where the next header starts (tarfile's ``TarFile.offset``)
        self._tar: tarfile.TarFile | None = None  # after a fallback
        self._base = 0
        self._data_left = 0  # bytes of the current member's data not read yet (blocks padded)
        self._keep = 0  # the buffer keeps the bytes from here on (the headers being parsed)

    # ---------------------------------------------------------------- buffered input
    def _fill(self, n: int) -> bytes:
        """Exactly ``n`` bytes from ``self.offset`` on, or fewer at the end; consumed."""
        start = self.offset - self.position
        while len(self.buffer) - start < n:
            more = self.source.read(max(self.bufsize, n))
            if not more:
                break
            self.buffer += more
        out = bytes(self.buffer[start : start + n])
        self.offset += len(out)
        drop = min(start + len(out), self._keep - self.position)  # the current headers stay
        if drop > self.bufsize:
            del self.buffer[:drop]
            self.position += drop
        return out

    def _skip_data(self) -> None:
        self._keep = self.offset + self._data_left
        left = self._data_left
        self._data_left = 0
        while left:
            got = len(self._fill(min(left, 1 << 20)))
            if not got:  # tarfile's next() cannot reach the next header: a truncated member
                raise tarfile.ReadError("unexpected end of data")
            left -= got

    # ---------------------------------------------------------------- members
    def next(self) -> tarfile.TarInfo | None:
        """The next member, or None after the end-of-archive (or an unreadable header later on)."""
        if self._tar is not None:
            return self._tar_next()
        self._skip_data()
        start = self._keep = self.offset
        try:
            info = self._member(start)
        except _Fallback:
            return self._fall_back(start)
        if info is None:
            self.offset = start
        return info

    def _member(self, start: int) -> tarfile.TarInfo | None:
        pax: dict[str, str] = {}
        longname = longlink = None
        while True:
            at = self.offset
            buf = self._fill(_BLOCK)
            header = self._header(buf, at, start)
            if header is None:
                return None
            kind = buf[156:157]
            size = _octal(buf[124:136])
            if kind in (b"L", b"K"):
                text = _text(self._fill(-(-size // _BLOCK) * _BLOCK)[:size])
                if kind == b"L":
                    longname = text
                else:
                    longlink = text
                continue
            if kind == b"x":
                pax.update(self._pax(self._fill(-(-size // _BLOCK) * _BLOCK)[:size]))
                continue
            if kind[0] not in _PLAIN if kind else True:
                raise _Fallback
            info = header
            if longname is not None:
                info.name = longname.removesuffix("/") if info.type == tarfile.DIRTYPE else longname
            if longlink is not None:
                info.linkname = longlink
            if pax:
                self._apply_pax(info, pax)
            info.offset = start
            info.offset_data = self.offset
            if info.isreg() or info.type not in tarfile.SUPPORTED_TYPES:
                self._data_left = -(-info.size // _BLOCK) * _BLOCK
            return info

    def _header(self, buf: bytes, at: int, start: int) -> tarfile.TarInfo | None:
        """The header block at ``at`` parsed, or None where ``tarfile`` ends the archive."""
        checksum = buf[148:156]
        quick = len(buf) == _BLOCK and buf[257:265] in _MAGICS
        stored = 0
        if quick:
            try:
                stored = _octal(checksum)
            except _Fallback:
                quick = False
            else:
                quick = stored == sum(buf) - sum(checksum) + 256
        if not quick:
            try:
                tarfile.TarInfo.frombuf(buf, _ENCODING, _ERRORS)
            except EOFHeaderError as e:
                if at != start:  # after a long name or pax header: tarfile's SubsequentHeaderError
                    raise tarfile.ReadError(str(e)) from None
                return None
            except (InvalidHeaderError, EmptyHeaderError, TruncatedHeaderError) as e:
                if at == start and start == 0:
                    message = "empty file" if isinstance(e, EmptyHeaderError) else str(e)
                    raise tarfile.ReadError(message) from None
                if at != start:  # a long name or pax header followed by a bad one
                    raise tarfile.ReadError(str(e)) from None
                return None
            raise _Fallback  # valid but unusual (V7, signed checksum ...): tarfile reads it
        name, mode, uid, gid, size, mtime, _, kind, link, _, uname, gname, major, minor, pre = _HEADER.unpack(
            buf
        )
        info = tarfile.TarInfo()
        info.name = _text(name)
        info.mode = _octal(mode)
        info.uid = _octal(uid)
        info.gid = _octal(gid)
        info.size = _octal(size)
        info.mtime = _octal(mtime)
        info.chksum = stored
        info.type = kind
        info.linkname = _text(link)
        info.uname = _cached_text(uname)
        info.gname = _cached_text(gname)
        info.devmajor = _octal(major)
        info.devminor = _octal(minor)
        prefix = _cached_text(pre)
        if info.type == tarfile.AREGTYPE and info.name.endswith("/"):
            info.type = tarfile.DIRTYPE
        if info.type == tarfile.DIRTYPE:
            info.name = info.name.rstrip("/")
        if prefix:
            info.name = prefix + "/" + info.name
        return info

    @staticmethod
    def _pax(data: bytes) -> dict[str, str]:
        """The records of a pax header (``"%d %s=%s\\n"``), or a fallback if unusual."""
        out: dict[str, str] = {}
        pos = 0
        while pos < len(data) and data[pos : pos + 1] != b"\0":
            space = data.find(b" ", pos)
            if space < 0:
                raise _Fallback
            digits = data[pos:space]
            if not digits.isdigit():
                raise _Fallback
            length = int(digits)
            record = data[space + 1 : pos + length]
            if length <= 0 or pos + length > len(data) or not record.endswith(b"\n") or b"=" not in record:
                raise _Fallback
            key, value = record[:-1].split(b"=", 1)
            name = key.decode("ascii", "replace")
            if name not in _PAX_KEYS:
                raise _Fallback
            try:
                out[name] = value.decode("utf-8")
            except UnicodeDecodeError:
                raise _Fallback from None
            pos += length
        return out

    @staticmethod
    def _apply_pax(info: tarfile.TarInfo, pax: dict[str, str]) -> None:
        for key, value in pax.items():
            if key == "path":
                info.name = value.rstrip("/")
            elif key == "linkpath":
                info.linkname = value
            elif key in ("uname", "gname"):
                setattr(info, key, value)
            elif key in ("size", "uid", "gid"):
                try:
                    setattr(info, key, int(value))
                except ValueError:
                    setattr(info, key, 0)
            elif key == "mtime":
                try:
                    info.mtime = float(value)
                except ValueError:
                    info.mtime = 0
        info.pax_headers = dict(pax)

    # ---------------------------------------------------------------- the fallback
    def _fall_back(self, start: int) -> tarfile.TarInfo | None:
        """Give the stream from ``start`` on to ``tarfile`` (stream mode)."""
        held = bytes(self.buffer[start - self.position :])
        self.buffer.clear()
        self._base = start
        stream = _Replay(held, self.source)
        self._tar = tarfile.open(fileobj=stream, mode="r|", bufsize=self.bufsize)  # type: ignore[call-overload]  # noqa: SIM115
        first = getattr(self._tar, "firstmember", None)
        return self._shifted(first)

    def _tar_next(self) -> tarfile.TarInfo | None:
        assert self._tar is not None
        self._tar.firstmember = None  # type: ignore[attr-defined]
        member = self._tar.next()
        return self._shifted(member)

    def _shifted(self, member: tarfile.TarInfo | None) -> tarfile.TarInfo | None:
        assert self._tar is not None
        self._tar.members.clear()  # type: ignore[attr-defined]
        self.offset = self._base + self._tar.offset
        if member is not None:
            member.offset += self._base
            member.offset_data += self._base
        return member

    def data(self, member: tarfile.TarInfo, chunk: int) -> Iterator[bytes]:
        """The data of ``member`` (the member last returned), in pieces of at most ``chunk``."""
        if self._tar is not None:
            member.offset_data -= self._base
            member.offset -= self._base
            try:
                fobj = self._tar.extractfile(member)
                assert fobj is not None
                left = member.size
                while left:
                    piece = fobj.read(min(left, chunk))
                    if not piece:
                        raise tarfile.ReadError("unexpected end of data")
                    left -= len(piece)
                    yield piece
            finally:
                member.offset_data += self._base
                member.offset += self._base
            return
        left = member.size
        padded = self._data_left
        self._data_left = 0
        self._keep = self.offset + padded
        while left:
            piece = self._fill(min(left, chunk))
            if not piece:
                raise tarfile.ReadError("unexpected end of data")  # as tarfile's extractfile().read()
            left -= len(piece)
            padded -= len(piece)
            yield piece
        self._data_left = max(0, padded)

    @property
    def end(self) -> int:
        """Where the end-of-archive (or the unreadable header) starts."""
        return self.offset
