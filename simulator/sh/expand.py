"""Word expansion: parameters, command substitution, arithmetic, field splitting, pathnames.

:class:`Expander` holds the expansion half of a :class:`~simulator.sh.interp.Shell` (the shell
inherits it); the arithmetic evaluator and the glob against the container are functions here.
Patterns themselves are :mod:`~simulator.patterns`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from simulator.model.fs import FileSystem
from simulator.patterns import pattern_regex, trim
from simulator.sh.parse import Arith, CmdSub, Lit, Param, Word, heredoc_word, is_name
from simulator.sh.process import IO, Exit
from simulator.userland import users

__all__ = ["Expander"]

_BINARY_OPS: dict[str, Callable[[int, int], int]] = {
    "||": lambda a, b: int(bool(a) or bool(b)),
    "&&": lambda a, b: int(bool(a) and bool(b)),
    "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
    "&": lambda a, b: a & b,
    "==": lambda a, b: int(a == b),
    "!=": lambda a, b: int(a != b),
    "<": lambda a, b: int(a < b),
    "<=": lambda a, b: int(a <= b),
    ">": lambda a, b: int(a > b),
    ">=": lambda a, b: int(a >= b),
    "<<": lambda a, b: a << (b & 63),  # the shift count is taken modulo 64, as x86 does
    ">>": lambda a, b: a >> (b & 63),
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
}
"""Arithmetic expansion's binary operators on integers (comparisons give 0 or 1)."""


