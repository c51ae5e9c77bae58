"""The corpus Dockerfiles built by a real builder and by the model, RUN steps removed (issue 11
part 6): buildah, and Docker 20.10's BuildKit (a private ``dockerd``).

How the builds are made and compared, and what is set aside, is in
:mod:`tests.corpus.real_builder` (``derive``, ``compare``, ``EXCLUDED``).  Each case builds its
``CASES`` target.  A case whose derived Dockerfile cannot build (a ``COPY`` of what a removed
``RUN`` made) must fail in both builders, at the same instruction; then the stage it copies from
is compared on its own, and the target again without those ``COPY --from`` steps.  The tests
without the ``real`` mark check the derivation and the comparison themselves (they run
everywhere).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from simulator import BuildError, Engine
from simulator.builder.builder import build
from simulator.distro import library
from simulator.dockerfile.parser import parse_dockerfile
from simulator.oci import write_layout
from tests.realtools import harness
from tests.realtools.test_docker import DOCKER
from tests.realtools.test_docker import docker as docker  # the private dockerd fixture

from . import real_builder as rb
from .corpus_cases import CASES
from .test_corpus import CORPUS, root_layers


class WithoutRun(NamedTuple):
    """A case whose derived Dockerfile cannot build: it copies what a removed RUN made."""

    fails_at: str  # the instruction, as the Dockerfile writes it, that fails in both builders
    copies_from: str  # the stage it copies from: compared on its own (``--target``)
    drop: tuple[int, ...]  # the lines of the COPY --from steps to remove for a second build


#: Each case whose derived Dockerfile cannot build, in either builder.
FAILS_WITHOUT_RUN: dict[str, WithoutRun] = {
    "awesome-compose-nginx-golang": WithoutRun(
        "COPY --from=builder /code/bin/backend /usr/local/bin/backend", "builder", (40,)
    ),
    "awesome-compose-spring-postgres": WithoutRun(
        "COPY --from=prepare-production ${DEPENDENCY}/BOOT-INF/lib /app/lib",
        "prepare-production",
        (36, 37, 38),
    ),
    "awesome-compose-traefik-golang": WithoutRun(
        "COPY --from=build /compose/hello-docker/backend /usr/local/bin/backend", "build", (26,)
    ),
    "microservices-demo-currencyservice": WithoutRun(
        "COPY --from=builder /usr/src/app/node_modules ./node_modules", "builder", (39,)
    ),
    "microservices-demo-frontend": WithoutRun(
        "COPY --from=builder /go/bin/frontend /src/server", "builder", (34,)
    ),
    "microservices-demo-loadgenerator": WithoutRun(
        "COPY --from=builder /install /usr/local", "builder", (44,)
    ),
    "microservices-demo-paymentservice": WithoutRun(
        "COPY --from=builder /usr/src/app/node_modules ./node_modules", "builder", (39,)
    ),
    "microservices-demo-productcatalogservice": WithoutRun(
        "COPY --from=builder /productcatalogservice ./server", "builder", (35,)
    ),
    "microservices-demo-shippingservice": WithoutRun(
        "COPY --from=builder /go/bin/shippingservice /src/shippingservice", "builder", (35,)
    ),
    "voting-app-worker": WithoutRun("COPY --from=build /app .", "build", (27,)),
}

#: Disagreements that are known and not fixed: case -> reason (xfail, strict).
DIFFERS: dict[str, str] = {}


@pytest.fixture(scope="module")
def store() -> Iterator[harness.RealtoolsSession]:
    """A buildah store of this module's own (its builds leave no cache for other modules)."""
    harness.require("buildah", "skopeo")
    keep = os.environ.get("LAYERLAB_REALTOOLS_DIR")
    own = harness.RealtoolsSession.create(Path(keep) / "corpus-real" if keep else None)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(harness, "_SESSION", own)
        yield own
    if not keep:
        own.cleanup()


def params() -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=DIFFERS[name], strict=True, raises=AssertionError))
        if name in DIFFERS
        else name
        for name in sorted(CASES)
    ]


