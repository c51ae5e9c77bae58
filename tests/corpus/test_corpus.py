"""Real-world Dockerfiles (issue 11): they build, or stop with an error that says what to do.

The Dockerfiles follow the templates ``docker init`` writes (Node and Python: bind mounts for
the manifest, a cache mount for the package cache, a non-root USER) as found in public
projects, with the base images layerlab's library has.  Tests of the simulator's behaviour on
them, not of the real tools'.
"""

from __future__ import annotations

import pytest

from simulator import BuildError, Engine
from simulator.builder.builder import build

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


def test_node_template_builds_and_says_what_npm_did_not_do(engine: Engine) -> None:
    context = {"package.json": '{"name": "app"}\n', "package-lock.json": "{}\n", "server.js": "x\n"}
    result = build(engine, NODE_TEMPLATE, context)
    run = next(s for s in result.steps if s.keyword == "RUN")
    assert run.unsimulated == ("npm",)
    assert "layerlab: 'npm' is not simulated: its effects (node_modules/" in result.log
    view = result.image.view
    assert sorted(view.listdir("/usr/src/app")) == ["package-lock.json", "package.json", "server.js"]
    assert not view.exists("/root/.npm")  # the cache mount never enters a layer
    assert result.image.config.user == "node"
    with pytest.raises(BuildError) as info:
        build(engine, NODE_TEMPLATE, context, strict=True)
    assert "'npm' is not simulated" in str(info.value)


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