class Expander:
    """The expansions of a shell: a mixin that reads the shell's variables and filesystem."""

    fs: FileSystem
    vars: dict[str, str]
    positional: list[str]
    arg0: str
    status: int
    options: set[str]
    locals: list[dict[str, str | None]]
    cwd: str

    def error(self, io: IO, message: str) -> None:
        raise NotImplementedError

    def abspath(self, path: str) -> str:
        raise NotImplementedError

    def assign(self, name: str, value: str, io: IO | None = None) -> None:
        raise NotImplementedError

    def command_substitution(self, source: str, io: IO) -> str:
        raise NotImplementedError

    def expand_words(self, words: Sequence[Word], io: IO) -> list[str]:
        out: list[str] = []
        for word in words:
            out.extend(self.expand_fields(word, io))
        return out

    def expand_fields(self, word: Word, io: IO) -> list[str]:
        """Expansion, field splitting, pathname expansion and quote removal of one word."""
        segments = self._segments(word.parts, io, tilde=True)
        ifs = self.vars.get("IFS", " \t\n")
        fields: list[list[tuple[str, bool]]] = []
        current: list[tuple[str, bool]] = []
        started = False
        spaces = " \t\n"
        after_space = False  # a field just ended at IFS white space (which joins a following delimiter)
        for text, kind in segments:
            if kind == "break":
                fields.append(current)
                current, started = [], False
                continue
            if kind == "e" and ifs:
                for ch in text:
                    if ch in ifs and ch in spaces:
                        if started:
                            fields.append(current)
                            after_space = True
                        current, started = [], False
                    elif ch in ifs:  # other IFS characters delimit one field each, even an empty one
                        if started or not after_space:
                            fields.append(current)
                        current, started, after_space = [], False, False
                    else:
                        current.append((ch, True))
                        started, after_space = True, False
                continue
            after_space = after_space and not text
            current.extend((ch, kind != "q") for ch in text)
            started = started or bool(text) or kind == "q"
        if started:
            fields.append(current)
        result: list[str] = []
        for f in fields:
            if "f" not in self.options and any(active and ch in "*?[" for ch, active in f):
                matches = _glob(self, f)
                if matches:
                    result.extend(matches)
                    continue
            result.append("".join(ch for ch, _ in f))
        return result

    def expand_single(self, word: Word, io: IO, tilde: bool = False) -> str:
        """Expansion without field splitting or globbing (assignments, redirections, case)."""
        return "".join(text for text, kind in self._segments(word.parts, io, tilde=tilde) if kind != "break")

    def expand_pattern(self, word: Word, io: IO) -> list[tuple[str, bool]]:
        """A pattern as (char, active) pairs: quoted characters match literally."""
        out: list[tuple[str, bool]] = []
        for text, kind in self._segments(word.parts, io, tilde=True):
            if kind != "break":
                out.extend((ch, kind != "q") for ch in text)
        return out

    def _segments(self, parts: Sequence[Any], io: IO, tilde: bool = False) -> list[tuple[str, str]]:
        """(text, kind) with kind ``l`` unquoted literal, ``q`` quoted, ``e`` unquoted expansion
        (split and globbed), ``break`` between the fields of ``"$@"``."""
        out: list[tuple[str, str]] = []
        for i, part in enumerate(parts):
            if isinstance(part, Lit):
                text = part.text
                if i == 0 and tilde and not part.quoted and text.startswith("~"):
                    text = self._tilde(text)
                out.append((text, "q" if part.quoted else "l"))
            elif isinstance(part, Param):
                out.extend(self._param(part, io))
            elif isinstance(part, CmdSub):
                text = self.command_substitution(part.source, io)
                out.append((text, "q" if part.quoted else "e"))
            elif isinstance(part, Arith):
                source = "".join(
                    t
                    for t, k in self._segments(Word(tuple(_parse_arith_word(part.source)), "").parts, io)
                    if k != "break"
                )
                try:
                    value = str(_arith(source, self))
                except (ValueError, ZeroDivisionError, SyntaxError) as exc:
                    self.error(
                        io,
                        f"arithmetic syntax error: {part.source}"
                        if not isinstance(exc, ZeroDivisionError)
                        else "divide by zero",
                    )
                    raise Exit(2) from None
                out.append((value, "q" if part.quoted else "e"))
        return out

    def _tilde(self, text: str) -> str:
        head, sep, rest = text[1:].partition("/")
        if head == "":
            home = self.vars.get("HOME", "/")
        else:
            entry = users.passwd_entry(self.fs.read_file, head)
            if entry is None:
                return text
            home = entry[5]
        return home + sep + rest

    def lookup(self, name: str) -> str | None:
        if name == "?":
            return str(self.status)
        if name == "#":
            return str(len(self.positional))
        if name in ("@", "*"):
            return " ".join(self.positional)
        if name == "$":
            return "1"
        if name == "!":
            return ""
        if name == "-":
            return "".join(sorted(self.options))
        if name == "0":
            return self.arg0
        if name.isdigit():
            n = int(name)
            return self.positional[n - 1] if n <= len(self.positional) else None
        return self.vars.get(name)

    def _param(self, part: Param, io: IO) -> list[tuple[str, str]]:
        kind = "q" if part.quoted else "e"
        name, op = part.name, part.op
        if name == "@" and part.quoted and op == "":
            out: list[tuple[str, str]] = []
            for i, arg in enumerate(self.positional):
                if i:
                    out.append(("", "break"))
                out.append((arg, "q"))
            return out
        if name == "*" and op == "":
            sep = self.vars.get("IFS", " \t\n")[:1]
            return [(sep.join(self.positional), kind)]
        value = self.lookup(name)
        if op == "#len":
            return [(str(len(value or "")), kind)]
        unset = value is None
        null = unset or value == ""
        if op in (":-", "-"):
            if null if op == ":-" else unset:
                return (
                    self._segments(part.arg.parts if part.arg else (), io, tilde=True)
                    if not part.quoted
                    else [(self.expand_single(part.arg, io, tilde=True), "q")]
                    if part.arg
                    else [("", "q")]
                )
        elif op in (":=", "="):
            if null if op == ":=" else unset:
                new = self.expand_single(part.arg, io, tilde=True) if part.arg else ""
                self.assign(name, new, io)
                value = new
        elif op in (":+", "+"):
            if not (null if op == ":+" else unset):
                if part.arg is None:
                    return []
                return (
                    self._segments(part.arg.parts, io, tilde=True)
                    if not part.quoted
                    else [(self.expand_single(part.arg, io, tilde=True), "q")]
                )
            return [("", kind)] if part.quoted else []
        elif op in (":?", "?"):
            if null if op == ":?" else unset:
                message = (
                    self.expand_single(part.arg, io)
                    if part.arg and part.arg.parts
                    else ("parameter not set" if unset else "parameter null or not set")
                )
                self.error(io, f"{name}: {message}")
                raise Exit(2)
        elif op in ("%", "%%", "#", "##"):
            pattern = pattern_regex(self.expand_pattern(part.arg, io) if part.arg else [])
            text = value or ""
            value = trim(text, pattern, op)
        if value is None:
            if "u" in self.options and name not in ("@", "*"):
                self.error(io, f"{name}: parameter not set")
                raise Exit(2)
            value = ""
        return [(value, kind)]


def _parse_arith_word(source: str) -> list[Any]:
    """``$((...))`` text: expand ``$x``, ``$(...)`` in it like a double-quoted word."""
    return list(heredoc_word(source).parts)


_ARITH_TOKEN = re.compile(
    r"\s*(?:(0[xX][0-9a-fA-F]+|\d+)|([A-Za-z_][A-Za-z0-9_]*)|(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>!~&|^?:]))"
)


def _wrap(value: int) -> int:
    """``value`` as a 64-bit two's-complement integer (busybox's arith_t: overflow wraps)."""
    return ((value + (1 << 63)) & ((1 << 64) - 1)) - (1 << 63)


