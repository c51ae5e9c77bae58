"""Real-world Dockerfiles (issue 11): they build, or stop with an error that says what to do.

The corpus (issue 11 part 6): ``dockerfiles/NAME/`` holds a real project's Dockerfile and a
minimal context, with a ``SOURCE`` note (URL, commit, licence); ``corpus_cases.py`` says what
each must build into, and which cannot build on this branch yet (``NEEDS``).

The Dockerfiles follow the templates ``docker init`` writes (Node and Python: bind mounts for
the manifest, a cache mount for the package cache, a non-root USER) as found in public
projects, with the base images layerlab's library has.  Tests of the simulator's behaviour on
them, not of the real tools'.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator import BuildError, Engine
from simulator.builder.builder import build
from simulator.builder.result import BuildResult
from simulator.distro import library
from simulator.dockerfile import checks
from simulator.dockerfile.parser import parse_dockerfile

from .corpus_cases import CASES, NEEDS, SUBSTITUTE

NODE_TEMPLATE = """\
# syntax=docker/dockerfile:1

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-slim

# Use production node environment by default.
ENV NODE_ENV=production

WORKDIR /usr/src/app

# Download dependencies as a separate step to take advantage of Docker's caching.
RUN --mount=type=bind,source=package.json,target=package.json \\
    --mount=type=bind,source=package-lock.json,target=package-lock.json \\
    --mount=type=cache,target=/root/.npm \\
    npm ci --omit=dev

# Run the application as a non-root user.
USER node

COPY . .

EXPOSE 3000

CMD ["npm", "start"]
"""

PYTHON_TEMPLATE = """\
# syntax=docker/dockerfile:1

ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1
ENV PYTHONUNBUFFERED=1

WORKDIR /app

ARG UID=10001
RUN adduser \\
    --disabled-password \\
    --gecos "" \\
    --home "/nonexistent" \\
    --shell "/sbin/nologin" \\
    --no-create-home \\
    --uid "${UID}" \\
    appuser

RUN --mount=type=cache,target=/root/.cache/pip \\
    --mount=type=bind,source=requirements.txt,target=requirements.txt \\
    python -m pip install -r requirements.txt

USER appuser

COPY . .

EXPOSE 8000

CMD ["gunicorn", "app:app", "--bind=0.0.0.0:8000"]
"""

GO_MULTISTAGE = """\
FROM golang:1.21 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM gcr.io/distroless/static
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_node_template_builds_and_npm_ci_runs_against_the_lock(engine: Engine) -> None:
    context = {"package.json": '{"name": "app"}\n', "package-lock.json": "{}\n", "server.js": "x\n"}
    result = build(engine, NODE_TEMPLATE, context)
    run = next(s for s in result.steps if s.keyword == "RUN")
    assert run.unsimulated == ()  # npm is modelled (issue 11 part 2): nothing to install here
    assert "up to date, audited 1 package in" in result.log
    assert "npm warn ancient lockfile" in result.log  # "{}" has no lockfileVersion: npm 7+ warns
    view = result.image.view
    assert sorted(view.listdir("/usr/src/app")) == ["package-lock.json", "package.json", "server.js"]
    assert not view.exists("/root/.npm")  # the cache mount never enters a layer
    assert result.image.config.user == "node"
    build(engine, NODE_TEMPLATE, context, strict=True)  # nothing unsimulated: strict builds too


def test_python_template_installs_its_requirements(engine: Engine) -> None:
    context = {"requirements.txt": "flask\ngunicorn\n", "app.py": "app = None\n"}
    result = build(engine, PYTHON_TEMPLATE, context)
    assert all(not s.unsimulated for s in result.steps)
    site = result.image.view.listdir("/usr/local/lib/python3.12/site-packages")
    assert any(n.startswith("flask") for n in site) and any(n.startswith("gunicorn") for n in site)
    assert not result.image.view.exists("/root/.cache/pip")
    assert b"appuser:x:10001:" in result.image.view.read_file("/etc/passwd")


