"""Hostile or broken input: a clear ImageFormatError, nothing registered, nothing written."""

from __future__ import annotations

import gzip
import json
import os
import tarfile
import warnings
from pathlib import Path

import pytest

from simulator import Engine, ImageFormatError
from simulator.engine.images import load_images
from simulator.model import Kind
from simulator.oci import OCIWarning, read_layout, write_layout

from .layouts import layer_tar, make_layout, member, sha256

GOOD = layer_tar(member("etc/", "dir"), member("etc/hostname", data=b"box\n"))


def _load_fails(path: Path, match: str) -> None:
    engine = Engine()
    before = sorted(os.listdir(path.parent))
    with pytest.raises(ImageFormatError, match=match):
        load_images(engine, path)
    assert len(engine.images) == 0 and len(engine.layers) == 0  # no half-registered image
    assert sorted(os.listdir(path.parent)) == before  # nothing written next to it


@pytest.mark.parametrize(
    ("members", "match"),
    [
        ([member("../escape", data=b"x")], r"contains '\.\.'"),
        ([member("etc/../../escape", data=b"x")], r"contains '\.\.'"),
        ([member("/etc/passwd", data=b"x")], "absolute name"),
        ([member("a", data=b"1"), member("./a", data=b"2")], "duplicate entry for /a"),
        ([member("d/", "dir"), member("d", "dir")], "duplicate entry for /d"),
        ([member(".wh.x"), member("./.wh.x")], "duplicate entry"),
        ([member("etc/.wh.", data=b"")], r"invalid whiteout '(etc/)?\.wh\.'"),
        ([member(".wh..wh.plnk/", "dir")], "must be a regular file"),
        ([member(".wh..wh..plnk")], "unknown whiteout form"),
        ([member("x/.wh..wh.aufs")], "unknown whiteout form"),
        ([member(".wh.gone", "dir")], "must be a regular file"),
        ([member("link", "symlink", linkname="../../etc/shadow")], "points outside the image root"),
        ([member("a/b/link", "symlink", linkname="../../../x")], "points outside the image root"),
        ([member("hl", "hardlink", linkname="../etc/passwd")], r"contains '\.\.'"),
        ([member("hl", "hardlink", linkname="/etc/passwd")], "absolute name"),
        ([member("f", data=b"x"), member("f/g", data=b"y")], "below /f, which this layer makes a file"),
        ([member("f", data=b"x"), member("f/.wh..wh..opq")], "not a directory"),
    ],
)
def test_bad_members_are_refused(tmp_path: Path, members: list, match: str) -> None:
    lay = make_layout(tmp_path / "lay", [GOOD, layer_tar(*members)])
    _load_fails(lay, match)


def test_digest_mismatches(tmp_path: Path) -> None:
    other = layer_tar(member("etc/hostname", data=b"evil\n"))
    # a blob whose content is not what its name says
    lay = make_layout(tmp_path / "a", [GOOD])
    [blob] = [p for p in (lay / "blobs/sha256").iterdir() if p.read_bytes()[:2] == b"\x1f\x8b"]
    blob.write_bytes(gzip.compress(other, mtime=0)[: blob.stat().st_size].ljust(blob.stat().st_size, b"\0"))
    _load_fails(lay, "digest mismatch|corrupt gzip|truncated")
    # the config's DiffID does not match the layer
    lay = make_layout(tmp_path / "b", [GOOD], diff_ids=[sha256(other)])
    _load_fails(lay, "DiffID mismatch")
    # a tampered config (manifest says another digest)
    lay = make_layout(tmp_path / "c", [GOOD])
    manifest = json.loads(_manifest_bytes(lay))
    config = lay / "blobs/sha256" / manifest["config"]["digest"].split(":")[1]
    config.write_bytes(config.read_bytes().replace(b'"sh"', b'"xx"'))
    _load_fails(lay, "config .*digest mismatch")


def _manifest_bytes(lay: Path) -> bytes:
    index = json.loads((lay / "index.json").read_text())
    return (lay / "blobs/sha256" / index["manifests"][0]["digest"].split(":")[1]).read_bytes()


