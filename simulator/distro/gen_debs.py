"""Maintainer's tool: add Debian packages to the apt catalogue from their ``.deb`` files.

``apt-get download tini gosu && python -m simulator.distro.gen_debs *.deb`` reads each archive's
control fields (``dpkg-deb -f``) and file list (``dpkg-deb -c``: real paths, modes and sizes) and
writes the entry into ``data/packages.json`` (section ``apt``), with ``deb_size`` the archive's
size.  Never run by the library or the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from simulator.distro.jsondata import DATA, dumps

__all__ = ["entry", "main"]

_FIELDS = ("Package", "Essential", "Priority", "Section", "Installed-Size", "Maintainer", "Architecture", "Multi-Arch",
           "Version", "Replaces", "Provides", "Pre-Depends", "Depends", "Recommends", "Suggests", "Breaks", "Conflicts",
           "Description", "Homepage")  # fmt: skip


def entry(deb: Path) -> tuple[str, dict[str, Any]]:
    """(package name, catalogue entry) of one ``.deb``."""
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
    return meta["Package"], {"meta": {k: meta[k] for k in _FIELDS if k in meta}, "deb_size": deb.stat().st_size,
                             "files": files}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    debs = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    path = DATA / "packages.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for deb in debs:
        name, value = entry(deb)
        data["apt"]["packages"][name] = value
        print(f"{name} {value['meta']['Version']}: {len(value['files'])} files")
    path.write_text(dumps(data), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
