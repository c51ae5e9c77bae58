"""Whitespace between ``<<`` and the heredoc word (BuildKit dockerfile 1.16, commit 0b77373ab
"dockerfile: allow whitespace in heredocs").

Transcribed from moby/buildkit ``frontend/dockerfile/parser/parser_heredoc_test.go``
(``TestParseHeredoc``: ``RUN <<  EOF`` and ``RUN <<  EOF  > foo``; ``TestParseHeredocHelpers``:
``<< EOF`` and ``<<- EOF`` are valid words; ``TestHeredocsFromLine``: ``RUN << -EOF`` names
``-EOF``) and ``shell/lex.go`` ``processPossibleHeredoc`` (the blanks after ``<<`` stay in the word).
"""

from __future__ import annotations

import pytest

from simulator.builder.builder import build
from simulator.dockerfile._syntax import heredocs_in_line, parse_heredoc_word
from simulator.dockerfile.instructions import Copy, Run
from simulator.dockerfile.parser import parse_dockerfile
from simulator.engine import Engine


def _body(text: str) -> list[object]:
    return list(parse_dockerfile("FROM alpine:3.6\n" + text).stages[0].instructions)


@pytest.mark.parametrize("word", ["<<EOF", "<<'EOF'", '<<"EOF"', "<<-EOF", "<< EOF", "<<- EOF", "<<  EOF"])
def test_valid_heredoc_words(word: str) -> None:
    doc = parse_heredoc_word(word)
    assert doc is not None and doc.name == "EOF"


@pytest.mark.parametrize("word", ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh", "<< "])
def test_not_heredoc_words(word: str) -> None:
    assert parse_heredoc_word(word) is None


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("RUN <<EOF", ["EOF"]),
        ("RUN << EOF", ["EOF"]),
        ("RUN <<  EOF", ["EOF"]),
        ("RUN <<\tEOF", ["EOF"]),
        ("RUN << -EOF", ["-EOF"]),
        ("RUN <<EOF <<EOF2", ["EOF", "EOF2"]),
        ("RUN << A << B", ["A", "B"]),
        ("RUN '<<EOF'", []),
        ('RUN "<< EOF"', []),
    ],
)
def test_heredocs_from_line(line: str, names: list[str]) -> None:
    assert [d.name for d in heredocs_in_line(line)] == names


def test_run_with_blanks_after_the_operator() -> None:
    # TestParseHeredoc: RUN <<  EOF / EOF and RUN <<  EOF  > foo / EOF: an empty body each
    first, second, after = _body("RUN <<  EOF\nEOF\n\nRUN <<  EOF  > foo\nEOF\nUSER nobody\n")
    assert isinstance(first, Run) and isinstance(second, Run)
    assert [(d.name, d.content, d.expand) for d in first.heredocs] == [("EOF", "", True)]
    assert [(d.name, d.content, d.expand) for d in second.heredocs] == [("EOF", "", True)]
    assert (first.line, first.end_line, second.line, second.end_line) == (2, 3, 5, 6)
    assert after.line == 7  # the body was not read as instructions


def test_body_lines_are_not_instructions() -> None:
    # Before 1.16 the body of `RUN << EOF` was read as instructions: `apt-get` is not one
    (run,) = _body("RUN << EOF\napt-get update\necho done\nEOF\n")
    assert isinstance(run, Run) and run.heredocs[0].content == "apt-get update\necho done\n"


def test_copy_with_blank_after_the_operator_reads_the_body_but_not_as_a_source() -> None:
    # instructions/parse.go parseSourcesAndDest splits COPY's arguments on blanks and asks
    # MustParseHeredoc of each word: `<<` alone is no heredoc, so BuildKit copies the context
    # files `<<` and `EOF`; the body is still consumed (heredocsFromLine found it).
    copy, user = _body("COPY << EOF /etc/motd\nhello\nEOF\nUSER nobody\n")
    assert isinstance(copy, Copy)
    assert copy.dest == "/etc/motd" and copy.sources == ("<<", "EOF") and copy.heredocs == ()
    assert user.line == 5


def test_build_runs_the_body() -> None:
    result = build(Engine(), "FROM alpine:3.20\nRUN << EOF\necho hi > /x\nEOF\nRUN <<  END  > /y\nyo\nEND\n")
    fs = result.image.view
    # `<<  END  > /y` is no lone heredoc word: the shell gets the text and its own heredoc,
    # a command-less redirection, which creates /y empty (convert.go dispatchRun)
    assert fs.read_file("/x") == b"hi\n" and fs.read_file("/y") == b""
