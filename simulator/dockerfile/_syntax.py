"""Line-level Dockerfile syntax: directives, comments, continuations, heredocs, words.

The first of the parser's two passes, after BuildKit's ``frontend/dockerfile/parser``
(``parser.go``, ``line_parsers.go``, ``split_command.go``, ``directives.go``): it turns the text
into :class:`Node` records (keyword, raw ``--flags``, argument words, JSON or not, heredocs,
lines).  :mod:`simulator.dockerfile.parser` turns nodes into typed instructions.  Internal module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from simulator.dockerfile.lexer import Lexer, go_isspace
from simulator.errors import DockerfileError

MAX_LINE_BYTES = 64 * 1024  # bufio.MaxScanTokenSize; a longer line is an error
_WHITESPACE = re.compile(r"[\t\v\f\r ]+")  # BuildKit's reWhitespace: no newline, no Unicode spaces
_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*")
_HEREDOC = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)")  # Go's \s; blanks allowed since 1.16
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)
VALID_DIRECTIVES = ("syntax", "escape", "check")
NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"


@dataclass(frozen=True, slots=True)
class RawHeredoc:
    """A heredoc as read: ``content`` is the body exactly as written (tabs not yet stripped)."""

    name: str
    content: str
    expand: bool
    chomp: bool
    fd: int


@dataclass(slots=True)
class Node:
    """One logical line: ``cmd`` as written, raw flags, argument words and where it came from."""

    cmd: str
    flags: list[str]
    args: list[str]
    json: bool
    original: str
    legacy: bool = False
    start: int = 0
    end: int = 0
    source_line: str = ""
    heredocs: list[RawHeredoc] = field(default_factory=list)
    child: Node | None = None


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What the first pass produced."""

    nodes: list[Node]
    directives: list[tuple[str, str, int]]
    escape_token: str
    warnings: list[tuple[int, str, str]]


