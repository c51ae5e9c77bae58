"""``docker pull`` under every spelling of a name: the library first, Docker's lines, one lookup.

Expectations from the real tools, as data: docker/distribution ``reference`` (normalize.go:
``ParseNormalizedNamed``, ``FamiliarName``, ``TagNameOnly``) for the spellings; Debian's docker
20.10 pulling from a local ``docker-registry`` (non-terminal output) for the lines::

    $ docker pull localhost:5055/library/demo:3.12
    3.12: Pulling from library/demo
    26f1ffbe6c56: Already exists
    58a4a5f1cfb7: Pulling fs layer
    58a4a5f1cfb7: Verifying Checksum
    58a4a5f1cfb7: Download complete
    58a4a5f1cfb7: Pull complete
    Digest: sha256:dd1c88269a661f9fdc144631a4dc2cd639baf8402a3b41b74b3f6747eeb48d07
    Status: Downloaded newer image for localhost:5055/library/demo:3.12
    localhost:5055/library/demo:3.12
    $ docker pull localhost:5055/library/demo:3.12      (again)
    3.12: Pulling from library/demo
    Digest: sha256:dd1c88269a661f9fdc144631a4dc2cd639baf8402a3b41b74b3f6747eeb48d07
    Status: Image is up to date for localhost:5055/library/demo:3.12
    localhost:5055/library/demo:3.12
"""

from __future__ import annotations

import pytest

from simulator import Engine, InvalidReference
from simulator.errors import ImageNotFound
from simulator.reference import familiar_name, full_name, normalize_ref
from simulator.registry.content import image_content

SPELLINGS = [
    # (as written, familiar (docker images), full (BuildKit's log, docker pull's last line))
    ("python:3.12", "python:3.12", "docker.io/library/python:3.12"),
    ("docker.io/library/python:3.12", "python:3.12", "docker.io/library/python:3.12"),
    ("index.docker.io/library/python:3.12", "python:3.12", "docker.io/library/python:3.12"),
    ("docker.io/python:3.12", "python:3.12", "docker.io/library/python:3.12"),
    ("library/python", "python", "docker.io/library/python:latest"),
    ("user/app:1", "user/app:1", "docker.io/user/app:1"),
    ("docker.io/user/app:1", "user/app:1", "docker.io/user/app:1"),
    ("mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/dotnet/sdk:8.0"),
    ("gcr.io/distroless/static-debian12", "gcr.io/distroless/static-debian12", "gcr.io/distroless/static-debian12:latest"),
    ("localhost:5000/app", "localhost:5000/app", "localhost:5000/app:latest"),
    ("localhost/app:1", "localhost/app:1", "localhost/app:1"),
    ("alpine@sha256:" + "a" * 64, "alpine@sha256:" + "a" * 64, "docker.io/library/alpine@sha256:" + "a" * 64),
]  # fmt: skip


@pytest.mark.parametrize(("ref", "familiar", "full"), SPELLINGS)
def test_the_spellings_of_a_name(ref: str, familiar: str, full: str) -> None:
    assert familiar_name(ref) == familiar
    assert full_name(ref) == full


def test_normalize_ref_is_the_familiar_name_with_a_tag() -> None:
    assert normalize_ref("docker.io/python") == "python:latest"
    assert normalize_ref("index.docker.io/library/alpine:3.20") == "alpine:3.20"
    assert normalize_ref("scratch") == "scratch"
    with pytest.raises(InvalidReference):
        familiar_name("")


@pytest.mark.parametrize(
    ("ref", "familiar"),
    [
        ("docker.io/library/python:3.12", "python:3.12"),
        ("index.docker.io/library/python:3.12", "python:3.12"),
        ("docker.io/python:3.12", "python:3.12"),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/dotnet/sdk:8.0"),
        ("gcr.io/distroless/static-debian12", "gcr.io/distroless/static-debian12:latest"),
    ],
)
def test_a_name_with_a_registry_host_finds_the_library_image(ref: str, familiar: str) -> None:
    engine = Engine()
    image = engine.images.pull(ref, quiet=True)  # no registry is asked (none answers here)
    assert engine.images.tags_of(image) == [familiar]  # the familiar name, as docker images shows
    assert engine.images.get(ref) is image and engine.images.get(familiar) is image


