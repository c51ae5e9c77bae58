"""Fuzzing the Dockerfile front end *and* the builder: any text builds or raises a documented error.

Where tests/dockerfile/test_parser_fuzz.py stops at the parser, this drives whole builds on an
engine: Dockerfile-ish fragments (instructions, flags, quotes, substitutions, heredocs, stages,
odd code points such as lone surrogates) -> ``engine.build``.  Each input must end in a result or
a :class:`~simulator.errors.SimulatorError` (DockerfileError, BuildError, ImageNotFound ...),
within a time and a memory bound.  The cases found are pinned as regressions at the end.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Engine
from simulator.digest import canonical_json
from simulator.dockerfile.parser import parse_dockerfile
from simulator.errors import DockerfileError, NotCanonicalJSON, SimulatorError

from ._robust_bounds import bounded

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_LIBRARY = Engine()
BASE = _LIBRARY.images.pull("busybox:latest")  # the distro library's busybox: RUN has a shell

FRAGMENTS = st.sampled_from(
    [
        "FROM base:1\n",
        "FROM base:1 AS b\n",
        "FROM scratch\n",
        "FROM b\n",
        "FROM nope:9\n",
        "ARG A=1\n",
        "ENV X=${A:-z} Y=$X\n",
        "WORKDIR /w\n",
        "WORKDIR rel\n",
        "COPY f /f\n",
        "COPY --from=b /etc /e\n",
        "COPY missing /m\n",
        "ADD f /a/\n",
        "RUN echo hi > /x\n",
        "RUN mkdir -p /a/b && cd /a && ls\n",
        'RUN ["echo", "x"]\n',
        "RUN <<EOF\necho doc\nEOF\n",
        "RUN false\n",
        "USER 1000\n",
        "LABEL a=b\n",
        'CMD ["sh"]\n',
        "ONBUILD RUN true\n",
        'SHELL ["/bin/sh", "-c"]\n',
        "EXPOSE 80/tcp\n",
        "HEALTHCHECK CMD true\n",
        "# escape=`\n",
        "\\\n",
        "${",
        "'",
        '"',
        " ",
        "\n",
        "\udc80",
        "\ud800x",
        "é",
    ]
)
STARTS = st.sampled_from(["FROM base:1\n", "FROM base:1 AS b\n", "ARG A=1\nFROM base:1\n"])
LINES = st.lists(FRAGMENTS.filter(lambda f: f.endswith("\n") and not f.startswith("#")), max_size=6)
TEXTS = (
    st.tuples(STARTS, LINES).map(lambda t: t[0] + "".join(t[1]))  # mostly well formed: reaches the builder
    | st.lists(FRAGMENTS, max_size=10).map("".join)
    | st.text(max_size=60)
)


BUILT: list[bool] = []


def _build(text: str) -> None:
    engine = Engine()
    engine.images.add(BASE, "base:1")
    try:
        engine.build(text, context={"f": b"data"}, tag="fuzz:1")
    except SimulatorError:
        BUILT.append(False)
        return
    BUILT.append(True)


@FUZZ
@given(text=TEXTS)
def test_any_text_builds_or_raises_a_documented_error(text: str) -> None:
    bounded(lambda: _build(text), seconds=10, megabytes=96)


def test_the_fuzzer_reaches_the_builder() -> None:
    """Some generated Dockerfiles do build (else the fuzzer would test the parser only)."""
    _build("FROM base:1\nRUN mkdir -p /a/b && cd /a && ls\nCOPY f /f\n")
    assert BUILT[-1] is True


@FUZZ
@given(text=st.text(alphabet=st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010), max_size=8))
def test_surrogates_anywhere_are_a_dockerfile_error(text: str) -> None:
    source = f"FROM scratch\nLABEL a={text}\n"
    try:
        parse_dockerfile(source)
    except DockerfileError as e:
        assert e.line == 2 and "surrogate" in e.message
        assert source.splitlines()[1][e.column - 1] in text
    else:
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


# -- regressions -----------------------------------------------------------------------------------
def test_regression_lone_surrogate_names_line_and_column() -> None:
    with pytest.raises(DockerfileError) as caught:
        parse_dockerfile("FROM scratch\nENV A=ok\nLABEL x=\udcff\n")
    assert (caught.value.line, caught.value.column) == (3, 9)
    assert "U+DCFF" in str(caught.value) and "LABEL x=?" in str(caught.value)


def test_regression_lone_surrogate_in_a_build_is_not_a_traceback() -> None:
    engine = Engine()
    with pytest.raises(DockerfileError, match="lone surrogate"):
        engine.build("FROM scratch\nLABEL a=\ud800\n", context={})


def test_regression_canonical_json_names_the_place() -> None:
    with pytest.raises(NotCanonicalJSON, match=r"\$\.config\.Env\[1\]: U\+DC80 is a lone surrogate"):
        canonical_json({"config": {"Env": ["A=1", "B=\udc80"]}})
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(NotCanonicalJSON, match="nests too deep"):
        canonical_json(deep)
    assert isinstance(NotCanonicalJSON("x"), ValueError)
