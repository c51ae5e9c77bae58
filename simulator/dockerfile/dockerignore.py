"""``.dockerignore``: which context paths are not sent to the builder.

The rules of moby/patternmatcher (``ignorefile.ReadAll`` then ``New`` and
``MatchesOrParentMatches``), read and re-expressed here:

* A line starting with ``#`` in column 1 is a comment (checked before trimming); other lines are
  trimmed, blank ones skipped.  A leading ``!`` makes an exception (``!`` alone is an error).
* Each pattern goes through Go's ``filepath.Clean`` and loses a leading ``/``; ``.`` matches
  nothing (it would be the context root).
* Patterns use Go's ``filepath.Match`` syntax — ``*`` and ``?`` never match ``/``, ``[a-z]`` and
  ``[^a-z]`` classes, ``\\`` escapes — plus ``**``, which matches any number of directories,
  zero included.  Patterns are anchored at the context root: ``*.md`` matches only there.
* The last matching line wins, and a path is excluded when it *or any parent directory*
  matches, so ``node_modules`` + ``!node_modules/keep.js`` keeps only that file.

The builder always sends the Dockerfile and ``.dockerignore`` themselves; that is its business.

Examples:
    >>> ignore = DockerIgnore.parse("*.md\\n!README*.md\\n")
    >>> ignore.filter(["a.md", "README.md", "docs/b.md"])
    ['README.md', 'docs/b.md']
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from simulator.dockerfile.lexer import go_isspace
from simulator.errors import DockerfileError

__all__ = ["DockerIgnore", "IgnorePattern", "clean_path"]

_ESCAPED = frozenset(".+()|{}$")
MatchType = Literal["exact", "prefix", "suffix", "regexp"]


def clean_path(path: str) -> str:
    """Go's ``path/filepath.Clean`` for slash-separated paths.

    Examples:
        >>> clean_path("./a//b/../c/"), clean_path(""), clean_path("/../x")
        ('a/c', '.', '/x')
    """
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append(part)
        else:
            parts.append(part)
    text = "/".join(parts)
    if rooted:
        return "/" + text
    return text or "."


def _trim(text: str) -> str:
    start, end = 0, len(text)
    while start < end and go_isspace(text[start]):
        start += 1
    while end > start and go_isspace(text[end - 1]):
        end -= 1
    return text[start:end]


def _check_match_syntax(pattern: str) -> bool:
    """Whether Go's ``filepath.Match`` accepts the pattern (it validates the whole pattern)."""
    i, n = 0, len(pattern)

    def escaped_char(i: int) -> int:
        # getEsc: a class character may not be '-' or ']' and must be followed by something
        if i >= n or pattern[i] in "-]":
            return -1
        if pattern[i] == "\\":
            i += 1
            if i >= n:
                return -1
        i += 1
        return i if i < n else -1

    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                return False
            i += 2
        elif ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            ranges = 0
            while True:
                if i < n and pattern[i] == "]" and ranges > 0:
                    i += 1
                    break
                i = escaped_char(i)
                if i < 0:
                    return False
                if pattern[i] == "-":
                    i = escaped_char(i + 1)
                    if i < 0:
                        return False
                ranges += 1
        else:
            i += 1
    return True


