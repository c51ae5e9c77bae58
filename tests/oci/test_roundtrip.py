"""Export then import: every digest survives, the bytes are reproducible, formats look right."""

from __future__ import annotations

import gzip
import hashlib
import json
import tarfile
from pathlib import Path

import pytest

from simulator import EMPTY_TAR_DIFF_ID, Engine
from simulator.engine.images import load_images, save_image
from simulator.model import Entry, Image, Layer
from simulator.oci import open_image, read_layout, write_layout

from .layouts import sha256


def _tree(image: Image) -> dict[str, tuple]:
    out = {}
    for o in image.view.walk():
        e = o.entry
        content = e.content_digest() if e.is_file else e.target
        out[o.path] = (e.kind, e.mode, e.uid, e.gid, content, e.opaque and False)
    return out


def _same_image(a: Image, b: Image) -> None:
    assert a.id == b.id
    assert a.diff_ids == b.diff_ids
    assert a.chain_ids == b.chain_ids
    assert a.config_bytes() == b.config_bytes()
    assert [h.created_by for h in a.history] == [h.created_by for h in b.history]
    assert _tree(a) == _tree(b)


@pytest.mark.parametrize("fmt", ["oci", "docker"])
@pytest.mark.parametrize("as_tar", [False, True])
def test_export_import_preserves_every_digest(tmp_path: Path, image: Image, fmt: str, as_tar: bool) -> None:
    path = tmp_path / ("out.tar" if as_tar else "out")
    write_layout(image, path, ["web:1"], format=fmt, tar=as_tar)
    [(loaded, tags)] = read_layout(path)
    assert tags == ["web:1"]
    _same_image(image, loaded)
    for original, imported in zip(image.layers, loaded.layers, strict=True):
        assert imported.diff_id == original.diff_id
        assert imported.created_by == original.created_by
    assert loaded.read_file("/home/u/notes") == b"x" * 5000
    assert loaded.read_file("/lib/libc.so") == bytes(range(256)) * 40
    assert loaded.listdir("/etc/old") == ["b"]
    assert not loaded.view.exists("/var/cache")