def test_python_template_without_requirements_says_which_file(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, PYTHON_TEMPLATE, {"app.py": "x\n"})
    assert '"/requirements.txt": not found' in str(info.value)


def test_an_image_the_library_lacks_names_the_nearest(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, GO_MULTISTAGE, {"main.go": "package main\n"})
    message = str(info.value)
    assert message.startswith("Dockerfile:1: FROM golang:1.21 AS build: no image 'golang:1.21'")
    assert message.count("nearest library images:") == 1 and len(message.splitlines()) == 1


def test_library_images_under_a_registry_host_need_no_network(engine: Engine) -> None:
    # the library holds gcr.io/distroless/static:latest and mcr.microsoft.com/dotnet/...: FROM
    # finds them with gcr.io and mcr.microsoft.com out of reach (microservices-demo, voting-app)
    result = build(engine, "FROM gcr.io/distroless/static\nCOPY a /a\n", {"a": "x\n"})
    assert result.image.layers[:-1] == library.get("gcr.io/distroless/static:latest").layers
    result = build(engine, "FROM mcr.microsoft.com/dotnet/runtime:8.0\n", {})
    assert result.image.layers == library.get("mcr.microsoft.com/dotnet/runtime:8.0").layers


def test_a_digest_pinned_image_says_the_digest_wins(engine: Engine) -> None:
    # BuildKit resolves name:tag@sha256:... by the digest alone: no library image can have it
    pinned = "node:20.20.2-alpine@sha256:" + "fb4cd12c" * 8
    with pytest.raises(BuildError) as info:
        build(engine, f"FROM {pinned} AS builder\n", {})
    message = str(info.value)
    assert f"no image {pinned!r}: a digest-pinned reference names one exact image" in message
    assert "drop the @sha256:... to use a library tag: node:20-alpine" in message


# -- the corpus: real Dockerfiles with their context (dockerfiles/NAME/, SOURCE says where from) --

CORPUS = Path(__file__).parent / "dockerfiles"


def corpus_context(name: str) -> dict[str, tuple[bytes, int]]:
    """The directory as a build context, without its SOURCE note."""
    root = CORPUS / name
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mode & 0o777)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "SOURCE"
    }


FROM_REF = re.compile(r"^(FROM\s+(?:--\S+\s+)*)(\S+)", re.M | re.I)


def substituted(engine: Engine, name: str) -> dict[str, tuple[bytes, int]]:
    """The case's context with SUBSTITUTE applied: a tag the library lacks is the library image
    tagged under that name in ``engine``; a digest-pinned reference is rewritten in the copy."""
    context = corpus_context(name)
    text, mode = context["Dockerfile"]
    for ref in FROM_REF.findall(text.decode()):
        if ref[1] not in SUBSTITUTE:
            continue
        old, (new, _why) = ref[1], SUBSTITUTE[ref[1]]
        if "@" in old:
            text = text.replace(f"{ref[0]}{old}".encode(), f"{ref[0]}{new}".encode())
        else:
            engine.images.tag(library.get(new), old)
    context["Dockerfile"] = (text, mode)
    return context


def corpus_params() -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=NEEDS[name], strict=False))
        if name in NEEDS
        else name
        for name in sorted(CASES)
    ]


def test_the_corpus_is_complete() -> None:
    names = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    assert names == sorted(CASES) and len(names) >= 30
    assert set(NEEDS) <= set(CASES)
    for name in names:
        source = (CORPUS / name / "SOURCE").read_text()
        assert re.search(r"^source: https://", source, re.M), name
        assert re.search(r"^licence: (CC0-1.0|Apache-2.0|MIT|BSD-2-Clause|BSD-3-Clause)$", source, re.M), name
        assert re.search(r"^retrieved: \d{4}-\d\d-\d\d$", source, re.M), name
        parse_dockerfile((CORPUS / name / "Dockerfile").read_text())  # every one parses


