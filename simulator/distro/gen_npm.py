"""Maintainer's generator of ``data/npm.json``: ``python -m simulator.distro.gen_npm [--cache DIR]``.

Never run by the library or the tests; a maintainer runs it to refresh the npm catalogue from
``https://registry.npmjs.org`` and commits the result.  For each root of :data:`ROOTS` (a package
and the ranges tutorials write for it) and the dependency closure of the versions they resolve
to, it reads the package document and keeps, per version: ``dependencies``,
``optionalDependencies`` and non-optional ``peerDependencies`` (npm 7 and later install peers),
``bin``, ``main``, ``os``/``cpu``/``libc``, ``hasInstallScript``, and ``dist.unpackedSize`` /
``dist.fileCount`` / ``dist.integrity`` / ``dist.tarball`` -- and, since a registry mirror may
leave ``unpackedSize`` out, it reads the tarball itself: every file's real size, the largest
:data:`KEEP` files kept (``package.json``, the bins and ``main`` always), the others' bytes
added to the largest kept one.  Per package it keeps every
published version number and the ``latest`` dist-tag, so that a range no version satisfies fails
as npm does (``ETARGET``) and a version the catalogue lacks is told apart from a typo.

A range resolves as npm's arborist resolves a new dependency: the ``latest`` tag when it
satisfies the range, else the highest version that does (:mod:`simulator.distro.semver`).
Optional dependencies for another platform (``os``/``cpu`` not ``linux``/``x64``) are left out.
"""

from __future__ import annotations

import io
import json
import tarfile
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from simulator.distro.check_toolchains import platform_ok
from simulator.distro.jsondata import generator_main
from simulator.distro.semver import InvalidRange, max_satisfying, satisfies

__all__ = ["ROOTS", "main", "pick"]

ROOTS: dict[str, tuple[str, ...]] = {
    "express": ("^4.18.2", "^5.0.0"), "react": ("^18.2.0", "^19.0.0"), "react-dom": ("^18.2.0", "^19.0.0"),
    "vite": ("^5.0.0", "^6.0.0", "latest"), "@vitejs/plugin-react": ("^4.0.0",), "next": ("^14.0.0", "^15.0.0"),
    "typescript": ("^5.0.0",), "nodemon": ("^3.0.0",), "lodash": ("^4.17.21",), "axios": ("^1.6.0",),
    "dotenv": ("^16.0.0", "latest"), "cors": ("^2.8.5",), "mongoose": ("^8.0.0",), "jest": ("^29.7.0",),
    "body-parser": ("^1.20.2",), "morgan": ("^1.10.0",), "pg": ("^8.11.0",), "mysql2": ("^3.6.0",),
    "jsonwebtoken": ("^9.0.0",), "bcryptjs": ("^2.4.3",), "uuid": ("^9.0.0",), "helmet": ("^7.0.0",),
    "@types/node": ("^20.0.0",), "@types/express": ("^4.17.21",), "@types/react": ("^18.2.0",),
    "@types/react-dom": ("^18.2.0",), "ts-node": ("^10.9.1",), "redis": ("^4.6.0",), "socket.io": ("^4.7.0",),
    "pm2": ("^5.3.0",), "serve": ("^14.2.0",), "http-server": ("^14.1.1",), "yarn": ("^1.22.0",),
    "pnpm": ("^9.0.0",), "eslint": ("^8.57.0",), "prettier": ("^3.0.0",), "tsx": ("^4.7.0",),
}  # fmt: skip
"""Packages tutorials use, with the ranges their ``package.json`` files write."""

PLATFORM = {"os": "linux", "cpu": "x64"}


def _get(name: str, cache: Path) -> dict[str, Any]:
    target = cache / (name.replace("/", "%2f") + ".json")
    if not target.exists():
        url = "https://registry.npmjs.org/" + urllib.parse.quote(name, safe="@")
        with urllib.request.urlopen(url, timeout=120) as response:
            target.write_bytes(response.read())
    return json.loads(target.read_bytes())


def pick(doc: dict[str, Any], range_text: str) -> str | None:
    """The version npm installs for ``range_text``: ``latest`` when it satisfies it, else the highest."""
    latest = doc.get("dist-tags", {}).get("latest")
    if range_text in doc.get("dist-tags", {}):
        return str(doc["dist-tags"][range_text])
    try:
        if latest and satisfies(latest, range_text):
            return str(latest)
        return max_satisfying(doc.get("versions", {}), range_text)
    except InvalidRange:
        return None


def _version_entry(meta: dict[str, Any]) -> dict[str, Any]:
    dist = meta.get("dist", {})
    peers_meta = meta.get("peerDependenciesMeta") or {}
    peers = {
        n: r
        for n, r in (meta.get("peerDependencies") or {}).items()
        if not peers_meta.get(n, {}).get("optional")
    }
    entry: dict[str, Any] = {
        "dependencies": meta.get("dependencies") or {},
        "optionalDependencies": meta.get("optionalDependencies") or {},
        "peerDependencies": peers,
        "bin": (
            {meta["name"].split("/")[-1]: meta["bin"]}
            if isinstance(meta.get("bin"), str)
            else meta.get("bin")
        )
        or {},
        "main": meta.get("main") or "index.js",
        "license": meta.get("license") if isinstance(meta.get("license"), str) else "",
        "unpackedSize": dist.get("unpackedSize") or 0,
        "fileCount": dist.get("fileCount") or 0,
        "integrity": dist.get("integrity") or "",
        "tarball": dist.get("tarball") or "",
    }
    for key in ("os", "cpu", "libc"):
        if meta.get(key):
            entry[key] = meta[key]
    if meta.get("hasInstallScript"):
        entry["hasInstallScript"] = True
    return entry


