"""Issue 15: sparse files in the model, and the container's disk limit on API writes.

Sparse semantics are ext4's (checked on this machine with coreutils/busybox on ext4 and tmpfs):
``truncate -s 1T f`` makes a hole -- ``ls -l`` shows the apparent size 1099511627776, ``du``
shows 0 blocks, reading gives zeros, and only bytes really written take space.  A write that
would pass ``Limits.disk`` fails with ENOSPC before anything changes, as on a full disk.
"""

from __future__ import annotations

import errno
import hashlib
import io
import tarfile

import pytest

from simulator.limits import Limits
from simulator.model import Container, Entry, Image, Layer
from simulator.model.cow import CopyOnWrite
from simulator.model.entries import Extents

TIB = 1 << 40


def cow(c: Container) -> CopyOnWrite:
    assert isinstance(c.fs, CopyOnWrite)
    return c.fs


class _Owner:
    def __init__(self, disk: int | None) -> None:
        self.limits = Limits(disk=disk)


def container(disk: int | None = None) -> Container:
    image = Image.of(
        [Layer.of({"/tmp": Entry.directory(), "/big": Entry.file(b"b" * 5000), "/small": Entry.file(b"s")})]
    )
    return Container(image, owner=_Owner(disk))  # type: ignore[arg-type]


# ------------------------------------------------------------------ sparse files
def test_truncate_to_a_terabyte_stores_nothing():
    c = container()
    c.write_file("/tmp/f", b"abc")
    c.truncate("/tmp/f", TIB)
    entry = c.stat("/tmp/f")
    assert entry.size == TIB  # ls -l: the apparent size
    assert entry.allocated == 3  # du: only what was written
    assert cow(c).disk_used() == 3
    with c.open("/tmp/f", "rb") as f:
        assert f.read(5) == b"abc\0\0"
        f.seek(TIB - 2)
        assert f.read(10) == b"\0\0"


def test_an_open_file_truncates_and_writes_into_the_hole():
    c = container()
    with c.open("/tmp/f", "w+b") as f:
        f.truncate(TIB)
        f.seek(1 << 30)
        f.write(b"XY")
        f.seek((1 << 30) - 1)
        assert f.read(4) == b"\0XY\0"
    assert c.stat("/tmp/f").size == TIB and c.stat("/tmp/f").allocated == 2
    with c.open("/tmp/f", "r+b") as f:  # cut back inside the hole: still a hole, nothing stored
        f.truncate(2)
        assert f.read() == b"\0\0"
    assert c.stat("/tmp/f").allocated == 0 and c.read_file("/tmp/f") == b"\0\0"


def test_a_hole_reads_as_zeros_everywhere():
    e = Entry.file(b"hello").resized(20).written(12, b"!!")
    assert e.read() == b"hello" + bytes(7) + b"!!" + bytes(6)
    assert [e.read_range(i, 3) for i in (0, 4, 11, 18, 19, 20)] == [
        b"hel", b"o\0\0", b"\0!!", b"\0\0", b"\0", b""
    ]  # fmt: skip
    assert e.allocated == 7 and e.size == 20
    assert e.content_digest() == "sha256:" + hashlib.sha256(e.read()).hexdigest()
    assert Extents(((0, b"ab"),), 5).written(2, b"cde").stored == 5


def test_a_layer_with_a_sparse_file_exports_as_a_stream():
    c = container()
    c.write_file("/tmp/f", b"head")
    c.truncate("/tmp/f", 3 << 20)  # small enough to read back here; the tar is written in pieces
    layer = Layer.of(dict(c.fs.writable_entries()))
    data = layer.tar()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.getmember("tmp/f")
        content = tar.extractfile(member).read()  # type: ignore[union-attr]
    assert member.size == 3 << 20 and content[:4] == b"head" and not content[4:].strip(b"\0")


# ------------------------------------------------------------------ the disk limit on API writes
def _enospc(call) -> None:
    with pytest.raises(OSError) as info:
        call()
    assert info.value.errno == errno.ENOSPC
    assert "No space left on device" in str(info.value)


def test_write_file_past_the_limit_is_enospc_and_changes_nothing():
    c = container(disk=4096)
    c.write_file("/tmp/a", b"x" * 4000)
    before = dict(c.fs.writable_entries())
    _enospc(lambda: c.write_file("/tmp/b", b"y" * 100))
    assert dict(c.fs.writable_entries()) == before
    c.write_file("/tmp/a", b"z" * 4096)  # rewriting counts the new size instead of the old
    _enospc(lambda: c.append_file("/tmp/a", b"!"))
    assert c.read_file("/tmp/a") == b"z" * 4096


