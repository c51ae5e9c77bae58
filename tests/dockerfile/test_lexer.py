"""Variable substitution as BuildKit's ``frontend/dockerfile/shell/lex.go`` does it.

Each case names its source: SEMANTICS §3.2 (``[S3.2]``), the lexer code (``[lex.go]``) or a
tricky case of SEMANTICS §6 (``[case N]``).
"""

from __future__ import annotations

import pytest

from simulator.dockerfile.lexer import Lexer
from simulator.errors import DockerfileError

ENV = {"A": "a", "B": "b c", "EMPTY": "", "P": "/usr/local/lib/x.tar.gz", "héllo": "hi"}


def word(text: str, env: dict[str, str] | None = None, escape: str = "\\") -> str:
    return Lexer(escape).process_word(text, ENV if env is None else env)


def words(text: str, env: dict[str, str] | None = None) -> list[str]:
    return Lexer().process_words(text, ENV if env is None else env)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$A", "a"),  # [S3.2] $name
        ("${A}", "a"),  # [S3.2] ${name}
        ("$A$A", "aa"),
        ("${A}x", "ax"),
        ("$Ax", ""),  # the name is Ax, undefined → "" [S3.2]
        ("x$NOPE/y", "x/y"),  # undefined → empty string [S3.2, case 49]
        ("$héllo", "hi"),  # names are Unicode letters, digits, _ [lex.go processName]
        ("$1x", "x"),  # a digit run is a name of its own [S3.2]
        ("$@x", "x"),  # special parameters are one-character names [S3.2]
        ("a$", "a$"),  # $ at the end is literal [lex.go]
        ("a$.b", "a$.b"),  # $ followed by anything else is literal [S3.2]
        ("\\$A", "$A"),  # escaped dollar [S3.2]
        ("'$A'", "$A"),  # single quotes are literal [S3.2]
        ("'\\x'", "\\x"),  # no escapes inside single quotes
        ('"$A"', "a"),  # double quotes expand
        ('"\\$A"', "$A"),  # in double quotes the escape token escapes $
        ('"\\""', '"'),  # ... and "
        ('"\\\\"', "\\"),  # ... and itself
        ('"\\x"', "\\x"),  # ... and nothing else
        ("\\x", "x"),  # outside quotes it escapes anything
        ("a\\", "a"),  # a trailing escape token is dropped
        ("a b  c", "a b  c"),  # process_word keeps the spaces
        ("\"a\"'b'c", "abc"),
    ],
)
def test_simple_expansion_and_quoting(text: str, expected: str) -> None:
    assert word(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${A:-x}", "a"),  # [S3.2] :- set and non-empty
        ("${EMPTY:-x}", "x"),  # :- empty → fallback
        ("${NOPE:-x}", "x"),  # :- unset → fallback
        ("${EMPTY-x}", ""),  # - only replaces unset
        ("${NOPE-x}", "x"),
        ("${A:+x}", "x"),  # :+ set and non-empty → word
        ("${EMPTY:+x}", ""),
        ("${NOPE:+x}", ""),
        ("${EMPTY+x}", "x"),  # + set (even empty) → word
        ("${NOPE+x}", ""),
        ("${A?}", "a"),
        ("${EMPTY?}", ""),  # ? only rejects unset
        ("${NOPE:-${A}}", "a"),  # nested expansion in the word [lex.go]
        ("${NOPE:-'a b'}", "a b"),  # quotes are processed in the word
        ("${NOPE:-a\\}b}", "a}b"),  # an escaped } does not close
        ("${P#*/}", "usr/local/lib/x.tar.gz"),  # shortest prefix [lex.go trimPrefix]
        ("${P##*/}", "x.tar.gz"),  # longest prefix
        ("${P%.*}", "/usr/local/lib/x.tar"),  # shortest suffix [lex.go trimSuffix]
        ("${P%%.*}", "/usr/local/lib/x"),  # longest suffix
        ("${P#nomatch}", "/usr/local/lib/x.tar.gz"),
        ("${P%?z}", "/usr/local/lib/x.tar."),  # ? is one character
        ("${A/a/X}", "X"),  # replace first
        ("${P/\\//_}", "_usr/local/lib/x.tar.gz"),  # \/ escapes the separator
        ("${P//\\//_}", "_usr_local_lib_x.tar.gz"),  # replace all
        ("${P//l*b/L}", "/usr/L/x.tar.gz"),  # * is greedy in replacements
        ("${NOPE//a/b}", ""),
    ],
)
def test_modifiers(text: str, expected: str) -> None:
    assert word(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${}", "bad substitution"),  # [S3.2]
        ("${:x}", "bad substitution"),
        ("${{x}", "bad substitution"),
        ("${A", "missing '}'"),
        ("${", "missing '}'"),
        ("${A:-x", "missing '}'"),
        ("${A:#x}", "unsupported modifier (:#)"),  # [S3.2] :# and :% are errors
        ("${A:%x}", "unsupported modifier (:%)"),
        ("${A:x}", "unsupported modifier (:x)"),
        ("${A!}", "unsupported modifier (!)"),
        ("${A/x}", "missing '/'"),
        ("${NOPE:?is required}", "NOPE: is required"),  # [S3.2] ${v:?msg}
        ("${NOPE?}", "NOPE: is not allowed to be unset"),
        ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
        ("'abc", "matching single-quote"),
        ('"abc', "matching double-quote"),
        ("${P#\\a}", "invalid escape"),  # only \*, \?, \\ (and \}, \/) in patterns
    ],
)
def test_substitution_errors(text: str, message: str) -> None:
    with pytest.raises(DockerfileError) as info:
        word(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b  c", ["a", "b", "c"]),  # [lex.go ProcessWords]
        ('"a b" c', ["a b", "c"]),
        ("$B", ["b", "c"]),  # an expansion is split after substitution
        ('"$B"', ["b c"]),  # but not inside quotes
        ("x$B", ["xb", "c"]),
        ("a\\ b", ["a b"]),  # an escaped space stays in the word
        ('""', []),  # an empty quoted word disappears (lex.go addRawString + getWords)
        ("  80/tcp\t443 ", ["80/tcp", "443"]),
        ("", []),
    ],
)
def test_process_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_backtick_escape_token() -> None:
    # [S3.1 escape directive] with ` as escape token, \ is an ordinary character.
    assert word("c:\\path\\$A", escape="`") == "c:\\path\\a"
    assert word("`$A", escape="`") == "$A"
    assert word('"`""', escape="`") == '"'


