"""The generator of the library's layers: ``python -m simulator.distro generate [--dry-run] [--cache DIR] [NAME ...]``.

It writes ``data/layers/<name>.json`` for every layer its recipes describe (all, or the ``NAME``s
given) and the ``images.json`` entries of :mod:`simulator.distro.generate.images`, then
``digests.json``:

- :mod:`~simulator.distro.generate.apt_recipes`: Debian and Ubuntu layers from the archives
  (``Packages`` indices and the ``.deb`` files, downloaded into ``--cache``, default
  ``~/.cache/layerlab-distro``), by :mod:`~simulator.distro.generate.debian`;
- :mod:`~simulator.distro.generate.published_recipes`: layers from published figures (Alpine,
  Node.js, CPython, Go, Temurin, Maven, .NET), each with its source, plus the sizes the npm
  registry gives for the npm packages node ships;
- ``--dry-run`` writes nothing: it says which files would change.

Only maintainers run it; the library and the tests never touch the network.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

from simulator.distro.jsondata import DATA, dumps

__all__ = ["main"]

USAGE = "usage: python -m simulator.distro generate [--dry-run] [--no-apt] [--cache DIR] [--root DATA_DIR] [NAME ...]"


def _debuerreotype_rows(root: Path, suite: str, snapshot: str, slim: bool) -> list[list[Any]]:
    """The files debuerreotype adds to every debian image (copied from the bookworm data, whose
    texts are the real ones), with the suite's sources."""
    spec = json.loads((root / "layers/debian-bookworm-slim.json").read_text(encoding="utf-8"))
    wanted = ("/etc/apt/apt.conf.d/docker-", "/etc/dpkg/dpkg.cfg.d/docker-apt-speedup")
    rows = [row for row in spec["rows"] if row[0].startswith(wanted)]
    if slim:
        rows += [row for row in spec["rows"] if row[0] == "/etc/dpkg/dpkg.cfg.d/docker"]
    stamp = snapshot.replace("-", "") + "T000000Z"
    sources = (f"Types: deb\n# http://snapshot.debian.org/archive/debian/{stamp}\nURIs: http://deb.debian.org/debian\n"
               f"Suites: {suite} {suite}-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
               f"Types: deb\n# http://snapshot.debian.org/archive/debian-security/{stamp}\nURIs: http://deb.debian.org/debian-security\n"
               f"Suites: {suite}-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")  # fmt: skip
    rows.append(["/etc/apt/sources.list.d/debian.sources", "t", "644", sources])
    return rows


_UBUNTU_EXCLUDES = """# Drop all man pages
path-exclude=/usr/share/man/*

# Drop all translations
path-exclude=/usr/share/locale/*/LC_MESSAGES/*.mo

# Drop all documentation ...
path-exclude=/usr/share/doc/*

# ... except copyright files ...
path-include=/usr/share/doc/*/copyright

# ... and Debian changelogs for native & non-native packages
path-include=/usr/share/doc/*/changelog.Debian.*
"""


def _ubuntu_rows(suite: str) -> list[list[Any]]:
    """What the Ubuntu cloud-image build adds: the minimizing excludes and the sources."""
    lines = []
    for pocket in ("", "-updates", "-backports", "-security"):
        lines.append(
            f"deb http://archive.ubuntu.com/ubuntu/ {suite}{pocket} main restricted universe multiverse"
        )
    return [["/etc/dpkg/dpkg.cfg.d/excludes", "t", "644", _UBUNTU_EXCLUDES],
            ["/etc/apt/sources.list", "t", "644", "\n".join(lines) + "\n"]]  # fmt: skip


