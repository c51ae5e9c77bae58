"""npm's version ranges (node-semver), enough to resolve ``package.json`` against a catalogue.

The rules are node-semver's README ("Ranges", "Advanced Range Syntax", "Prerelease Tags"):
comparator sets joined by ``||``; ``<``, ``<=``, ``>``, ``>=``, ``=``; hyphen ranges
``1.2.3 - 2.3.4``; x-ranges ``1.x``, ``1.2.*``, ``*``, ``""``; tilde ``~1.2.3`` (patch-level
changes) and caret ``^1.2.3`` (changes that do not touch the left-most non-zero part).  A
prerelease version satisfies a range only when a comparator of the same set names a prerelease
of the same ``major.minor.patch``.

Examples:
    >>> satisfies("4.21.2", "^4.18.2"), satisfies("5.0.0", "^4.18.2")
    (True, False)
    >>> satisfies("0.2.9", "^0.2.3"), satisfies("0.3.0", "^0.2.3")
    (True, False)
    >>> max_satisfying(["1.2.3", "1.3.0", "2.0.0-rc.1"], "~1.2 || >=2.0.0-rc.0")
    '2.0.0-rc.1'
    >>> max_satisfying(["1.0.0"], "^2") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["InvalidRange", "Version", "max_satisfying", "parse_version", "satisfies", "valid_range"]

_VERSION = re.compile(r"^\s*[v=]*\s*(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$")
_PARTIAL = re.compile(
    r"^[v=]*(\*|[xX]|\d+)(?:\.(\*|[xX]|\d+)(?:\.(\*|[xX]|\d+)(?:-([0-9A-Za-z.-]+))?)?)?(?:\+[0-9A-Za-z.-]+)?$"
)

Version = tuple[int, int, int, tuple[tuple[int, int | str], ...]]
"""(major, minor, patch, prerelease identifiers); a release has ``()`` and sorts above its prereleases."""


class InvalidRange(ValueError):
    """A range npm cannot read (``npm error Invalid comparator`` / ``Invalid version``)."""


def parse_version(text: str) -> Version | None:
    """A version, or None when ``text`` is not one."""
    m = _VERSION.match(text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), _pre(m.group(4))


def _key(v: Version) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
    return v[0], v[1], v[2], 0 if v[3] else 1, v[3]


def _cmp(a: Version, b: Version) -> int:
    ka, kb = _key(a), _key(b)
    return (ka > kb) - (ka < kb)


Comparator = tuple[str, Version]


def _pre(text: str | None) -> tuple[tuple[int, int | str], ...]:
    if not text:
        return ()
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in text.split("."))


def _partial(text: str) -> tuple[list[int | None], tuple[tuple[int, int | str], ...]]:
    m = _PARTIAL.match(text)
    if not m:
        raise InvalidRange(f"Invalid comparator: {text}")
    parts: list[int | None] = [None if p is None or p in "*xX" else int(p) for p in m.groups()[:3]]
    for i in (1, 2):  # 1.x.3 is 1.x
        if parts[i - 1] is None:
            parts[i] = None
    return parts, _pre(m.group(4))


def _lower(parts: list[int | None], pre: tuple[tuple[int, int | str], ...]) -> Version:
    return parts[0] or 0, parts[1] or 0, parts[2] or 0, pre


def _upper_excl(parts: list[int | None]) -> Version | None:
    """The exclusive upper bound of an x-range (``1.2`` -> ``<1.3.0-0``), None for ``*``."""
    if parts[0] is None:
        return None
    if parts[1] is None:
        return parts[0] + 1, 0, 0, ((0, 0),)
    return parts[0], parts[1] + 1, 0, ((0, 0),)


def _expand(token: str) -> list[Comparator]:
    op = re.match(r"^(<=|>=|<|>|=|~>|~|\^)?", token).group(1) or ""  # type: ignore[union-attr]
    parts, pre = _partial(token[len(op) :].strip())
    exact = parts[2] is not None
    if op in ("", "="):
        if exact:
            return [("=", _lower(parts, pre))]
        bound = _upper_excl(parts)
        return [(">=", _lower(parts, pre))] + ([("<", bound)] if bound else [])
    if op in ("~", "~>"):
        tilde = (
            _upper_excl([parts[0], None, None])
            if parts[1] is None
            else (parts[0] or 0, parts[1] + 1, 0, ((0, 0),))
        )
        return [(">=", _lower(parts, pre))] + ([("<", tilde)] if tilde else [])
    if op == "^":
        major, minor, patch = parts
        if major is None:
            return [(">=", (0, 0, 0, ()))]
        if major > 0 or minor is None:
            upper: Version = (major + 1, 0, 0, ((0, 0),))
        elif minor > 0 or patch is None:
            upper = (0, minor + 1, 0, ((0, 0),))
        else:
            upper = (0, 0, patch + 1, ((0, 0),))
        return [(">=", _lower(parts, pre)), ("<", upper)]
    if op in (">", "<="):
        if exact:
            return [(op, _lower(parts, pre))]
        above = _upper_excl(parts)
        if op == ">":
            return [(">=", above)] if above else [("<", (0, 0, 0, ((0, 0),)))]
        return [("<", above)] if above else [(">=", (0, 0, 0, ()))]
    # >= and < on a partial: the lower bound of the x-range
    return [(op, _lower(parts, pre))]


def _sets(range_text: str) -> list[list[Comparator]]:
    out = []
    for part in range_text.split("||"):
        part = re.sub(r"(<=|>=|<|>|=|~>|~|\^)\s+", r"\1", part.strip())
        hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", part)
        if hyphen:
            comps: list[Comparator] = [(">=", _lower(*_partial(hyphen.group(1))))]
            high, hpre = _partial(hyphen.group(2))
            if high[2] is not None:
                comps.append(("<=", _lower(high, hpre)))
            elif (upper := _upper_excl(high)) is not None:
                comps.append(("<", upper))
            out.append(comps)
            continue
        comps = []
        for token in part.split() or ["*"]:
            comps += _expand(token)
        out.append(comps)
    return out


def valid_range(range_text: str) -> bool:
    """Whether npm can read ``range_text`` as a range."""
    try:
        _sets(range_text)
    except InvalidRange:
        return False
    return True


def _test(v: Version, comps: list[Comparator]) -> bool:
    for op, bound in comps:
        c = _cmp(v, bound)
        if not {"=": c == 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]:
            return False
    if v[3]:  # a prerelease only where a comparator names one of the same major.minor.patch
        return any(b[3] and b[:3] == v[:3] and b[3] != ((0, 0),) for _, b in comps)
    return True


def satisfies(version: str, range_text: str) -> bool:
    """Whether ``version`` satisfies ``range_text`` (an invalid range raises :class:`InvalidRange`)."""
    v = parse_version(version)
    return v is not None and any(_test(v, comps) for comps in _sets(range_text))


def max_satisfying(versions: Iterable[str], range_text: str) -> str | None:
    """The highest of ``versions`` that satisfies ``range_text``, or None."""
    sets = _sets(range_text)
    best: tuple[Version, str] | None = None
    for text in versions:
        v = parse_version(text)
        if (
            v is not None
            and any(_test(v, comps) for comps in sets)
            and (best is None or _cmp(v, best[0]) > 0)
        ):
            best = (v, text)
    return best[1] if best else None
