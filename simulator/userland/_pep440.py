"""PEP 440 version order and specifiers, as pip compares them (good enough for the catalogue's versions).

``key`` orders releases, then ``.devN`` < ``aN`` < ``bN`` < ``rcN`` < final < ``.postN``
(``1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 < 1.0.post1``); ``release`` is the release numbers with
trailing zeros dropped (``1.0.0`` == ``1.0``) and whether the version is a pre-release.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

__all__ = ["key", "matches", "release", "satisfies"]


@cache  # a project's versions are compared again for every requirement naming it
def release(v: str) -> tuple[tuple[int, ...], bool]:
    """(release numbers, is a pre/dev release) of a PEP 440 version, good enough to compare."""
    m = re.match(r"^v?(\d+(?:\.\d+)*)(.*)$", v.strip())
    if not m:
        return (), True
    nums = tuple(int(x) for x in m.group(1).split("."))
    while len(nums) > 1 and nums[-1] == 0:
        nums = nums[:-1]
    return nums, bool(re.search(r"(a|b|c|rc|alpha|beta|pre|preview|dev)\d*", m.group(2), re.I))


_PEP440 = re.compile(
    r"^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?"
    r"(?:[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?"
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}


@cache
def key(v: str) -> tuple[Any, ...]:
    """PEP 440's order of ``v``: release, then dev < a < b < rc < final < post (``1.0b1 < 1.0``)."""
    m = _PEP440.match(v.strip().lower())
    if not m:
        return (release(v)[0],)
    nums, pre, pre_n, post, post_n, dev, dev_n = m.groups()
    numbers = release(nums)[0]
    if pre:
        phase: tuple[int, int] = (_PRE_RANK[pre], int(pre_n or 0))
    elif dev and not post:
        phase = (-1, 0)  # 1.0.dev1 sorts before 1.0a1
    else:
        phase = (3, 0)
    return (numbers, phase, int(post_n or 0) if post else -1, int(dev_n or 0) if dev else 1 << 30)


def matches(version: str, op: str, want: str) -> bool:
    """Whether ``version`` meets the specifier ``op want`` (``==1.2.*``, ``~=2.1``, ``>=3``)."""
    if op == "===":
        return version == want
    if want.endswith(".*") and op in ("==", "!="):
        prefix = release(want[:-2])[0]
        got = release(version)[0] + (0,) * 8
        same = got[: len(prefix)] == prefix + (0,) * 0 if prefix else True
        return same if op == "==" else not same
    if op == "~=":  # compatible release: >= want, and the same release but for want's last number
        a, b = release(version)[0], release(want)[0]
        stem = release(want[: want.rfind(".")])[0] if "." in want else b
        padded = a + (0,) * 8
        return a >= b and padded[: len(stem)] == stem
    ka, kb = key(version), key(want)
    return {"==": ka == kb, "!=": ka != kb, "<=": ka <= kb, ">=": ka >= kb, "<": ka < kb, ">": ka > kb}[op]


def satisfies(version: str, specs: list[tuple[str, str]]) -> bool:
    """Whether ``version`` meets every ``(op, version)`` specifier."""
    return all(matches(version, op, want) for op, want in specs)