def test_layer_blobs_are_the_diffid_tars(tmp_path: Path, image: Image) -> None:
    write_layout(image, tmp_path / "lay", ["web:1"])
    index = json.loads((tmp_path / "lay/index.json").read_text())
    [desc] = index["manifests"]
    assert desc["annotations"] == {
        "io.containerd.image.name": "docker.io/library/web:1",
        "org.opencontainers.image.ref.name": "1",
    }
    blobs = tmp_path / "lay/blobs/sha256"
    manifest_bytes = (blobs / desc["digest"].split(":")[1]).read_bytes()
    assert sha256(manifest_bytes) == desc["digest"] and len(manifest_bytes) == desc["size"]
    manifest = json.loads(manifest_bytes)
    assert manifest["config"]["digest"] == image.id
    assert (blobs / image.id.split(":")[1]).read_bytes() == image.config_bytes()
    for layer, ld in zip(image.layers, manifest["layers"], strict=True):
        assert ld["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"
        stored = (blobs / ld["digest"].split(":")[1]).read_bytes()
        assert stored[:4] == b"\x1f\x8b\x08\x00" and stored[4:8] == b"\0\0\0\0"  # no name, mtime 0
        raw = gzip.decompress(stored)
        assert raw == layer.tar() and sha256(raw) == layer.diff_id


def test_same_image_gives_same_bytes(tmp_path: Path, image: Image) -> None:
    for fmt in ("oci", "docker"):
        write_layout(image, tmp_path / f"a-{fmt}.tar", ["web:1"], format=fmt)
        write_layout(image, tmp_path / f"b-{fmt}.tar", ["web:1"], format=fmt)
        a, b = (tmp_path / f"a-{fmt}.tar").read_bytes(), (tmp_path / f"b-{fmt}.tar").read_bytes()
        assert a == b


def test_docker_save_format(tmp_path: Path, image: Image) -> None:
    path = write_layout(
        image, tmp_path / "web", ["web:1", "registry.example:5000/team/web:2"], format="docker"
    )
    assert path.endswith("web")  # format="docker" writes an archive even without .tar
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        repositories = json.load(tar.extractfile("repositories"))
        index = json.load(tar.extractfile("index.json"))
    assert {"oci-layout", "index.json", "manifest.json", "repositories"} <= set(names)
    [item] = manifest
    assert item["Config"] == f"blobs/sha256/{image.id.split(':')[1]}"
    assert item["RepoTags"] == ["web:1", "registry.example:5000/team/web:2"]
    # graphdriver docker save: uncompressed layers, so the blob digest is the DiffID
    assert item["Layers"] == [f"blobs/sha256/{d.split(':')[1]}" for d in image.diff_ids]
    top = image.diff_ids[-1].split(":")[1]
    assert repositories == {"web": {"1": top}, "registry.example:5000/team/web": {"2": top}}
    refs = [d["annotations"]["io.containerd.image.name"] for d in index["manifests"]]
    assert refs == ["docker.io/library/web:1", "registry.example:5000/team/web:2"]
    [(loaded, tags)] = read_layout(path)
    assert tags == ["web:1", "registry.example:5000/team/web:2"]
    _same_image(image, loaded)


def test_reexport_of_an_imported_image_is_byte_identical(tmp_path: Path, image: Image) -> None:
    write_layout(image, tmp_path / "one", ["web:1"])
    [(loaded, _)] = read_layout(tmp_path / "one")
    write_layout(loaded, tmp_path / "two", ["web:1"])
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file()
    )
    for f in files:
        assert (tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes()


def test_foreign_layer_tar_is_exported_as_it_was(tmp_path: Path) -> None:
    """An imported tar that is not canonical (mtimes, uname, order) keeps its bytes and DiffID."""
    from .layouts import layer_tar, make_layout, member

    info, data = member("z-last.txt", data=b"z")
    info.mtime, info.uname = 1_700_000_000, "someone"
    raw = layer_tar(member("b/", "dir"), (info, data), member("b/a.txt", data=b"a"))
    make_layout(tmp_path / "in", [raw])
    [(loaded, _)] = read_layout(tmp_path / "in")
    assert loaded.diff_ids == [sha256(raw)]
    assert loaded.layers[0].tar() == raw  # tar() gives the original bytes, so sha256(tar) == DiffID ...
    write_layout(loaded, tmp_path / "out.tar", ["x:1"], format="docker")
    with tarfile.open(tmp_path / "out.tar") as tar:
        assert (
            tar.extractfile(f"blobs/sha256/{sha256(raw).split(':')[1]}").read() == raw
        )  # ... and so does the export
    [(again, _)] = read_layout(tmp_path / "out.tar")
    assert again.id == loaded.id


def test_empty_layer_and_empty_image(tmp_path: Path) -> None:
    image = Image.of([Layer.of({})])
    assert image.diff_ids == [EMPTY_TAR_DIFF_ID]
    write_layout(image, tmp_path / "e")
    [(loaded, tags)] = read_layout(tmp_path / "e")
    assert tags == [] and loaded.id == image.id and loaded.diff_ids == [EMPTY_TAR_DIFF_ID]
    nothing = Image.of([])
    write_layout(nothing, tmp_path / "n.tar", ["scratch:1"])
    assert read_layout(tmp_path / "n.tar")[0].image.id == nothing.id


def test_engine_save_and_load(tmp_path: Path, image: Image) -> None:
    engine = Engine()
    engine.images.add(image, "web:1")
    engine.images.save("web:1", tmp_path / "web.tar", format="docker")
    engine.images.save(image.id, tmp_path / "untagged", format="oci")
    other = Engine()
    [loaded] = other.images.load(tmp_path / "web.tar")
    assert loaded.id == image.id and other.images.get("web:1").id == image.id
    assert other.images.tags_of(loaded) == ["web:1"]
    third = Engine()
    [untagged] = third.images.load(tmp_path / "untagged")
    assert untagged.id == image.id and third.images.tags_of(untagged) == []
    assert len(third.images.list(all=True)) == 1


def test_save_image_function_and_tags(tmp_path: Path, image: Image) -> None:
    engine = Engine()
    engine.images.add(image, "web")
    save_image(engine, "web", tmp_path / "lay")
    index = json.loads((tmp_path / "lay/index.json").read_text())
    assert index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "latest"
    assert load_images(Engine(), tmp_path / "lay")[0].id == image.id


def test_open_image_by_bare_ref_name(tmp_path: Path) -> None:
    from .layouts import layer_tar, make_layout, member

    make_layout(tmp_path / "lay", [layer_tar(member("hello", data=b"hi"))], ref_name="latest")
    [(img, tags)] = read_layout(tmp_path / "lay")
    assert tags == []  # "latest" names no repository
    assert open_image(tmp_path / "lay", "latest").id == img.id
    assert open_image(tmp_path / "lay").read_file("/hello") == b"hi"


def test_write_refuses_a_non_empty_directory_and_leaves_nothing(tmp_path: Path, image: Image) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep").write_text("mine")
    with pytest.raises(FileExistsError):
        write_layout(image, tmp_path / "full")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]
    with pytest.raises(ValueError, match="unknown format"):
        write_layout(image, tmp_path / "x", format="tarball")


