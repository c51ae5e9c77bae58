"""The symlink checks of the layer data (called by :mod:`simulator.distro.check`).

A layer tar cannot hold a symlink and entries under it: ``/usr/bin -> usr/bin`` with
``/usr/bin/[`` beside it makes buildah and ``docker load`` stop ("open /usr/bin/[: no such file
or directory"), since extracting ``usr/bin/[`` would go through the link.  The same holds when the
entries come from a lower layer of the image: the link replaces the directory, so they would be
hidden (a layer that means that deletes them with a ``"-"`` row, a whiteout).  A symlink that
points at itself (``/x -> x``, ``/a/b -> ../a/b``) or into a loop of links never resolves (ELOOP).

Each problem is ``(layer, symlink path, what is wrong)``, reported once per layer, for the first
image (in ``images.json`` order) in which it shows.
"""

from __future__ import annotations

import bisect
import posixpath
from collections.abc import Iterable
from typing import Any

__all__ = ["MAXSYMLINKS", "link_problems"]

MAXSYMLINKS = 40
"""Linux's bound on the links one path walk follows (``MAXSYMLINKS`` in include/linux/namei.h)."""


def _target(path: str, target: str) -> str:
    """Where ``path -> target`` points, lexically (a relative target is read from the link's directory)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), target))


def _loop(path: str, links: dict[str, str]) -> bool:
    """Whether following ``path`` (and the whole links its target names, hop by hop) comes back or never ends."""
    seen = {path}
    here = _target(path, links[path])
    for _ in range(MAXSYMLINKS):
        if here in seen:
            return True
        if here not in links:
            return False
        seen.add(here)
        here = _target(here, links[here])
    return True


def _under(paths: list[str], directory: str) -> list[str]:
    """The paths of the sorted ``paths`` strictly under ``directory``."""
    prefix = directory + "/"
    start = bisect.bisect_left(paths, prefix)
    out = []
    for path in paths[start:]:
        if not path.startswith(prefix):
            break
        out.append(path)
    return out


def link_problems(images: Iterable[tuple[str, list[str]]], rows: Any) -> list[tuple[str, str, str]]:
    """``images``: (image key, its layer names bottom to top, base layers included);
    ``rows(name)``: a layer's rows by path (its ``include`` files applied)."""
    out: list[tuple[str, str, str]] = []
    reported: set[tuple[str, str]] = set()
    for key, layers in images:
        present: dict[str, str] = {}  # path -> the layer it comes from
        links: dict[str, str] = {}  # symlink path -> target, in the merged image so far
        for name in layers:
            table = rows(name)
            for path, row in table.items():
                if row[1] == "-":  # a whiteout hides the path and what is under it
                    for gone in [p for p in present if p == path or p.startswith(path + "/")]:
                        del present[gone]
                        links.pop(gone, None)
                    continue
                if row[1] != "l" and path in links:  # a directory or file over a lower link
                    del links[path]
                present[path] = name
                if row[1] == "l":
                    links[path] = row[2]
            ordered = sorted(present)
            for path, row in table.items():
                if row[1] != "l" or (name, path) in reported:
                    continue
                where = f"in image {key!r}"
                if _target(path, row[2]) == path:
                    out.append((name, path, f"{row[2]!r} points at the link itself {where}"))
                    reported.add((name, path))
                    continue
                if _loop(path, links):
                    out.append((name, path, f"{row[2]!r} starts a loop of symlinks {where}"))
                    reported.add((name, path))
                    continue
                below = _under(ordered, path)
                if below:
                    first = below[0]
                    out.append((name, path, f"a symlink ({row[2]!r}) with {len(below)} entries under it {where}, "
                                            f"e.g. {first} from layer {present[first]!r}"))  # fmt: skip
                    reported.add((name, path))
    return out