class SyntaxProblem(Exception):
    """A parse error found while reading a node; ``token`` helps place the caret."""

    def __init__(self, message: str, token: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.token = token


def lstrip_go(text: str) -> str:
    """Strip leading white space as Go's ``unicode.IsSpace`` sees it."""
    i = 0
    while i < len(text) and go_isspace(text[i]):
        i += 1
    return text[i:]


def strip_go(text: str) -> str:
    """``strings.TrimSpace``."""
    j = len(text)
    while j > 0 and go_isspace(text[j - 1]):
        j -= 1
    return lstrip_go(text[:j])


def is_comment(line: str) -> bool:
    """A line whose first non-blank character is ``#``."""
    return lstrip_go(line.rstrip("\r\n")).startswith("#")


def chomp(content: str) -> str:
    """Strip the leading tabs of every line (``<<-``)."""
    return _LEADING_TABS.sub("", content)


def parse_heredoc_word(word: str) -> RawHeredoc | None:
    """Return the heredoc a word like ``<<EOF``, ``<<-"EOF"`` or ``3<<EOF`` opens, or None.

    Raises:
        SyntaxProblem: the delimiter cannot be lexed (an unterminated quote).
    """
    match = _HEREDOC.fullmatch(word)
    if match is None or not match.group(3):
        return None
    fd_text, dash, rest = match.groups()
    try:
        cooked = Lexer("\\", skip_unset_env=True).process_words(rest, {})
        raw = Lexer("\\", skip_unset_env=True, raw_quotes=True).process_words(rest, {})
    except DockerfileError as err:
        raise SyntaxProblem(err.message, word) from None
    if len(cooked) != 1:
        return None
    if len(raw) != 1:
        raise SyntaxProblem(f"internal lexing of heredoc produced inconsistent results: {rest}", word)
    expand = cooked[0].count("'") + cooked[0].count('"') == raw[0].count("'") + raw[0].count('"')
    fd = int(fd_text) if fd_text and len(fd_text) < 19 else 0
    return RawHeredoc(cooked[0], "", expand, dash == "-", fd)


def heredocs_in_line(line: str) -> list[RawHeredoc]:
    """Every heredoc opener among the words of an instruction line, in order."""
    lexer = Lexer("\\", raw_quotes=True, raw_escapes=True, skip_unset_env=True)
    try:
        words = lexer.process_words(line, {})
    except DockerfileError:
        return []  # BuildKit ignores the lexing error here; the line just has no heredoc
    return [doc for word in words if (doc := parse_heredoc_word(word)) is not None]


# --------------------------------------------------------------------------------------------
# Splitting a line into keyword, flags and arguments (split_command.go, line_parsers.go)


def extract_builder_flags(line: str) -> tuple[str, list[str]]:
    """Split leading ``--flag[=value]`` words off ``line``; return (rest, flags)."""
    words: list[str] = []
    word: list[str] = []
    in_spaces, in_word, in_quote = 0, 1, 2
    phase = in_spaces
    quote = ""
    blank_ok = False
    pos = 0
    n = len(line)
    while pos <= n:
        ch = line[pos] if pos < n else ""
        if phase == in_spaces:
            if pos == n:
                break
            if go_isspace(ch):
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or line[pos + 1] != "-":
                return line[pos:], words
            phase = in_word
        if pos == n:
            text = "".join(word)
            if text != "--" and (blank_ok or text):
                words.append(text)
            break
        if phase == in_word:
            if go_isspace(ch):
                phase = in_spaces
                text = "".join(word)
                if text == "--":
                    return line[pos:], words
                if blank_ok or text:
                    words.append(text)
                word = []
                blank_ok = False
            elif ch in ("'", '"'):
                quote, blank_ok, phase = ch, True, in_quote
            elif ch == "\\":
                if pos + 1 < n:
                    pos += 1
                    word.append(line[pos])
            else:
                word.append(ch)
        else:  # in a quote
            if ch == quote:
                phase = in_word
            elif ch == "\\":
                if pos + 1 == n:
                    phase = in_word
                else:
                    pos += 1
                    word.append(line[pos])
            else:
                word.append(ch)
        pos += 1
    return "", words


def parse_words(rest: str, escape: str) -> list[str]:
    """Split into words keeping quotes and escapes (for ENV, LABEL and ARG)."""
    words: list[str] = []
    word: list[str] = []
    phase = "spaces"
    quote = ""
    blank_ok = False
    pos = 0
    n = len(rest)
    while pos <= n:
        ch = rest[pos] if pos < n else ""
        if phase == "spaces":
            if pos == n:
                break
            if go_isspace(ch):
                pos += 1
                continue
            phase = "word"
        if pos == n:
            if blank_ok or word:
                words.append("".join(word))
            break
        if phase == "word":
            if go_isspace(ch):
                phase = "spaces"
                if blank_ok or word:
                    words.append("".join(word))
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote, blank_ok, phase = ch, True, "quote"
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue  # an escape token at the end of the line is dropped
                word.append(ch)
                pos += 1
                ch = rest[pos]
            word.append(ch)
        else:
            if ch == quote:
                phase = "word"
            if ch == escape and quote != "'":
                if pos + 1 == n:
                    phase = "word"
                    pos += 1
                    continue
                word.append(ch)
                pos += 1
                ch = rest[pos]
            word.append(ch)
        pos += 1
    return words


def _whitespace_list(rest: str) -> list[str]:
    return _WHITESPACE.split(rest) if rest else []


def _parse_json(rest: str) -> list[str] | None:
    """The JSON array of strings in ``rest``; None when it is not JSON (shell form then).

    Like Go's ``json.Decoder``, text after the array is ignored.  Raises SyntaxProblem for an
    array holding anything but strings.
    """
    rest = lstrip_go(rest)
    if not rest.startswith("["):
        return None

    def no_constants(name: str) -> object:
        raise ValueError(name)  # Go's JSON has no NaN or Infinity

    try:
        value, _ = json.JSONDecoder(parse_constant=no_constants).raw_decode(rest)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(item, str) for item in value):
        raise SyntaxProblem(NOT_STRING_ARRAY, "[")
    return value


def _maybe_json(rest: str) -> tuple[list[str], bool]:
    if not rest:
        return [], False
    parsed = _parse_json(rest)
    return ([rest], False) if parsed is None else (parsed, True)


def _maybe_json_to_list(rest: str) -> tuple[list[str], bool]:
    parsed = _parse_json(rest)
    return (_whitespace_list(rest), False) if parsed is None else (parsed, True)


