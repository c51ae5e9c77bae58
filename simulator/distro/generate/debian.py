"""Debian and Ubuntu root filesystems from the archives: Packages indices and the ``.deb`` files.

What debuerreotype does for ``debian:<suite>`` (``debootstrap --variant=minbase``: every package
of ``Priority: required`` plus ``apt``, with their ``Depends``/``Pre-Depends``) is redone here
from the archive itself: the package set is resolved from the suite's ``Packages`` index, each
``.deb`` is downloaded into a cache directory and its data member listed with
``dpkg-deb --fsys-tarfile`` (real paths, modes, owners, sizes, link targets), and small files
under ``/etc`` and ``/usr/share/base-passwd`` keep their real text.  What maintainer scripts
write (``/etc/passwd`` from base-passwd's masters, the ``awk`` alternative, merged ``/usr``
symlinks, ``/var/lib/dpkg/status``) is added the way they write it.

The result is bounded like ``packages.json`` (:func:`bound`): programs, ``/etc``, shared
libraries and the N largest other files are kept; the bytes of the rest are folded into the
largest kept file so that the layer's total stays the real one.

Only maintainers run this (``python -m simulator.distro generate``); the library never does.
"""

from __future__ import annotations

import lzma
import posixpath
import shutil
import subprocess
import tarfile
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Archive", "Suite", "bound", "deb_rows", "minbase", "rootfs_rows"]

TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class Suite:
    """One archive suite: ``https://deb.debian.org/debian`` ``trixie`` ``main``."""

    mirror: str
    name: str
    components: tuple[str, ...] = ("main",)
    updates: tuple[str, ...] = ()  # suites whose newer versions win (trixie-updates, jammy-updates ...)


def _fetch(url: str, dest: Path) -> Path:
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response, tmp.open("wb") as out:
        shutil.copyfileobj(response, out)
    tmp.rename(dest)
    return dest


def parse_stanzas(text: str) -> Iterable[dict[str, str]]:
    """The stanzas of a Packages/status file as field -> value (continuation lines kept)."""
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        last = ""
        for line in block.splitlines():
            if line[:1] in (" ", "\t") and last:
                fields[last] += "\n" + line
            elif ":" in line:
                last, _, value = line.partition(":")
                fields[last] = value.strip()
        if "Package" in fields:
            yield fields


def _version_key(version: str) -> list[Any]:
    """A rough dpkg version order (good enough to pick an -updates version over the release one)."""
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", version)]


class Archive:
    """A suite's binary packages (amd64), with their ``.deb`` files fetched into ``cache``."""

    def __init__(self, suite: Suite, cache: Path) -> None:
        self.suite = suite
        self.cache = cache / suite.mirror.split("//", 1)[1].replace("/", "_")
        self.packages: dict[str, dict[str, str]] = {}
        for dist in (suite.name, *suite.updates):
            for component in suite.components:
                url = f"{suite.mirror}/dists/{dist}/{component}/binary-amd64/Packages.xz"
                path = _fetch(url, self.cache / "dists" / dist / component / "Packages.xz")
                for stanza in parse_stanzas(lzma.decompress(path.read_bytes()).decode("utf-8", "replace")):
                    known = self.packages.get(stanza["Package"])
                    if known is None or _version_key(stanza["Version"]) > _version_key(known["Version"]):
                        self.packages[stanza["Package"]] = stanza
        self.provides = {
            item.strip().split(" ")[0]
            for stanza in self.packages.values()
            for item in stanza.get("Provides", "").split(",")
            if item.strip()
        }

    def deb(self, name: str) -> Path:
        stanza = self.packages[name]
        return _fetch(f"{self.suite.mirror}/{stanza['Filename']}", self.cache / stanza["Filename"])

    def closure(self, roots: Iterable[str], have: Iterable[str] = (), provides: bool = False) -> list[str]:
        """``roots`` with everything they Depend/Pre-Depend on (first installable alternative), sorted.

        ``have``: packages already installed: not expanded, and chosen first among alternatives
        (as apt keeps an installed ``usr-is-merged`` rather than pulling in ``usrmerge``).
        ``provides``: a dependency is met by a package that ``Provides`` it, as apt does
        (bookworm's ``sysvinit-utils`` provides ``lsb-base``; ``x11proto-dev`` the
        ``x11proto-*-dev`` names) -- off for the layer recipes, whose sets were made without it."""
        have = set(have)
        out: set[str] = set()
        todo = list(roots)
        wanted = set(roots)
        providers: dict[str, list[str]] = {}
        for provider, stanza in self.packages.items():
            for item in stanza.get("Provides", "").split(","):
                providers.setdefault(item.strip().split(" ")[0], []).append(provider)
        while todo:
            name = todo.pop()
            if name not in self.packages:  # a virtual package: a provider asked for anyway, else the first
                candidates = sorted(providers.get(name, ()), key=lambda p: (p not in wanted, p))
                name = candidates[0] if candidates else ""
            if not name or name in out or name in have:
                continue
            out.add(name)
            stanza = self.packages[name]
            for field in ("Pre-Depends", "Depends"):
                for group in stanza.get(field, "").split(","):
                    alts = [a.strip().split(" ")[0].split(":")[0] for a in group.split("|") if a.strip()]
                    if provides and any(p in out or p in have for a in alts for p in providers.get(a, ())):
                        continue
                    chosen = next((a for a in alts if a in out or a in have), None) or next(
                        (a for a in alts if a in self.packages or a in self.provides), None
                    )
                    if chosen:
                        todo.append(chosen)
        return sorted(out)


