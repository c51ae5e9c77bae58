"""The fast tar header reader (simulator.oci.tarstream) reads what tarfile reads.

Hypothesis writes archives with ``tarfile`` itself (USTAR, GNU and PAX formats: short and long
names and link names, non-ASCII names, pax headers, directories, files with data, symlinks, hard
links, character/block devices, FIFOs, modes, owners, mtimes, sizes, base-256 numbers) and
every member :class:`TarStream` returns must equal the one ``tarfile`` (stream mode) returns,
field by field, with the same data and the same end-of-archive offset.  Bad archives fail or
end where ``tarfile`` fails or ends.
"""

from __future__ import annotations

import io
import tarfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from simulator.oci.tarstream import TarStream

FIELDS = (
    "name",
    "linkname",
    "type",
    "mode",
    "uid",
    "gid",
    "size",
    "mtime",
    "uname",
    "gname",
    "devmajor",
    "devminor",
    "offset",
    "offset_data",
    "pax_headers",
)


def reference(data: bytes) -> tuple[list[tuple], int] | str:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r|") as tar:
            out = []
            for member in tar:
                fobj = tar.extractfile(member) if member.isreg() else None
                content = fobj.read() if fobj is not None else b""
                out.append((*(getattr(member, f) for f in FIELDS), content))
            return out, tar.offset
    except tarfile.TarError as e:
        return f"{type(e).__name__}: {e}"


def fast(data: bytes, bufsize: int = 1 << 16) -> tuple[list[tuple], int] | str:
    try:
        tar = TarStream(io.BytesIO(data), bufsize)
        out = []
        while (member := tar.next()) is not None:
            content = b"".join(tar.data(member, 1000)) if member.isreg() else b""
            out.append((*(getattr(member, f) for f in FIELDS), content))
        return out, tar.end
    except tarfile.TarError as e:
        return f"{type(e).__name__}: {e}"


NAME_PART = s.text(alphabet=s.sampled_from("abcé_-.x日"), min_size=1, max_size=40)


@s.composite
def members(draw: s.DrawFn) -> tuple[tarfile.TarInfo, bytes]:
    parts = draw(s.lists(NAME_PART.filter(lambda p: p not in (".", "..")), min_size=1, max_size=6))
    info = tarfile.TarInfo("/".join(parts) + draw(s.sampled_from(["", "", "/"])))
    kind = draw(s.sampled_from(["file", "file", "dir", "sym", "link", "chr", "blk", "fifo"]))
    info.mode = draw(s.integers(0, 0o7777))
    info.uid = draw(s.one_of(s.integers(0, 70000), s.integers(0, 1 << 40)))
    info.gid = draw(s.integers(0, 70000))
    info.mtime = draw(s.one_of(s.integers(0, 1 << 33), s.floats(0, 1e10).map(lambda f: round(f, 3))))
    info.uname = draw(s.sampled_from(["", "root", "ünïcode", "u" * 40]))
    info.gname = draw(s.sampled_from(["", "wheel", "g" * 32]))
    data = b""
    if kind == "file":
        data = draw(s.binary(max_size=3000))
        info.size = len(data)
    elif kind == "dir":
        info.type = tarfile.DIRTYPE
    elif kind in ("sym", "link"):
        info.type = tarfile.SYMTYPE if kind == "sym" else tarfile.LNKTYPE
        info.linkname = draw(s.sampled_from(["a", "../b", "/abs/c", "x" * 150, "dé/" * 40]))
    else:
        info.type = {"chr": tarfile.CHRTYPE, "blk": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE}[kind]
        info.devmajor, info.devminor = draw(s.integers(0, 4095)), draw(s.integers(0, 255))
    if draw(s.booleans()):
        info.pax_headers = {"comment": "x"} if draw(s.booleans()) else {"path": info.name, "mtime": "1.5"}
    return info, data


@s.composite
def archives(draw: s.DrawFn) -> bytes:
    fmt = draw(s.sampled_from([tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT]))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt, encoding="utf-8") as tar:
        for info, data in draw(s.lists(members(), max_size=8)):
            try:
                tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
            except ValueError:  # a name or number the format cannot hold
                continue
    return buf.getvalue()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(archives(), s.sampled_from([512, 4096, 1 << 16]))
def test_members_equal_tarfiles(data: bytes, bufsize: int) -> None:
    assert fast(data, bufsize) == reference(data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(archives(), s.data())
def test_damaged_archives_end_or_fail_as_tarfile_does(data: bytes, draw: s.DataObject) -> None:
    if not data:
        return
    where = draw.draw(s.integers(0, len(data) - 1))
    damaged = bytearray(data)
    if draw.draw(s.booleans()):
        damaged[where] ^= draw.draw(s.integers(1, 255))
    else:
        damaged = damaged[:where]
    expected = reference(bytes(damaged))
    got = fast(bytes(damaged))
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
    else:  # a truncated member's data: tarfile reads fewer bytes, or raises; the headers agree
        assert [m[:-1] for m in got[0]] == [m[:-1] for m in expected[0]]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\0" * 1024,
        b"x" * 512,
        b"\0" * 100,
    ],
)
def test_edge_cases(data: bytes) -> None:
    assert fast(data) == reference(data)


def test_base256_and_gnu_sparse_fall_back_to_tarfile() -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo("small")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
        big = tarfile.TarInfo("big-uid")
        big.uid = 1 << 40  # base-256 in a GNU header
        tar.addfile(big)
        tar.addfile(tarfile.TarInfo("after"))
    data = buf.getvalue()
    assert fast(data) == reference(data)
    assert [m[0] for m in fast(data)[0]] == ["small", "big-uid", "after"]