def _name_val(rest: str, key: str, escape: str) -> tuple[list[str], bool]:
    """ENV/LABEL: ``k=v ...`` gives [k, v, k, v ...]; legacy ``k v w`` gives [k, "v w"]."""
    words = parse_words(rest, escape)
    if not words:
        return [], False
    if "=" not in words[0]:
        parts = _WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise SyntaxProblem(f"{key} must have two arguments", words[0])
        return parts, True
    args: list[str] = []
    for word in words:
        if "=" not in word:
            raise SyntaxProblem(
                f"Syntax error - can't find = in {json.dumps(word)}. Must be of the form: name=value", word
            )
        args.extend(word.split("=", 1))
    return args, False


def _health(rest: str) -> tuple[list[str], bool]:
    sep = 0
    while sep < len(rest) and not go_isspace(rest[sep]):
        sep += 1
    if sep == 0:
        return [], False
    following = lstrip_go(rest[sep:])
    cmd, is_json = _maybe_json(following)
    return [rest[:sep], *cmd], is_json


def new_node(line: str, escape: str, *, nested: bool = False) -> Node:
    """Parse one logical line into a node (``newNodeFromLine``)."""
    parts = _WHITESPACE.split(strip_go(line), maxsplit=1)
    cmd = parts[0]
    rest, flags = extract_builder_flags(parts[1]) if len(parts) == 2 else ("", [])
    rest = strip_go(rest)
    node = Node(cmd=cmd, flags=flags, args=[], json=False, original=line)
    key = cmd.lower()
    if key in ("add", "copy", "volume"):
        node.args, node.json = _maybe_json_to_list(rest)
    elif key in ("cmd", "entrypoint", "run", "shell"):
        node.args, node.json = _maybe_json(rest)
    elif key in ("env", "label"):
        node.args, node.legacy = _name_val(rest, key.upper(), escape)
    elif key == "arg":
        node.args = parse_words(rest, escape)
    elif key in ("expose", "from"):
        node.args = _whitespace_list(rest)
    elif key in ("maintainer", "stopsignal", "user", "workdir"):
        node.args = [rest] if rest else []
    elif key == "healthcheck":
        node.args, node.json = _health(rest)
    elif key == "onbuild" and rest:
        if nested:  # ONBUILD ONBUILD ...: the error comes from the instruction pass
            node.args = [_WHITESPACE.split(rest, maxsplit=1)[0]]
        else:
            node.child = new_node(rest, escape, nested=True)
            node.args = [node.child.cmd]
    return node


def can_contain_heredoc(node: Node) -> bool:
    """RUN, COPY and ADD in shell form, also behind ONBUILD."""
    target = node.child if node.cmd.lower() == "onbuild" and node.child else node
    return target.cmd.lower() in ("run", "copy", "add") and not target.json


# --------------------------------------------------------------------------------------------
# The scanner (parser.go Parse)


class _Directives:
    def __init__(self) -> None:
        self.done = False
        self.seen: list[tuple[str, str, int]] = []
        self.escape = "\\"

    def feed(self, line: str, number: int) -> None:
        if self.done:
            return
        if not line.startswith("#"):
            self.done = True
            return
        match = _DIRECTIVE.fullmatch(lstrip_go(line[1:]))
        if match is None or match.group(1).lower() not in VALID_DIRECTIVES:
            self.done = True
            return
        name, value = match.group(1).lower(), match.group(2)
        if any(seen == name for seen, _, _ in self.seen):
            raise SyntaxProblem(f"only one {name} parser directive can be used", match.group(1))
        self.seen.append((name, value, number))
        if name == "escape":
            if value not in ("`", "\\"):
                raise SyntaxProblem(f"invalid escape token '{value}' does not match ` or \\", value)
            self.escape = value


