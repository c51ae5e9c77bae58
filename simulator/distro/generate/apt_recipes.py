"""The layers made from Debian and Ubuntu packages: which suite, which packages, on top of what.

Generation: the archives as they were when the generator last ran (the ``created`` dates in
``images.json``: trixie 13.2 of 2025-11-17, jammy 22.04.5 with jammy-updates).  The package sets
are the ones the official images' Dockerfiles install:

- ``debian:<suite>``: debuerreotype = ``debootstrap --variant=minbase`` (Priority required + apt);
  ``-slim`` applies debuerreotype's ``path-exclude`` rules.
  https://github.com/debuerreotype/debuerreotype (scripts/debuerreotype-minimizing-config)
- ``ubuntu:22.04``: the same minbase set from archive.ubuntu.com, minimized (Ubuntu's cloud image
  build excludes the same documentation paths: /etc/dpkg/dpkg.cfg.d/excludes).
- ``buildpack-deps:<suite>-curl|-scm|<suite>``: the package lists of
  https://github.com/docker-library/buildpack-deps (debian/<suite>/{curl,scm,.}/Dockerfile).
- ``python:*-slim``'s runtime layer: ``ca-certificates netbase tzdata``
  (https://github.com/docker-library/python, Dockerfile-linux.template).
- distroless: the Debian packages of https://github.com/GoogleContainerTools/distroless
  (base/base.bzl: static = base-files netbase tzdata ca-certificates + passwd entries; base =
  static + libc6 libssl3 openssl).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.distro.generate.debian import Suite

__all__ = ["APT_LAYERS", "SUITES", "AptLayer"]

SUITES = {
    "trixie": Suite("https://deb.debian.org/debian", "trixie", updates=("trixie-updates",)),
    "bookworm": Suite("https://deb.debian.org/debian", "bookworm", updates=("bookworm-updates",)),
    "jammy": Suite("http://archive.ubuntu.com/ubuntu", "jammy", ("main", "universe"), ("jammy-updates",)),
    "noble": Suite("http://archive.ubuntu.com/ubuntu", "noble", ("main", "universe"), ("noble-updates",)),
}


@dataclass(frozen=True)
class AptLayer:
    """A layer holding what ``packages`` install on top of ``below`` (other AptLayers' sets)."""

    name: str
    suite: str
    packages: tuple[str, ...]
    """package names; ``"@minbase"`` stands for debootstrap's minbase set."""
    comment: str
    below: tuple[str, ...] = ()
    """AptLayer names already installed underneath (their packages are not in this layer)."""
    rootfs: bool = False
    """a whole root filesystem (adds what debootstrap's scripts write: passwd, status ...)."""
    slim: str = ""
    """"slim": apply debuerreotype's path-exclude rules; "full-of:<slim layer>": only what the
    slim layer left out, with ``include`` of it (one layer whose rows are the slim ones plus these)."""
    top: int = 120
    write: bool = True
    """False: only a package set for ``below`` (the layer file is kept by hand, e.g. debian-bookworm)."""
    closure: bool = True
    """False: exactly ``packages``, without their dependencies (distroless unpacks, it does not install)."""
    extra: list[list[Any]] = field(default_factory=list)


_CURL = {
    "trixie": "ca-certificates curl gnupg netbase sq wget",
    "bookworm": "ca-certificates curl gnupg dirmngr netbase wget",
}
_SCM = "git mercurial openssh-client subversion procps"
_FULL = ("autoconf automake bzip2 default-libmysqlclient-dev dpkg-dev file g++ gcc imagemagick libbz2-dev "
         "libc6-dev libcurl4-openssl-dev libdb-dev libevent-dev libffi-dev libgdbm-dev libglib2.0-dev libgmp-dev "
         "libjpeg-dev libkrb5-dev liblzma-dev libmagickcore-dev libmagickwand-dev libmaxminddb-dev libncurses-dev "
         "libpng-dev libpq-dev libreadline-dev libsqlite3-dev libssl-dev libtool libwebp-dev libxml2-dev "
         "libxslt1-dev libyaml-dev make patch unzip xz-utils zlib1g-dev")  # fmt: skip

APT_LAYERS = [
    AptLayer("debian-trixie-slim", "trixie", ("@minbase",), "debian:trixie-slim (13.2, debian:trixie-20251117-slim)",
             rootfs=True, slim="slim"),
    AptLayer("debian-trixie", "trixie", ("@minbase",), "debian:trixie (13.2, debian:trixie-20251117)",
             rootfs=True, slim="full-of:debian-trixie-slim"),
    AptLayer("ubuntu-jammy", "jammy", ("@minbase",), "ubuntu:22.04 (jammy, 22.04.5 with jammy-updates)",
             rootfs=True, slim="slim"),
    AptLayer("python-runtime-deps-trixie", "trixie", ("ca-certificates", "netbase", "tzdata"),
             "python:*-slim-trixie: RUN apt-get install -y --no-install-recommends ca-certificates netbase tzdata",
             below=("debian-trixie-slim",)),
    AptLayer("buildpack-deps-trixie-curl", "trixie", tuple(_CURL["trixie"].split()),
             "buildpack-deps:trixie-curl: " + _CURL["trixie"], below=("debian-trixie",)),
    AptLayer("buildpack-deps-trixie-scm", "trixie", tuple(_SCM.split()),
             "buildpack-deps:trixie-scm: " + _SCM, below=("debian-trixie", "buildpack-deps-trixie-curl")),
    AptLayer("buildpack-deps-trixie", "trixie", tuple(_FULL.split()),
             "buildpack-deps:trixie: the build toolchain and -dev libraries",
             below=("debian-trixie", "buildpack-deps-trixie-curl", "buildpack-deps-trixie-scm"), top=200),
    AptLayer("golang-trixie-gcc", "trixie", ("g++", "gcc", "libc6-dev", "make", "pkg-config"),
             "golang:*-trixie: RUN apt-get install -y --no-install-recommends g++ gcc libc6-dev make pkg-config",
             below=("debian-trixie", "buildpack-deps-trixie-curl", "buildpack-deps-trixie-scm")),
    AptLayer("python-full-deps-trixie", "trixie", ("libbluetooth-dev", "tk-dev", "uuid-dev"),
             "python:*-trixie: RUN apt-get install -y --no-install-recommends libbluetooth-dev tk-dev uuid-dev",
             below=("debian-trixie", "buildpack-deps-trixie-curl", "buildpack-deps-trixie-scm", "buildpack-deps-trixie")),
    AptLayer("debian-bookworm", "bookworm", ("@minbase",), "debian:bookworm (hand-kept file)", rootfs=True,
             write=False),
    AptLayer("buildpack-deps-bookworm-curl", "bookworm", tuple(_CURL["bookworm"].split()),
             "buildpack-deps:bookworm-curl: " + _CURL["bookworm"], below=("debian-bookworm",)),
    AptLayer("buildpack-deps-bookworm-scm", "bookworm", tuple(_SCM.split()),
             "buildpack-deps:bookworm-scm: " + _SCM, below=("debian-bookworm", "buildpack-deps-bookworm-curl")),
    AptLayer("buildpack-deps-bookworm", "bookworm", tuple(_FULL.replace("libncurses-dev", "libncurses5-dev libncursesw5-dev").split()),
             "buildpack-deps:bookworm: the build toolchain and -dev libraries",
             below=("debian-bookworm", "buildpack-deps-bookworm-curl", "buildpack-deps-bookworm-scm"), top=200),
    AptLayer("python-full-deps-bookworm", "bookworm", ("libbluetooth-dev", "tk-dev", "uuid-dev"),
             "python:*-bookworm: RUN apt-get install -y --no-install-recommends libbluetooth-dev tk-dev uuid-dev",
             below=("debian-bookworm", "buildpack-deps-bookworm-curl", "buildpack-deps-bookworm-scm", "buildpack-deps-bookworm")),
    AptLayer("golang-bookworm-gcc", "bookworm", ("g++", "gcc", "libc6-dev", "make", "pkg-config"),
             "golang:*-bookworm: RUN apt-get install -y --no-install-recommends g++ gcc libc6-dev make pkg-config",
             below=("debian-bookworm", "buildpack-deps-bookworm-curl", "buildpack-deps-bookworm-scm")),
    AptLayer("dotnet-runtime-deps-bookworm", "bookworm",
             ("ca-certificates", "libc6", "libgcc-s1", "libicu72", "libssl3", "libstdc++6", "tzdata", "zlib1g"),
             "mcr.microsoft.com/dotnet/runtime-deps:*-bookworm-slim: RUN apt-get install -y --no-install-recommends "
             "ca-certificates libc6 libgcc-s1 libicu72 libssl3 libstdc++6 tzdata zlib1g", below=("debian-bookworm",)),
    AptLayer("ubuntu-noble-minbase", "noble", ("@minbase",), "ubuntu:24.04 (hand-kept file)", rootfs=True,
             write=False),
    AptLayer("temurin-deps-noble", "noble", ("curl", "wget", "ca-certificates", "fontconfig", "locales", "p11-kit",
                                              "tzdata", "binutils"),
             "eclipse-temurin:*-noble: RUN apt-get install -y --no-install-recommends tzdata curl wget "
             "ca-certificates fontconfig locales binutils p11-kit", below=("ubuntu-noble-minbase",)),
    AptLayer("distroless-static-debian12", "bookworm", ("base-files", "netbase", "tzdata", "ca-certificates"),
             "gcr.io/distroless/static-debian12: the data of base-files, netbase, tzdata and ca-certificates "
             "(no dpkg, no shell), as distroless's bazel rules unpack them", rootfs=False, closure=False),
    AptLayer("distroless-base-debian12", "bookworm", ("libc6", "libssl3", "openssl"),
             "gcr.io/distroless/base-debian12's layer over static: glibc, libssl3, openssl",
             below=("distroless-static-debian12",), closure=False),
]  # fmt: skip