def buildah(
    store: harness.RealtoolsSession, ctx: Path, text: str, name: str, target: str | None
) -> tuple[harness.BuildResult, Path]:
    """Build the derived Dockerfile with buildah; copy the image to a ``dir:`` directory."""
    dockerfile = store.base / "dockerfiles" / f"corpus-{name}.Dockerfile"
    dockerfile.write_text(text)
    real = harness.buildah_build(
        ctx, f"layerlab-corpus/{name}:1", dockerfile=str(dockerfile), target=target,
        no_cache=True, check=False, export=False, format="docker",
    )  # fmt: skip
    layout = store.base / "images" / name
    if real.returncode == 0:
        assert real.image_id is not None
        shutil.rmtree(layout, ignore_errors=True)
        layout.parent.mkdir(exist_ok=True)
        store.run(["skopeo", "--policy", str(store.policy), "copy", "-q",
                   store.storage_ref(real.image_id.removeprefix("sha256:")), f"dir:{layout}"])  # fmt: skip
    return real, layout


_STEP_FAILED = re.compile(r"building at STEP \"([^\"]*)\"")


def build_both(
    store: harness.RealtoolsSession, ctx: Path, name: str, target: str | None, drop: tuple[int, ...] = ()
) -> list[str]:
    """Build ``ctx``'s derived Dockerfile in both builders: the differences, or raise BuildError
    (the model's) when both fail."""
    text = (ctx / "Dockerfile").read_text()
    refs = {  # the stages ``target`` does not need keep their image: buildah skips them
        image: rb.export_base(rb.library_tag(image), store.base / "bases")
        for image in rb.base_images(text, target)
    }
    real, layout = buildah(
        store, ctx, rb.derive(text, lambda image: refs.get(image, image), drop), name, target
    )
    engine = Engine()
    try:
        sim = build(engine, rb.derive(text, rb.library_tag, drop), str(ctx), target=target, strict=True)
    except BuildError as error:
        assert real.returncode != 0, f"only the model failed: {error}"
        failed = _STEP_FAILED.search(real.log)
        assert failed is not None, real.log[-2000:]
        error.add_note(f"buildah failed at {failed[1]}")
        raise
    assert real.returncode == 0, f"only buildah failed:\n{real.log[-2000:]}"
    base_layers = root_layers(engine, sim, target)
    return rb.compare(rb.read_top(layout, base_layers), sim, base_layers)


@pytest.mark.real
@pytest.mark.parametrize("name", params())
def test_corpus_without_run_against_buildah(
    store: harness.RealtoolsSession, tmp_path: Path, name: str
) -> None:
    case = CASES[name]
    ctx = tmp_path / name
    shutil.copytree(CORPUS / name, ctx, ignore=shutil.ignore_patterns("SOURCE"))
    if name not in FAILS_WITHOUT_RUN:
        problems = build_both(store, ctx, name, case.target)
    else:
        known = FAILS_WITHOUT_RUN[name]
        with pytest.raises(BuildError) as failed:
            build_both(store, ctx, name, case.target)
        assert f": {known.fails_at}: " in str(failed.value)
        assert failed.value.__notes__ == [f"buildah failed at {known.fails_at}"]
        problems = [
            f"--target {known.copies_from}: {p}" for p in build_both(store, ctx, name, known.copies_from)
        ]
        problems += [
            f"without line {known.drop}: {p}" for p in build_both(store, ctx, name, case.target, known.drop)
        ]
    assert not problems, "buildah and the model differ:\n" + "\n".join(problems)


# -- the derivation and the comparison themselves (no real tool) ---------------------------------

DERIVE_ME = """\
# syntax=docker/dockerfile:1
ARG BASE=x
FROM --platform=$BUILDPLATFORM python:3.7-alpine AS builder
RUN apk add \\
    git
COPY a /a
RUN <<EOF
echo hi
EOF
ONBUILD RUN echo later
FROM builder AS dev
RUN true
FROM scratch
COPY --from=builder /a /b
"""