def test_matched_and_unmatched_names_are_reported() -> None:
    # [lex.go ProcessWordWithMatches] the builder needs both for ARG cache keys and UndefinedVar.
    result = Lexer().process_word_with_matches("$A ${NOPE:-x} ${EMPTY} $1", ENV)
    assert result.result == "a x  "
    assert result.matched == frozenset({"A", "EMPTY"})
    assert result.unmatched == frozenset({"NOPE", "1"})
    assert result.referenced == frozenset({"A", "EMPTY", "NOPE", "1"})


def test_skip_unset_env_keeps_references() -> None:
    # [lex.go SkipUnsetEnv] used for heredoc names and RUN display names.
    lexer = Lexer(skip_unset_env=True)
    assert lexer.process_word("$A/$NOPE/${NOPE}/${NOPE:-x}", ENV) == "a/$NOPE/${NOPE}/${NOPE:-x}"


def test_raw_quotes_and_raw_escapes() -> None:
    # [lex.go RawQuotes/RawEscapes] used by the heredoc detector.
    assert Lexer(raw_quotes=True).process_word("'a'\"b\"", {}) == "'a'\"b\""
    assert Lexer(raw_escapes=True).process_word("a\\ b", {}) == "a\\ b"


def test_skip_process_quotes() -> None:
    # [convert.go ExpandRaw] heredoc bodies of COPY/ADD keep their quotes.
    lexer = Lexer(skip_process_quotes=True)
    assert lexer.process_word("echo '$A' \"$A\"", ENV) == "echo 'a' \"a\""


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    text = "${X:-" * 3000 + "}" * 3000
    with pytest.raises(DockerfileError):
        word(text)


def test_env_is_only_read() -> None:
    env = {"A": "1"}
    word("${A:-x}${B:-y}", env)
    assert env == {"A": "1"}