KEEP = 12
"""How many files of a package the catalogue keeps (``package.json``, the bins, the largest others)."""


def _tarball_files(entry: dict[str, Any], cache: Path) -> None:
    """Fill ``unpackedSize``, ``fileCount`` and ``files`` from the tarball itself (this registry
    mirror's documents lack ``dist.unpackedSize``): every member's real size, the largest kept."""
    url = entry["tarball"]
    target = cache / "tarballs" / url.rsplit("/", 1)[-1].replace("%2f", "_")
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(url, timeout=300) as response:
            target.write_bytes(response.read())
    rows: list[list[Any]] = []
    with tarfile.open(fileobj=io.BytesIO(target.read_bytes()), mode="r:*") as tar:
        for member in tar.getmembers():
            if member.isfile():
                name = member.name.split("/", 1)[1] if "/" in member.name else member.name
                rows.append([name, member.size, "755" if member.mode & 0o111 else "644"])
    entry["unpackedSize"] = sum(r[1] for r in rows)
    entry["fileCount"] = len(rows)
    bins = {b.lstrip("./") for b in entry["bin"].values()}
    main = entry["main"].lstrip("./")
    kept = [r for r in rows if r[0] == "package.json" or r[0] in bins or r[0] in (main, main + ".js")]
    kept += sorted((r for r in rows if r not in kept), key=lambda r: -r[1])[: max(0, KEEP - len(kept))]
    rest = entry["unpackedSize"] - sum(r[1] for r in kept)
    host = max((r for r in kept if r[0] != "package.json"), key=lambda r: r[1], default=None)
    if host is not None:
        host[1] += rest
    entry["files"] = sorted(kept)


def generate(cache: Path) -> dict[str, Any]:
    """The catalogue: every root range and the closure of what it resolves to."""
    packages: dict[str, dict[str, Any]] = {}
    todo: list[tuple[str, str]] = [(n, r) for n, ranges in ROOTS.items() for r in ranges]
    docs: dict[str, dict[str, Any]] = {}
    with ThreadPoolExecutor(8) as pool:
        while todo:
            names = sorted({n for n, _ in todo if n not in docs})
            for name, doc in zip(names, pool.map(lambda n: _get(n, cache), names), strict=True):
                docs[name] = doc
            batch, todo = todo, []
            for name, range_text in batch:
                doc = docs[name]
                version = pick(doc, range_text)
                if version is None:
                    print(f"{name}@{range_text}: no version; skipped")
                    continue
                entry = packages.setdefault(
                    name,
                    {"latest": doc.get("dist-tags", {}).get("latest", ""), "all_versions": list(doc.get("versions", {})),
                     "versions": {}},
                )  # fmt: skip
                if version in entry["versions"]:
                    continue
                meta = doc["versions"][version]
                ve = _version_entry(meta)
                entry["versions"][version] = ve
                for dep, dep_range in {**ve["dependencies"], **ve["peerDependencies"]}.items():
                    todo.append((dep, dep_range))
                for dep, dep_range in ve["optionalDependencies"].items():
                    try:
                        sub = docs.get(dep) or _get(dep, cache)
                    except OSError:
                        continue
                    docs[dep] = sub
                    chosen = pick(sub, dep_range)
                    if chosen and platform_ok(sub["versions"][chosen], PLATFORM):
                        todo.append((dep, dep_range))
            print(f"{len(packages)} packages, {len(todo)} edges to follow")
    with ThreadPoolExecutor(8) as pool:
        jobs = [ve for entry in packages.values() for ve in entry["versions"].values()]
        list(pool.map(lambda ve: _tarball_files(ve, cache), jobs))
    for entry in packages.values():
        entry["versions"] = dict(sorted(entry["versions"].items()))
    return {
        "_comment": [
            "The npm catalogue of simulator.userland.npm, made by python -m simulator.distro.gen_npm from "
            "https://registry.npmjs.org package documents (see that module).",
            "Per package: the latest dist-tag, every published version, and for the versions the roots' ranges "
            "and their dependency closure resolve to (for linux x64): dependencies, optional and non-optional peer "
            "dependencies, bin, main, dist.integrity and dist.tarball; unpackedSize, fileCount and the files (the "
            f"{KEEP} kept: package.json, bins, main, the largest; the others' bytes added to the largest kept) are read "
            "from the tarball itself.",
        ],
        "packages": dict(sorted(packages.items())),
    }


def main(argv: list[str] | None = None) -> int:
    return generator_main(argv, __doc__, generate, "/tmp/layerlab-npm-cache", "npm.json")


if __name__ == "__main__":
    raise SystemExit(main())
