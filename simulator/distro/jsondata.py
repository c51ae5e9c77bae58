"""Where the data files of :mod:`simulator.distro` live, how they are read, and their one canonical text.

The files under ``data/`` are JSON written by :func:`dumps`: objects one key a line, and every
list that holds records (lists or objects: a layer's ``rows``, a package's ``files``, an image's
``history``) one record a line, so that a diff shows the rows that changed.  A list of plain
values stays on one line while it is short (``"tags": ["alpine:3.20", "alpine:latest"]``) and
takes one value a line when it is not.  ``python -m simulator.distro format`` rewrites every
file in this form; ``python -m simulator.distro check`` fails on a file that is not in it.

Examples:
    >>> print(dumps({"comment": "x", "rows": [["/bin", "d", "755"], ["/bin/sh", "l", "busybox"]]}), end="")
    {
      "comment": "x",
      "rows": [
        ["/bin", "d", "755"],
        ["/bin/sh", "l", "busybox"]
      ]
    }
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["DATA", "data_files", "dumps", "load", "write_canonical"]

DATA = Path(__file__).with_name("data")
"""The package's data directory: ``images.json``, ``packages.json`` and ``layers/<name>.json``."""

_SHORT = 80  # a list of plain values longer than this (written on one line) takes one value a line


@cache
def load(name: str, root: Path = DATA) -> Any:
    """The parsed JSON of ``root/name`` (read once; callers must not change it)."""
    with (root / name).open(encoding="utf-8") as f:
        return json.load(f)


def data_files(root: Path = DATA) -> list[str]:
    """The names (relative to ``root``) of every JSON file in a data directory, sorted."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.json"))


def _one_line(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "))


def _is_record(value: Any) -> bool:
    return isinstance(value, (list, dict))


def _write(value: Any, indent: str, out: list[str]) -> None:
    inner = indent + "  "
    if isinstance(value, dict) and value:
        out.append("{\n")
        for i, (key, item) in enumerate(value.items()):
            out.append(f"{inner}{json.dumps(key)}: ")
            _write(item, inner, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(indent + "}")
    elif isinstance(value, list) and value:
        one_line = _one_line(value)
        if not any(_is_record(item) for item in value) and len(one_line) <= _SHORT:
            out.append(one_line)
            return
        lines = [inner + _one_line(item) for item in value]
        out.append("[\n" + ",\n".join(lines) + "\n" + indent + "]")
    else:
        out.append(_one_line(value))


def dumps(value: Any) -> str:
    """The canonical text of a data file holding ``value`` (ends with a newline)."""
    out: list[str] = []
    _write(value, "", out)
    out.append("\n")
    return "".join(out)


def write_canonical(root: Path = DATA) -> list[str]:
    """Rewrite every data file under ``root`` in canonical form; the names of those that changed."""
    changed = []
    for name in data_files(root):
        path = root / name
        text = path.read_text(encoding="utf-8")
        canonical = dumps(json.loads(text))
        if text != canonical:
            path.write_text(canonical, encoding="utf-8")
            changed.append(name)
    return changed


def generator_main(
    argv: list[str] | None,
    description: str | None,
    generate: Callable[[Path], Any],
    cache: str,
    out: str,
) -> int:
    """The command line of a catalogue generator (``python -m simulator.distro.gen_pip`` ...):
    ``--cache DIR`` for the downloads, ``--out FILE`` (default: ``DATA/out``) for the catalogue."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0] if description else None)
    parser.add_argument("--cache", type=Path, default=Path(cache))
    parser.add_argument("--out", type=Path, default=DATA / out)
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(generate(args.cache)), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
