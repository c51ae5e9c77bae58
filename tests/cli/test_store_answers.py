"""``docker image inspect``, ``docker pull``'s "Digest:" and ``docker images --digests`` as each
image store answers them.

containerd store (moby daemon/containerd/image_inspect.go ``ImageInspect``): ``Id`` is the
image's target digest (the manifest's), ``Size`` the best manifest's ``Size.Total`` = content
(manifest, config, compressed layers) + unpacked snapshots, the SIZE ``docker images`` shows;
``RepoDigests`` is every tag's repository with the target digest
(``collectRepoTagsAndDigests``), built images included.
overlay2 store (checked against Docker 20.10 in tests/realtools/test_docker.py): ``Id`` is the
config digest, ``Size`` the layers' files, ``RepoDigests`` only for pulled images.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.engine import Engine
from simulator.engine.df import content_size, image_size
from simulator.registry.content import image_content

from ._helpers import cli


def _built(tmp_path: Path, store: str) -> Engine:
    e = Engine(image_store=store)
    (tmp_path / "Dockerfile").write_text("FROM busybox:latest\nRUN echo hi > /hello\n", encoding="utf-8")
    assert cli("build", "-q", "-t", "web:1", str(tmp_path), engine=e).status == 0
    return e


def test_containerd_inspect_id_size_and_repo_digests(tmp_path: Path) -> None:
    e = _built(tmp_path, "containerd")
    web = e.images.get("web:1")
    manifest = str(image_content(web).manifest_digest)
    [image] = json.loads(cli("inspect", "web:1", engine=e).out)
    assert image["Id"] == manifest != str(web.id)
    assert image["RepoDigests"] == [f"web@{manifest}"]  # a built image has one too
    unpacked = image["Size"] - content_size(web)
    assert image["Size"] == image_size(e, web) and unpacked > web.size  # snapshots take whole blocks
    listed = cli("images", "--no-trunc", "--format", "{{.ID}} {{.Size}}", "web", engine=e).out.split()
    assert listed[0] == image["Id"]
    busybox = e.images.get("busybox:latest")
    [parent] = json.loads(cli("inspect", "busybox:latest", engine=e).out)
    assert parent["RepoDigests"] == [f"busybox@{image_content(busybox).manifest_digest}"]


def test_overlay2_inspect_id_size_and_repo_digests(tmp_path: Path) -> None:
    e = _built(tmp_path, "overlay2")
    web = e.images.get("web:1")
    [image] = json.loads(cli("inspect", "web:1", engine=e).out)
    assert image["Id"] == str(web.id)
    assert image["Size"] == web.size == sum(layer.size for layer in web.layers)
    assert image["RepoDigests"] == []  # built, never pulled
    [base] = json.loads(cli("inspect", "busybox:latest", engine=e).out)
    busybox = e.images.get("busybox:latest")
    assert base["RepoDigests"] == [f"busybox@{image_content(busybox).manifest_digest}"]  # pulled


@pytest.mark.parametrize("store", ["overlay2", "containerd"])
def test_pull_prints_the_manifest_digest_in_both_stores(store: str) -> None:
    e = Engine(image_store=store)
    out = cli("pull", "alpine:3.19", engine=e).out
    image = e.images.get("alpine:3.19")
    lines = out.splitlines()  # docker pull's lines (docker/cli image/pull.go, moby pull_v2.go)
    assert lines[0] == "3.19: Pulling from library/alpine"
    assert f"Digest: {image_content(image).manifest_digest}" in lines
    assert lines[-2:] == ["Status: Downloaded newer image for alpine:3.19", "docker.io/library/alpine:3.19"]


def test_images_digests_column_follows_the_store(tmp_path: Path) -> None:
    for store, web_digest in (("overlay2", "<none>"), ("containerd", "manifest")):
        e = _built(tmp_path, store)
        web = e.images.get("web:1")
        out = cli("images", "--digests", engine=e).out.splitlines()
        assert out[0].split() == ["REPOSITORY", "TAG", "DIGEST", "IMAGE", "ID", "CREATED", "SIZE"]
        rows = {line.split()[0]: line.split()[2] for line in out[1:]}
        expected = str(image_content(web).manifest_digest) if web_digest == "manifest" else "<none>"
        assert rows["web"] == expected, store
        assert rows["busybox"] == str(image_content(e.images.get("busybox:latest")).manifest_digest)