def _shadow_rows(table: dict[str, list[Any]], created: str) -> list[list[Any]]:
    """/etc/shadow and /etc/gshadow as shadow's ``pwconv``/``grpconv`` write them on the build day."""
    day = (datetime.date.fromisoformat(created) - datetime.date(1970, 1, 1)).days
    out = []
    passwd = table.get("/etc/passwd")
    if passwd and passwd[1] == "t":
        names = [line.split(":")[0] for line in passwd[3].splitlines() if line]
        out.append(["/etc/shadow", "t", "640", "".join(f"{n}:*:{day}:0:99999:7:::\n" for n in names), 0, 42])
    group = table.get("/etc/group")
    if group and group[1] == "t":
        names = [line.split(":")[0] for line in group[3].splitlines() if line]
        out.append(["/etc/gshadow", "t", "640", "".join(f"{n}:*::\n" for n in names), 0, 42])
    return out


class _Apt:
    """Runs the apt recipes, sharing archives and resolved package sets."""

    def __init__(self, root: Path, cache: Path) -> None:
        from simulator.distro.generate import apt_recipes

        self.root = root
        self.cache = cache
        self.recipes = {r.name: r for r in apt_recipes.APT_LAYERS}
        self.archives: dict[str, Any] = {}
        self.sets: dict[str, set[str]] = {}

    def archive(self, suite: str) -> Any:
        from simulator.distro.generate import apt_recipes, debian

        if suite not in self.archives:
            self.archives[suite] = debian.Archive(apt_recipes.SUITES[suite], self.cache)
        return self.archives[suite]

    def installed(self, name: str) -> set[str]:
        """Every package present once layer ``name`` is on (its own and those below)."""
        from simulator.distro.generate import debian

        if name not in self.sets:
            recipe = self.recipes[name]
            archive = self.archive(recipe.suite)
            below: set[str] = (
                set().union(*(self.installed(b) for b in recipe.below)) if recipe.below else set()
            )
            if recipe.packages == ("@minbase",):
                own = set(debian.minbase(archive))
            elif recipe.closure:
                own = set(archive.closure([*sorted(below), *recipe.packages]))
            else:
                own = set(recipe.packages)
            self.sets[name] = own | below
        return self.sets[name]

    def layer(self, name: str, created: str) -> dict[str, Any]:
        from simulator.distro.generate import debian

        recipe = self.recipes[name]
        archive = self.archive(recipe.suite)
        below: set[str] = set().union(*(self.installed(b) for b in recipe.below)) if recipe.below else set()
        names = sorted(self.installed(name) - below)
        if recipe.rootfs:
            table = debian.rootfs_rows(archive, names)
            if recipe.suite in ("jammy", "noble"):
                extra = _ubuntu_rows(recipe.suite)
            else:
                extra = _debuerreotype_rows(self.root, recipe.suite, created, recipe.slim == "slim")
            for row in [*extra, *_shadow_rows(table, created)]:
                table[row[0]] = row
        else:
            table = {}
            for package in names:
                for row in debian.deb_rows(archive.deb(package)):
                    if not (row[1] == "d" and row[0] in table):
                        table[row[0]] = row
        out: dict[str, Any] = {}
        if recipe.slim == "slim":
            table = {p: r for p, r in table.items() if not debian.is_slim_excluded(p)}
        elif recipe.slim.startswith("full-of:"):
            table = {p: r for p, r in table.items() if debian.is_slim_excluded(p) and r[1] != "d"}
            out["include"] = [recipe.slim.removeprefix("full-of:")]
        rows, folded = debian.bound(table, recipe.top)
        if recipe.slim.startswith("full-of:"):
            rows.append(["/etc/dpkg/dpkg.cfg.d/docker", "-"])
        versions = ", ".join(f"{n} {archive.packages[n]['Version']}" for n in names)
        out["comment"] = (
            f"GENERATED by python -m simulator.distro generate from {archive.suite.mirror} {recipe.suite} "
            f"(simulator/distro/generate/apt_recipes.py): {recipe.comment}. The real paths, modes, owners, sizes "
            f"and link targets of the packages' data members; small /etc files are their real text. Bounded: "
            f"programs, /etc, shared libraries and the {recipe.top} largest other files kept, the bytes of the "
            f"{folded} others folded into the largest kept file. {len(names)} packages: {versions}."
        )
        out["rows"] = rows
        return {
            "comment": out["comment"],
            **({"include": out["include"]} if "include" in out else {}),
            "rows": rows,
        }