def test_open_write_past_the_limit_is_enospc():
    c = container(disk=10)
    with c.open("/tmp/f", "wb") as f:
        assert f.write(b"0123456789") == 10
        _enospc(lambda: f.write(b"x"))
    assert c.read_file("/tmp/f") == b"0123456789"


def test_truncate_makes_a_hole_within_any_limit_but_writing_into_it_counts():
    c = container(disk=100)
    c.write_file("/tmp/f", b"")
    c.truncate("/tmp/f", TIB)  # the hole is free, as on ext4
    with c.open("/tmp/f", "r+b") as f:
        f.seek(1 << 20)
        f.write(b"x" * 100)
        _enospc(lambda: f.write(b"y"))
    assert c.stat("/tmp/f").allocated == 100


def test_a_copy_up_past_the_limit_fails_whole():
    c = container(disk=4096)
    _enospc(lambda: c.chmod("/big", 0o600))  # 5000 bytes would be copied up
    _enospc(lambda: c.open("/big", "r+b"))
    assert "/big" not in c.fs.writable_entries() and c.source_of("/big") == "layer 0"
    c.chmod("/small", 0o600)  # one byte fits
    assert c.source_of("/small") == "upper"


def test_mkdir_and_symlink_on_a_full_layer_are_enospc():
    c = container(disk=8)
    c.write_file("/tmp/f", b"12345678")
    _enospc(lambda: c.mkdir("/tmp/d"))
    _enospc(lambda: c.symlink("/tmp/f", "/tmp/l"))
    assert not c.exists("/tmp/d") and not c.exists("/tmp/l")
    c.remove_file("/tmp/f")  # space comes back
    c.mkdir("/tmp/d")
    assert c.stat("/tmp/d").is_dir


def test_no_owner_means_no_limit():
    c = Container(Image.of([Layer.of({"/tmp": Entry.directory()})]))
    c.write_file("/tmp/f", b"x" * 100_000)
    assert cow(c).disk_used() == 100_000


def test_a_terabyte_hole_exports_piece_by_piece():
    c = container()
    c.truncate("/small", TIB)  # copied up, then extended with a hole
    layer = Layer.of(dict(cow(c).writable_entries()))
    pieces = layer.iter_tar()
    first = [next(pieces) for _ in range(4)]  # headers, then the file's first MiB pieces
    assert sum(len(p) for p in first) < 8 << 20
    with tarfile.open(fileobj=io.BytesIO(b"".join(first)), mode="r|") as tar:
        member = tar.next()  # a PAX size: more than the 8 GiB an octal field holds
        assert member is not None and member.name == "small" and member.size == TIB


def test_long_appends_keep_every_byte():
    c = container()
    piece = bytes(range(256)) * 256  # 64 KiB
    for _ in range(40):  # past 1 MiB the file grows by runs, never copied whole
        c.append_file("/tmp/log", piece)
    entry = c.stat("/tmp/log")
    assert entry.size == entry.allocated == 40 * len(piece)
    assert c.read_file("/tmp/log") == piece * 40
    with c.open("/tmp/log", "r+b") as f:  # an older version written in the middle
        f.seek(100)
        f.write(b"XYZ")
    data = c.read_file("/tmp/log")
    assert data[:100] == piece[:100] and data[100:103] == b"XYZ" and data[103:] == (piece * 40)[103:]
    c.truncate("/tmp/log", 10)
    assert c.read_file("/tmp/log") == piece[:10]


def test_reading_a_terabyte_hole_whole_is_a_clear_error() -> None:
    from simulator import Engine
    from simulator.errors import FileTooLarge

    engine = Engine()
    c = engine.containers.create("busybox")
    c.write_file("/big", b"")
    c.truncate("/big", 1 << 40)  # a sparse terabyte: nothing materialised
    with pytest.raises(
        FileTooLarge, match=r"/big is 1,099,511,627,776 bytes.*container.open\('/big', 'rb'\)"
    ):
        c.read_file("/big")
    with c.open("/big", "rb") as f:  # the way the message gives
        assert f.read(4) == b"\0\0\0\0"
    c.write_file("/small", b"ok")
    assert c.read_file("/small") == b"ok"