def test_gzip_compressed_docker_archive_is_read(tmp_path: Path, image: Image) -> None:
    write_layout(image, tmp_path / "web.tar", ["web:1"], format="docker")
    (tmp_path / "web.tar.gz").write_bytes(gzip.compress((tmp_path / "web.tar").read_bytes()))
    [(loaded, tags)] = read_layout(tmp_path / "web.tar.gz")
    assert loaded.id == image.id and tags == ["web:1"]
    assert loaded.read_file("/home/u/notes") == b"x" * 5000


def test_legacy_docker_save_archive(tmp_path: Path, image: Image) -> None:
    """Docker <= 24: ``<hex>/layer.tar``, ``<imageid>.json``, symlinked duplicate layers."""
    root = tmp_path / "legacy"
    root.mkdir()
    layers = []
    for i, layer in enumerate(image.layers):
        d = hashlib.sha256(f"v1-{i}".encode()).hexdigest()
        (root / d).mkdir()
        (root / d / "layer.tar").write_bytes(layer.tar())
        (root / d / "VERSION").write_text("1.0")
        layers.append(f"{d}/layer.tar")
    hexid = image.id.split(":")[1]
    (root / f"{hexid}.json").write_bytes(image.config_bytes())
    (root / "manifest.json").write_text(
        json.dumps([{"Config": f"{hexid}.json", "RepoTags": ["old:1"], "Layers": layers}])
    )
    (root / "repositories").write_text(json.dumps({"old": {"1": layers[-1].split("/")[0]}}))
    archive = tmp_path / "legacy.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(root, arcname=".")
        # a duplicate layer as Docker wrote it: a symlink to the first copy
        info = tarfile.TarInfo("dup/layer.tar")
        info.type, info.linkname = tarfile.SYMTYPE, f"../{layers[0]}"
        tar.addfile(info)
        info = tarfile.TarInfo("dup/")
        info.type = tarfile.DIRTYPE
        tar.addfile(info)
    [(loaded, tags)] = read_layout(archive)
    assert tags == ["old:1"]
    _same_image(image, loaded)


def test_lazy_content_is_read_from_the_blob(tmp_path: Path) -> None:
    """Large gzip layers: contents are found again through checkpoints, not kept in memory."""
    import random

    rng = random.Random(1)
    files = {f"/data/f{i}": Entry.file(rng.randbytes(3 << 20)) for i in range(8)}  # 24 MiB, 3 checkpoints
    image = Image.of([Layer.of({"/data": Entry.directory(), **files})])
    write_layout(image, tmp_path / "big")
    [(loaded, _)] = read_layout(tmp_path / "big")
    from simulator.oci.changeset import tar_source

    source = tar_source(loaded.layers[0])
    assert source is not None and len(source.checkpoints) >= 2
    for path, entry in files.items():
        imported = loaded.view.lookup(path)
        assert imported.data is None and imported.size == entry.size  # nothing held in memory
        assert imported.content_digest() == entry.content_digest()
        assert loaded.read_file(path) == entry.data


def test_reading_after_the_layout_changed_is_an_error(tmp_path: Path, image: Image) -> None:
    from simulator import ImageFormatError

    write_layout(image, tmp_path / "lay")
    [(loaded, _)] = read_layout(tmp_path / "lay")
    for blob in (tmp_path / "lay/blobs/sha256").iterdir():
        data = blob.read_bytes()
        if data[:2] == b"\x1f\x8b" and b"x" * 100 in gzip.decompress(data):
            blob.write_bytes(gzip.compress(gzip.decompress(data).replace(b"x" * 100, b"y" * 100)))
    with pytest.raises(ImageFormatError, match="no longer matches"):
        loaded.read_file("/home/u/notes")
