"""python:3.14, the line Docker Hub's ``python:latest``/``3``/``slim``/``alpine`` have named since
October 2025 (issue 11): its tags, aliases, config, files and base layers as docker-library/python
publishes them."""

from __future__ import annotations

import pytest

from simulator.distro import library
from simulator.model.entries import Kind

VERSION = "3.14.10"  # the patch release current on 2026-12-07 (Debian unstable's python3.14 3.14.10-1)

# The tags of each variant, as docker-library/python's generate-stackbrew-library.sh makes them from
# versions.json (aliases=([3.14]='3 latest'); default Debian: trixie, the first Debian variant;
# ``latest-`` dropped).  The library's Alpine variant is on alpine:3.22 (its newest Alpine): Docker
# Hub's current python:3.14-alpine is on alpine3.24 (alpine3.23 and alpine3.24 variants since June
# 2026), which the library does not have, so only the Alpine-neutral tags and 3.14-alpine3.22 are here.
TAGS = {
    "python:3.14-trixie": ["3.14.10-trixie", "3.14-trixie", "3-trixie", "trixie", "3.14.10", "3.14", "3", "latest"],
    "python:3.14-slim-trixie": ["3.14.10-slim-trixie", "3.14-slim-trixie", "3-slim-trixie", "slim-trixie",
                                "3.14.10-slim", "3.14-slim", "3-slim", "slim"],
    "python:3.14-bookworm": ["3.14.10-bookworm", "3.14-bookworm", "3-bookworm", "bookworm"],
    "python:3.14-slim-bookworm": ["3.14.10-slim-bookworm", "3.14-slim-bookworm", "3-slim-bookworm", "slim-bookworm"],
    "python:3.14-alpine": ["3.14.10-alpine", "3.14-alpine", "3-alpine", "alpine", "3.14-alpine3.22"],
}  # fmt: skip


@pytest.mark.parametrize("key", sorted(TAGS))
def test_every_tag_of_the_variant_names_its_image(key: str) -> None:
    info = library.image_info(key)
    for tag in TAGS[key]:
        assert library.image_info(f"python:{tag}")["tags"] == info["tags"], tag
        assert library.get(f"python:{tag}") is library.get(key), tag


def test_the_bare_name_and_the_moving_aliases_are_3_14() -> None:
    assert library.get("python") is library.get("python:latest") is library.get("python:3.14")
    assert library.get("docker.io/library/python:3") is library.get("python:3.14-trixie")
    for alias in ("slim", "alpine", "bookworm", "slim-bookworm", "3-slim", "3-alpine"):
        assert library.get(f"python:{alias}").config.env_dict()["PYTHON_VERSION"] == VERSION, alias
    # the older lines keep their own tags: nothing else answers to an alias
    assert library.get("python:3.13").config.env_dict()["PYTHON_VERSION"] == "3.13.9"
    assert not library.has("python:3.13-latest") and not library.has("python:latest-slim")


@pytest.mark.parametrize("key", sorted(TAGS))
def test_the_config_is_the_3_14_dockerfile_s(key: str) -> None:
    config = library.get(key).config
    env = config.env_dict()
    assert env["PYTHON_VERSION"] == VERSION
    assert env["PATH"].startswith("/usr/local/bin:")
    # 3.14 is not PGP-signed (PEP 761) and the template sets LANG below 3.13 only
    assert "GPG_KEY" not in env and "LANG" not in env
    assert config.cmd == ("python3",)
    steps = [h.created_by for h in library.get(key).history]
    assert not any("GPG_KEY" in step for step in steps)
    assert any(step == f"ENV PYTHON_VERSION={VERSION}" for step in steps)


@pytest.mark.parametrize(("key", "libc"), [("python:3.14-slim", "gnu"), ("python:3.14-alpine", "musl"),
                                           ("python:3.14-bookworm", "gnu")])  # fmt: skip
def test_the_files_are_3_14_s(key: str, libc: str) -> None:
    view = library.get(key).view
    for path in ("/usr/local/bin/python3.14", "/usr/local/bin/pip3.14", "/usr/local/lib/libpython3.14.so.1.0",
                 "/usr/local/lib/python3.14/site-packages/pip/__init__.py",
                 "/usr/local/lib/python3.14/annotationlib.py", "/usr/local/lib/python3.14/string/templatelib.py",
                 "/usr/local/lib/python3.14/compression/zstd/__init__.py",
                 f"/usr/local/lib/python3.14/lib-dynload/_zstd.cpython-314-x86_64-linux-{libc}.so",
                 f"/usr/local/lib/python3.14/lib-dynload/_ssl.cpython-314-x86_64-linux-{libc}.so"):  # fmt: skip
        found = view.resolve(path)
        assert found.entry.kind is Kind.FILE, path
    for link, target in (("/usr/local/bin/python3", "python3.14"), ("/usr/local/bin/python", "python3")):
        entry = view.lookup(link)
        assert entry is not None and entry.target == target, link
    # no other Python under /usr/local: pip installs into 3.14's site-packages
    assert view.lookup("/usr/local/lib/python3.13") is None


def test_the_layers_stack_on_the_bases_and_match_3_13_s() -> None:
    def first(ref: str) -> object:
        return library.get(ref).layers[0]

    assert first("python:3.14-slim") is first("debian:trixie-slim")
    assert first("python:3.14-slim-bookworm") is first("debian:bookworm-slim")
    assert first("python:3.14-alpine") is first("alpine:3.22")
    assert library.get("python:3.14").layers[:4] == library.get("buildpack-deps:trixie").layers
    for variant in ("slim-trixie", "slim-bookworm", "alpine", "trixie", "bookworm"):
        new, old = library.get(f"python:3.14-{variant}"), library.get(f"python:3.13-{variant}")
        assert len(new.layers) == len(old.layers), variant
        # the runtime-deps layer (and everything below it) is the one 3.13 has
        assert new.layers[:-2] == old.layers[:-2], variant
        assert new.layers[-2] is not old.layers[-2]
        # 3.14 is larger than 3.13 (Debian's own builds: x1.09), by megabytes, not by a factor
        grow = new.layers[-2].size - old.layers[-2].size
        assert 1_000_000 < grow < 8_000_000, (variant, grow)


def test_nearest_suggests_the_3_14_line_for_a_newer_patch() -> None:
    assert library.nearest("python:3.14.6-alpine")[0].startswith("python:3.14"), library.nearest(
        "python:3.14.6-alpine"
    )


def test_the_moving_aliases_do_not_crowd_out_the_nearest_lines() -> None:
    # python:3 and python:latest are the 3.14 image under its least precise names: a student asking
    # for an x.y line gets x.y lines first (difflib alone put python:3-slim first for 3.9-slim)
    for wanted in ("python:3.9", "python:3.9-slim", "python:3.8-alpine"):
        near = library.nearest(wanted)
        assert all(name.removeprefix("python:")[:3].startswith("3.1") for name in near), (wanted, near)
