"""The numbered steps of the build log, ``[stage i/n] INSTRUCTION``, as BuildKit prints them.

Each expectation is data read from a real build (Debian's docker.io 20.10, ``DOCKER_BUILDKIT=1
docker build --progress=plain``, the same cases as tests/realtools/test_build_log.py, which
compares them live) or, where today's BuildKit differs, from moby/buildkit's
frontend/dockerfile/dockerfile2llb/convert.go (``prefixCommand``, ``cmdTotal``,
``resolveBaseImage``), with the 20.10 output noted beside it.
"""

from __future__ import annotations

import pytest

from simulator import BuildError, Engine
from simulator.builder.internal import step_prefix
from tests.realtools.test_build_log import titles

BB = "docker.io/library/bb:1"

EXPECTED = {
    # FROM scratch: no FROM vertex, the stage's steps count from 1 (20.10: "[stage-1 1/1] COPY")
    "from-scratch": (
        "FROM bb:1 AS build\nRUN echo hi > /x\nFROM scratch\nCOPY --from=build /x /x\n",
        [f"[build 1/2] FROM {BB}", "[build 2/2] RUN echo hi > /x", "[stage-1 1/1] COPY --from=build /x /x"],
    ),
    "scratch-only": ("FROM scratch\nCOPY a.txt /a\n", ["[1/1] COPY a.txt /a"]),
    # two stages FROM one image: one FROM vertex (the same LLB op), the other stage counts it
    "two-stages": (
        "FROM bb:1 AS build\nRUN echo hi > /x\nFROM bb:1\nCOPY --from=build /x /x\n",
        [f"[build 1/2] FROM {BB}", "[build 2/2] RUN echo hi > /x", "[stage-1 2/2] COPY --from=build /x /x"],
    ),
    # an unused stage is skipped, the others keep their index in their label
    "unused-stage": (
        "FROM bb:1 AS unused\nRUN echo unused > /u\nFROM bb:1 AS build\nRUN echo hi > /x\n"
        "FROM bb:1\nCOPY --from=build /x /x\nRUN echo done\n",
        [
            f"[build 1/2] FROM {BB}",
            "[build 2/2] RUN echo hi > /x",
            "[stage-2 2/3] COPY --from=build /x /x",
            "[stage-2 3/3] RUN echo done",
        ],
    ),
    # three stages FROM one image: the vertex is named by the last stage client/llb marshals
    # (20.10: "[b 1/2]" in 3 of 4 runs, "[stage-2 1/3]" in one: a race there)
    "three-stages-one-from": (
        "FROM bb:1 AS a\nRUN echo a > /a\nFROM bb:1 AS b\nRUN echo b > /b\n"
        "FROM bb:1\nCOPY --from=a /a /a\nCOPY --from=b /b /b\n",
        [
            f"[b 1/2] FROM {BB}",
            "[a 2/2] RUN echo a > /a",
            "[b 2/2] RUN echo b > /b",
            "[stage-2 2/3] COPY --from=a /a /a",
            "[stage-2 3/3] COPY --from=b /b /b",
        ],
    ),
    # FROM <stage>: no FROM vertex, the steps count from 1
    "from-a-stage": (
        "FROM bb:1 AS base\nRUN echo a > /a\nFROM base AS next\nRUN echo b > /b\nFROM next\nRUN echo c > /c\n",
        [
            f"[base 1/2] FROM {BB}",
            "[base 2/2] RUN echo a > /a",
            "[next 1/1] RUN echo b > /b",
            "[stage-2 1/1] RUN echo c > /c",
        ],
    ),
    # COPY --from=<image>: an unnamed stage, so the build is multi-stage ("stage-0"), and an
    # unnumbered FROM vertex for the image (today's BuildKit also loads its metadata; 20.10 did not)
    "copy-from-an-image": (
        "FROM bb:1\nCOPY --from=bb:2 /bin/sh /sh2\n",
        [
            "[internal] load metadata for docker.io/library/bb:2",
            f"[stage-0 1/2] FROM {BB}",
            "FROM docker.io/library/bb:2",
            "[stage-0 2/2] COPY --from=bb:2 /bin/sh /sh2",
        ],
    ),
    # the index is right-aligned to the width of the total ("%*d/%d", BuildKit v0.7.0+)
    "ten-steps": (
        "FROM bb:1\n" + "".join(f"RUN echo {i}\n" for i in range(1, 10)),
        [f"[ 1/10] FROM {BB}", *(f"[{i + 1:2}/10] RUN echo {i}" for i in range(1, 10))],
    ),
    # ONBUILD triggers: every trigger counts in n, layer step or not, and a layer step is marked
    # (BuildKit v0.17+, dockerfile2llb initOnBuildTriggers/prefixCommand); 20.10 printed
    # "[1/2] FROM", "[2/2] RUN echo t > /t", "[3/2] RUN echo x"
    "onbuild": (
        "FROM obbase:1\nRUN echo x\n",
        ["[1/4] FROM docker.io/library/obbase:1", "[2/4] ONBUILD RUN echo t > /t", "[3/4] RUN echo x"],
    ),
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    engine = Engine()
    engine.images.tag(engine.images.pull("busybox:1.36", quiet=True), "bb", "1")
    engine.images.tag("bb:1", "bb", "2")
    engine.images.build("FROM bb:1\nONBUILD RUN echo t > /t\nONBUILD ENV X=1\n", context={}, tag="obbase:1")
    return engine


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_the_steps_are_numbered_as_buildkit_numbers_them(engine: Engine, case: str) -> None:
    dockerfile, expected = EXPECTED[case]
    log = engine.images.build(dockerfile, context={"a.txt": b"a\n"}).log
    shown = [t for t in titles(log) if t not in ("[internal] load build definition from Dockerfile",
             "[internal] load .dockerignore", "[internal] load build context", "exporting to image")]  # fmt: skip
    shown = [
        t for t in shown if "load metadata" not in t or t in expected
    ]  # the bases' are checked in test_internal_lines
    assert shown == expected


def test_progress_reports_the_numbered_lines() -> None:
    engine = Engine()
    whats: list[str] = []
    engine.images.build(EXPECTED["three-stages-one-from"][0].replace("bb:1", "alpine:3.20"), context={},
                        progress=lambda done, total, what: whats.append(what))  # fmt: skip
    numbered = [w for w in whats if w.startswith("[")]
    assert numbered[0] == "[b 1/2] FROM docker.io/library/alpine:3.20"
    assert len(numbered) == 5  # one FROM for the three stages


def test_the_prefix_pads_the_index() -> None:
    assert step_prefix("", 1, 9) == "[1/9]"
    assert step_prefix("", 1, 10) == "[ 1/10]"
    assert step_prefix("build ", 12, 120) == "[build  12/120]"


def test_an_unsimulated_program_is_one_plain_line_per_step_and_strict_names_the_line() -> None:
    """Issue 11 item 3: the step goes on; the log says in one line which command and what the
    layer lacks; ``strict=True`` fails on it, naming the Dockerfile line, cached or not."""
    engine = Engine()
    dockerfile = "FROM debian:12-slim\nCOPY gradle /usr/bin/gradle\nRUN gradle build && gradle test\n"
    context = {"gradle": (b"#!/usr/bin/env java\n", 0o755)}  # a program, not a script the shell reads
    for _ in range(2):  # built, then cached: the line is there both times
        result = engine.images.build(dockerfile, context=context)
        run = result.steps[-1]
        lines = [line for line in result.log.splitlines() if "not simulated" in line]
        assert lines == [
            f"#{run.number} 0.000 layerlab: 'gradle' is not simulated: its effects "
            f"({lines[0].split('its effects (')[1].split(')')[0]}) are not in this layer"
        ]
        assert run.unsimulated == ("gradle",)
        with pytest.raises(BuildError) as info:
            engine.images.build(dockerfile, context=context, strict=True)
        assert info.value.line == 3 and str(info.value).startswith("Dockerfile:3: RUN gradle build")
        assert len(str(info.value).splitlines()) == 1