def test_pull_and_from_share_one_lookup() -> None:
    engine = Engine()
    built = engine.images.build("FROM mcr.microsoft.com/dotnet/runtime-deps:8.0\nRUN true\n", context={})
    pulled = engine.images.pull("mcr.microsoft.com/dotnet/runtime-deps:8.0", quiet=True)
    assert built.image.layers[:-1] == pulled.layers
    assert engine.images.tags_of(pulled) == ["mcr.microsoft.com/dotnet/runtime-deps:8.0"]


def test_pull_prints_dockers_lines(capsys: pytest.CaptureFixture[str]) -> None:
    engine = Engine(image_store="overlay2")
    image = engine.images.pull("docker.io/library/python:3.12-slim")
    lines = capsys.readouterr().out.splitlines()
    content = image_content(image)
    sids = [d.digest.split(":")[1][:12] for d in content.layers]
    assert lines == [
        "3.12-slim: Pulling from library/python",
        *(f"{s}: Pulling fs layer" for s in sids),
        *(line for s in sids for line in (f"{s}: Verifying Checksum", f"{s}: Download complete")),
        *(f"{s}: Pull complete" for s in sids),
        f"Digest: {content.manifest_digest}",
        "Status: Downloaded newer image for python:3.12-slim",
        "docker.io/library/python:3.12-slim",
    ]
    engine.images.pull("index.docker.io/library/python:3.12-slim")
    assert capsys.readouterr().out.splitlines() == [
        "3.12-slim: Pulling from library/python",
        f"Digest: {content.manifest_digest}",
        "Status: Image is up to date for python:3.12-slim",
        "docker.io/library/python:3.12-slim",
    ]


def test_layers_here_already_exist_and_the_default_tag_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    engine = Engine(image_store="overlay2")
    engine.images.pull("debian:12-slim", quiet=True)
    image = engine.images.pull("mcr.microsoft.com/dotnet/runtime-deps:8.0")
    lines = capsys.readouterr().out.splitlines()
    sids = [d.digest.split(":")[1][:12] for d in image_content(image).layers]
    assert lines[0] == "8.0: Pulling from dotnet/runtime-deps"
    assert lines[1] == f"{sids[0]}: Already exists"  # debian:12-slim's layer
    assert lines[2] == f"{sids[1]}: Pulling fs layer"
    assert lines[-2:] == [
        "Status: Downloaded newer image for mcr.microsoft.com/dotnet/runtime-deps:8.0",
        "mcr.microsoft.com/dotnet/runtime-deps:8.0",
    ]
    engine.images.pull("busybox")
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["Using default tag: latest", "latest: Pulling from library/busybox"]
    assert lines[-1] == "docker.io/library/busybox:latest"


def test_quiet_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    Engine().images.pull("alpine:3.20", quiet=True)
    assert capsys.readouterr().out == ""


def test_a_pull_moves_the_tag_from_a_local_image_of_that_name(capsys: pytest.CaptureFixture[str]) -> None:
    engine = Engine()
    engine.images.build("FROM alpine:3.20\nRUN echo mine > /m\n", context={}, tag="debian:12-slim")
    pulled = engine.images.pull("debian:12-slim")
    assert "Status: Downloaded newer image for debian:12-slim" in capsys.readouterr().out
    assert engine.images.get("debian:12-slim") is pulled and not pulled.view.exists("/m")


def test_an_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(ImageNotFound) as info:
        Engine().images.pull("docker.io/library/pyhton:3.12", quiet=True)
    assert "pyhton" in str(info.value)


def test_the_digest_printed_is_the_one_a_build_names_from_with() -> None:
    engine = Engine()
    image = engine.images.pull("alpine:3.20", quiet=True)
    log = engine.images.build("FROM alpine:3.20\nRUN true\n", context={}).log
    assert "] FROM docker.io/library/alpine:3.20\n" in log  # pulled quietly: no digest known
    engine.images.pull("docker.io/library/alpine:3.20")  # prints its Digest: line
    digest = image_content(image).manifest_digest
    assert engine.images.resolved_digest("alpine:3.20") == digest
    assert engine.images.repo_digests(image) == [f"alpine@{digest}"]
    log = engine.images.build("FROM alpine:3.20\nRUN true\n", context={}).log
    assert f"#4 [1/2] FROM docker.io/library/alpine:3.20@{digest}\n" in log
    assert "#3 [internal] load metadata for docker.io/library/alpine:3.20\n" in log  # no digest there
    engine.images.tag(image, "mine", "1")  # only tagged here: Docker 20.10 shows no digest
    assert (
        "] FROM docker.io/library/mine:1\n" in engine.images.build("FROM mine:1\nRUN true\n", context={}).log
    )