@dataclass(frozen=True, slots=True)
class IgnorePattern:
    """One compiled pattern: ``pattern`` (cleaned, without ``!``), ``exclusion`` for ``!`` lines."""

    pattern: str
    exclusion: bool
    line: int
    match_type: MatchType = field(init=False)
    regex: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        kind, regex = _compile(self.pattern)
        object.__setattr__(self, "match_type", kind)
        object.__setattr__(self, "regex", regex)

    def __str__(self) -> str:
        return ("!" if self.exclusion else "") + self.pattern

    def matches(self, path: str) -> bool:
        """Whether the pattern matches the cleaned, slash-separated ``path`` itself."""
        if self.match_type == "exact":
            return path == self.pattern
        if self.match_type == "prefix":
            return path.startswith(self.pattern[:-2])
        if self.match_type == "suffix":
            suffix = self.pattern[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        assert self.regex is not None
        return self.regex.match(path) is not None


def _compile(pattern: str) -> tuple[MatchType, re.Pattern[str] | None]:
    """Translate a pattern the way patternmatcher's ``Pattern.compile`` does."""
    out = ["^"]
    kind: MatchType = "exact"
    i, n = 0, len(pattern)
    first = True
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        out.append(".*")
                        kind = "regexp"
                else:
                    out.append("(.*/)?")
                    kind = "regexp"
                if first:
                    kind = "suffix"
            else:
                out.append("[^/]*")
                kind = "regexp"
        elif ch == "?":
            out.append("[^/]")
            kind = "regexp"
        elif ch in _ESCAPED:
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append("\\" + pattern[i])
                i += 1
                kind = "regexp"
            else:
                out.append("\\\\")
        elif ch in "[]":
            out.append(ch)
            kind = "regexp"
        else:
            out.append(ch)
        first = False
    if kind != "regexp":
        return kind, None
    out.append(r"\Z")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "possible nested set" and friends: Go has no such notion
        try:
            return kind, re.compile("".join(out))
        except re.error as err:
            raise ValueError(f"syntax error in pattern: {err}") from None


@dataclass(frozen=True, slots=True)
class DockerIgnore:
    """The patterns of a ``.dockerignore`` file, in order."""

    patterns: tuple[IgnorePattern, ...] = ()

    @classmethod
    def parse(cls, text: str, *, filename: str = ".dockerignore") -> DockerIgnore:
        """Read ``.dockerignore`` text.

        Raises:
            DockerfileError: ``!`` alone, or a pattern Go's ``filepath.Match`` rejects.
        """
        patterns: list[IgnorePattern] = []
        for number, raw in enumerate(text.split("\n"), 1):
            line = raw[1:] if number == 1 and raw.startswith("\ufeff") else raw
            if line.startswith("#"):
                continue
            pattern = _trim(line)
            if not pattern:
                continue
            exclusion = pattern.startswith("!")
            if exclusion:
                pattern = _trim(pattern[1:])
            if pattern:
                pattern = clean_path(pattern)
                if len(pattern) > 1 and pattern.startswith("/"):
                    pattern = pattern[1:]
            if not pattern:
                raise DockerfileError(
                    'illegal exclusion pattern: "!"',
                    filename=filename,
                    line=number,
                    source_line=raw.rstrip("\r"),
                    hint="write !<pattern> to re-include files, or remove the line",
                )
            if pattern == ".":
                continue  # matches only the context root, which is never excluded
            if not _check_match_syntax(pattern):
                raise DockerfileError(
                    "syntax error in pattern",
                    filename=filename,
                    line=number,
                    source_line=raw.rstrip("\r"),
                    hint="close every [ with ], and escape a literal [, ] or trailing \\ with \\",
                )
            try:
                patterns.append(IgnorePattern(pattern, exclusion, number))
            except ValueError as err:
                raise DockerfileError(
                    str(err), filename=filename, line=number, source_line=raw.rstrip("\r")
                ) from None
        return cls(tuple(patterns))

    def excludes(self, path: str) -> bool:
        """Whether ``path`` (relative to the context, ``/``-separated) is left out of the context.

        The last matching pattern decides; a pattern matches when it matches the path or any of
        its parent directories (patternmatcher's ``MatchesOrParentMatches``).
        """
        path = clean_path(path.lstrip("/")) if path else "."
        if path == ".":
            return False
        parent = path.rsplit("/", 1)[0] if "/" in path else "."
        parent_dirs = parent.split("/") if parent != "." else []
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue  # only an exception can undo a match, only a pattern can make one
            match = pattern.matches(path)
            if not match:
                match = any(pattern.matches("/".join(parent_dirs[: i + 1])) for i in range(len(parent_dirs)))
            if match:
                matched = not pattern.exclusion
        return matched

    def filter(self, paths: Iterable[str]) -> list[str]:
        """The paths that are not excluded, in their order."""
        return [path for path in paths if not self.excludes(path)]
