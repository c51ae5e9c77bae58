"""Shell patterns and POSIX character classes: pure text helpers shared by the shell and the commands.

One table, :data:`CLASSES`, says which characters each ``[:class:]`` holds; the shell's
``case``/glob/``${x#pat}`` patterns, ``find -name``, ``tar`` wildcards, ``grep``/``sed``
bracket expressions and ``tr`` sets all read it.  A pattern is a sequence of
``(character, active)`` pairs: an inactive (quoted) character only matches itself.

It imports nothing from the package and sits below the shell and the commands, which both use it.

Examples:
    >>> fnmatch("*.py", "setup.py")
    True
    >>> fnmatch("[[:blank:]]", "\\t")
    True
    >>> fnmatch("[!a-c]*", "apple")
    False
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

__all__ = ["CLASSES", "bracket_class", "compile_glob", "fnmatch", "pattern_regex", "split_pattern", "trim"]

CLASSES: dict[str, str] = {
    "upper": string.ascii_uppercase,
    "lower": string.ascii_lowercase,
    "digit": string.digits,
    "alpha": string.ascii_letters,
    "alnum": string.ascii_letters + string.digits,
    "space": " \t\n\r\f\v",
    "blank": " \t",
    "punct": string.punctuation,
    "xdigit": string.digits + "ABCDEFabcdef",
    "cntrl": "".join(map(chr, range(32))) + "\x7f",
    "print": "".join(map(chr, range(32, 127))),
    "graph": "".join(map(chr, range(33, 127))),
}
"""The POSIX character classes (C locale): ``[:name:]`` -> the characters it holds."""


def bracket_class(name: str) -> str | None:
    """The characters of ``[:name:]`` escaped for use inside a regex ``[...]`` (None if unknown)."""
    chars = CLASSES.get(name)
    if chars is None:
        return None
    return "".join(map(re.escape, chars))


def pattern_regex(pattern: Sequence[tuple[str, bool]]) -> re.Pattern[str]:
    """A shell pattern (``*``, ``?``, ``[...]``; inactive characters literal) as a regex.

    An unknown ``[:class:]`` matches nothing, as in busybox's fnmatch.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch, active = pattern[i]
        if active and ch == "*":
            out.append(".*")
        elif active and ch == "?":
            out.append(".")
        elif active and ch == "[":
            j = i + 1
            negate = j < len(pattern) and pattern[j][0] in "!^" and pattern[j][1]
            if negate:
                j += 1
            chars: list[str] = []
            if j < len(pattern) and pattern[j][0] == "]":
                chars.append("\\]")
                j += 1
            while j < len(pattern) and pattern[j][0] != "]":
                c = pattern[j][0]
                if c == "[" and pattern[j][1] and j + 1 < len(pattern) and pattern[j + 1][0] == ":":
                    end = "".join(c for c, _ in pattern[j:]).find(":]")
                    if end > 0:
                        cls = "".join(c for c, _ in pattern[j + 2 : j + end])
                        chars.append(bracket_class(cls) or "")
                        j += end + 2
                        continue
                chars.append(c if c == "-" and pattern[j][1] else re.escape(c))
                j += 1
            if j >= len(pattern):
                out.append(re.escape("["))
            elif not "".join(chars):  # only unknown classes: matches nothing (negated: any character)
                out.append("[\\s\\S]" if negate else "(?!)")
                i = j
            else:
                out.append("[" + ("^" if negate else "") + "".join(chars) + "]")
                i = j
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def split_pattern(text: str) -> list[tuple[str, bool]]:
    """A pattern given as one string (``find -name``, ``tar`` wildcards): ``\\x`` quotes ``x``."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append((text[i + 1], False))
            i += 2
        else:
            out.append((text[i], True))
            i += 1
    return out


def compile_glob(pattern: str, *, fold: bool = False) -> re.Pattern[str]:
    """fnmatch(3)'s pattern as a regex to ``fullmatch``; ``fold``: ignore case (``find -iname``)."""
    regex = pattern_regex(split_pattern(pattern))
    return re.compile(regex.pattern, re.DOTALL | re.IGNORECASE) if fold else regex


def fnmatch(pattern: str, name: str, *, fold: bool = False) -> bool:
    """fnmatch(3) without flags: whether ``name`` matches the shell pattern ``pattern``."""
    return compile_glob(pattern, fold=fold).fullmatch(name) is not None


def trim(text: str, pattern: re.Pattern[str], op: str) -> str:
    """``${x#pat}``, ``${x##pat}``, ``${x%pat}``, ``${x%%pat}``: remove the shortest/longest match."""
    n = len(text)
    if op in ("#", "##"):
        ends = range(n + 1) if op == "#" else range(n, -1, -1)
        for end in ends:
            if pattern.fullmatch(text[:end]):
                return text[end:]
        return text
    starts = range(n, -1, -1) if op == "%" else range(n + 1)
    for start in starts:
        if pattern.fullmatch(text[start:]):
            return text[:start]
    return text
