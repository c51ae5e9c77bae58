"""skopeo and umoci read a store's ``oci/`` directory as the OCI image layout it is.

Run with ``pytest -m real``; each test skips (naming the apt package) when its tool is absent.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from realtools import harness  # tests/realtools/harness.py (tests/ is on sys.path)

from simulator import Engine
from simulator.oci import read_layout
from simulator.store import Store

pytestmark = pytest.mark.real


def _run(*argv: str) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("store")
    engine = Engine(root=root)
    engine.build("FROM alpine:3.20\nRUN echo hi > /x\n", tag="web:1")
    c = engine.containers.create("web:1", name="c1")
    c.write_file("/y", b"from python\n")
    c.commit(repository="example.com/team/app", tag="2")
    return root


def test_skopeo_inspects_the_stores_images(store: Path) -> None:
    harness.require("skopeo")
    engine = Engine.open(store)
    db = Store(store).db
    for tag in ("web:1", "example.com/team/app:2"):
        image = engine.images.get(tag)
        info = json.loads(_run("skopeo", "inspect", f"oci:{store}/oci:{tag}"))
        manifest = db.execute("SELECT manifest FROM images WHERE id = ?", (image.id,)).fetchone()[0]
        assert info["Digest"] == manifest
        assert info["Layers"] == [layer.diff_id for layer in image.layers]  # uncompressed: blob = DiffID
        config = _run("skopeo", "inspect", "--config", "--raw", f"oci:{store}/oci:{tag}").encode()
        assert config == image.config_bytes()


def test_skopeo_copies_an_image_out_with_its_id(store: Path, tmp_path: Path) -> None:
    harness.require("skopeo")
    _run("skopeo", "copy", f"oci:{store}/oci:web:1", f"oci:{tmp_path}/out:web")
    [found] = read_layout(tmp_path / "out")
    assert found.image.id == Engine.open(store).images.get("web:1").id


def test_umoci_lists_and_unpacks_the_stores_images(store: Path, tmp_path: Path) -> None:
    harness.require("umoci")
    tags = _run("umoci", "ls", "--layout", f"{store}/oci").split()
    assert sorted(tags) == ["alpine:3.20", "example.com/team/app:2", "web:1"]
    _run(
        "umoci", "unpack", "--rootless", "--image", f"{store}/oci:example.com/team/app:2", str(tmp_path / "b")
    )
    rootfs = tmp_path / "b" / "rootfs"
    view = Engine.open(store).images.get("example.com/team/app:2").view
    assert (rootfs / "x").read_bytes() == view.read_file("/x") == b"hi\n"
    assert (rootfs / "y").read_bytes() == view.read_file("/y") == b"from python\n"
    assert (rootfs / "etc" / "alpine-release").read_bytes() == view.read_file("/etc/alpine-release")
