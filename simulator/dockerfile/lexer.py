"""Shell-like word processing for Dockerfiles: quotes, escapes and ``$VAR`` substitution.

This follows BuildKit's ``frontend/dockerfile/shell/lex.go`` (read, not copied): the builder
expands ``ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME WORKDIR`` (and ARG defaults,
``--chown``/``--chmod``/``--from`` values) with it; ``RUN``, ``CMD`` and ``ENTRYPOINT`` are left
to the shell at run time.

Rules, in short:

* ``$name`` and ``${name}``; a name is letters, digits and ``_``; a leading digit run or one of
  ``@ * # ? - $ ! 0`` is a name of its own; ``$`` before anything else is a literal ``$``.
* ``${v:-w} ${v-w} ${v:+w} ${v+w} ${v:?msg} ${v?msg} ${v#p} ${v##p} ${v%p} ${v%%p} ${v/p/r}
  ${v//p/r}``; in patterns ``*`` and ``?`` are wildcards (no ``[...]`` classes).
* An undefined name expands to the empty string (unless ``skip_unset_env``).
* Single quotes are literal; inside double quotes the escape token escapes only ``"``, ``$``
  and itself; outside quotes it escapes any character.

Examples:
    >>> Lexer().process_word("${HOME:-/root}/$USER", {"USER": "ann"})
    '/root/ann'
    >>> Lexer().process_words('EXPOSE "a b" $P', {"P": "80 443"})
    ['EXPOSE', 'a b', '80', '443']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.errors import DockerfileError

__all__ = ["Lexer", "WordResult"]

_EOF = ""
_SPECIAL_PARAMS = frozenset("@*#?-$!0")
# Characters that Go's unicode.IsSpace accepts below U+0100 (Python's isspace also takes \x1c-\x1f).
_LATIN1_SPACE = frozenset("\t\n\v\f\r \x85\xa0")


def go_isspace(ch: str) -> bool:
    """Tell whether ``ch`` is white space for Go's ``unicode.IsSpace``."""
    if ch in _LATIN1_SPACE:
        return True
    return ord(ch) > 0xFF and ch.isspace()


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def _is_name_char(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or _is_digit(ch)


@dataclass(frozen=True, slots=True)
class WordResult:
    """What one call of the lexer produced.

    Attributes:
        result: the processed word (quotes removed, variables substituted).
        words: the same text split into words after substitution (for EXPOSE, VOLUME ...).
        matched: names that were looked up and defined.
        unmatched: names that were looked up and undefined (BuildKit's ``UndefinedVar`` lint).
    """

    result: str
    words: tuple[str, ...]
    matched: frozenset[str]
    unmatched: frozenset[str]

    @property
    def referenced(self) -> frozenset[str]:
        """Every name the word referred to, defined or not."""
        return self.matched | self.unmatched


class _SubstitutionError(Exception):
    """Internal: a syntax error inside a word; turned into a DockerfileError at the boundary."""


class _Words:
    """Word splitting state (lex.go ``wordsStruct``)."""

    __slots__ = ("buf", "in_word", "words")

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if go_isspace(ch):
            if self.in_word and self.buf:
                self.words.append("".join(self.buf))
                self.buf.clear()
                self.in_word = False
        else:
            self.add_raw_char(ch)

    def add_raw_char(self, ch: str) -> None:
        self.buf.append(ch)
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw_string(self, text: str) -> None:
        self.buf.append(text)
        self.in_word = True

    def get_words(self) -> list[str]:
        if self.buf and "".join(self.buf):
            self.words.append("".join(self.buf))
        self.buf.clear()
        self.in_word = False
        return self.words


class _Scan:
    """One pass over a word; the methods mirror lex.go's ``shellWord``."""

    def __init__(self, lexer: Lexer, text: str, env: Mapping[str, str]) -> None:
        self.lexer = lexer
        self.text = text
        self.pos = 0
        self.env = env
        self.raw_escapes = lexer.raw_escapes
        self.matched: set[str] = set()
        self.unmatched: set[str] = set()

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else _EOF

    def next(self) -> str:
        ch = self.peek()
        if ch:
            self.pos += 1
        return ch

    def get_env(self, name: str) -> tuple[str, bool]:
        if name in self.env:
            self.matched.add(name)
            return self.env[name], True
        self.unmatched.add(name)
        return "", False

    def process_stop_on(self, stop: str, raw_escapes: bool) -> tuple[str, list[str]]:
        """Process until ``stop`` (consumed) or the end of the text when ``stop`` is empty."""
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        try:
            return self._process_stop_on(stop)
        finally:
            self.raw_escapes = saved

    def _process_stop_on(self, stop: str) -> tuple[str, list[str]]:
        result: list[str] = []
        words = _Words()
        esc = self.lexer.escape_token
        quotes = not self.lexer.skip_process_quotes
        while (ch := self.peek()) != _EOF:
            if stop and ch == stop:
                self.next()
                return "".join(result), words.get_words()
            if ch == "$":
                value = self.process_dollar()
                result.append(value)
                words.add_string(value)
            elif ch == "<":
                value = self.process_possible_heredoc()
                result.append(value)
                words.add_raw_string(value)
            elif quotes and ch == "'":
                value = self.process_single_quote()
                result.append(value)
                words.add_raw_string(value)
            elif quotes and ch == '"':
                value = self.process_double_quote()
                result.append(value)
                words.add_raw_string(value)
            else:
                ch = self.next()
                if ch == esc:
                    if self.raw_escapes:
                        words.add_raw_char(ch)
                        result.append(ch)
                    ch = self.next()
                    if ch == _EOF:
                        break
                    words.add_raw_char(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
        if stop:
            raise _SubstitutionError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.get_words()

    def process_possible_heredoc(self) -> str:
        """``<<`` keeps the blanks after it in the same word (lex.go, dockerfile 1.16:
        ``RUN << EOF`` is the heredoc ``EOF``); a single ``<`` is an ordinary character."""
        self.next()
        if self.peek() != "<":
            return "<"
        self.next()
        blanks = []
        while self.peek() in ("\t", "\r", " "):
            blanks.append(self.next())
        return "<<" + "".join(blanks)

    def process_single_quote(self) -> str:
        raw = self.lexer.raw_quotes
        result = ["'"] if raw else []
        self.next()
        while True:
            ch = self.next()
            if ch == _EOF:
                raise _SubstitutionError(
                    "unexpected end of statement while looking for matching single-quote"
                )
            if ch == "'":
                if raw:
                    result.append(ch)
                return "".join(result)
            result.append(ch)

    def process_double_quote(self) -> str:
        raw = self.lexer.raw_quotes
        esc = self.lexer.escape_token
        result = ['"'] if raw else []
        self.next()
        while True:
            ch = self.peek()
            if ch == _EOF:
                raise _SubstitutionError(
                    "unexpected end of statement while looking for matching double-quote"
                )
            if ch == '"':
                self.next()
                if raw:
                    result.append(ch)
                return "".join(result)
            if ch == "$":
                result.append(self.process_dollar())
                continue
            ch = self.next()
            if ch == esc:
                if self.raw_escapes:
                    result.append(ch)
                following = self.peek()
                if following == _EOF:
                    continue
                if following in ('"', "$", esc):
                    ch = self.next()
            result.append(ch)

    def process_name(self) -> str:
        name: list[str] = []
        while (ch := self.peek()) != _EOF:
            if not name and _is_digit(ch):
                while (ch := self.peek()) != _EOF and _is_digit(ch):
                    name.append(self.next())
                return "".join(name)
            if not name and ch in _SPECIAL_PARAMS:
                return self.next()
            if not _is_name_char(ch):
                break
            name.append(self.next())
        return "".join(name)

    def process_dollar(self) -> str:
        self.next()  # the $
        skip_unset = self.lexer.skip_unset_env
        if self.peek() != "{":
            name = self.process_name()
            if not name:
                return "$"
            value, found = self.get_env(name)
            return "$" + name if not found and skip_unset else value
        self.next()  # the {
        if self.peek() == _EOF:
            raise _SubstitutionError("syntax error: missing '}'")
        if self.peek() in "{}:":
            raise _SubstitutionError("syntax error: bad substitution")
        name = self.process_name()
        ch = self.next()
        if ch == _EOF:
            raise _SubstitutionError("syntax error: missing '}'")
        if ch == "}":
            value, found = self.get_env(name)
            return "${" + name + "}" if not found and skip_unset else value
        if ch == "/":
            return self._replace(name)
        modifier = ch
        null_is_unset = False
        if ch == ":":
            null_is_unset = True
            ch = self.next()
            modifier += ch
            if ch == _EOF:
                raise _SubstitutionError("syntax error: missing '}'")
        if ch not in "+-?#%":
            # lex.go reads the word first, then rejects the modifier; the error is the same.
            self._read_word("}", raw_escapes=False)
            raise _SubstitutionError(f"unsupported modifier ({modifier}) in substitution")
        pattern_op = ch in "#%"
        if null_is_unset and pattern_op:
            raise _SubstitutionError(f"unsupported modifier ({modifier}) in substitution")
        word = self._read_word("}", raw_escapes=pattern_op)
        value, found = self.get_env(name)
        if skip_unset and not found:
            return "${" + name + modifier + word + "}"
        empty = not found or (null_is_unset and value == "")
        if ch == "-":
            return word if empty else value
        if ch == "+":
            return "" if empty else word
        if ch == "?":
            if not found:
                raise _SubstitutionError(f"{name}: {word or 'is not allowed to be unset'}")
            if null_is_unset and value == "":
                raise _SubstitutionError(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        greedy = word.startswith(ch)
        if greedy:
            word = word[1:]
        if ch == "%":
            return _trim_suffix(word, value, greedy)
        return _trim_prefix(word, value, greedy)

    def _read_word(self, stop: str, *, raw_escapes: bool) -> str:
        try:
            word, _ = self.process_stop_on(stop, raw_escapes)
        except _SubstitutionError:
            if self.peek() == _EOF:
                missing = "'}'" if stop == "}" else "'/' in ${}"
                raise _SubstitutionError(f"syntax error: missing {missing}") from None
            raise
        return word

    def _replace(self, name: str) -> str:
        replace_all = self.peek() == "/"
        if replace_all:
            self.next()
        pattern = self._read_word("/", raw_escapes=True)
        replacement = self._read_word("}", raw_escapes=True)
        value, found = self.get_env(name)
        if self.lexer.skip_unset_env and not found:
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        regex = _shell_pattern_to_regex(pattern, greedy=True, anchored=False)
        if replace_all:
            return _go_replace_all(regex, value, replacement)
        match = regex.search(value)
        if match is None:
            return value
        return value[: match.start()] + replacement + value[match.end() :]


def _shell_pattern_to_regex(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """Translate a ``${v#pattern}`` pattern as lex.go's ``convertShellPatternToRegex`` does."""
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    i = 0
    while i < len(pattern):
        tok = pattern[i]
        i += 1
        if tok == "*":
            out.append(star)
        elif tok == "?":
            out.append(".")
        elif tok == "\\":
            following = pattern[i] if i < len(pattern) else _EOF
            if following in ("}", "/"):
                continue  # the escape belonged to ${...}, not to the pattern
            i += 1
            if following not in ("*", "?", "\\"):
                shown = following or "EOF"
                raise _SubstitutionError(
                    f"invalid pattern ({pattern}) in substitution: invalid escape '\\{shown}'"
                )
            out.append(re.escape(following))
        else:
            out.append(re.escape(tok))
    return re.compile("".join(out))


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    match = _shell_pattern_to_regex(pattern, greedy=greedy, anchored=True).search(value)
    return value[match.end() :] if match else value


def _reverse_pattern(pattern: str) -> str:
    """Reverse a pattern but keep each ``\\x`` escape pair in order (lex.go ``reversePattern``)."""
    tokens: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            tokens.append(pattern[i : i + 2])
            i += 2
        else:
            tokens.append(pattern[i])
            i += 1
    return "".join(reversed(tokens))


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    # Regular expressions find leftmost matches; reverse both sides to find the rightmost one.
    return _trim_prefix(_reverse_pattern(pattern), value[::-1], greedy)[::-1]


def _go_replace_all(regex: re.Pattern[str], value: str, replacement: str) -> str:
    """``regexp.ReplaceAllString`` with a literal replacement (empty matches next to a match skipped)."""
    out: list[str] = []
    copied = 0
    search = 0
    previous_end = -1
    while search <= len(value):
        match = regex.search(value, search)
        if match is None:
            break
        start, end = match.span()
        if start == end == previous_end:
            search = start + 1
            continue
        out.append(value[copied:start])
        out.append(replacement)
        copied = previous_end = end
        search = end if end > start else end + 1
    out.append(value[copied:])
    return "".join(out)


class Lexer:
    """Process Dockerfile words: remove quotes and escapes, substitute variables.

    Args:
        escape_token: the Dockerfile escape token, ``\\`` or ``\\``` (the ``# escape=`` directive).
        raw_quotes: keep the quote characters in the result.
        raw_escapes: keep the escape tokens in the result.
        skip_process_quotes: treat quotes as ordinary characters.
        skip_unset_env: leave references to undefined names as written (``$X``, ``${X:-y}``).
    """

    __slots__ = ("escape_token", "raw_escapes", "raw_quotes", "skip_process_quotes", "skip_unset_env")

    def __init__(
        self,
        escape_token: str = "\\",
        *,
        raw_quotes: bool = False,
        raw_escapes: bool = False,
        skip_process_quotes: bool = False,
        skip_unset_env: bool = False,
    ) -> None:
        if escape_token not in ("\\", "`"):
            raise ValueError(f"invalid escape token {escape_token!r}: use '\\\\' or '`'")
        self.escape_token = escape_token
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_process_quotes = skip_process_quotes
        self.skip_unset_env = skip_unset_env

    def __repr__(self) -> str:
        return f"Lexer(escape_token={self.escape_token!r})"

    def process_word(self, word: str, env: Mapping[str, str]) -> str:
        """Return ``word`` with quotes and escapes processed and variables substituted.

        Raises:
            DockerfileError: a bad substitution, an unterminated quote, ``${v:?msg}`` on unset v.
        """
        return self.process_word_with_matches(word, env).result

    def process_words(self, word: str, env: Mapping[str, str]) -> list[str]:
        """Like :meth:`process_word`, then split into words (quoted spaces do not split)."""
        return list(self.process_word_with_matches(word, env).words)

    def process_word_with_matches(self, word: str, env: Mapping[str, str]) -> WordResult:
        """Process ``word`` and also report which names were defined and which were not."""
        scan = _Scan(self, word, env)
        try:
            result, split = scan.process_stop_on(_EOF, self.raw_escapes)
        except _SubstitutionError as err:
            raise DockerfileError(f"failed to process {_go_quote(word)}: {err}") from None
        except RecursionError:
            raise DockerfileError(
                f"failed to process {_go_quote(word[:60])}...: substitutions nested too deeply"
            ) from None
        return WordResult(result, tuple(split), frozenset(scan.matched), frozenset(scan.unmatched))


def _go_quote(text: str) -> str:
    """Quote like Go's ``%q`` closely enough for messages."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'
