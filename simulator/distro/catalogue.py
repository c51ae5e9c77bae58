"""The package catalogue: what ``apt-get``, ``apk`` and ``pip`` can install, and in which order.

The data is ``data/packages.json`` (Debian 12 for apt, Alpine 3.20 for apk, PyPI for pip; the
file's ``_comment`` says where its figures come from).  This module reads it and answers the
questions that are about the data, not about a command: which packages a section holds, which
ones an install pulls in (dependencies first), and the text of Alpine's installed database.
The commands themselves are in :mod:`simulator.userland.packages`.

Rows of a package's ``files`` use the layer format (``[path, "f", mode, size]``,
``[path, "l", target]``, ``[path, "d", mode]``); a pip package's files are ``[relative path, size]``.

Examples:
    >>> apt_resolve(["curl"], {}, recommends=False)[0][-1]
    'curl'
    >>> pip_order(["requests"])
    ['charset-normalizer', 'idna', 'urllib3', 'certifi', 'requests']
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from simulator.distro.jsondata import DATA, load

__all__ = [
    "alternatives",
    "apk_base_names",
    "apk_installed_db",
    "apk_order",
    "apk_section",
    "apt_resolve",
    "apt_section",
    "catalogue",
    "pip_order",
    "pip_packages",
]


def catalogue(root: Path = DATA) -> dict[str, Any]:
    """The whole catalogue (``apt``, ``apk``, ``pip`` sections), loaded once."""
    return load("packages.json", root)


# ----------------------------------------------------------------------------- apt
def apt_section(root: Path = DATA) -> dict[str, Any]:
    """``packages`` (name -> ``meta``, ``deb_size``, ``files``), ``base`` (the debian:12 packages) and ``lists``."""
    return catalogue(root)["apt"]


def alternatives(field: str) -> list[list[str]]:
    """A Depends-style field as groups of alternatives: ``"a (>= 1) | b, c:any"`` -> ``[["a", "b"], ["c"]]``."""
    out = []
    for part in field.split(","):
        names = [alt.strip().split(" ")[0].split(":")[0] for alt in part.split("|") if alt.strip()]
        if names:
            out.append(names)
    return out


def _providers() -> dict[str, list[str]]:
    """Virtual package -> the catalogue packages whose ``Provides`` name it (in name order)."""
    out: dict[str, list[str]] = {}
    for name, p in sorted(apt_section()["packages"].items()):
        for alts in alternatives(p["meta"].get("Provides", "")):
            out.setdefault(alts[0], []).append(name)
    return out


def apt_resolve(
    wanted: list[str], installed: dict[str, str], recommends: bool
) -> tuple[list[str], str | None]:
    """Packages to install, dependencies first; or the name apt cannot locate."""
    section = apt_section()
    packages = section["packages"]
    provided = {name for name in installed} | set(section["base"]) | set(section.get("base_provides", ()))
    providers = _providers()
    for name in installed:
        provided |= {v for v, who in providers.items() if name in who}
    order: list[str] = []
    seen: set[str] = set()

    def have(name: str) -> bool:  # installed, chosen, or a virtual package one of those provides
        return name in provided or name in seen or any(p in seen for p in providers.get(name, ()))

    def visit(name: str) -> None:
        if name in seen or name in provided:
            return
        seen.add(name)
        meta = packages[name]["meta"]
        fields = [meta.get("Pre-Depends", ""), meta.get("Depends", "")]
        if recommends:
            fields.append(meta.get("Recommends", ""))
        for field in fields:
            for alts in alternatives(field):
                if any(have(a) for a in alts):
                    continue
                # a real package first (apt's order), else the provider of a virtual one (libc-dev)
                choice = next((a for a in alts if a in packages), None) or next(
                    (p for a in alts for p in providers.get(a, ()) if p in packages), None
                )
                if choice is not None:
                    visit(choice)
        order.append(name)

    for name in wanted:
        if name not in packages and name not in provided:
            return [], name
    for name in wanted:
        visit(name)
    return order, None


# ----------------------------------------------------------------------------- apk
def apk_section(root: Path = DATA) -> dict[str, Any]:
    """``packages`` (name -> ``version``, ``installed_size`` in KiB, ``depends``, ``files`` ...) and ``index``."""
    return catalogue(root)["apk"]


def apk_base_names(root: Path = DATA) -> list[str]:
    """The packages of the alpine image."""
    return sorted(n for n, p in apk_section(root)["packages"].items() if p.get("base"))


def apk_installed_db(names: Iterable[str], root: Path = DATA) -> str:
    """``/lib/apk/db/installed`` for ``names`` (P/V/A/S/I/T/D lines, then the files)."""
    out = []
    for name in names:
        p = apk_section(root)["packages"][name]
        lines = [f"P:{name}", f"V:{p['version']}", "A:x86_64", f"S:{max(1, p['installed_size'] * 400)}",
                 f"I:{p['installed_size'] * 1024}", f"T:{p['description']}", "o:" + name]  # fmt: skip
        if p["depends"]:
            lines.append("D:" + " ".join(p["depends"]))
        current = None
        for row in p["files"]:
            directory, base = posixpath.split(row[0].lstrip("/"))
            if directory != current:
                lines.append(f"F:{directory}")
                current = directory
            lines.append(f"R:{base}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out) + "\n"


def apk_order(names: Iterable[str], installed: Iterable[str]) -> list[str]:
    """The packages ``apk add names`` installs, dependencies first (those in ``installed`` are skipped)."""
    packages = apk_section()["packages"]
    have = set(installed)
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order or name in have:
            return
        for dep in packages[name]["depends"]:
            if dep in packages:
                visit(dep)
        order.append(name)

    for name in names:
        visit(name)
    return order


# ----------------------------------------------------------------------------- pip
def pip_packages(root: Path = DATA) -> dict[str, Any]:
    """Name -> ``version``, ``wheel_size``, ``depends`` and ``files`` (``[relative path, size]``)."""
    return catalogue(root)["pip"]["packages"]


def pip_order(names: Iterable[str]) -> list[str]:
    """The distributions ``pip install names`` considers, dependencies first (installed ones included)."""
    packages = pip_packages()
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dep in packages[name]["depends"]:
            visit(dep)
        order.append(name)

    for name in names:
        visit(name)
    return order
