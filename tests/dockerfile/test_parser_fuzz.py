"""Whatever text a student pastes, the parser either succeeds or raises DockerfileError.

Hypothesis drives arbitrary text and text built from Dockerfile-ish fragments (keywords, flags,
quotes, escapes, backticks, heredoc markers, ``${``, newlines) through the parser, the
substitution of every parsed instruction, the lexer and the ``.dockerignore`` reader.
"""

from __future__ import annotations

import contextlib
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.dockerfile.dockerignore import DockerIgnore
from simulator.dockerfile.instructions import expand_instruction_tracked
from simulator.dockerfile.lexer import Lexer
from simulator.dockerfile.parser import KEYWORDS, parse_dockerfile
from simulator.errors import DockerfileError

FRAGMENTS = [
    *KEYWORDS,
    *(k.lower() for k in KEYWORDS),
    "RUNN",
    "FROM scratch\n",
    "FROM alpine AS b\n",
    "ONBUILD ",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\\",
    "\\\n",
    "`",
    "`\n",
    "#",
    "# escape=`\n",
    "# syntax=x\n",
    "# check=skip=all\n",
    "\ufeff",
    "'",
    '"',
    "[",
    "]",
    '["a", "b"]',
    '["a", 1]',
    "[]",
    ",",
    "=",
    "a=b",
    "A B",
    "$",
    "${",
    "}",
    "${A:-x}",
    "${A#*}",
    "${A/x/y}",
    ":",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    '<<"E"',
    "3<<EOF",
    "EOF",
    "\tEOF",
    "--mount=type=cache,target=/x",
    "--network=none",
    "--from=b",
    "--chown=1:1",
    "--chmod=755",
    "--link",
    "--platform=linux/amd64",
    "--interval=5s",
    "--retries=3",
    "--",
    "--x",
    "NONE",
    "CMD",
    "AS",
    "/dst/",
    "src",
    "*",
    "?",
    "é",
    "\x00",
    "\x85",
    "\u2028",
]

dockerfile_like = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
env = st.dictionaries(st.sampled_from(["A", "B", "X", "HOME"]), st.text(max_size=8), max_size=4)
# LAYERLAB_FUZZ_EXAMPLES=5000 for a longer hunt; the default keeps the file near 3 s.
FUZZ = settings(
    max_examples=int(os.environ.get("LAYERLAB_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def parse_and_expand(text: str, variables: dict[str, str]) -> None:
    try:
        df = parse_dockerfile(text)
    except DockerfileError:
        return
    lexer = Lexer(df.escape_token)
    for instr in df.instructions:
        with contextlib.suppress(DockerfileError):
            expand_instruction_tracked(instr, lexer, variables)


@FUZZ
@given(st.text(max_size=300), env)
def test_arbitrary_text(text: str, variables: dict[str, str]) -> None:
    parse_and_expand(text, variables)


@FUZZ
@given(dockerfile_like, env)
def test_dockerfile_like_text(text: str, variables: dict[str, str]) -> None:
    parse_and_expand(text, variables)


@FUZZ
@given(dockerfile_like, env)
def test_after_a_valid_from(text: str, variables: dict[str, str]) -> None:
    parse_and_expand("FROM scratch\n" + text, variables)


@FUZZ
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join), st.sampled_from(["\\", "`"]), env)
def test_lexer(text: str, escape: str, variables: dict[str, str]) -> None:
    for lexer in (Lexer(escape), Lexer(escape, skip_unset_env=True, raw_quotes=True, raw_escapes=True)):
        with contextlib.suppress(DockerfileError):
            lexer.process_word_with_matches(text, variables)


@FUZZ
@given(
    st.lists(
        st.sampled_from(["*", "**", "?", "/", "!", "[", "]", "^", "\\", "a", "b", ".", "-", "#", " ", "\n"])
    ).map("".join),
    st.lists(st.sampled_from(["a", "b", "/", ".", "*", "[", "-"]), max_size=10).map("".join),
)
def test_dockerignore(text: str, path: str) -> None:
    try:
        ignore = DockerIgnore.parse(text)
    except DockerfileError:
        return
    assert isinstance(ignore.excludes(path), bool)
