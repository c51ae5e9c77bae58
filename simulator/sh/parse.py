# Long module: one recursive-descent parser (lexing of words, here-documents
# and the grammar share the cursor); splitting it would export its internals.
"""The RUN shell's parser: POSIX ``sh`` source text to a small syntax tree.

The grammar is the useful core of the POSIX shell command language (XCU 2.9/2.10):

- lists with ``;``, ``&`` (run in the foreground here), newlines, ``&&``, ``||``, ``!`` and
  pipelines ``|``;
- ``{ ...; }``, ``( ... )``, ``if/elif/else/fi``, ``for x in ...; do ...; done``,
  ``while``/``until``, ``case ... esac`` and ``name() { ...; }`` functions;
- words with ``'...'``, ``"..."``, ``\\``, ``$name``, ``${name}``, ``${name:-w}`` and the other
  ``${...}`` forms, ``$(...)``, backquotes and ``$((...))``;
- redirections ``<``, ``>``, ``>|``, ``>>``, ``<>``, ``n>&m``, ``n<&m``, ``<<`` and ``<<-``;
- ``#`` comments.

A word is kept as a tuple of *parts* that remember whether they were quoted, because expansion
(``shell.py``) needs that to decide what is split into fields and what is globbed.

Examples:
    >>> script = parse("echo 'a b' $HOME > /tmp/x && true")
    >>> type(script.items[0]).__name__
    'AndOr'
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AndOr", "Arith", "Case", "CmdSub", "For", "FuncDef", "Group", "If", "Lit", "Param", "Pipeline",
    "Redirect", "Seq", "ShellSyntaxError", "Simple", "While", "Word", "heredoc_word", "parse",
]  # fmt: skip


class ShellSyntaxError(ValueError):
    """The script is not valid ``sh`` (the shell prints it as ``/bin/sh: syntax error: ...``, exit 2)."""


# ---------------------------------------------------------------------------------- word parts
@dataclass(frozen=True, slots=True)
class Lit:
    """Literal text; ``quoted`` when it came from quotes or a backslash (no globbing, no splitting)."""

    text: str
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Param:
    """``$name`` / ``${name<op>word}``; ``op`` is ``""``, ``"#len"``, ``":-"``, ``"-"``, ``"%%"`` ..."""

    name: str
    op: str = ""
    arg: Word | None = None
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class CmdSub:
    """``$(...)`` or a backquoted command: ``source`` is parsed when it runs."""

    source: str
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Arith:
    """``$((...))``: ``source`` is expanded, then evaluated as integer arithmetic."""

    source: str
    quoted: bool = False


Part = Lit | Param | CmdSub | Arith


@dataclass(frozen=True, slots=True)
class Word:
    parts: tuple[Part, ...]
    raw: str = ""

    @property
    def plain(self) -> str | None:
        """The text when the word is only unquoted literals (a reserved word candidate)."""
        if self.parts and all(isinstance(p, Lit) and not p.quoted for p in self.parts):
            return "".join(p.text for p in self.parts)  # type: ignore[union-attr]
        return None

    @property
    def has_quotes(self) -> bool:
        return any(getattr(p, "quoted", False) for p in self.parts)


# ---------------------------------------------------------------------------------- commands
@dataclass(slots=True)
class HereDoc:
    """A here-document body, filled in when the lexer reaches the line after the ``<<``."""

    delimiter: str
    expand: bool
    strip_tabs: bool
    body: str = ""


@dataclass(frozen=True, slots=True)
class Redirect:
    """``fd op target``: op is ``<``, ``>``, ``>|``, ``>>``, ``<>``, ``>&``, ``<&`` or ``<<``."""

    fd: int
    op: str
    target: Word
    heredoc: HereDoc | None = None


@dataclass(frozen=True, slots=True)
class Simple:
    assigns: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...] = ()
    line: int = 1


@dataclass(frozen=True, slots=True)
class Pipeline:
    commands: tuple[Node, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class AndOr:
    first: Pipeline
    rest: tuple[tuple[str, Pipeline], ...] = ()


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[AndOr, ...]


@dataclass(frozen=True, slots=True)
class Group:
    body: Seq
    subshell: bool
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True, slots=True)
class If:
    branches: tuple[tuple[Seq, Seq], ...]
    orelse: Seq | None
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True, slots=True)
class For:
    var: str
    words: tuple[Word, ...] | None
    body: Seq
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True, slots=True)
class While:
    cond: Seq
    body: Seq
    until: bool = False
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    word: Word
    items: tuple[tuple[tuple[Word, ...], Seq], ...]
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True, slots=True)
class FuncDef:
    name: str
    body: Node


Node = Simple | Pipeline | AndOr | Seq | Group | If | For | While | Case | FuncDef

RESERVED = frozenset(
    {
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "do",
        "done",
        "case",
        "esac",
        "while",
        "until",
        "for",
        "in",
        "{",
        "}",
        "!",
    }
)
# `&>` is busybox ash's (bash's) "stdout and stderr to a file"; dash would read `&` then `>`
_OPERATORS = (
    "&&",
    "||",
    ";;",
    "<<-",
    "<<",
    "<>",
    "<&",
    ">>",
    ">&",
    ">|",
    "&>",
    ";",
    "&",
    "|",
    "(",
    ")",
    "<",
    ">",
)
_META = set(" \t\n;&|<>()")
_SPECIAL_PARAMS = set("@*#?-$!0123456789")


def is_name(text: str) -> bool:
    return bool(text) and (text[0].isalpha() or text[0] == "_") and all(c.isalnum() or c == "_" for c in text)


# ---------------------------------------------------------------------------------- lexer
@dataclass
class Token:
    kind: str  # WORD, OP, NEWLINE, EOF
    value: str = ""
    word: Word | None = None
    fd: int | None = None  # an IO number before a redirection operator
    line: int = 1


@dataclass
class _Lexer:
    src: str
    pos: int = 0
    line: int = 1
    pending: list[HereDoc] = field(default_factory=list)

    def error(self, message: str) -> ShellSyntaxError:
        return ShellSyntaxError(message)

    def next_token(self) -> Token:
        src = self.src
        while True:
            while self.pos < len(src) and src[self.pos] in " \t":
                self.pos += 1
            if src.startswith("\\\n", self.pos):
                self.pos += 2
                self.line += 1
                continue
            if self.pos < len(src) and src[self.pos] == "#":
                while self.pos < len(src) and src[self.pos] != "\n":
                    self.pos += 1
            break
        if self.pos >= len(src):
            if self.pending:
                raise self.error(
                    f'here-document delimited by end-of-file (wanted "{self.pending[0].delimiter}")'
                )
            return Token("EOF", line=self.line)
        ch = src[self.pos]
        if ch == "\n":
            self.pos += 1
            line = self.line
            self.line += 1
            self._read_heredocs()
            return Token("NEWLINE", "\n", line=line)
        for op in _OPERATORS:
            if src.startswith(op, self.pos):
                self.pos += len(op)
                return Token("OP", op, line=self.line)
        start_line = self.line
        start = self.pos
        parts = self.read_word(stop=_META)
        raw = src[start : self.pos]
        if raw.isdigit() and self.pos < len(src) and src[self.pos] in "<>":
            for op in _OPERATORS:
                if op[0] in "<>" and src.startswith(op, self.pos):
                    self.pos += len(op)
                    return Token("OP", op, fd=int(raw), line=start_line)
        return Token("WORD", raw, word=Word(tuple(_merge(parts)), raw), line=start_line)

    def _read_heredocs(self) -> None:
        for doc in self.pending:
            lines: list[str] = []
            while True:
                if self.pos >= len(self.src):
                    raise self.error(f'here-document delimited by end-of-file (wanted "{doc.delimiter}")')
                end = self.src.find("\n", self.pos)
                end = len(self.src) if end < 0 else end
                text = self.src[self.pos : end]
                self.pos = min(end + 1, len(self.src))
                self.line += 1
                if doc.strip_tabs:
                    text = text.lstrip("\t")
                if text == doc.delimiter:
                    break
                lines.append(text + "\n")
            doc.body = "".join(lines)
            if doc.expand:  # an unterminated `, $( or ${ in the body is a syntax error of the script
                heredoc_word(doc.body)
        self.pending.clear()

    # -- words ----------------------------------------------------------------------------
    def read_word(self, stop: set[str], quoted: bool = False) -> list[Part]:
        """Parts up to an unquoted character in ``stop`` (not consumed)."""
        src = self.src
        parts: list[Part] = []
        while self.pos < len(src):
            ch = src[self.pos]
            if ch in stop:
                break
            if ch == "\\":
                if self.pos + 1 >= len(src):
                    parts.append(Lit("\\", quoted))
                    self.pos += 1
                elif src[self.pos + 1] == "\n":
                    self.pos += 2
                    self.line += 1
                else:
                    parts.append(Lit(src[self.pos + 1], True))
                    self.pos += 2
            elif ch == "'":
                end = src.find("'", self.pos + 1)
                if end < 0:
                    raise self.error("unterminated quoted string")
                text = src[self.pos + 1 : end]
                self.line += text.count("\n")
                parts.append(Lit(text, True))
                self.pos = end + 1
            elif ch == '"':
                self.pos += 1
                parts.extend(self._read_dquoted())
            elif ch == "$":
                parts.append(self._read_dollar(quoted))
            elif ch == "`":
                parts.append(CmdSub(self._read_backquote(), quoted))
            else:
                if ch == "\n":
                    self.line += 1
                parts.append(Lit(ch, quoted))
                self.pos += 1
        return parts

    def _read_dquoted(self) -> list[Part]:
        src = self.src
        parts: list[Part] = []
        while True:
            if self.pos >= len(src):
                raise self.error("unterminated quoted string")
            ch = src[self.pos]
            if ch == '"':
                self.pos += 1
                if not parts:
                    parts.append(Lit("", True))
                return parts
            if ch == "\\" and self.pos + 1 < len(src) and src[self.pos + 1] in '$`"\\\n':
                if src[self.pos + 1] != "\n":
                    parts.append(Lit(src[self.pos + 1], True))
                else:
                    self.line += 1
                self.pos += 2
            elif ch == "$":
                parts.append(self._read_dollar(True))
            elif ch == "`":
                parts.append(CmdSub(self._read_backquote(), True))
            else:
                if ch == "\n":
                    self.line += 1
                parts.append(Lit(ch, True))
                self.pos += 1

    def _read_backquote(self) -> str:
        src = self.src
        self.pos += 1
        out: list[str] = []
        while True:
            if self.pos >= len(src):
                raise self.error("unterminated `...` command substitution")
            ch = src[self.pos]
            if ch == "`":
                self.pos += 1
                return "".join(out)
            if ch == "\\" and self.pos + 1 < len(src) and src[self.pos + 1] in "$`\\":
                out.append(src[self.pos + 1])
                self.pos += 2
                continue
            out.append(ch)
            self.pos += 1

    def _matching_paren(self, start: int) -> int:
        """Index of the ``)`` closing the ``(`` just before ``start`` (quotes respected)."""
        src = self.src
        depth = 1
        i = start
        while i < len(src):
            ch = src[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "'":
                end = src.find("'", i + 1)
                if end < 0:
                    break
                i = end + 1
                continue
            if ch == '"':
                i += 1
                while i < len(src) and src[i] != '"':
                    i += 2 if src[i] == "\\" else 1
                i += 1
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        raise self.error("unterminated $( command substitution: missing ')'")

    def _read_dollar(self, quoted: bool) -> Part:
        src = self.src
        i = self.pos + 1
        nxt = src[i] if i < len(src) else ""
        if src.startswith("((", i):
            end = self._matching_paren(i + 2)
            if end + 1 >= len(src) or src[end + 1] != ")":
                raise self.error("missing '))' in arithmetic expansion")
            self.pos = end + 2
            return Arith(src[i + 2 : end], quoted)
        if nxt == "(":
            end = self._matching_paren(i + 1)
            self.pos = end + 1
            body = src[i + 1 : end]
            self.line += body.count("\n")
            return CmdSub(body, quoted)
        if nxt == "{":
            return self._read_braced(quoted)
        if nxt and (nxt.isalpha() or nxt == "_"):
            j = i
            while j < len(src) and (src[j].isalnum() or src[j] == "_"):
                j += 1
            self.pos = j
            return Param(src[i:j], quoted=quoted)
        if nxt and nxt in _SPECIAL_PARAMS:
            self.pos = i + 1
            return Param(nxt, quoted=quoted)
        self.pos = i
        return Lit("$", quoted)

    def _read_braced(self, quoted: bool) -> Part:
        src = self.src
        i = self.pos + 2
        op = ""
        if i < len(src) and src[i] == "#" and i + 1 < len(src) and src[i + 1] != "}":
            op = "#len"
            i += 1
        j = i
        if j < len(src) and (src[j].isalpha() or src[j] == "_"):
            while j < len(src) and (src[j].isalnum() or src[j] == "_"):
                j += 1
        elif j < len(src) and src[j].isdigit():
            while j < len(src) and src[j].isdigit():
                j += 1
        elif j < len(src) and src[j] in _SPECIAL_PARAMS:
            j += 1
        name = src[i:j]
        if not name:
            raise self.error(f"bad substitution: ${{{src[i : src.find('}', i) + 1 or len(src)]}")
        if op == "#len":
            if j >= len(src) or src[j] != "}":
                raise self.error("bad substitution")
            self.pos = j + 1
            return Param(name, "#len", None, quoted)
        for candidate in (":-", ":=", ":+", ":?", "%%", "##", "-", "=", "+", "?", "%", "#"):
            if src.startswith(candidate, j):
                op = candidate
                break
        if not op:
            if j >= len(src) or src[j] != "}":
                raise self.error(f"bad substitution: ${{{name}{src[j : j + 1]}")
            self.pos = j + 1
            return Param(name, "", None, quoted)
        self.pos = j + len(op)
        start = self.pos
        parts = self.read_word(stop={"}"}, quoted=quoted)
        if self.pos >= len(src):
            raise self.error("missing '}'")
        raw = src[start : self.pos]
        self.pos += 1
        return Param(name, op, Word(tuple(_merge(parts)), raw), quoted)


def _merge(parts: list[Part]) -> list[Part]:
    """Join adjacent literals with the same quoting (smaller trees, same meaning)."""
    out: list[Part] = []
    for p in parts:
        if isinstance(p, Lit) and out and isinstance(out[-1], Lit) and out[-1].quoted == p.quoted:
            out[-1] = Lit(out[-1].text + p.text, p.quoted)
        else:
            out.append(p)
    return out


# ---------------------------------------------------------------------------------- parser
class _Parser:
    def __init__(self, src: str) -> None:
        self.lexer = _Lexer(src)
        self.tokens: list[Token] = []

    def peek(self, k: int = 0) -> Token:
        while len(self.tokens) <= k:
            self.tokens.append(self.lexer.next_token())
        return self.tokens[k]

    def take(self) -> Token:
        tok = self.peek()
        self.tokens.pop(0)
        return tok

    def is_op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "OP" and tok.value in ops

    def is_reserved(self, *words: str) -> bool:
        tok = self.peek()
        return tok.kind == "WORD" and tok.word is not None and tok.word.plain in words

    def expect_reserved(self, word: str, context: str) -> None:
        if not self.is_reserved(word):
            raise self.unexpected(f"expected '{word}' {context}")
        self.take()

    def unexpected(self, hint: str = "") -> ShellSyntaxError:
        tok = self.peek()
        what = {"EOF": "end of file", "NEWLINE": "newline"}.get(tok.kind, tok.value)
        message = f'unexpected "{what}"' if tok.kind == "OP" or tok.kind == "WORD" else f"unexpected {what}"
        return ShellSyntaxError(message + (f" ({hint})" if hint else ""))

    def skip_newlines(self) -> None:
        while self.peek().kind == "NEWLINE":
            self.take()

    # -- lists ----------------------------------------------------------------------------
    def program(self) -> Seq:
        self.skip_newlines()
        seq = self.compound_list(top=True)
        if self.peek().kind != "EOF":
            raise self.unexpected()
        return seq

    def _list_ends(self) -> bool:
        tok = self.peek()
        if tok.kind == "EOF":
            return True
        if tok.kind == "OP" and tok.value in (")", ";;"):
            return True
        return self.is_reserved("then", "else", "elif", "fi", "do", "done", "esac", "}")

    def compound_list(self, top: bool = False) -> Seq:
        items: list[AndOr] = []
        self.skip_newlines()
        while not self._list_ends():
            items.append(self.and_or())
            if self.is_op(";", "&"):
                self.take()
            elif self.peek().kind == "NEWLINE":
                pass
            elif not self._list_ends():
                raise self.unexpected()
            self.skip_newlines()
        if not items and not top:
            raise self.unexpected("an empty command list")
        return Seq(tuple(items))

    def and_or(self) -> AndOr:
        first = self.pipeline()
        rest: list[tuple[str, Pipeline]] = []
        while self.is_op("&&", "||"):
            op = self.take().value
            self.skip_newlines()
            rest.append((op, self.pipeline()))
        return AndOr(first, tuple(rest))

    def pipeline(self) -> Pipeline:
        negate = False
        if self.is_reserved("!"):
            self.take()
            negate = True
        commands = [self.command()]
        while self.is_op("|"):
            self.take()
            self.skip_newlines()
            commands.append(self.command())
        return Pipeline(tuple(commands), negate)

    # -- commands -------------------------------------------------------------------------
    def command(self) -> Node:
        tok = self.peek()
        if tok.kind == "OP" and tok.value == "(":
            self.take()
            body = self.compound_list()
            if not self.is_op(")"):
                raise self.unexpected("expected ')'")
            self.take()
            return Group(body, True, self.redirects())
        if tok.kind == "WORD" and tok.word is not None:
            plain = tok.word.plain
            if plain == "{":
                self.take()
                body = self.compound_list()
                self.expect_reserved("}", "to close '{'")
                return Group(body, False, self.redirects())
            if plain == "if":
                return self.if_clause()
            if plain in ("while", "until"):
                self.take()
                cond = self.compound_list()
                self.expect_reserved("do", f"after the {plain} condition")
                body = self.compound_list()
                self.expect_reserved("done", f"to close '{plain}'")
                return While(cond, body, plain == "until", self.redirects())
            if plain == "for":
                return self.for_clause()
            if plain == "case":
                return self.case_clause()
            if plain in RESERVED and plain != "!":
                raise self.unexpected()
            nxt = self.peek(1)
            if plain is not None and is_name(plain) and nxt.kind == "OP" and nxt.value == "(":
                self.take()
                self.take()
                if not self.is_op(")"):
                    raise self.unexpected("expected ')' in a function definition")
                self.take()
                self.skip_newlines()
                return FuncDef(plain, self.command())
        return self.simple()

    def redirects(self) -> tuple[Redirect, ...]:
        out = []
        while self.peek().kind == "OP" and self.peek().value in (
            "<",
            ">",
            ">>",
            ">|",
            "<>",
            ">&",
            "<&",
            "&>",
            "<<",
            "<<-",
        ):
            out.append(self.redirect())
        return tuple(out)

    def redirect(self) -> Redirect:
        tok = self.take()
        op = tok.value
        fd = tok.fd if tok.fd is not None else (0 if (op[0] == "<" and op != "<>") or op == "<>" else 1)
        target = self.peek()
        if target.kind != "WORD" or target.word is None:
            raise self.unexpected(f"a file name after '{op}'")
        self.take()
        if op in ("<<", "<<-"):
            delimiter = "".join(p.text if isinstance(p, Lit) else "" for p in target.word.parts)
            doc = HereDoc(delimiter, expand=not target.word.has_quotes, strip_tabs=op == "<<-")
            self.lexer.pending.append(doc)
            return Redirect(fd, "<<", target.word, doc)
        return Redirect(fd, op, target.word)

    def simple(self) -> Simple:
        assigns: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        line = self.peek().line
        while True:
            tok = self.peek()
            if tok.kind == "OP" and tok.value in ("<", ">", ">>", ">|", "<>", ">&", "<&", "&>", "<<", "<<-"):
                redirects.append(self.redirect())
                continue
            if tok.kind != "WORD" or tok.word is None:
                break
            self.take()
            if not words:
                split = _assignment(tok.word)
                if split is not None:
                    assigns.append(split)
                    continue
            words.append(tok.word)
        if not assigns and not words and not redirects:
            raise self.unexpected()
        return Simple(tuple(assigns), tuple(words), tuple(redirects), line)

    def if_clause(self) -> If:
        self.take()
        branches = []
        cond = self.compound_list()
        self.expect_reserved("then", "after the if condition")
        branches.append((cond, self.compound_list()))
        orelse = None
        while True:
            if self.is_reserved("elif"):
                self.take()
                cond = self.compound_list()
                self.expect_reserved("then", "after the elif condition")
                branches.append((cond, self.compound_list()))
                continue
            if self.is_reserved("else"):
                self.take()
                orelse = self.compound_list()
            self.expect_reserved("fi", "to close 'if'")
            break
        return If(tuple(branches), orelse, self.redirects())

    def for_clause(self) -> For:
        self.take()
        tok = self.take()
        if tok.kind != "WORD" or tok.word is None or not is_name(tok.word.plain or ""):
            raise ShellSyntaxError(f"bad for loop variable: {tok.value!r}")
        var = tok.value
        words: tuple[Word, ...] | None = None
        self.skip_newlines()
        if self.is_reserved("in"):
            self.take()
            collected = []
            while self.peek().kind == "WORD" and self.peek().word is not None:
                collected.append(self.take().word)
            words = tuple(w for w in collected if w is not None)
            if self.is_op(";"):
                self.take()
        elif self.is_op(";"):
            self.take()
        self.skip_newlines()
        self.expect_reserved("do", "in a for loop")
        body = self.compound_list()
        self.expect_reserved("done", "to close 'for'")
        return For(var, words, body, self.redirects())

    def case_clause(self) -> Case:
        self.take()
        tok = self.take()
        if tok.kind != "WORD" or tok.word is None:
            raise ShellSyntaxError("expected a word after 'case'")
        self.skip_newlines()
        self.expect_reserved("in", "after the case word")
        self.skip_newlines()
        items = []
        while not self.is_reserved("esac"):
            if self.is_op("("):
                self.take()
            patterns = []
            while True:
                pat = self.take()
                if pat.kind != "WORD" or pat.word is None:
                    raise ShellSyntaxError(f'unexpected "{pat.value}" in a case pattern')
                patterns.append(pat.word)
                if self.is_op("|"):
                    self.take()
                    continue
                break
            if not self.is_op(")"):
                raise self.unexpected("expected ')' after a case pattern")
            self.take()
            self.skip_newlines()
            body = Seq(()) if self.is_op(";;") or self.is_reserved("esac") else self.compound_list()
            items.append((tuple(patterns), body))
            if self.is_op(";;"):
                self.take()
                self.skip_newlines()
            elif not self.is_reserved("esac"):
                raise self.unexpected("expected ';;' or 'esac'")
        self.take()
        return Case(tok.word, tuple(items), self.redirects())


def _assignment(word: Word) -> tuple[str, Word] | None:
    first = word.parts[0] if word.parts else None
    if not isinstance(first, Lit) or first.quoted or "=" not in first.text:
        return None
    name, _, rest = first.text.partition("=")
    if not is_name(name):
        return None
    parts = ((Lit(rest, False),) if rest else ()) + word.parts[1:]
    return name, Word(parts, word.raw[len(name) + 1 :])


def parse(source: str) -> Seq:
    """Parse a ``sh -c`` script.

    Raises:
        ShellSyntaxError: with a message like dash/busybox ``sh: syntax error: ...``.
    """
    return _Parser(source).program()


def heredoc_word(body: str) -> Word:
    """A here-document body as one double-quote-like word (``$`` and backquotes expand)."""
    lexer = _Lexer(body)
    parts: list[Part] = []
    while lexer.pos < len(body):
        ch = body[lexer.pos]
        if ch == "\\" and lexer.pos + 1 < len(body) and body[lexer.pos + 1] in "$`\\\n":
            if body[lexer.pos + 1] != "\n":
                parts.append(Lit(body[lexer.pos + 1], True))
            lexer.pos += 2
        elif ch == "$":
            parts.append(lexer._read_dollar(True))
        elif ch == "`":
            parts.append(CmdSub(lexer._read_backquote(), True))
        else:
            parts.append(Lit(ch, True))
            lexer.pos += 1
    return Word(tuple(_merge(parts)), body)