def test_truncated_and_corrupt_gzip(tmp_path: Path) -> None:
    big = layer_tar(member("blob", data=os.urandom(200_000)))
    full = gzip.compress(big, mtime=0)
    lay = make_layout(tmp_path / "t", [big], blobs=[full[: len(full) // 2]])
    _load_fails(lay, "truncated gzip stream")
    corrupt = bytearray(full)
    corrupt[len(full) // 2] ^= 0xFF
    lay = make_layout(tmp_path / "c", [big], blobs=[bytes(corrupt)])
    _load_fails(lay, "corrupt gzip data|digest mismatch")


def test_corrupt_gzip_with_matching_digest_names_the_problem(tmp_path: Path) -> None:
    """When the manifest's digest is of the corrupt bytes, the decompressor must be the one to object."""
    big = layer_tar(member("blob", data=os.urandom(50_000)))
    corrupt = bytearray(gzip.compress(big, mtime=0))
    corrupt[200] ^= 0xFF
    lay = make_layout(tmp_path / "c", [big], blobs=[bytes(corrupt)])
    _load_fails(lay, "corrupt gzip data")


def test_truncated_tar_and_trailing_garbage(tmp_path: Path) -> None:
    raw = layer_tar(member("blob", data=b"y" * 5000))
    lay = make_layout(tmp_path / "t", [raw[:2048]], compress=False)
    _load_fails(lay, "not a valid layer tar|truncated")
    end = 512 + 5120  # one header and ten data blocks: then an invalid header instead of the end
    bad = raw[:end] + b"garbage!" * 64 + raw[end:]
    lay = make_layout(tmp_path / "g", [bad], compress=False)
    _load_fails(lay, "unreadable tar header or trailing data at offset 5632")


def test_history_with_more_layers_than_diff_ids(tmp_path: Path) -> None:
    lay = make_layout(tmp_path / "h", [GOOD], history=[{"created_by": "a"}, {"created_by": "b"}])
    _load_fails(lay, "too many non-empty layers in History")


def test_missing_blob_and_not_a_layout(tmp_path: Path) -> None:
    lay = make_layout(tmp_path / "m", [GOOD])
    for blob in (lay / "blobs/sha256").iterdir():
        if blob.read_bytes()[:2] == b"\x1f\x8b":
            blob.unlink()
    _load_fails(lay, "missing")
    (tmp_path / "empty").mkdir()
    _load_fails(tmp_path / "empty", "neither an OCI image layout")
    (tmp_path / "junk.tar").write_bytes(b"not a tar" * 100)
    _load_fails(tmp_path / "junk.tar", "not a readable tar archive|neither")


def test_zstd_without_zstandard_is_a_clear_error(tmp_path: Path) -> None:
    try:
        import zstandard  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("zstandard is installed; the error path is not reachable")
    lay = make_layout(tmp_path / "z", [GOOD], blobs=[b"\x28\xb5\x2f\xfd" + b"\0" * 40])
    _load_fails(lay, "zstd-compressed.*'zstandard'")


def test_archive_with_escaping_names(tmp_path: Path) -> None:
    lay = make_layout(tmp_path / "lay", [GOOD])
    for evil in ("../outside", "/abs/index.json"):
        archive = tmp_path / "evil.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(lay, arcname=".")
            info = tarfile.TarInfo(evil)
            tar.addfile(info, None)
        _load_fails(archive, "refusing the path")
        archive.unlink()
    archive = tmp_path / "link.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(lay, arcname=".")
        info = tarfile.TarInfo("blobs/sha256/evil")
        info.type, info.linkname = tarfile.SYMTYPE, "../../../etc/passwd"
        tar.addfile(info)
    _load_fails(archive, "points outside the archive")
    archive = tmp_path / "dup.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(lay, arcname=".")
        tar.add(lay / "index.json", arcname="index.json")
    _load_fails(archive, "duplicate member 'index.json'")


def test_one_bad_image_registers_none(tmp_path: Path) -> None:
    """docker load of an archive with a good and a bad image loads neither."""
    lay = make_layout(tmp_path / "lay", [GOOD])
    bad = make_layout(tmp_path / "bad", [layer_tar(member("../x", data=b""))])
    index = json.loads((lay / "index.json").read_text())
    bad_index = json.loads((bad / "index.json").read_text())
    for blob in (bad / "blobs/sha256").iterdir():
        (lay / "blobs/sha256" / blob.name).write_bytes(blob.read_bytes())
    index["manifests"] += bad_index["manifests"]
    (lay / "index.json").write_text(json.dumps(index))
    _load_fails(lay, r"contains '\.\.'")


def test_devices_are_skipped_with_a_warning(tmp_path: Path) -> None:
    raw = layer_tar(
        member("dev/", "dir"), member("dev/null", "char"), member("dev/fifo", "fifo"), member("ok", data=b"1")
    )
    lay = make_layout(tmp_path / "d", [raw])
    with pytest.warns(OCIWarning, match="skipped 2 device"):
        [(img, _)] = read_layout(lay)
    assert img.listdir("/dev") == [] and img.read_file("/ok") == b"1"
    assert img.diff_ids == [sha256(raw)]  # the DiffID still covers the device entries


def test_whiteout_semantics_of_imported_layers(tmp_path: Path) -> None:
    """SEMANTICS §6 cases 24-26: marker position, whiteout plus file, whiteout of nothing."""
    base = layer_tar(
        member("a/", "dir"), member("a/lower", data=b"l"), member("foo", data=b"old"), member("d/", "dir"),
        member("d/x", data=b"x"),
    )  # fmt: skip
    top = layer_tar(
        member("a/", "dir", mode=0o700),
        member("a/b/", "dir"),
        member("a/b/c/", "dir"),
        member("a/b/c/foo", data=b"kept"),
        member("a/.wh..wh..opq", mode=0o700),  # marker last: still applied first
        member("foo", data=b"new"),
        member(".wh.foo"),  # same layer: the whiteout only hides lower layers
        member(".wh.nothing-here"),  # no-op
        member(".wh.d"),
        member("d/", "dir"),  # whiteout + new dir: a fresh, empty directory
        member("q/.wh..wh..opq"),  # marker without a dir header: the dir is created opaque
    )
    lay = make_layout(tmp_path / "w", [base, top])
    [(img, _)] = read_layout(lay)
    assert img.listdir("/a") == ["b"]
    assert img.read_file("/a/b/c/foo") == b"kept"
    assert img.view.lookup("/a").mode == 0o700
    assert img.read_file("/foo") == b"new"
    assert img.listdir("/d") == []
    assert not img.view.exists("/nothing-here")
    entries = img.layers[1].entries
    assert entries["/a"].opaque and entries["/d"].opaque and entries["/q"].opaque
    assert entries["/nothing-here"].kind is Kind.WHITEOUT
    assert entries["/foo"].kind is Kind.FILE


def test_hard_links_and_symlinks(tmp_path: Path) -> None:
    raw = layer_tar(
        member("bin/", "dir"),
        member("bin/busybox", data=b"BB", mode=0o755),
        member("bin/sh", "hardlink", linkname="bin/busybox", mode=0o755),
        member("bin/ls", "hardlink", linkname="./bin/sh", mode=0o755),  # a link to a link
        member("bin/abs", "symlink", linkname="/bin/busybox"),
        member("bin/rel", "symlink", linkname="../bin/busybox"),
    )
    [(img, _)] = read_layout(make_layout(tmp_path / "l", [raw]))
    assert img.read_file("/bin/ls") == b"BB" and img.read_file("/bin/sh") == b"BB"
    assert img.read_file("/bin/abs") == b"BB" and img.read_file("/bin/rel") == b"BB"
    assert img.layers[0].entries["/bin/ls"].target == "/bin/busybox"


def test_export_failure_leaves_nothing(tmp_path: Path) -> None:
    """A layer that cannot give bytes matching its DiffID aborts the save; no file remains."""
    from simulator.model import Image, Layer

    [(img, _)] = read_layout(make_layout(tmp_path / "src", [GOOD]))
    for blob in (tmp_path / "src/blobs/sha256").iterdir():
        blob.unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ImageFormatError):
            write_layout(img, tmp_path / "x.tar")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]
    fake = Layer.of({}, diff_id=sha256(b"not the empty tar"))
    with pytest.raises(ImageFormatError, match="hashes to"):
        write_layout(Image.of([fake]), tmp_path / "y")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]
