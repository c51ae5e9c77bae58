"""push and pull: only missing blobs travel, Docker's lines, the two "Already exists" rules.

The lines are Docker's (moby ``distribution/push_v2.go``/``pull_v2.go``, ``daemon/containerd/
progress.go``; /work/shared/CLUSTER.md §B): push names a layer by its DiffID's short form and
prints ``Layer already exists`` / ``Mounted from <repo>`` / ``Pushed``; pull names it by the
compressed blob digest's short form.
"""

from __future__ import annotations

import gzip
import socket

import pytest

from simulator import Engine
from simulator.errors import (
    ImageNotFound,
    InvalidReference,
    PlatformNotFound,
    RegistryError,
    RegistryUnreachable,
)
from simulator.oci import manifest_digest
from simulator.registry import Registry, image_content, pull, push, push_index, serve

from .helpers import image, shape


def short(digest: str) -> str:
    return digest.split(":", 1)[1][:12]


def engine_with(ref: str, img) -> Engine:
    engine = Engine()
    engine.images.add(img, ref)
    return engine


def test_first_push_uploads_every_layer_with_docker_lines() -> None:
    img = image("a", "b")
    reg = Registry()
    result = push(engine_with("web:1", img), "web:1", reg, quiet=True)
    top, bottom = short(img.layers[1].diff_id), short(img.layers[0].diff_id)
    assert result.lines == (
        "The push refers to repository [web]",
        f"{top}: Preparing",
        f"{bottom}: Preparing",
        f"{top}: Pushed",
        f"{bottom}: Pushed",
        f"1: digest: {result.digest} size: {result.size}",
    )
    assert result.digest == manifest_digest(img)  # one serialiser: the OCI writer's manifest


def test_stored_layer_blobs_are_real_gzip_of_the_canonical_tar() -> None:
    img = image("a")
    reg = Registry()
    push(engine_with("web:1", img), "web:1", reg, quiet=True)
    content = image_content(img)
    blob = reg.blob(content.layers[0].digest)
    assert blob is not None and len(blob) == content.layers[0].size
    assert gzip.decompress(blob) == img.layers[0].tar()


def test_second_push_says_layer_already_exists_and_uploads_nothing() -> None:
    engine, reg = engine_with("web:1", image("a", "b")), Registry()
    push(engine, "web:1", reg, quiet=True)
    before = len(reg.log)
    result = push(engine, "web:1", reg, quiet=True)
    assert [line.split(": ", 1)[1] for line in result.lines[3:5]] == ["Layer already exists"] * 2
    assert not [e for e in reg.log[before:] if e.method in ("POST", "PATCH")]


def test_push_of_a_partly_present_image_uploads_only_the_new_layer() -> None:
    base, child = image("a"), image("a", "b")
    engine, reg = engine_with("web:1", base), Registry()
    engine.images.add(child, "web:2")
    push(engine, "web:1", reg, quiet=True)
    before = len(reg.log)
    result = push(engine, "web:2", reg, quiet=True)
    assert result.lines[3:5] == (
        f"{short(child.layers[1].diff_id)}: Pushed",
        f"{short(child.layers[0].diff_id)}: Layer already exists",
    )
    # HEAD each layer, upload the new one, HEAD + upload the config, PUT the manifest
    assert [shape(e.method, e.path) for e in reg.log[before:]] == [
        "GET /v2/",
        "HEAD /v2/web/blobs/<digest>",
        "POST /v2/web/blobs/uploads/",
        "PATCH /v2/web/blobs/uploads/<uuid>",
        "PUT /v2/web/blobs/uploads/<uuid>",
        "HEAD /v2/web/blobs/<digest>",
        "HEAD /v2/web/blobs/<digest>",
        "POST /v2/web/blobs/uploads/",
        "PATCH /v2/web/blobs/uploads/<uuid>",
        "PUT /v2/web/blobs/uploads/<uuid>",
        "PUT /v2/web/manifests/2",
    ]


def test_push_to_another_repository_mounts_blobs_this_engine_pushed_before() -> None:
    engine, reg = engine_with("web:1", image("a")), Registry()
    engine.images.tag("web:1", "copy:1")
    push(engine, "web:1", reg, quiet=True)
    result = push(engine, "copy:1", reg, quiet=True)
    assert result.lines[2].endswith(": Mounted from web")
    assert result.mounted and not result.pushed


def test_a_fresh_engine_knows_no_source_to_mount_from_and_pushes() -> None:
    reg = Registry()
    push(engine_with("web:1", image("a")), "web:1", reg, quiet=True)
    result = push(engine_with("copy:1", image("a")), "copy:1", reg, quiet=True)
    assert result.lines[2].endswith(": Pushed")


def test_pull_into_a_fresh_engine_then_again_is_up_to_date() -> None:
    img = image("a", "b")
    reg = Registry()
    pushed = push(engine_with("web:1", img), "web:1", reg, quiet=True)
    engine = Engine()
    first = pull(engine, "web:1", reg, quiet=True)
    ids = [short(d.digest) for d in image_content(img).layers]
    assert first.lines == (
        "1: Pulling from web",
        f"{ids[0]}: Pulling fs layer",
        f"{ids[1]}: Pulling fs layer",
        f"{ids[0]}: Verifying Checksum",
        f"{ids[0]}: Download complete",
        f"{ids[1]}: Verifying Checksum",
        f"{ids[1]}: Download complete",
        f"{ids[0]}: Pull complete",
        f"{ids[1]}: Pull complete",
        f"Digest: {pushed.digest}",
        "Status: Downloaded newer image for web:1",
    )
    assert engine.images.get("web:1").id == img.id
    again = pull(engine, "web:1", reg, quiet=True)
    assert again.lines == (
        "1: Pulling from web",
        f"Digest: {pushed.digest}",
        "Status: Image is up to date for web:1",
    )
    assert again.up_to_date and not again.downloaded