def _arith(source: str, shell: Expander) -> int:
    """Evaluate shell integer arithmetic (no assignment operators), in 64-bit integers."""
    tokens: list[str] = []
    pos = 0
    source = source.strip()
    while pos < len(source):
        m = _ARITH_TOKEN.match(source, pos)
        if not m:
            raise ValueError(source)
        tokens.append(m.group(0).strip())
        pos = m.end()
    index = 0

    def peek() -> str:
        return tokens[index] if index < len(tokens) else ""

    def take() -> str:
        nonlocal index
        index += 1
        return tokens[index - 1]

    levels = [
        ["||"],
        ["&&"],
        ["|"],
        ["^"],
        ["&"],
        ["==", "!="],
        ["<", "<=", ">", ">="],
        ["<<", ">>"],
        ["+", "-"],
        ["*", "/", "%"],
    ]

    def unary() -> int:
        tok = take() if peek() else ""
        if tok == "(":
            value = ternary()
            if take() != ")":
                raise ValueError(source)
            return value
        if tok == "-":
            return _wrap(-unary())
        if tok == "+":
            return unary()
        if tok == "!":
            return int(not unary())
        if tok == "~":
            return ~unary()
        if tok[:2] in ("0x", "0X"):
            return _wrap(int(tok, 16))
        if tok.isdigit():
            return _wrap(int(tok, 8) if tok.startswith("0") and len(tok) > 1 else int(tok))
        if is_name(tok):
            text = shell.vars.get(tok, "") or "0"
            return _arith(text, shell) if text.strip() else 0
        raise ValueError(source)

    def binary(level: int) -> int:
        if level == len(levels):
            return unary()
        value = binary(level + 1)
        while peek() in levels[level]:
            op = take()
            right = binary(level + 1)
            if op in ("/", "%"):
                if right == 0:
                    raise ZeroDivisionError
                q = abs(value) // abs(right) * (1 if (value >= 0) == (right >= 0) else -1)
                value = q if op == "/" else value - q * right
            else:
                value = _BINARY_OPS[op](value, right)
            value = _wrap(value)
        return value

    def ternary() -> int:
        cond = binary(0)
        if peek() == "?":
            take()
            a = ternary()
            if take() != ":":
                raise ValueError(source)
            b = ternary()
            return a if cond else b
        return cond

    if not tokens:
        return 0
    result = ternary()
    if index != len(tokens):
        raise ValueError(source)
    return result


# ---------------------------------------------------------------------------------- globbing
def _glob(shell: Expander, pattern: list[tuple[str, bool]]) -> list[str]:
    """Pathname expansion against the container's filesystem (sorted; dotfiles need a '.')."""
    components: list[list[tuple[str, bool]]] = [[]]
    for ch, active in pattern:
        if ch == "/":
            components.append([])
        else:
            components[-1].append((ch, active))
    absolute = not components[0]
    prefixes = ["/" if absolute else ""]
    parts = components[1:] if absolute else components
    for index, comp in enumerate(parts):
        last = index == len(parts) - 1
        literal = not any(active and ch in "*?[" for ch, active in comp)
        text = "".join(ch for ch, _ in comp)
        new: list[str] = []
        for prefix in prefixes:
            if literal:
                candidate = prefix + text if prefix.endswith("/") or not prefix else f"{prefix}/{text}"
                if not comp:  # `a//b` or a trailing '/'
                    candidate = prefix if prefix.endswith("/") else prefix + "/"
                new.append(candidate)
                continue
            directory = shell.abspath(prefix or ".")
            try:
                names = shell.fs.listdir(directory)
            except (OSError, ValueError):
                continue
            regex = pattern_regex(comp)
            if text.startswith("."):  # busybox sh: `.*` matches `.` and `..` too
                names = [".", "..", *names]
            for name in names:
                if name.startswith(".") and not text.startswith("."):
                    continue
                if regex.fullmatch(name):
                    new.append(prefix + name if prefix.endswith("/") or not prefix else f"{prefix}/{name}")
        if not last:
            new = [p for p in new if _is_dir(shell, p)]
        prefixes = new
    results = [p for p in prefixes if _lexists(shell, p.rstrip("/") or "/")]
    return sorted(results)


def _is_dir(shell: Expander, path: str) -> bool:
    try:
        return bool(shell.fs.stat(shell.abspath(path or ".")).is_dir)
    except (OSError, ValueError):
        return False


def _lexists(shell: Expander, path: str) -> bool:
    try:
        shell.fs.lstat(shell.abspath(path))
    except (OSError, ValueError):
        return False
    return True
