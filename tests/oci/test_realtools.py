"""The exports against skopeo and umoci, and images written by buildah/umoci against the importer.

Run with ``pytest -m real``; each test skips (naming the apt package) when its tool is absent.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from realtools import harness  # tests/realtools/harness.py (tests/ is on sys.path)

from simulator.model import Image, Kind
from simulator.oci import read_layout, write_layout

from .samples import sample_image

pytestmark = pytest.mark.real


def _run(*argv: str) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Image, Path]:
    image = sample_image()
    root = tmp_path_factory.mktemp("export")
    write_layout(image, root / "lay", ["web:1"])
    write_layout(image, root / "web.tar", ["web:1"], format="docker")
    return image, root


def test_skopeo_inspect_accepts_the_oci_export(exported: tuple[Image, Path]) -> None:
    harness.require("skopeo")
    image, root = exported
    index = json.loads((root / "lay/index.json").read_text())
    manifest_digest = index["manifests"][0]["digest"]
    info = json.loads(_run("skopeo", "inspect", f"oci:{root}/lay:1"))
    assert info["Digest"] == manifest_digest
    raw_manifest = _run("skopeo", "inspect", "--raw", f"oci:{root}/lay:1").encode()
    assert "sha256:" + hashlib.sha256(raw_manifest).hexdigest() == manifest_digest
    assert info["Layers"] == [d["digest"] for d in json.loads(raw_manifest)["layers"]]
    config = _run("skopeo", "inspect", "--config", "--raw", f"oci:{root}/lay:1").encode()
    assert "sha256:" + hashlib.sha256(config).hexdigest() == image.id
    assert json.loads(config)["rootfs"]["diff_ids"] == image.diff_ids


def test_skopeo_inspect_accepts_the_docker_save_export(exported: tuple[Image, Path]) -> None:
    harness.require("skopeo")
    image, root = exported
    info = json.loads(_run("skopeo", "inspect", f"docker-archive:{root}/web.tar"))
    assert info["Layers"] == image.diff_ids  # uncompressed layers: blob digest == DiffID
    config = _run("skopeo", "inspect", "--config", "--raw", f"docker-archive:{root}/web.tar").encode()
    assert "sha256:" + hashlib.sha256(config).hexdigest() == image.id
    oci = json.loads(_run("skopeo", "inspect", f"oci-archive:{root}/web.tar:1"))  # Docker >= 25 is also OCI
    assert oci["Layers"] == image.diff_ids


def test_skopeo_copy_of_the_export_imports_with_the_same_digests(exported: tuple[Image, Path]) -> None:
    harness.require("skopeo")
    image, root = exported
    copy = root / "copied"
    _run("skopeo", "copy", "-q", f"oci:{root}/lay:1", f"oci:{copy}:web")
    [(loaded, tags)] = read_layout(copy)
    assert tags == []  # skopeo writes only the bare ref name "web"
    assert loaded.id == image.id and loaded.diff_ids == image.diff_ids
    # docker-archive -> oci: skopeo converts the manifest (the config is re-encoded), layers stay
    converted = root / "converted"
    _run("skopeo", "copy", "-q", f"docker-archive:{root}/web.tar", f"oci:{converted}:web")
    [(from_docker, _)] = read_layout(converted)
    assert from_docker.diff_ids == image.diff_ids
    assert from_docker.read_file("/home/u/notes") == b"x" * 5000


def _rootfs(root: Path) -> Iterator[tuple[str, os.stat_result, Path]]:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            full = Path(dirpath) / name
            yield "/" + str(full.relative_to(root)), full.lstat(), full


def _compare_rootfs(image: Image, rootfs: Path) -> None:
    seen = set()
    inodes: dict[int, str] = {}
    for path, st, full in _rootfs(rootfs):
        seen.add(path)
        origin = image.view.origin(path)
        assert origin is not None, f"{path} is in umoci's rootfs but not in the model's view"
        e = origin.entry
        assert stat.S_IMODE(st.st_mode) == e.mode, path
        assert (st.st_uid, st.st_gid) == (e.uid, e.gid), path
        if stat.S_ISDIR(st.st_mode):
            assert e.kind is Kind.DIR, path
        elif stat.S_ISLNK(st.st_mode):
            assert e.kind is Kind.SYMLINK and os.readlink(full) == e.target, path
        else:
            assert stat.S_ISREG(st.st_mode) and e.kind is Kind.FILE, path
            assert "sha256:" + hashlib.sha256(full.read_bytes()).hexdigest() == e.content_digest(), path
            if st.st_nlink > 1:
                inodes.setdefault(st.st_ino, path)
    assert seen == {o.path for o in image.view.walk()}


def test_umoci_unpack_gives_the_models_merged_filesystem(
    exported: tuple[Image, Path], tmp_path: Path
) -> None:
    harness.require("umoci")
    if os.geteuid() != 0:
        pytest.skip("umoci unpack keeps owners only as root")
    image, root = exported
    _run("umoci", "unpack", "--image", f"{root}/lay:1", str(tmp_path / "bundle"))
    _compare_rootfs(image, tmp_path / "bundle/rootfs")
    sh, ash = (tmp_path / "bundle/rootfs/bin/sh").stat(), (tmp_path / "bundle/rootfs/bin/ash").stat()
    assert sh.st_ino == ash.st_ino  # the hard link survived


def _model_changeset(image: Image, i: int) -> dict[str, tuple]:
    out = {}
    for path, e in image.layers[i].entries.items():
        if e.kind is Kind.FILE:
            out[path] = ("file", e.mode, e.uid, e.gid, e.content_digest().split(":")[1])
        elif e.kind is Kind.DIR:
            out[path] = ("opaque" if e.opaque else "dir", e.mode, e.uid, e.gid, None)
        elif e.kind is Kind.SYMLINK:
            out[path] = ("symlink", e.mode, e.uid, e.gid, e.target)
        elif e.kind is Kind.HARDLINK:
            out[path] = ("hardlink", e.mode, e.uid, e.gid, e.target)
        else:
            out[path] = ("whiteout",)
    return out


def _real_changeset(layer: harness.RealLayer) -> dict[str, tuple]:
    out = {}
    for path, e in layer.changeset.items():
        if path == "/":
            continue
        if e.kind == "whiteout":
            out[path] = ("whiteout",)
        else:
            out[path] = (e.kind, e.mode, e.uid, e.gid, e.sha256 if e.kind == "file" else e.target)
    return out


def _check_against_real(loaded: Image, real: harness.RealImage) -> None:
    assert loaded.id == real.config_digest
    assert loaded.diff_ids == list(real.diff_ids)
    for i, layer in enumerate(real.layers):
        assert _model_changeset(loaded, i) == _real_changeset(layer), f"layer {i}"
    merged = real.merged(drop_runtime=False)
    view = {o.path: o.entry for o in loaded.view.walk()}
    assert set(view) == set(merged) - {"/"}
    for path, e in view.items():
        r = merged[path]
        if r.kind == "hardlink":
            r = merged[r.target]
        assert (e.mode, e.uid, e.gid) == (r.mode, r.uid, r.gid), path
        if e.kind is Kind.FILE:
            assert e.content_digest() == f"sha256:{r.sha256}", path
    assert [h.created_by for h in loaded.history] == [h.created_by for h in real.history]


def test_import_of_umocis_busybox_image(tmp_path: Path) -> None:
    harness.require("umoci", "busybox")
    ref = harness.make_busybox_layout(tmp_path)
    layout, tag = ref.removeprefix("oci:").rsplit(":", 1)
    found = {tuple(tags): img for img, tags in read_layout(layout)}
    [loaded] = found.values()
    _check_against_real(loaded, harness.read_oci_image(layout, tag))
    assert loaded.read_file("/bin/sh")[:4] == b"\x7fELF"


@pytest.fixture(scope="module")
def realtools() -> Iterator[harness.RealtoolsSession]:
    harness.require("buildah", "skopeo", "umoci", "busybox")
    sess = harness.session()
    yield sess
    if not os.environ.get("LAYERLAB_REALTOOLS_DIR"):
        sess.cleanup()
        harness._SESSION = None


@pytest.mark.slow
@pytest.mark.parametrize("case", ["run_fs_ops", "copy_chown_chmod", "copy_sources", "workdir", "metadata"])
def test_images_built_by_buildah_import_with_buildahs_layers(
    realtools: harness.RealtoolsSession, case: str
) -> None:
    result = harness.buildah_build(harness.DOCKERFILES / case, f"layerlab-oci-{case.replace('_', '-')}")
    assert result.layout_dir is not None and result.image is not None
    [(loaded, _tags)] = read_layout(result.layout_dir)
    assert loaded.id == result.image_id
    _check_against_real(loaded, result.image)
    # and back out: our export of the imported image is accepted and keeps the digests
    out = realtools.base / "tmp" / f"{case}-reexport"
    write_layout(loaded, out, ["again:1"])
    info = json.loads(_run("skopeo", "inspect", f"oci:{out}:1"))
    assert info["Layers"] == [layer.digest for layer in result.image.layers]


def test_manifest_digest_without_writing_equals_the_written_manifest(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import json

    from simulator.model import Entry, Image, Layer
    from simulator.oci import manifest_digest, write_layout

    image = Image.of([Layer.of({"/a": Entry.file(b"a" * 5000)}), Layer.of({"/b": Entry.symlink("a")})])
    write_layout(image, tmp_path / "out", ["m:1"])
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    written = index["manifests"][0]["digest"]
    blob = (tmp_path / "out" / "blobs" / "sha256" / written.split(":")[1]).read_bytes()
    assert "sha256:" + hashlib.sha256(blob).hexdigest() == written == manifest_digest(image)