def _continuation_regex(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(rf"([^{e}]){e}[ \t]*$|^{e}[ \t]*$")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""A code point no UTF-8 text holds (what ``errors='surrogateescape'`` makes of a stray byte)."""


def _physical_lines(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def scan(text: str, filename: str) -> ScanResult:
    """Read the whole text into nodes; raise DockerfileError for what BuildKit's parser rejects."""
    lines = _physical_lines(text)
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    directives = _Directives()
    continuation = _continuation_regex("\\")
    nodes: list[Node] = []
    warnings: list[tuple[int, str, str]] = []
    i = 0
    number = 0

    def fail(message: str, line_no: int, token: str = "") -> DockerfileError:
        source = lines[line_no - 1].rstrip("\r\n") if 0 < line_no <= len(lines) else ""
        column = source.find(token) + 1 if token and token in source else 1
        return DockerfileError(message, filename=filename, line=line_no, column=column, source_line=source)

    for line_no, raw in enumerate(lines, 1):
        surrogate = _LONE_SURROGATE.search(raw)
        if surrogate is not None:  # canonical_json could not encode it later: refuse it here
            shown = raw.rstrip("\r\n").encode("utf-8", "replace").decode("utf-8")  # one '?' each
            raise DockerfileError(
                f"character U+{ord(surrogate.group()):04X} is a lone surrogate, which UTF-8 text cannot hold",
                filename=filename,
                line=line_no,
                column=surrogate.start() + 1,
                source_line=shown,
                hint="decode the file as UTF-8 (not with errors='surrogateescape') or fix its bytes",
            )
        if len(raw) * 4 > MAX_LINE_BYTES and len(raw.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
            raise fail(f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES - 1}", line_no)

    def process(raw: str, strip_left: bool, line_no: int) -> str:
        nonlocal continuation
        token = raw.rstrip("\r\n")
        if strip_left:
            token = lstrip_go(token)
        escape_before = directives.escape
        try:
            directives.feed(token, line_no)
        except SyntaxProblem as problem:
            raise fail(problem.message, line_no, problem.token) from None
        if directives.escape != escape_before:
            continuation = _continuation_regex(directives.escape)
        return "" if token.startswith("#") else token

    def trim_continuation(line: str) -> tuple[str, bool]:
        if continuation.search(line):
            return continuation.sub(lambda m: m.group(1) or "", line, count=1), False
        return line, True

    while i < len(lines):
        processed = process(lines[i], True, i + 1)
        i += 1
        number = i
        start = number
        buf, end_of_line = trim_continuation(processed)
        if end_of_line and not buf:
            continue
        empty_continuation = False
        while not end_of_line and i < len(lines):
            raw = lines[i]
            processed = process(raw, False, i + 1)
            i += 1
            number = i
            if is_comment(raw):
                continue
            if not lstrip_go(processed):
                empty_continuation = True
                continue
            more, end_of_line = trim_continuation(processed)
            buf += more
        if empty_continuation:
            warnings.append(
                (
                    number,
                    f"Empty continuation line found in: {strip_go(buf)} — empty continuation lines "
                    "will become errors in a future release",
                    "NoEmptyContinuation",
                )
            )
        try:
            node = new_node(buf, directives.escape)
            openers = heredocs_in_line(buf) if can_contain_heredoc(node) else []
        except SyntaxProblem as problem:
            raise fail(problem.message, start, problem.token) from None
        except RecursionError:
            raise fail("instruction nested too deeply", start) from None
        for opener in openers:
            body: list[str] = []
            terminated = False
            while i < len(lines):
                raw = lines[i]
                i += 1
                number = i
                candidate = raw.rstrip("\r\n")
                if opener.chomp:
                    candidate = candidate.lstrip("\t")
                if candidate == opener.name:
                    terminated = True
                    break
                body.append(raw)
            if not terminated:
                raise DockerfileError(
                    "unterminated heredoc",
                    filename=filename,
                    line=start,
                    column=max(lines[start - 1].find("<<") + 1, 1),
                    source_line=lines[start - 1].rstrip("\r\n"),
                    hint=f"end the here-document with a line holding only {opener.name}",
                )
            node.heredocs.append(
                RawHeredoc(opener.name, "".join(body), opener.expand, opener.chomp, opener.fd)
            )
        node.start, node.end = start, number
        node.source_line = lines[start - 1].rstrip("\r\n")
        if node.child is not None:
            node.child.start, node.child.end = start, number
            node.child.source_line = node.source_line
            node.child.heredocs = node.heredocs
        nodes.append(node)
    return ScanResult(nodes, directives.seen, directives.escape, warnings)
