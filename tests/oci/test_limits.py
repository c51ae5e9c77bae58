"""Bounded import: bombs and giant tars stop early with a clear ImageFormatError."""

from __future__ import annotations

import gzip
import os
import tarfile
import zlib
from pathlib import Path

import pytest

from simulator import ImageFormatError
from simulator.model import Kind
from simulator.oci import ImportLimits, read_layout, write_layout
from simulator.oci.blobs import MAX_CHECKPOINTS, LayerBlob
from simulator.oci.changeset import read_layer

from .layouts import layer_tar, make_layout, member, sha256
from .samples import sample_image


def _zeros_gzip(megabytes: int) -> bytes:
    """gzip of ``megabytes`` MiB of zeros, made without holding them (one member)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    return b"".join([*(c.compress(block) for _ in range(megabytes)), c.flush()])


def _file_bomb(megabytes: int) -> bytes:
    """A gzip layer: one file of ``megabytes`` MiB of zeros, then the end of the tar."""
    info = tarfile.TarInfo("zeros")
    info.size = megabytes << 20
    header = info.tobuf(tarfile.PAX_FORMAT)
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    parts = [c.compress(header), *(c.compress(block) for _ in range(megabytes)), c.compress(b"\0" * 1024)]
    return b"".join([*parts, c.flush()])


def test_trailing_zeros_bomb_stops_after_the_limit(tmp_path: Path) -> None:
    tar = layer_tar(member("a", data=b"x"))
    bomb = gzip.compress(tar, mtime=0) + _zeros_gzip(64)  # a second gzip member: 64 MiB of zeros
    lay = make_layout(tmp_path / "lay", [tar], blobs=[bomb])
    with pytest.raises(
        ImageFormatError, match=r"zero bytes after the end of the layer tar.*max_trailing_zeros"
    ):
        read_layout(lay, limits=ImportLimits(max_trailing_zeros=1 << 20))


def test_trailing_zeros_within_the_limit_are_accepted(tmp_path: Path) -> None:
    tar = layer_tar(member("a", data=b"x")) + b"\0" * 20480  # tar's 10 KiB records, twice
    lay = make_layout(tmp_path / "lay", [tar])
    [(image, _)] = read_layout(lay)
    assert image.view.read_file("/a") == b"x"


def test_file_bomb_stops_at_the_byte_limit(tmp_path: Path) -> None:
    tar = layer_tar(member("a", data=b"x"))
    lay = make_layout(tmp_path / "lay", [tar], blobs=[_file_bomb(64)])
    with pytest.raises(
        ImageFormatError, match=r"blobs/sha256/[0-9a-f]+: more than 8388608 uncompressed bytes"
    ):
        read_layout(lay, limits=ImportLimits(max_uncompressed_bytes=8 << 20))


def test_entry_limit_names_the_layer_and_the_limit(tmp_path: Path) -> None:
    tar = layer_tar(*(member(f"f{i}") for i in range(20)))
    lay = make_layout(tmp_path / "lay", [tar])
    with pytest.raises(
        ImageFormatError, match=r"blobs/sha256/[0-9a-f]+: more than 10 tar members.*max_entries"
    ):
        read_layout(lay, limits=ImportLimits(max_entries=10))
    assert len(read_layout(lay, limits=ImportLimits(max_entries=20))) == 1


def test_ratio_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.oci.limits.RATIO_FLOOR", 1 << 20)
    tar = layer_tar(member("a", data=b"x"))
    lay = make_layout(tmp_path / "lay", [tar], blobs=[_file_bomb(16)])
    with pytest.raises(ImageFormatError, match=r"more than 100 times as many \(ImportLimits.max_ratio\)"):
        read_layout(lay)


@pytest.mark.parametrize("bad", [-1, "1", 1.5, True])
def test_limits_are_checked(bad: object) -> None:
    with pytest.raises(TypeError, match="max_entries must be a non-negative int"):
        ImportLimits(max_entries=bad)  # type: ignore[arg-type]


def test_checkpoints_stay_bounded_and_reads_stay_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("simulator.oci.blobs.CHECKPOINT_EVERY", 4096)
    data = os.urandom(3000) * 400  # 1.2 MB, compressible, not uniform
    tar = layer_tar(member("big", data=data), member("small", data=b"end"))
    lay = make_layout(tmp_path / "lay", [tar])
    [(image, _)] = read_layout(lay)
    layer = image.layers[0]
    source = layer.tar_source
    assert isinstance(source, LayerBlob)
    assert 0 < len(source.checkpoints) <= MAX_CHECKPOINTS
    assert image.view.read_file("/big") == data
    assert image.view.read_file("/small") == b"end"


def test_gzip_archive_is_read_in_place_without_a_temporary_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = sample_image()
    write_layout(image, tmp_path / "plain.tar", ["web:1"], format="docker", tar=True)
    (tmp_path / "saved.tar.gz").write_bytes(gzip.compress((tmp_path / "plain.tar").read_bytes()))
    made: list[object] = []

    def no_temporary_copy(*args: object, **kwargs: object) -> None:
        made.append(args)
        raise AssertionError("the archive was copied to a temporary file")

    monkeypatch.setattr("tempfile.mkstemp", no_temporary_copy)
    [(loaded, tags)] = read_layout(tmp_path / "saved.tar.gz")
    assert made == [] and tags == ["web:1"] and loaded.id == image.id
    compared = 0
    for mine, theirs in zip(image.layers, loaded.layers, strict=True):
        for path, entry in mine.entries.items():
            if entry.kind is Kind.FILE:  # read again from the compressed archive, via a checkpoint
                assert theirs.entries[path].read() == entry.read()
                compared += 1
    assert compared > 0


def test_gzip_archive_bomb_stops_early(tmp_path: Path) -> None:
    info = tarfile.TarInfo("index.json")
    info.size = 256 << 20
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [c.compress(info.tobuf()), *(c.compress(b" " * (1 << 20)) for _ in range(256)), c.flush()]
    (tmp_path / "bomb.tar.gz").write_bytes(b"".join(parts))
    with pytest.raises(ImageFormatError, match=r"bomb.tar.gz: more than 16777216 uncompressed bytes"):
        read_layout(tmp_path / "bomb.tar.gz", limits=ImportLimits(max_uncompressed_bytes=16 << 20))


def test_deep_nesting_is_linear_and_still_checked(tmp_path: Path) -> None:
    depth = 3000
    names = ["/".join(["d"] * i) + "/" for i in range(1, depth + 1)]
    tar = layer_tar(*(member(n, "dir") for n in names))
    [(image, _)] = read_layout(make_layout(tmp_path / "ok", [tar]))
    assert len(image.layers[0].entries) == depth
    bad = layer_tar(member("d", data=b"file"), *(member(n, "dir") for n in names[1:50]))
    with pytest.raises(ImageFormatError, match=r"/d/d is below /d, which this layer makes a file"):
        read_layout(make_layout(tmp_path / "bad", [bad]))


def test_deeply_nested_json_is_a_clear_error(tmp_path: Path) -> None:
    lay = make_layout(tmp_path / "lay", [layer_tar(member("a"))])
    (lay / "index.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ImageFormatError, match=r"index\.json nests arrays/objects too deep"):
        read_layout(lay)


def test_read_layer_directly_with_limits(tmp_path: Path) -> None:
    from simulator.oci.blobs import Blob

    raw = gzip.compress(layer_tar(member("a"), member("b")), mtime=0)
    (tmp_path / "blob").write_bytes(raw)
    blob = LayerBlob(Blob(str(tmp_path / "blob"), 0, len(raw), "blob"), "")
    with pytest.raises(ImageFormatError, match="blob: more than 1 tar members"):
        read_layer(blob, limits=ImportLimits(max_entries=1))
    assert read_layer(blob, digest=sha256(raw)).diff_id == sha256(gzip.decompress(raw))