def test_derive_blanks_every_run_line_and_renames_images_only() -> None:
    derived = rb.derive(DERIVE_ME, lambda image: f"oci:/bases/{image.replace(':', '-')}:latest")
    assert derived.split("\n") == [
        "# syntax=docker/dockerfile:1",
        "ARG BASE=x",
        "FROM --platform=$BUILDPLATFORM oci:/bases/python-3.7-alpine:latest AS builder",
        "",
        "",
        "COPY a /a",
        "",
        "",
        "",
        "ONBUILD RUN echo later",  # a trigger is not a RUN of this build
        "FROM builder AS dev",  # a stage keeps its name
        "",
        "FROM scratch",
        "COPY --from=builder /a /b",
        "",
    ]


def test_derive_drops_a_copy_from_a_stage_when_asked() -> None:
    derived = rb.derive(DERIVE_ME, str, drop=(14,)).split("\n")
    assert derived[13] == "" and derived[5] == "COPY a /a"
    with pytest.raises(ValueError, match="line 6: COPY a /a: not a COPY --from=<stage>"):
        rb.derive(DERIVE_ME, str, drop=(6,))
    with pytest.raises(ValueError, match="line 5: no instruction starts there"):
        rb.derive(DERIVE_ME, str, drop=(5,))


def test_derive_refuses_an_image_made_of_args() -> None:
    with pytest.raises(ValueError, match=r"line 2: FROM \$\{BASE\}: an ARG-made image name"):
        rb.derive("ARG BASE=alpine\nFROM ${BASE}\n", str)


@pytest.mark.parametrize("name", sorted(CASES))
def test_derived_corpus_keeps_every_other_instruction_on_its_line(name: str) -> None:
    text = (CORPUS / name / "Dockerfile").read_text()
    derived_text = rb.derive(text, rb.library_tag)
    derived, original = parse_dockerfile(derived_text), parse_dockerfile(text)
    kept = [
        (i.line, i.original) for s in original.stages for i in s.instructions if type(i).__name__ != "Run"
    ]
    assert [(i.line, i.original) for s in derived.stages for i in s.instructions] == kept
    assert [s.from_.line for s in derived.stages] == [s.from_.line for s in original.stages]
    assert len(derived_text.split("\n")) == len(text.split("\n"))


def test_base_images_follow_the_target_and_copy_from() -> None:
    assert rb.base_images(DERIVE_ME, None) == ["python:3.7-alpine"]
    assert rb.base_images(DERIVE_ME, "dev") == ["python:3.7-alpine"]
    assert rb.base_images("FROM a AS one\nFROM b\nCOPY --from=c:1 / /\n", "one") == ["a"]
    assert rb.base_images("FROM a AS one\nFROM b\nCOPY --from=c:1 / /\n", None) == ["b", "c:1"]
    assert rb.library_tag("python:3.7-alpine") == "python:3.10-alpine"  # SUBSTITUTE applies


def test_config_fields_apply_the_named_rules() -> None:
    real = {"Env": ["B=2", "A=1"], "Labels": {"io.buildah.version": "1.28.2"}, "Cmd": [], "Volumes": {}}
    model = {"Env": ["A=1", "B=2"]}
    assert rb.config_fields(real) == rb.config_fields(model)  # env-order, buildah-label, empty = absent
    assert rb.config_fields({"Env": ["A=1"]}) != rb.config_fields({"Env": ["A=2"]})
    assert rb.config_fields({"StopSignal": "SIGQUIT"}) != rb.config_fields({})


def test_buildkit_08_history_forms() -> None:
    assert rb.buildkit_08("COPY --chown=nginx:nginx --chmod=644 a /b # buildkit") == "COPY a /b # buildkit"
    assert rb.buildkit_08("EXPOSE [9229/tcp 80/tcp]") == "EXPOSE map[80/tcp:{} 9229/tcp:{}]"
    health = 'HEALTHCHECK &{["CMD-SHELL" "x"] "30s" "0s" "0s" "0s" \'\\x00\'}'
    assert rb.buildkit_08(health) == 'HEALTHCHECK &{["CMD-SHELL" "x"] "30s" "0s" "0s" \'\\x00\'}'
    assert rb.buildkit_08("ENV A=1") == "ENV A=1"
    assert rb.buildkit_08("ARG TARGETARCH=amd64 B") == "ARG TARGETARCH B"