def test_pulled_files_read_back_equal() -> None:
    img = image("a", "b")
    reg = Registry()
    with serve(reg) as server:
        push(engine_with(f"{server.address}/web:1", img), f"{server.address}/web:1", quiet=True)
        engine = Engine()
        pulled = pull(engine, f"{server.address}/web:1", quiet=True).image
    assert pulled.id == img.id
    assert [layer.tar() for layer in pulled.layers] == [layer.tar() for layer in img.layers]


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        # classic store: after the first missing layer (c) everything above downloads, even b
        ("overlay2", ["Pulling fs layer", "Pulling fs layer"]),
        # containerd store: b's blob is in the content store, so it "Already exists"
        ("containerd", ["Pulling fs layer", "Already exists"]),
    ],
)
def test_the_two_already_exists_rules(store: str, expected: list[str]) -> None:
    reg = Registry()
    push(engine_with("web:1", image("c", "b")), "web:1", reg, quiet=True)
    engine = engine_with("local:1", image("a", "b"))  # same b layer, on another base
    result = pull(engine, "web:1", reg, store=store, quiet=True)
    assert [line.split(": ", 1)[1] for line in result.lines[1:3]] == expected


@pytest.mark.parametrize("store", ["overlay2", "containerd"])
def test_a_present_prefix_already_exists_under_both_stores(store: str) -> None:
    reg = Registry()
    push(engine_with("web:2", image("a", "b")), "web:2", reg, quiet=True)
    engine = engine_with("local:1", image("a"))
    result = pull(engine, "web:2", reg, store=store, quiet=True)
    assert [line.split(": ", 1)[1] for line in result.lines[1:3]] == ["Already exists", "Pulling fs layer"]
    assert len(result.downloaded) == 1 and engine.images.get("web:2").id == image("a", "b").id


def test_multi_platform_index_selects_by_platform() -> None:
    amd, arm = image("x", architecture="amd64"), image("y", architecture="arm64")
    reg = Registry()
    index = push_index([amd, arm], "multi:1", reg)
    engine = Engine()
    got = pull(engine, "multi:1", reg, platform="linux/arm64", quiet=True)
    assert got.image.id == arm.id and got.digest == index
    assert got.lines[-2] == f"Digest: {index}"  # the digest of what the reference resolved to
    assert pull(Engine(), "multi:1", reg, quiet=True).image.id == amd.id  # default linux/amd64
    with pytest.raises(
        PlatformNotFound, match="no matching manifest for linux/s390x in the manifest list entries"
    ):
        pull(Engine(), "multi:1", reg, platform="linux/s390x", quiet=True)


@pytest.mark.parametrize(
    ("ref", "field"),
    [("Web:1", "repository"), ("web:-bad", "tag"), ("web@sha256:12", "digest"), ("", "non-empty")],
)
def test_malformed_references_name_the_field(ref: str, field: str) -> None:
    with pytest.raises(InvalidReference, match=field):
        pull(Engine(), ref, Registry(), quiet=True)


def test_a_reference_without_registry_says_how_to_name_one() -> None:
    with pytest.raises(InvalidReference, match="no registry"):
        pull(Engine(), "web:1", quiet=True)


def test_an_error_answer_names_status_and_code_and_registers_nothing() -> None:
    reg = Registry()
    push(engine_with("web:1", image("a")), "web:1", reg, quiet=True)
    engine = Engine()
    with pytest.raises(RegistryError) as info:
        pull(engine, "web:nope", reg, quiet=True)
    assert (info.value.status, info.value.code) == (404, "MANIFEST_UNKNOWN")
    assert "404 MANIFEST_UNKNOWN" in str(info.value)
    assert engine.images.list(all=True) == []


def test_a_corrupt_blob_is_refused_before_anything_is_registered() -> None:
    img = image("a")
    reg = Registry()
    push(engine_with("web:1", img), "web:1", reg, quiet=True)
    digest = image_content(img).layers[0].digest
    reg._blobs[digest] = b"\x1f\x8b" + b"x" * (len(reg._blobs[digest]) - 2)  # bit rot on the server
    engine = Engine()
    with pytest.raises(RegistryError, match=r"hashing to sha256:"):
        pull(engine, "web:1", reg, quiet=True)
    with pytest.raises(ImageNotFound):
        engine.images.get("web:1")


def test_an_unreachable_registry_is_a_clear_error_not_a_hang() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once closed
    with pytest.raises(RegistryUnreachable, match=f"127.0.0.1:{port}"):
        pull(Engine(), f"127.0.0.1:{port}/web:1", quiet=True)


def test_push_of_an_unknown_image_is_image_not_found() -> None:
    with pytest.raises(ImageNotFound):
        push(Engine(), "web:1", Registry(), quiet=True)


def test_memory_and_http_transports_make_the_same_requests() -> None:
    img = image("a", "b")
    direct, served = Registry(), Registry()
    push(engine_with("web:1", img), "web:1", direct, quiet=True)
    with serve(served) as server:
        ref = f"{server.address}/web:1"
        push(engine_with(ref, img), ref, quiet=True)
    assert [(shape(e.method, e.path), e.status) for e in direct.log] == [
        (shape(e.method, e.path), e.status) for e in served.log
    ]


def test_push_prints_its_lines(capsys: pytest.CaptureFixture[str]) -> None:
    push(engine_with("web:1", image("a")), "web:1", Registry())
    assert capsys.readouterr().out.startswith("The push refers to repository [web]\n")