def minbase(archive: Archive, extra: Iterable[str] = ()) -> list[str]:
    """debootstrap's minbase set: ``Priority: required`` packages and apt, closed over dependencies."""
    required = [n for n, s in archive.packages.items() if s.get("Priority") == "required"]
    return archive.closure([*required, "apt", *extra])


_MERGED = {"/bin": "/usr/bin", "/sbin": "/usr/sbin", "/lib": "/usr/lib", "/lib64": "/usr/lib64"}


def _canonical(path: str, symlink: bool = False) -> str:
    """``path`` as it lands on a merged-/usr system: ``/bin/ls`` is ``/usr/bin/ls``.

    The merged-/usr links themselves stay where they are: trixie's base-files ships
    ``./bin -> usr/bin`` (``/sbin``, ``/lib``, ``/lib64`` alike), and moving that link to
    ``/usr/bin`` would make ``/usr/bin -> usr/bin``, a link with the programs under it."""
    for old, new in _MERGED.items():
        if path == old and symlink:
            return path
        if path == old or path.startswith(old + "/"):
            return new + path[len(old) :]
    return path


_TEXT_DIRS = ("/etc/", "/usr/share/base-passwd/", "/usr/lib/os-release", "/root/")
_TEXT_MAX = 4096


def deb_rows(deb: Path) -> list[list[Any]]:
    """The rows of a ``.deb``'s data member (merged-/usr paths, small config files as text)."""
    proc = subprocess.run(
        ["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True, timeout=120
    )
    import io

    rows: list[list[Any]] = []
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        for member in tar:
            path = _canonical(posixpath.normpath("/" + member.name.lstrip("./")), member.issym())
            if path == "/":
                continue
            mode = f"{member.mode & 0o7777:o}"
            owner = [member.uid, member.gid] if (member.uid or member.gid) else []
            if member.isdir():
                rows.append([path, "d", mode, *owner])
            elif member.issym():
                rows.append([path, "l", member.linkname])
            elif member.islnk():
                rows.append([path, "l", "/" + member.linkname.lstrip("./")])
            elif member.isfile():
                data = tar.extractfile(member)
                text = None
                if member.size <= _TEXT_MAX and path.startswith(_TEXT_DIRS) and data is not None:
                    try:
                        text = data.read().decode("utf-8")
                    except UnicodeDecodeError:
                        text = None
                if text is not None:
                    rows.append([path, "t", mode, text, *owner])
                else:
                    rows.append([path, "f", mode, member.size, *owner])
    return rows


def status_text(archive: Archive, names: Iterable[str]) -> str:
    """``/var/lib/dpkg/status`` for ``names``: the index's fields, as dpkg writes them (abridged)."""
    keep = ("Package", "Essential", "Priority", "Section", "Installed-Size", "Maintainer", "Architecture",
            "Multi-Arch", "Source", "Version", "Replaces", "Provides", "Depends", "Pre-Depends",
            "Breaks", "Conflicts", "Description")  # fmt: skip
    out = []
    for name in names:
        stanza = archive.packages[name]
        lines = []
        for key in keep:
            if key in stanza:
                value = stanza[key].split("\n")[0] if key == "Description" else stanza[key]
                lines.append(f"{key}: {value}")
            if key == "Package":
                lines.append("Status: install ok installed")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


SLIM_EXCLUDE = ("/usr/share/doc/", "/usr/share/groff/", "/usr/share/info/", "/usr/share/linda/",
                "/usr/share/lintian/overrides/", "/usr/share/locale/", "/usr/share/man/")  # fmt: skip
"""debuerreotype's slim ``path-exclude`` rules (``/etc/dpkg/dpkg.cfg.d/docker``);
``/usr/share/doc/*/copyright`` stays."""


def is_slim_excluded(path: str) -> bool:
    if path.startswith("/usr/share/doc/") and path.endswith("/copyright"):
        return False
    return path.startswith(SLIM_EXCLUDE)


def rootfs_rows(archive: Archive, names: list[str]) -> dict[str, list[Any]]:
    """Every path the packages ``names`` install, unbounded, path -> row (later packages win)."""
    table: dict[str, list[Any]] = {}
    for name in names:
        for row in deb_rows(archive.deb(name)):
            if row[1] == "d" and row[0] in table:
                continue
            table[row[0]] = row
    for old, new in _MERGED.items():  # usrmerge: /bin -> usr/bin ...
        if new in table or old == "/bin":
            table[old] = [old, "l", new.lstrip("/")]
    for name in ("passwd", "group"):  # base-passwd's update-passwd, then pwconv/grpconv: "x" for the password
        master = table.get(f"/usr/share/base-passwd/{name}.master")
        if master is not None and master[1] == "t":
            lines = [line.split(":") for line in master[3].splitlines() if line]
            text = "".join(":".join([f[0], "x", *f[2:]]) + "\n" for f in lines)
            table[f"/etc/{name}"] = [f"/etc/{name}", "t", "644", text]
    for link, target in (("/usr/bin/awk", "/usr/bin/mawk"), ("/usr/bin/which", "/usr/bin/which.debianutils"),
                         ("/usr/bin/pager", "/usr/bin/more")):  # fmt: skip
        if target in table and link not in table:
            alt = "/etc/alternatives/" + link.rsplit("/", 1)[1]
            table[link] = [link, "l", alt]
            table[alt] = [alt, "l", target]
    for directory in ("/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/usr/local/share", "/root",
                      "/home", "/tmp", "/var/tmp", "/run", "/proc", "/sys", "/dev", "/srv", "/mnt", "/opt"):  # fmt: skip
        table.setdefault(directory, [directory, "d", "1777" if directory.endswith("tmp") else "755"])
    table["/var/lib/dpkg/status"] = ["/var/lib/dpkg/status", "t", "644", status_text(archive, names)]
    return table


KEEP_DIRS = ("/usr/bin/", "/usr/sbin/", "/etc/", "/root/", "/var/lib/dpkg/", "/usr/local/")


def _always_kept(path: str, row: list[Any]) -> bool:
    if row[1] != "f":
        return True  # directories, symlinks and real text are small
    if path.startswith(KEEP_DIRS):
        return True
    base = posixpath.basename(path)
    return path.startswith(("/usr/lib/x86_64-linux-gnu/", "/usr/lib64/")) and ".so" in base


def bound(table: dict[str, list[Any]], top: int = 120) -> tuple[list[list[Any]], int]:
    """Rows in path order after the bounding rule, and how many files were folded.

    Kept: every directory, symlink and text row; every file under :data:`KEEP_DIRS` and every
    shared library; the ``top`` largest other files.  The others' bytes are added to the largest
    kept file (the totals stay right), and directories left empty by the folding go too.
    """
    needed = set()  # what the programs' symlinks point at stays (pdb3 -> ../lib/python3.13/pdb.py)
    for path, row in table.items():
        if row[1] == "l" and path.startswith(("/usr/bin/", "/usr/sbin/")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), row[2]))
            for _ in range(8):
                hop = table.get(target)
                if hop is None or hop[1] != "l":
                    break
                target = posixpath.normpath(posixpath.join(posixpath.dirname(target), hop[2]))
            needed.add(target)
    files = [(path, row) for path, row in table.items() if not _always_kept(path, row) and path not in needed]
    files.sort(key=lambda item: (-item[1][3], item[0]))
    dropped = files[top:]
    keep = dict(table)
    folded = 0
    for path, row in dropped:
        del keep[path]
        folded += row[3]
    if folded:
        largest = max((r for r in keep.values() if r[1] == "f"), key=lambda r: (r[3], r[0]))
        keep[largest[0]] = [*largest[:3], largest[3] + folded, *largest[4:]]
    parents = {posixpath.dirname(p) for p in keep}
    used: set[str] = set()
    for p in parents:
        while p not in used and p != "/":
            used.add(p)
            p = posixpath.dirname(p)
    had_children = {posixpath.dirname(p) for p in table}  # a directory empty in the packages too stays
    rows = [row for path, row in keep.items() if row[1] != "d" or path in used or path not in had_children]
    rows.sort(key=lambda r: r[0])
    return rows, len(dropped)


def total_bytes(rows: Iterable[list[Any]]) -> int:
    """What ``docker history`` counts: file sizes, text lengths and symlink target lengths."""
    size = 0
    for row in rows:
        if row[1] == "f":
            size += row[3]
        elif row[1] == "t":
            size += len(row[3].encode())
        elif row[1] == "l":
            size += len(row[2].encode())
    return size