def test_healthcheck_history_is_go_quoting_of_the_struct() -> None:
    # moby/buildkit dockerfile2llb/convert.go dispatchHealthcheck: fmt.Sprintf("HEALTHCHECK %q",
    # &HealthcheckConfig{Test, Interval, Timeout, StartPeriod, StartInterval, Retries}); Docker
    # 20.10's BuildKit wrote the same without StartInterval (found by the comparison above)
    text = "FROM scratch\nHEALTHCHECK --interval=1m30s --timeout=1.5s --retries=3 CMD node h.js\nHEALTHCHECK NONE\n"
    history = [h.created_by for h in build(Engine(), text, {}).image.history]
    assert history == [
        'HEALTHCHECK &{["CMD-SHELL" "node h.js"] "1m30s" "1.5s" "0s" "0s" \'\\x03\'}',
        'HEALTHCHECK &{["NONE"] "0s" "0s" "0s" "0s" \'\\x00\'}',
    ]


def test_from_scratch_starts_from_buildkits_empty_image() -> None:
    # moby/buildkit frontend/dockerui emptyImage: WorkingDir "/" and the default PATH (Docker
    # 20.10's BuildKit showed WorkingDir "/" where the model had none: found by the comparison)
    config = build(Engine(), 'FROM scratch\nCMD ["/app"]\n', {}).image.config_json()["config"]
    assert config["WorkingDir"] == "/"
    assert config["Env"] == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]


def _as_real(sim: Any, base_layers: int) -> rb.RealTop:
    """The model's own build in the shape read_top gives buildah's (WORKDIR layers included)."""
    from tests.realtools.test_build_parity import sim_changeset

    pairs = list(sim.image.layer_history())
    above = pairs[[i for i, (_, layer) in enumerate(pairs) if layer is not None][base_layers - 1] + 1 :]
    history = [(h.created_by, h.empty_layer) for h, _ in above]
    layers = [sim_changeset(layer) for _, layer in above if layer is not None]
    return rb.RealTop(sim.image.config_json(), history, layers)


def test_compare_finds_what_differs() -> None:
    context = {"a": ("x\n", 0o644), "b": ("y\n", 0o600)}
    text = "FROM alpine:3.22\nWORKDIR /app\nCOPY a .\nCOPY --chmod=640 b /b\nSTOPSIGNAL SIGQUIT\n"
    sim = build(Engine(), text, context)
    top = _as_real(sim, 1)
    assert [k for k, _ in rb.real_layers(top)] == ["WORKDIR", "COPY", "COPY"]
    # buildah's shape: no WORKDIR layer, its directory in the next layer (rule workdir-layer)
    history = [h for h in top.history if not h[0].startswith("WORKDIR")]
    top = rb.RealTop(top.config, history, [{**top.layers[0], **top.layers[1]}, top.layers[2]])
    assert rb.compare(top, sim, 1) == []
    other = build(Engine(), text.replace("640", "644").replace("SIGQUIT", "SIGTERM"), context)
    problems = rb.compare(top, other, 1)
    assert problems[0].startswith("added layer 2 (COPY):\n  /b: buildah <file 0640 0:0")
    assert problems[1:] == ["config StopSignal: buildah 'SIGQUIT', model 'SIGTERM'"]
    fewer = rb.RealTop(
        top.config, [h for h in history if not h[0].startswith("COPY --chmod")], top.layers[:1]
    )
    assert rb.compare(fewer, sim, 1)[0] == "layer-making steps: buildah ['COPY'], model ['COPY', 'COPY']"


# -- against Docker 20.10's BuildKit ---------------------------------------------------------------

#: Library image -> the name ``docker load`` gave it, per daemon (one daemon per module run).
_LOADED: dict[tuple[str, str], str] = {}


