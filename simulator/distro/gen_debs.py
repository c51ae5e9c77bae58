"""Maintainer's tool: add Debian packages to the apt catalogue from their ``.deb`` files.

Two ways in, both never run by the library or the tests:

- ``apt-get download tini gosu && python -m simulator.distro.gen_debs *.deb``: each archive's
  control fields (``dpkg-deb -f``) and file list (``dpkg-deb -c``: real paths, modes and sizes)
  become its entry in ``data/packages.json`` (section ``apt``), ``deb_size`` the archive's size.
- ``python -m simulator.distro.gen_debs --closure apache2-utils libbluetooth-dev ...``: the
  packages named and every package they ``Depends``/``Pre-Depends`` on (what
  ``apt-get install --no-install-recommends`` installs, first installable alternative, as
  :meth:`simulator.distro.generate.debian.Archive.closure` resolves it) that the catalogue does
  not have yet, from the bookworm ``Packages`` indices of deb.debian.org (bookworm and
  bookworm-updates, :data:`simulator.distro.generate.apt_recipes.SUITES`); their ``.deb`` files
  are downloaded into ``--cache`` (default ``~/.cache/layerlab-distro``) and read as above.

A package with more than :data:`LIMIT` files is bounded by the catalogue's rule (its
``_comment``): its programs, up to 8 ``/etc`` files, its copyright and Debian changelog, up to 2
man pages, up to 4 shared-library symlinks and its :data:`LARGEST` largest other files are kept
with their real paths, modes and sizes; the bytes of the files left out are added to the largest
kept file outside ``/usr/share/doc`` and ``/usr/share/man``, so the package's total is right.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from simulator.distro.jsondata import DATA, dumps

__all__ = ["LARGEST", "LIMIT", "bounded", "entry", "main"]

_FIELDS = ("Package", "Essential", "Priority", "Section", "Installed-Size", "Maintainer", "Architecture", "Multi-Arch",
           "Version", "Replaces", "Provides", "Pre-Depends", "Depends", "Recommends", "Suggests", "Breaks", "Conflicts",
           "Description", "Homepage")  # fmt: skip

LIMIT = 24
"""A package with more files than this is bounded (:func:`bounded`)."""
LARGEST = 10
"""How many of its largest other files a bounded package keeps."""

USAGE = "usage: python -m simulator.distro.gen_debs FILE.deb ... | --closure [--cache DIR] NAME ..."


def _program(path: str) -> bool:
    return path.startswith(("/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"))


def bounded(files: list[list[Any]]) -> list[list[Any]]:
    """``files`` after the catalogue's bounding rule (see the module doc), in their order."""
    if len(files) <= LIMIT:
        return files
    keep: set[int] = set()
    counts = {"etc": 0, "man": 0, "lib": 0}
    for i, row in enumerate(files):
        path = row[0]
        if _program(path) or (
            path.startswith("/usr/share/doc/") and path.endswith(("/copyright", "changelog.Debian.gz"))
        ):
            keep.add(i)
        elif path.startswith("/etc/") and counts["etc"] < 8:
            counts["etc"] += 1
            keep.add(i)
        elif path.startswith("/usr/share/man/") and counts["man"] < 2:
            counts["man"] += 1
            keep.add(i)
        elif row[1] == "l" and ".so" in path.rsplit("/", 1)[-1] and counts["lib"] < 4:
            counts["lib"] += 1
            keep.add(i)
    others = sorted(
        (i for i, r in enumerate(files) if i not in keep and r[1] == "f"), key=lambda i: (-files[i][3], i)
    )
    keep.update(others[:LARGEST])
    folded = sum(files[i][3] for i in others[LARGEST:])
    out = [list(row) for i, row in enumerate(files) if i in keep]
    hosts = [r for r in out if r[1] == "f" and not r[0].startswith(("/usr/share/doc/", "/usr/share/man/"))]
    host = max(hosts or [r for r in out if r[1] == "f"], key=lambda r: (r[3], r[0]))
    host[3] += folded
    return out


def entry(deb: Path) -> tuple[str, dict[str, Any]]:
    """(package name, catalogue entry) of one ``.deb``, bounded (:func:`bounded`)."""
    control = subprocess.run(
        ["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True, timeout=60
    )
    meta: dict[str, str] = {}
    for line in control.stdout.splitlines():
        if line and not line.startswith(" ") and ": " in line:
            key, _, value = line.partition(": ")
            meta[key] = value
    meta.setdefault("Essential", "no")
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True, timeout=60
    )
    files: list[list[Any]] = []
    for line in listing.stdout.splitlines():
        parts = line.split(None, 5)
        mode, size, path = parts[0], int(parts[2]), parts[5].split(" -> ")[0].lstrip(".")
        if mode.startswith("-"):
            bits = sum(1 << (8 - i) for i, c in enumerate(mode[1:10]) if c != "-")
            files.append([path, "f", f"{bits:o}", size])
        elif mode.startswith("l"):
            files.append([path, "l", parts[5].split(" -> ")[1]])
        elif mode.startswith("h"):  # a hard link: "./a link to ./b"
            target = parts[5].split(" link to ")
            files.append([target[0].lstrip("."), "l", "/" + target[1].lstrip("./")])
    return meta["Package"], {"meta": {k: meta[k] for k in _FIELDS if k in meta}, "deb_size": deb.stat().st_size,
                             "files": bounded(files)}  # fmt: skip


def closure_debs(names: list[str], apt: dict[str, Any], cache: Path) -> list[Path]:
    """The ``.deb`` files of ``names`` and their dependency closure, less what ``apt`` (the
    catalogue's section) already has or its base image holds (downloaded into ``cache``)."""
    from simulator.distro.generate import apt_recipes, debian

    archive = debian.Archive(apt_recipes.SUITES["bookworm"], cache)
    missing = [n for n in names if n not in archive.packages]
    if missing:
        raise SystemExit(f"gen_debs: not in bookworm's Packages index: {' '.join(missing)}")
    apt["base_provides"] = sorted(  # what apt sees as installed through the base packages' Provides
        {
            a.strip().split(" ")[0]
            for b in apt["base"]
            for a in archive.packages.get(b, {}).get("Provides", "").split(",")
        }
        - {""}
    )
    have = set(apt["packages"]) | set(apt["base"]) | set(apt["base_provides"])
    wanted = archive.closure(names, have, provides=True)
    return [archive.deb(n) for n in wanted if n not in have]


NOTE = (
    "apt: the packages not in that list were added by python -m simulator.distro.gen_debs --closure (the named "
    "packages and their Depends/Pre-Depends closure from the bookworm and bookworm-updates Packages indices, their "
    ".debs read with dpkg-deb; bounded by the rule above): control fields, file lists and sizes as in the archives "
    "(versions of the day the generator ran, which may be newer than 12.11's)."
)
"""The ``_comment`` line of ``packages.json`` that says where the ``--closure`` entries come from."""


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    path = DATA / "packages.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if args[:1] == ["--closure"]:
        args.pop(0)
        cache = Path.home() / ".cache" / "layerlab-distro"
        if args[:1] == ["--cache"] and len(args) > 1:
            cache = Path(args[1])
            del args[:2]
        debs = closure_debs(args, data["apt"], cache)
        if NOTE not in data["_comment"]:
            data["_comment"].append(NOTE)
    else:
        debs = [Path(a) for a in args]
    if not debs and not args:
        print(USAGE, file=sys.stderr)
        return 2
    for deb in debs:
        name, value = entry(deb)
        data["apt"]["packages"][name] = value
        print(f"{name} {value['meta']['Version']}: {len(value['files'])} files")
    path.write_text(dumps(data), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
