"""The generated images tutorials use (issue 11): tags, shared base layers, programs on PATH,
configs as the official images have them, and the "nearest images" hint."""

from __future__ import annotations

import posixpath

import pytest

from simulator.distro import library
from simulator.model.entries import Kind
from simulator.model.image import Image

# The FROM lines of the measured Dockerfiles, and the other tags it lists.
TUTORIAL_TAGS = [
    "node:20-alpine", "node:22-alpine", "node:24-alpine", "node:lts", "node:lts-alpine", "node:lts-slim",
    "node:20-slim", "node:22-slim", "node:24-slim", "node:22", "node:22-bookworm", "node:22-trixie-slim",
    "python:3.10-alpine", "python:3.10-slim", "python:3.11-slim", "python:3.12-slim", "python:3.13-slim",
    "python:3.13-alpine", "python:3.12-bookworm", "python:3.13-trixie", "python:3.12", "python:3.13-slim-bookworm",
    "golang:1.22", "golang:1.23", "golang:1.24", "golang:1.22-alpine", "golang:1.23-alpine", "golang:1.24-alpine",
    "golang:1.24-bookworm", "alpine:3.18", "alpine:3.19", "alpine:3.20", "alpine:3.21", "alpine:3.22", "alpine:latest",
    "debian:bookworm", "debian:bookworm-slim", "debian:trixie", "debian:trixie-slim", "ubuntu:22.04", "ubuntu:24.04",
    "nginx:1.27", "nginx:1.28", "nginx:mainline", "nginx:stable", "nginx:alpine", "nginx:1.28-alpine",
    "redis:7", "redis:8", "redis:latest", "postgres:16", "postgres:17", "httpd:2.4",
    "eclipse-temurin:17", "eclipse-temurin:17-jdk", "eclipse-temurin:17-jre", "eclipse-temurin:21-jdk",
    "eclipse-temurin:21-jre", "maven:3.9-eclipse-temurin-21",
    "mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/dotnet/aspnet:8.0", "mcr.microsoft.com/dotnet/runtime:8.0",
    "mcr.microsoft.com/dotnet/sdk:9.0", "mcr.microsoft.com/dotnet/aspnet:9.0", "mcr.microsoft.com/dotnet/runtime:9.0",
    "gcr.io/distroless/static-debian12", "gcr.io/distroless/static-debian12:nonroot",
    "gcr.io/distroless/base-debian12", "gcr.io/distroless/base-debian12:nonroot",
]  # fmt: skip


@pytest.mark.parametrize("ref", TUTORIAL_TAGS)
def test_the_tutorial_tags_are_in_the_library(ref: str) -> None:
    assert library.has(ref), library.nearest(ref)


def which(image: Image, program: str) -> str | None:
    """What ``which`` prints in the image: the first PATH entry holding an executable ``program``."""
    for directory in image.config.env_dict().get("PATH", "").split(":"):
        path = posixpath.join(directory, program)
        try:
            found = image.view.resolve(path)
        except (OSError, ValueError):
            continue
        if found.entry.kind is Kind.FILE and found.entry.mode & 0o111:
            return path
    return None


