"""The ``images.json`` entries the generator owns: tags, base, layers, config and history.


Generation (the ``created`` dates): the Debian-trixie, Ubuntu-jammy, Alpine and language images
model the official images of late 2025 (debian:trixie-20251117, Node.js 20.19.5/22.21.1/24.11.1,
CPython 3.10.19/3.11.14/3.12.12/3.13.9 (3.14.10: the patch release current in December 2026), Go 1.22.12/1.23.12/1.24.10 ...).  Images built on Debian
12 use the library's ``debian:12-slim``/``debian:12`` layers (debian:bookworm-20250520, 12.11),
which the older tags pin; they share that base layer, as the official images built on that
base build do.  Tags the library already had keep their images (the tests pin them): so
``python:3.12-slim`` stays the bookworm image of mid-2025 although the official tag has moved
to trixie, and ``alpine:latest``/``node:lts`` follow the same rule where noted.

Configs and history are those of the Dockerfiles in docker-library/{python,node,golang,nginx,
redis,postgres,httpd,buildpack-deps}, adoptium/containers, carlossg/docker-maven,
dotnet/dotnet-docker and GoogleContainerTools/distroless (abridged where marked ``...``).
"""

from __future__ import annotations

from typing import Any

from simulator.distro.generate import images_more
from simulator.distro.generate.published_recipes import GO, NODE, PYTHON

__all__ = ["CREATED_APT", "entries"]

from simulator.distro.generate.common import CREATED_APT, PATH, TRIXIE, _b, _h, _image


def _bases() -> dict[str, dict[str, Any]]:
    out = {}
    debian = "# debian.sh --arch 'amd64' out/ 'trixie' '@1763337600'"
    out["debian:13"] = _image(["debian:13", "debian:trixie", "debian:13.2"], 120,
                              "debian:trixie-20251117 (13.2) on Docker Hub, ~120 MB unpacked (approximate); one layer by debuerreotype",
                              TRIXIE, ["debian-trixie"], {"Env": [PATH], "Cmd": ["bash"]},
                              [_h(debian, comment="debuerreotype 0.16")])  # fmt: skip
    out["debian:13-slim"] = _image(["debian:13-slim", "debian:trixie-slim", "debian:13.2-slim"], 78.6,
                                   "debian:trixie-20251117-slim (13.2) on Docker Hub, ~78.6 MB unpacked (approximate)",
                                   TRIXIE, ["debian-trixie-slim"], {"Env": [PATH], "Cmd": ["bash"]},
                                   [_h(debian.replace("out/", "--slim out/"), comment="debuerreotype 0.16")])  # fmt: skip
    out["ubuntu:22.04"] = _image(["ubuntu:22.04", "ubuntu:jammy", "ubuntu:22.04.5"], 77.9,
                                 "ubuntu:jammy-20251013 on Docker Hub: 77.9 MB (approximate)", "2025-10-13T00:00:00Z",
                                 ["ubuntu-jammy"], {"Env": [PATH], "Cmd": ["/bin/bash"]},
                                 [_h("/bin/sh -c #(nop)  ARG RELEASE", True), _h("/bin/sh -c #(nop)  ARG LAUNCHPAD_BUILD_ARCH", True),
                                  _h("/bin/sh -c #(nop)  LABEL org.opencontainers.image.ref.name=ubuntu", True),
                                  _h("/bin/sh -c #(nop)  LABEL org.opencontainers.image.version=22.04", True),
                                  _h("/bin/sh -c #(nop) ADD file:{layer_sha} in / "),
                                  _h('/bin/sh -c #(nop)  CMD ["/bin/bash"]', True)])  # fmt: skip
    out["ubuntu:22.04"]["config"]["Labels"] = {"org.opencontainers.image.ref.name": "ubuntu",
                                               "org.opencontainers.image.version": "22.04"}  # fmt: skip
    for xy, full, mb in (
        ("3.18", "3.18.12", 7.34),
        ("3.19", "3.19.9", 7.38),
        ("3.21", "3.21.5", 7.83),
        ("3.22", "3.22.2", 8.31),
    ):
        out[f"alpine:{xy}"] = _image([f"alpine:{xy}", f"alpine:{full}"], mb,
                                     f"alpine:{full} on Docker Hub (one layer, alpine-minirootfs-{full}-x86_64.tar.gz), approximate",
                                     "2025-10-08T00:00:00Z", [f"alpine-{xy}"], {"Env": [PATH], "Cmd": ["/bin/sh"]},
                                     [_b("ADD alpine-minirootfs-" + full + "-x86_64.tar.gz /"), _b('CMD ["/bin/sh"]', True)])  # fmt: skip
    # buildpack-deps: the base of the full language images
    for suite, base in (("trixie", "debian:13"), ("bookworm", "debian:12")):
        curl = f"buildpack-deps:{suite}-curl"
        out[curl] = _image([curl], None, "docker-library/buildpack-deps " + suite + "/curl",
                           TRIXIE, [f"buildpack-deps-{suite}-curl"], {"Env": [PATH], "Cmd": ["bash"]},
                           [_b("RUN set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates curl gnupg netbase ...; rm -rf /var/lib/apt/lists/*")],
                           base=base)  # fmt: skip
        scm = f"buildpack-deps:{suite}-scm"
        out[scm] = _image([scm], None, "docker-library/buildpack-deps " + suite + "/scm", TRIXIE,
                          [f"buildpack-deps-{suite}-scm"], {"Env": [PATH], "Cmd": ["bash"]},
                          [_b("RUN set -eux; apt-get update; apt-get install -y --no-install-recommends git mercurial openssh-client subversion procps; rm -rf /var/lib/apt/lists/*")],
                          base=curl)  # fmt: skip
        out[f"buildpack-deps:{suite}"] = _image([f"buildpack-deps:{suite}"], None, "docker-library/buildpack-deps " + suite,
                                                TRIXIE, [f"buildpack-deps-{suite}"], {"Env": [PATH], "Cmd": ["bash"]},
                                                [_b("RUN set -ex; apt-get update; apt-get install -y --no-install-recommends autoconf automake bzip2 ... zlib1g-dev; rm -rf /var/lib/apt/lists/*")],
                                                base=scm)  # fmt: skip
    return out


