"""Images from podman's/buildah's store (and a dockerd) through skopeo: ``Engine.images.load``
and ``layerlab pull containers-storage:...``.

The real tests build an image with buildah from the busybox base (tests/realtools) and compare
the simulator's image with what buildah reports (its ID, its layers).
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator import Engine
from simulator.engine.df import image_id
from simulator.errors import ImageNotFound, StoreError
from simulator.store import fsck
from simulator.store.skopeo import local_name, transport_of
from tests.realtools import harness
from tests.realtools.test_docker import docker as docker_daemon  # noqa: F401 - the private dockerd fixture

ROOT = Path(__file__).resolve().parents[2]


def test_transport_references() -> None:
    assert transport_of("containers-storage:localhost/web:1") == "containers-storage"
    assert transport_of("docker-daemon:alpine:3.20") == "docker-daemon"
    assert transport_of("oci:/tmp/x") is None  # a path-like layout is read directly, not via skopeo
    assert local_name("containers-storage:[overlay@/a+/b]localhost/web:1") == "localhost/web:1"
    assert local_name("docker-daemon:alpine") == "alpine:latest"
    assert local_name("containers-storage:localhost/web@sha256:" + "a" * 64) == "localhost/web:latest"


def test_without_skopeo_the_error_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no skopeo there
    with pytest.raises(StoreError, match="apt install skopeo") as caught:
        Engine().images.load("containers-storage:localhost/web:1")
    assert caught.value.errno == errno.ENOENT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.BuildResult]:
    harness.require("buildah", "skopeo", "umoci", "busybox")
    fresh = harness._SESSION is None
    sess = harness.session()
    context = tmp_path_factory.mktemp("context")
    (context / "Dockerfile").write_text("FROM BUSYBOX\nRUN echo one > /one\nRUN echo two > /two\n")
    yield harness.buildah_build(context, "layerlab-skopeo:1", export=True)
    if fresh and not os.environ.get("LAYERLAB_REALTOOLS_DIR"):
        sess.cleanup()  # as tests/realtools/conftest.py does for its session


@pytest.mark.real
def test_a_buildah_image_loads_with_its_id_and_layers(built: harness.BuildResult, tmp_path: Path) -> None:
    sess = harness.session()
    engine = Engine.open(tmp_path / "store")
    seen: list[tuple[int, int, str]] = []
    (image,) = engine.images.load(
        sess.storage_ref("localhost/layerlab-skopeo:1"), progress=lambda *a: seen.append(a)
    )
    assert image.id == built.image_id
    assert built.image is not None
    assert [layer.diff_id for layer in image.layers] == list(built.image.diff_ids)
    assert engine.images.tags_of(image) == ["localhost/layerlab-skopeo:1"]
    assert image.view.read_file("/two") == b"two\n"
    assert seen[-1][:2] == (3, 3)  # three layers: busybox, RUN one, RUN two
    assert fsck(tmp_path / "store").ok


@pytest.mark.real
def test_layerlab_pull_from_containers_storage(built: harness.BuildResult, tmp_path: Path) -> None:
    from tests.cli._helpers import layerlab

    assert built.image_id is not None
    ref = harness.session().storage_ref("localhost/layerlab-skopeo:1")
    pulled = layerlab("pull", ref, root=tmp_path / "store")
    assert pulled.status == 0, pulled.err
    assert f"Digest: {built.image_id}" in pulled.out
    listed = layerlab("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", root=tmp_path / "store")
    engine = Engine.open(tmp_path / "store")
    image = engine.images.get("localhost/layerlab-skopeo:1")
    assert image.id == built.image_id  # the config digest: buildah's image ID
    # docker images shows the store's IMAGE ID: the config digest in overlay2, the manifest in containerd
    assert f"localhost/layerlab-skopeo:1 {image_id(image, engine.image_store)[7:19]}" in listed.out
    engine.close()
    missing = layerlab("pull", harness.session().storage_ref("localhost/absent:1"), root=tmp_path / "store")
    assert missing.status == 1
    assert "no such image in that store" in missing.err


@pytest.mark.real
def test_docker_daemon_images_through_skopeo(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docker-daemon: against the private dockerd of tests/realtools/test_docker.py (its app:1)."""
    docker: dict[str, str] = request.getfixturevalue("docker_daemon")
    monkeypatch.setenv("DOCKER_HOST", docker["DOCKER_HOST"])
    expected = subprocess.run(
        ["docker", "image", "inspect", "-f", "{{.Id}}", "app:1"],
        env=docker,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    engine = Engine()
    (image,) = engine.images.load("docker-daemon:app:1")
    assert image.id == expected
    assert engine.images.tags_of(image) == ["app:1"]
    with pytest.raises(ImageNotFound):
        engine.images.load("docker-daemon:layerlab-absent:0")