PROGRAMS: dict[str, dict[str, str | None]] = {
    "node:22-slim": {"node": "/usr/local/bin/node", "npm": "/usr/local/bin/npm", "npx": "/usr/local/bin/npx",
                     "yarn": "/usr/local/bin/yarn", "corepack": "/usr/local/bin/corepack"},
    "node:24-alpine": {"node": "/usr/local/bin/node", "npm": "/usr/local/bin/npm", "sh": "/bin/sh"},
    "node:lts": {"node": "/usr/local/bin/node", "git": "/usr/bin/git", "gcc": "/usr/bin/gcc"},
    "python:3.13-slim": {"python": "/usr/local/bin/python", "python3": "/usr/local/bin/python3",
                         "pip": "/usr/local/bin/pip", "bash": "/usr/local/bin/bash" if False else "/usr/bin/bash"},
    "python:3.10-alpine": {"python3": "/usr/local/bin/python3", "pip3": "/usr/local/bin/pip3"},
    "golang:1.24": {"go": "/usr/local/go/bin/go", "gofmt": "/usr/local/go/bin/gofmt", "git": "/usr/bin/git"},
    "golang:1.23-alpine": {"go": "/usr/local/go/bin/go"},
    "eclipse-temurin:21-jdk": {"java": "/opt/java/openjdk/bin/java", "javac": "/opt/java/openjdk/bin/javac"},
    "eclipse-temurin:17-jre": {"java": "/opt/java/openjdk/bin/java", "javac": None},
    "maven:3.9-eclipse-temurin-21": {"mvn": "/usr/bin/mvn", "java": "/opt/java/openjdk/bin/java"},
    "mcr.microsoft.com/dotnet/sdk:8.0": {"dotnet": "/usr/bin/dotnet", "pwsh": "/usr/bin/pwsh"},
    "mcr.microsoft.com/dotnet/aspnet:9.0": {"dotnet": "/usr/bin/dotnet"},
    "nginx:1.28": {"nginx": "/usr/sbin/nginx"},
    "nginx:alpine": {"nginx": "/usr/sbin/nginx"},
    "redis:8": {"redis-server": "/usr/local/bin/redis-server", "redis-cli": "/usr/local/bin/redis-cli"},
    "postgres:17": {"postgres": "/usr/lib/postgresql/17/bin/postgres", "psql": "/usr/bin/psql"},
    "httpd:2.4": {"httpd": "/usr/local/apache2/bin/httpd", "httpd-foreground": "/usr/local/bin/httpd-foreground"},
    "debian:trixie-slim": {"apt-get": "/usr/bin/apt-get", "sh": "/usr/bin/sh", "awk": "/usr/bin/awk"},
    "ubuntu:22.04": {"apt-get": "/usr/bin/apt-get", "bash": "/usr/bin/bash"},
    "gcr.io/distroless/static-debian12": {"sh": None},
}  # fmt: skip


@pytest.mark.parametrize("ref", sorted(PROGRAMS))
def test_the_programs_are_where_the_real_images_have_them(ref: str) -> None:
    image = library.get(ref)
    for program, path in PROGRAMS[ref].items():
        assert which(image, program) == path, (ref, program)


def test_dotnet_and_maven_links_point_where_the_real_ones_do() -> None:
    sdk = library.get("mcr.microsoft.com/dotnet/sdk:8.0").view
    dotnet = sdk.lookup("/usr/bin/dotnet")
    mvn = library.get("maven:3.9-eclipse-temurin-21").view.lookup("/usr/bin/mvn")
    assert dotnet is not None and dotnet.target == "/usr/share/dotnet/dotnet"
    assert mvn is not None and mvn.target == "/usr/share/maven/bin/mvn"


def test_base_layers_are_shared_exactly_as_the_base_builds_are() -> None:
    def first(ref: str) -> object:
        return library.get(ref).layers[0]

    # the trixie generation: everything on debian:trixie-slim shares its one layer
    assert first("python:3.13-slim") is first("debian:trixie-slim") is first("node:22-trixie-slim")
    # the bookworm images are built on the library's debian:bookworm-slim build (12.11)
    for ref in ("python:3.13-slim-bookworm", "node:22-slim", "redis:8", "postgres:17", "httpd:2.4", "nginx:1.28",
                "mcr.microsoft.com/dotnet/sdk:9.0"):  # fmt: skip
        assert first(ref) is first("debian:bookworm-slim"), ref
    assert first("python:3.13-slim") is not first("python:3.13-slim-bookworm")
    assert first("debian:trixie") is not first("debian:trixie-slim")
    # the full images stack buildpack-deps' three layers on debian
    full = library.get("python:3.12-bookworm")
    assert full.layers[:4] == library.get("buildpack-deps:bookworm").layers
    assert library.get("node:22").layers[:4] == full.layers[:4]
    # alpine and its language images; golang 1.24 on 3.22, the EOL 1.22 on 3.21
    assert first("golang:1.24-alpine") is first("alpine:3.22") is first("node:24-alpine")
    assert first("golang:1.22-alpine") is first("alpine:3.21")
    # maven is temurin 21 plus three layers; the sdk is aspnet plus two; one go tree for both golang flavours
    maven, jdk = library.get("maven:3.9-eclipse-temurin-21"), library.get("eclipse-temurin:21-jdk")
    assert maven.layers[: len(jdk.layers)] == jdk.layers and len(maven.layers) == len(jdk.layers) + 3
    assert jdk.layers[0] is first("ubuntu:24.04")
    sdk, aspnet = (
        library.get("mcr.microsoft.com/dotnet/sdk:8.0"),
        library.get("mcr.microsoft.com/dotnet/aspnet:8.0"),
    )
    assert sdk.layers[: len(aspnet.layers)] == aspnet.layers
    assert library.get("golang:1.24").layers[-2] is library.get("golang:1.24-alpine").layers[-2]
    # distroless :nonroot is the same layers with another config
    static, nonroot = (
        library.get("gcr.io/distroless/static-debian12"),
        library.get("gcr.io/distroless/static-debian12:nonroot"),
    )
    assert static.layers == nonroot.layers and static.id != nonroot.id