# The newest line's extra aliases, as docker-library/python's generate-stackbrew-library.sh has
# them (``aliases=([3.14]='3 latest')``, checked 2026-12-07): ``python:3``, ``python:latest``
# and, by its variant rule, ``python:3-slim``, ``python:slim``, ``python:alpine``, ``python:bookworm`` ...
PYTHON_ALIASES = {"3.14": ("3", "latest")}
# When a line's image was built, where it is not the trixie generation's date: 3.14.10 was
# released in late October 2026 (Debian unstable uploaded it on 2026-10-26); its base layers stay
# the library's debian:trixie-20251117, bookworm and alpine 3.22 builds (older bases are usual).
PYTHON_CREATED = {"3.14": "2026-10-27T00:00:00Z"}


def _python_tags(xy: str, version: str, variant: str, alpine: str = "alpine3.22") -> list[str]:
    """The tags of one python variant by generate-stackbrew-library.sh's rule: every version alias
    (``3.14``, ``3.14.10``, ``3``, ``latest``) suffixed with the variant, ``latest-`` dropped; the
    slim of the default Debian (trixie) also as ``-slim``, the default Debian's as the bare aliases.
    The library has one Alpine per line (3.22, then the default): it is ``-alpine`` and ``-alpine3.22``
    (that tag is Docker Hub's, frozen at an earlier patch release since alpine3.23/3.24 took over)."""
    aliases = [xy, version, *PYTHON_ALIASES.get(xy, ())]

    def suffixed(suffix: str) -> list[str]:
        return [f"python:{a}-{suffix}".replace("python:latest-", "python:") for a in aliases]

    if variant == "alpine":
        return [*suffixed("alpine"), f"python:{xy}-{alpine}"]
    tags = suffixed(variant)
    if variant == "slim-trixie":
        tags += suffixed("slim")
    if variant == "trixie":
        tags += [f"python:{a}" for a in aliases]
    return tags


