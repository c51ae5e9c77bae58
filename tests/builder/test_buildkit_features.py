"""BuildKit features real Dockerfiles use (issue 11 part 4): ``ADD <url>`` and git sources
without a network, ``ADD --checksum``, ``COPY --link``, ``# syntax=``/``# check=``,
``--platform`` and the automatic platform ARGs.

Sources: moby/buildkit ``dockerfile2llb/convert_copy.go`` (a URL's file is named after the last
path segment, not unpacked, mode 0600; "checksum requires HTTP(S) or Git sources", "checksum
can't be specified for multiple sources", "source can't be a URL for COPY"), the Dockerfile
reference ("Automatic platform ARGs in the global scope").
"""

from __future__ import annotations

import hashlib

import pytest

from simulator import BuildError, DockerfileError, Engine
from simulator.builder.builder import build

URL = "https://github.com/krallin/tini/releases/download/v0.19.0/tini"
DATA = b"\x7fELF tini\n"


@pytest.fixture
def engine() -> Engine:
    return Engine()


def test_add_url_without_content_says_how_to_provide_it(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, f"FROM alpine:3.20\nADD {URL} /tini\n")
    text = str(info.value)
    assert info.value.line == 2 and "no network" in text
    assert "urls=" in text and "COPY" in text and len(text.splitlines()) == 1


def test_add_url_with_content(engine: Engine) -> None:
    result = build(engine, f"FROM alpine:3.20\nADD {URL} /usr/local/bin/\n", urls={URL: DATA})
    entry = result.image.view.lookup("/usr/local/bin/tini")
    assert entry is not None and entry.read() == DATA and entry.mode & 0o777 == 0o600
    chmod = build(engine, f"FROM alpine:3.20\nADD --chmod=755 {URL} /tini\n", urls={URL: DATA})
    assert chmod.image.view.lookup("/tini").mode & 0o777 == 0o755  # type: ignore[union-attr]


def test_add_checksum(engine: Engine) -> None:
    good = "sha256:" + hashlib.sha256(DATA).hexdigest()
    build(engine, f"FROM alpine:3.20\nADD --checksum={good} {URL} /tini\n", urls={URL: DATA})
    with pytest.raises(BuildError) as info:
        build(engine, f"FROM alpine:3.20\nADD --checksum=sha256:{'0' * 64} {URL} /tini\n", urls={URL: DATA})
    assert "checksum" in str(info.value) and good in str(info.value)
    with pytest.raises(BuildError) as info:
        build(engine, f"FROM alpine:3.20\nADD --checksum={good} a /a\n", {"a": "x"})
    assert "checksum requires HTTP(S) or Git sources" in str(info.value)
    with pytest.raises(BuildError) as info:
        build(engine, f"FROM alpine:3.20\nADD --checksum={good} {URL} {URL}2 /d/\n", urls={URL: DATA})
    assert "checksum can't be specified for multiple sources" in str(info.value)


def test_copy_from_a_url_is_refused(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, f"FROM alpine:3.20\nCOPY {URL} /tini\n")
    assert "source can't be a URL for COPY" in str(info.value)


@pytest.mark.parametrize(
    "source", ["https://github.com/moby/buildkit.git#v0.10.1", "git@github.com:moby/buildkit.git"]
)
def test_add_git_says_what_to_do(engine: Engine, source: str) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, f"FROM alpine:3.20\nADD {source} /src\n")
    assert "git" in str(info.value) and "clone it into the build context" in str(info.value)


def test_copy_link_makes_the_same_files(engine: Engine) -> None:
    plain = build(engine, "FROM alpine:3.20\nCOPY a /opt/a\n", {"a": "x"})
    linked = build(engine, "FROM alpine:3.20\nCOPY --link a /opt/a\n", {"a": "x"})
    assert linked.image.view.read_file("/opt/a") == b"x" == plain.image.view.read_file("/opt/a")


def test_directives(engine: Engine) -> None:
    result = build(engine, "# syntax=docker/dockerfile:1.7\n# check=skip=all\nFROM alpine:3.20\nRUN true\n")
    assert result.steps[-1].line == 4


def test_platform_args_and_from_platform(engine: Engine) -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM alpine:3.20 AS build\nARG TARGETOS TARGETARCH\n"
        "RUN echo $TARGETOS/$TARGETARCH > /t\n"
        "FROM alpine:3.20\nCOPY --from=build /t /t\nRUN echo ${TARGETARCH:-unset} > /u\n"
    )
    view = build(engine, text).image.view
    assert view.read_file("/t") == b"linux/amd64\n"
    assert view.read_file("/u") == b"unset\n"  # not redeclared in this stage


def test_another_platform_is_said_once(engine: Engine) -> None:
    result = build(engine, "FROM --platform=linux/arm64 alpine:3.20\nRUN true\n")
    assert [w for w in result.warnings if "linux/arm64" in w]
    assert any("linux/arm64" in line and "layerlab" in line for line in result.log.splitlines())


def test_a_bad_directive_still_fails_at_parse(engine: Engine) -> None:
    with pytest.raises(DockerfileError):
        build(engine, "# escape=x\nFROM alpine:3.20\n")