def _docker(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DOCKER or "docker", *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def load_base(env: dict[str, str], tmp: Path, image: str) -> str:
    """The library image ``image`` stands for, ``docker load``-ed once per daemon; its name."""
    tag = rb.library_tag(image)
    key = (env["DOCKER_HOST"], tag)
    if key not in _LOADED:
        name = "layerlab-base/" + re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-") + ":latest"
        archive = write_layout(library.get(tag), tmp / "base.tar", [name], format="docker")
        proc = _docker(env, "load", "-i", archive)
        Path(archive).unlink()
        assert proc.returncode == 0, proc.stderr
        _LOADED[key] = name
    return _LOADED[key]


def buildkit_both(
    env: dict[str, str], tmp: Path, ctx: Path, name: str, target: str | None, drop: tuple[int, ...] = ()
) -> list[str]:
    """As :func:`build_both`, with ``DOCKER_BUILDKIT=1 docker build`` as the real builder."""
    text = (ctx / "Dockerfile").read_text()
    names = {image: load_base(env, tmp, image) for image in rb.base_images(text, target)}
    dockerfile = tmp / f"{name}.Dockerfile"
    dockerfile.write_text(rb.derive(text, lambda image: names.get(image, image), drop, syntax=False))
    tag = f"layerlab-corpus/{name}:1"
    argv = [
        "build",
        "--progress=plain",
        "-f",
        str(dockerfile),
        "-t",
        tag,
        *(["--target", target] if target else []),
    ]
    real = _docker(dict(env, DOCKER_BUILDKIT="1"), *argv, str(ctx))
    engine = Engine()
    try:
        sim = build(
            engine, rb.derive(text, rb.library_tag, drop, syntax=False), str(ctx), target=target, strict=True
        )
    except BuildError as error:
        assert real.returncode != 0, f"only the model failed: {error}"
        missing = re.search(r'"([^"]+)": not found', str(error))  # BuildKit 0.8 words it otherwise
        assert missing is not None and missing[1] in real.stderr, real.stderr[-2000:]
        raise
    assert real.returncode == 0, f"only BuildKit failed:\n{real.stderr[-2000:]}"
    base_layers = root_layers(engine, sim, target)
    archive = tmp / f"{name}.tar"
    saved = _docker(env, "save", "-o", str(archive), tag)
    if "empty export - not implemented" in saved.stderr:  # Docker 20.10 saves no layerless image
        assert not sim.image.layers, saved.stderr
        (inspect,) = json.loads(_docker(env, "image", "inspect", tag).stdout)
        lines = _docker(env, "history", "--no-trunc", "--format", "{{.CreatedBy}}", tag).stdout.splitlines()
        return rb.compare(
            rb.RealTop({"config": inspect["Config"]}, [(by, True) for by in reversed(lines)], []),
            sim,
            0,
            buildkit=True,
        )
    assert saved.returncode == 0, saved.stderr
    top = rb.read_saved(archive, base_layers)
    archive.unlink()
    return rb.compare(top, sim, base_layers, buildkit=True)


@pytest.mark.real
@pytest.mark.parametrize("name", params())
def test_corpus_without_run_against_buildkit(docker: dict[str, str], tmp_path: Path, name: str) -> None:
    case = CASES[name]
    ctx = tmp_path / "context" / name
    shutil.copytree(CORPUS / name, ctx, ignore=shutil.ignore_patterns("SOURCE"))
    if name not in FAILS_WITHOUT_RUN:
        problems = buildkit_both(docker, tmp_path, ctx, name, case.target)
    else:
        known = FAILS_WITHOUT_RUN[name]
        with pytest.raises(BuildError, match=re.escape(f": {known.fails_at}: ")):
            buildkit_both(docker, tmp_path, ctx, name, case.target)
        problems = [
            f"--target {known.copies_from}: {p}"
            for p in buildkit_both(docker, tmp_path, ctx, name, known.copies_from)
        ]
        problems += [
            f"without line {known.drop}: {p}"
            for p in buildkit_both(docker, tmp_path, ctx, name, case.target, known.drop)
        ]
    assert not problems, "BuildKit and the model differ:\n" + "\n".join(problems)