def test_configs_as_the_official_images_have_them() -> None:
    pg = library.get("postgres:17").config
    assert pg.env_dict()["PGDATA"] == "/var/lib/postgresql/data" and pg.stop_signal == "SIGINT"
    assert pg.entrypoint == ("docker-entrypoint.sh",) and pg.cmd == ("postgres",)
    assert pg.exposed_ports == ("5432/tcp",)
    redis = library.get("redis:8").config
    assert redis.working_dir == "/data" and redis.cmd == ("redis-server",)
    go = library.get("golang:1.24").config
    assert go.working_dir == "/go" and go.env_dict()["GOPATH"] == "/go"
    assert go.env_dict()["PATH"].startswith("/go/bin:/usr/local/go/bin:")
    assert library.get("gcr.io/distroless/base-debian12:nonroot").config.user == "65532"
    assert library.get("gcr.io/distroless/static-debian12").config.user == "0"
    assert library.get("eclipse-temurin:21-jdk").config.cmd == ("jshell",)
    assert not library.get("eclipse-temurin:21-jre").config.cmd
    assert library.get("maven:3.9-eclipse-temurin-21").config.cmd == ("mvn",)
    assert (
        library.get("mcr.microsoft.com/dotnet/aspnet:8.0").config.env_dict()["ASPNETCORE_HTTP_PORTS"]
        == "8080"
    )
    assert library.get("node:lts").config.env_dict()["NODE_VERSION"].startswith("24.")
    assert library.get("httpd:2.4").config.stop_signal == "SIGWINCH"


def test_the_trixie_and_jammy_bases_carry_their_real_release_files() -> None:
    trixie = library.get("debian:trixie-slim")
    assert b"VERSION_CODENAME=trixie" in trixie.read_file("/usr/lib/os-release")
    assert trixie.read_file("/etc/debian_version").startswith(b"13.")
    bin_link = trixie.view.lookup("/bin")
    assert bin_link is not None and bin_link.target == "usr/bin"
    status = trixie.read_file("/var/lib/dpkg/status").decode()
    assert "Package: coreutils\nStatus: install ok installed" in status
    assert b"path-exclude /usr/share/doc/*" in trixie.read_file("/etc/dpkg/dpkg.cfg.d/docker")
    assert library.get("debian:trixie").view.lookup("/etc/dpkg/dpkg.cfg.d/docker") is None
    jammy = library.get("ubuntu:22.04")
    assert b"VERSION_CODENAME=jammy" in jammy.read_file("/usr/lib/os-release")
    assert "root:x:0:0" in jammy.read_file("/etc/passwd").decode()
    assert library.get("alpine:3.22").read_file("/etc/alpine-release") == b"3.22.2\n"


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [("node:18-alpine", "node:"), ("pyhton:3.12", "python:3.1"), ("golang:1.21-alpine", "golang:1.2"),
     ("alpine:3.17", "alpine:3."), ("eclipse-temurin:11-jdk", "eclipse-temurin:")],
)  # fmt: skip
def test_the_nearest_images_hint_still_helps(wanted: str, expected: str) -> None:
    near = library.nearest(wanted)
    assert len(near) == 3 and all(name.startswith(expected) for name in near), near
    if wanted == "node:18-alpine":
        assert near[0].endswith("-alpine"), near
    if wanted == "pyhton:3.12":
        assert near[0] == "python:3.12", near


def test_nearest_names_each_image_once_without_point_release_aliases_and_knows_successors() -> None:
    near = library.nearest("python:3.9-slim")
    assert near == ["python:3.10-slim", "python:3.11-slim", "python:3.12-slim"]
    assert len({library.get(name).id for name in near}) == 3
    assert library.nearest("openjdk:17")[0] == "eclipse-temurin:17"  # openjdk is deprecated for Temurin
    assert library.nearest("ubuntu:20.04")[:2] == ["ubuntu:22.04", "ubuntu:24.04"]
    assert library.nearest("python:3.12.1-slim")[0].startswith(
        "python:3.12.1"
    )  # a point release asks for them