def _write(root: Path, name: str, value: Any, dry_run: bool, changed: list[str]) -> None:
    path = root / name
    text = dumps(value)
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old != text:
        changed.append(name)
        if not dry_run:
            path.write_text(text, encoding="utf-8")


def _fill_sizes(root: Path, top: dict[str, Any], keys: list[str]) -> None:
    """Give the images without a published figure their built size (needs the layers written)."""
    from simulator.distro import jsondata, library

    for key in keys:
        top["images"][key]["size_mb"] = 0
    (root / "images.json").write_text(dumps(top), encoding="utf-8")
    jsondata.load.cache_clear()
    library._tag_index.cache_clear()
    for key in keys:
        top["images"][key]["size_mb"] = round(library.get(top["images"][key]["tags"][0], root).size / 1e6, 1)


def _published(first: list[Any], then: Any) -> Any:
    """The first batch of published layers, then the second (made once the first is written: its
    user layers read the /etc/passwd of layers the first batch writes)."""
    yield from first
    yield from then()


def main(argv: list[str]) -> int:
    from simulator.distro.generate import common, images, published, published_more, published_recipes

    dry_run, no_apt, cache, root, only = False, False, Path.home() / ".cache" / "layerlab-distro", DATA, []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--dry-run":
            dry_run = True
        elif arg == "--no-apt":  # the published layers and images only (the .deb layers as they are)
            no_apt = True
        elif arg in ("--cache", "--root") and args:
            value = Path(args.pop(0))
            cache, root = (value, root) if arg == "--cache" else (cache, value)
        elif arg.startswith("-"):
            print(USAGE, file=sys.stderr)
            return 2
        else:
            only.append(arg)
    changed: list[str] = []
    apt = _Apt(root, cache)
    for name, recipe in apt.recipes.items():
        if recipe.write and not no_apt and (not only or name in only):
            print(f"apt layer {name} ...", flush=True)
            _write(
                root, f"layers/{name}.json", apt.layer(name, common.CREATED_APT[name][:10]), dry_run, changed
            )
    layers: dict[str, dict[str, Any]] = {}
    for spec in _published(published_recipes.layers(cache), lambda: published_more.more_layers(cache)):
        if only and spec.name not in only:
            continue
        for base in (spec.derive, *spec.include):
            if base and base not in layers:
                layers[base] = json.loads((root / f"layers/{base}.json").read_text(encoding="utf-8"))
        made: dict[str, Any] = {
            "comment": f"GENERATED from published figures: {spec.comment} Source: {spec.source}"
        }
        if spec.include:
            made["include"] = list(spec.include)
        made["rows"] = published.rows_of(spec, layers)
        layers[spec.name] = made
        _write(root, f"layers/{spec.name}.json", made, dry_run, changed)
    if not only:
        top = json.loads((root / "images.json").read_text(encoding="utf-8"))
        generated = images.entries()
        top["images"].update(generated)
        computed = [key for key, spec in generated.items() if spec["size_mb"] is None]
        if dry_run:  # compare with the sizes written last time (building needs the new layers written)
            old = json.loads((root / "images.json").read_text(encoding="utf-8"))["images"]
            for key in computed:
                top["images"][key]["size_mb"] = old.get(key, {}).get("size_mb")
        else:
            _fill_sizes(root, top, computed)
        _write(root, "images.json", top, dry_run, changed)
    for name in changed:
        print(f"{'would change' if dry_run else 'wrote'} {name}")
    if changed and not dry_run:
        from simulator.distro import refresh

        print(f"wrote {refresh.write(root)}")
    return 0