def root_layers(engine: Engine, result: BuildResult, target: str | None) -> int:
    """How many layers the image that the target's chain of stages starts from has."""
    stages = {s.name: s for s in result.stages}
    stage = stages[target] if target else result.stages[-1]
    while stage.base in stages:
        stage = stages[stage.base]
    return 0 if stage.base == "scratch" else len(engine.base_image(stage.base).layers)


def matches(expected: str, actual: str) -> bool:
    return actual.startswith(expected[:-3]) if expected.endswith("...") else actual == expected


@pytest.mark.parametrize("name", corpus_params())
def test_corpus_dockerfile(engine: Engine, name: str) -> None:
    case = CASES[name]
    result = build(engine, None, substituted(engine, name), target=case.target)
    image = result.image
    # the layers the Dockerfile added, by their history lines
    layered = [h.created_by for h in image.history if not h.empty_layer]
    added = layered[-len(case.layers) :]
    assert all(matches(e, a) for e, a in zip(case.layers, added, strict=True)), (case.layers, added)
    assert len(image.layers) == len(layered)
    base_layers = len(layered) - len(case.layers)
    assert base_layers == root_layers(engine, result, case.target), "the Dockerfile made more layers"
    layers = image.layers[base_layers:]
    for index, paths in case.files.items():
        for path in paths:
            assert path in layers[index].entries, f"{path} not in the layer of {case.layers[index]!r}"
    for attribute, value in case.config.items():
        assert getattr(image.config, attribute) == value, attribute
    found = {
        (w.split(": ")[1], int(w.split(":")[1]))
        for w in result.warnings
        if w.startswith("Dockerfile:") and w.split(": ")[1] in checks.RULES
    }
    assert found == case.checks
    if case.unsimulated is not None:
        assert {s.line: s.unsimulated for s in result.steps if s.unsimulated} == case.unsimulated
        if case.unsimulated:
            with pytest.raises(BuildError, match="is not simulated"):
                strict = Engine()
                build(strict, None, substituted(strict, name), target=case.target, strict=True)


# -- against buildah: the corpus Dockerfiles whose steps need only busybox's tools ------------

#: Built by buildah from the harness's busybox base (no registry image is reachable offline),
#: with the Dockerfile's base image replaced by it: the comparison is of the Dockerfile's own
#: layers, merged tree and config.  The others run programs busybox lacks (apk, pip, npm, go...).
ON_BUSYBOX = ("awesome-compose-nginx-flask-mysql-proxy",)


@pytest.fixture(scope="module")
def realtools_session() -> Iterator[Any]:
    from tests.realtools import harness

    harness.require("buildah", "skopeo", "umoci", "busybox")
    sess = harness.session()
    yield sess
    if not os.environ.get("LAYERLAB_REALTOOLS_DIR"):
        sess.cleanup()


@pytest.mark.real
@pytest.mark.parametrize("name", ON_BUSYBOX)
def test_corpus_against_buildah(realtools_session: Any, tmp_path: Path, name: str) -> None:
    from tests.realtools import harness
    from tests.realtools.test_build_parity import compare, sim_build, sim_engine

    ctx = tmp_path / name
    shutil.copytree(CORPUS / name, ctx, ignore=shutil.ignore_patterns("SOURCE"))
    text = (ctx / "Dockerfile").read_text()
    stages = {s.alias for s in parse_dockerfile(text).stages if s.alias}
    (ctx / "Dockerfile").write_text(
        re.sub(
            r"^(FROM\s+(?:--\S+\s+)*)(\S+)",
            lambda m: m[0] if m[2].lower() in stages else m[1] + "BUSYBOX",
            text,
            flags=re.M | re.I,
        )
    )
    real = harness.buildah_build(ctx, f"layerlab-corpus-{name}:1", no_cache=True)
    sim = sim_build(sim_engine(), ctx)
    compare(real, sim).assert_same()
