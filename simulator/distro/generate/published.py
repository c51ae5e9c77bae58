"""Layers from published figures: where no registry this machine reaches has the files.

A :class:`Published` layer names its real key paths (the programs, their symlinks, config text)
with sizes, the layer's total as ``docker history`` or the project's release page gives it, and
the source of that figure.  The rows are the named paths; what the total has beyond them goes
into the ``fold`` file (the bounding rule of the Debian layers: the totals stay right).  A layer
may start from another layer file's rows (``derive``), with text replaced and sizes scaled, as
the Alpine point releases are derived from ``alpine-3.20``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Published", "rows_of"]


@dataclass(frozen=True)
class Published:
    """One layer: its rows, the documented total, and where the figure comes from."""

    name: str
    comment: str
    total: int
    """bytes of the layer (files + text + symlink targets), from ``source``."""
    source: str
    rows: list[list[Any]] = field(default_factory=list)
    fold: str = ""
    """the file that absorbs ``total`` minus the named rows (default: the largest 'f' row)."""
    include: tuple[str, ...] = ()
    derive: str = ""
    """a layer name whose rows are the starting point (copied, then ``replace`` applied)."""
    replace: tuple[tuple[str, str], ...] = ()
    """(old, new) substitutions applied to the derived rows' text and paths."""
    drop: tuple[str, ...] = ()
    """paths of the derived rows to leave out."""


def _size(row: list[Any]) -> int:
    if row[1] == "f":
        return int(row[3])
    if row[1] == "t":
        return len(row[3].encode())
    if row[1] == "l":
        return len(row[2].encode())
    return 0


def rows_of(spec: Published, layers: dict[str, dict[str, Any]]) -> list[list[Any]]:
    """The layer's rows, with the fold file sized so that the total is ``spec.total``."""
    rows: dict[str, list[Any]] = {}
    if spec.derive:
        for row in layers[spec.derive]["rows"]:
            text = json.dumps(row)
            for old, new in spec.replace:
                text = text.replace(old, new)
            new_row = json.loads(text)
            if new_row[0] not in spec.drop:
                rows[new_row[0]] = new_row
    for row in spec.rows:
        rows[row[0]] = row
    if spec.total < 0:  # no documented total: the rows are the whole layer
        return list(rows.values())
    named = sum(_size(row) for row in rows.values())
    rest = spec.total - named
    if spec.fold:
        fold = rows[spec.fold]
    else:
        fold = max((r for r in rows.values() if r[1] == "f"), key=lambda r: (r[3], r[0]))
    if fold[1] != "f":
        raise ValueError(f"{spec.name}: the fold path {fold[0]} is not a generated file")
    if fold[3] + rest < 0 or (rest < 0 and not spec.derive):  # only a derived layer's fold file may shrink
        raise ValueError(f"{spec.name}: the named files ({named} bytes) exceed the total {spec.total}")
    rows[fold[0]] = [*fold[:3], fold[3] + rest, *fold[4:]]
    return list(rows.values())