def _python() -> dict[str, dict[str, Any]]:
    out = {}
    for xy, (version, _lib, _total, _pip, _st) in PYTHON.items():
        modern = xy not in ("3.10", "3.11", "3.12", "3.13")
        # 3.14+: no GPG_KEY (PEP 761: Sigstore only, no PGP signatures) and no LANG (the template
        # sets it for versions below 3.13 only: docker-library/python Dockerfile-linux.template);
        # the library's 3.13 images keep theirs (their tests pin them)
        gpg = (
            "A035C8C19219BA821ECEA86B64E628F8D684696D"
            if xy in ("3.10", "3.11")
            else "7169605F62C751356D054A26A821E680E5FA6305"
        )
        env = ["PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               *([] if modern else ["LANG=C.UTF-8", f"GPG_KEY={gpg}"]),
               f"PYTHON_VERSION={version}",
               "PYTHON_SHA256=..."]  # fmt: skip
        head = [_b(("ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), True),
                *([] if modern else [_b(("ENV LANG=C.UTF-8"), True)])]  # fmt: skip
        build = _b("RUN |0 /bin/sh -c set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; "
                       "apt-get install -y --no-install-recommends dpkg-dev gcc gnupg libbluetooth-dev libbz2-dev ...; "
                       "wget -O python.tar.xz \"https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz\"; "
                       "... ./configure --enable-loadable-sqlite-extensions --enable-optimizations --enable-option-checking=fatal "
                       "--enable-shared --with-lto ...; make install; ... python3 --version; pip3 --version")  # fmt: skip
        links = _b("RUN |0 /bin/sh -c set -eux; for src in idle3 pip3 pydoc3 python3 python3-config; do dst=\"$(echo \"$src\" | tr -d 3)\"; "
                       "[ -s \"/usr/local/bin/$src\" ]; [ ! -e \"/usr/local/bin/$dst\" ]; ln -svT \"$src\" \"/usr/local/bin/$dst\"; done")  # fmt: skip
        tail = [_b(('CMD ["python3"]'), True)]
        config = {"Env": env, "Cmd": ["python3"]}
        symlinks = f"python-{xy}-symlinks"
        created = PYTHON_CREATED.get(xy, TRIXIE)
        gpg_step = [] if modern else [_b(f"ENV GPG_KEY={gpg}", True)]
        variants = [("slim-trixie", "debian:13-slim", ["python-runtime-deps-trixie", f"python-{xy}-slim-trixie", symlinks]),
                    ("slim-bookworm", "debian:12-slim", ["python-runtime-deps", f"python-{xy}-slim-bookworm", symlinks]),
                    ("alpine", "alpine:3.22", ["python-alpine-runtime-deps", f"python-{xy}-alpine", symlinks])]  # fmt: skip
        for variant, base, layers in variants:
            tags = _python_tags(xy, version, variant)
            if xy in ("3.11", "3.12") and variant == "slim-bookworm":
                continue  # the library's existing python:3.1x-slim images are these (mid-2025)
            if xy in ("3.11", "3.12") and variant == "slim-trixie":
                tags = [
                    t for t in tags if not t.endswith(f"{xy}-slim")
                ]  # pinned to the existing bookworm image
            # the template's cleanup: "apt-get dist-clean" on trixie (apt 3) for the 3.14 generation
            clean = (
                "apt-get dist-clean"
                if modern and variant.endswith("trixie")
                else "rm -rf /var/lib/apt/lists/*"
            )
            deps_step = (_b("RUN /bin/sh -c apk add --no-cache ca-certificates tzdata")
                         if variant == "alpine" else
                         _b(f"RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates netbase tzdata; {clean}"))  # fmt: skip
            history = [*head, deps_step, *gpg_step,
                       _b((f"ENV PYTHON_VERSION={version}"), True), _b(("ENV PYTHON_SHA256=..."), True), build, links, *tail]  # fmt: skip
            out[f"python:{xy}-{variant}"] = _image(tags, None, f"docker-library/python {xy}/{variant}",
                                                   created, layers, config, history, base=base)  # fmt: skip
        for suite, base in (("trixie", "buildpack-deps:trixie"), ("bookworm", "buildpack-deps:bookworm")):
            tags = _python_tags(xy, version, suite)
            clean = "apt-get dist-clean" if modern and suite == "trixie" else "rm -rf /var/lib/apt/lists/*"
            full_deps = _b(f"RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends libbluetooth-dev tk-dev uuid-dev; {clean}")  # fmt: skip
            history = [*head, full_deps, _b((f"ENV PYTHON_VERSION={version}"), True), build, links, *tail]
            out[f"python:{xy}-{suite}"] = _image(tags, None, f"docker-library/python {xy}/{suite}",
                                                  created, [f"python-full-deps-{suite}", f"python-{xy}-{suite}", symlinks],
                                                  config, history, base=base)  # fmt: skip
    return out


def entries() -> dict[str, dict[str, Any]]:
    """Every generated image entry, by key."""
    out = {**_bases(), **_python()}
    out.update(images_more.entries())
    return out


__all__ += ["GO", "NODE"]
