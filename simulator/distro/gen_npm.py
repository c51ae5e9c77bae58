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

The corpus of real Dockerfiles (``tests/corpus/dockerfiles``, :data:`CORPUS`, read when the
generator runs from a checkout) adds roots: the ranges of every ``package.json`` there
(``dependencies``, ``devDependencies``, ``optionalDependencies``: npm and yarn resolve dev
dependencies even when they install without them) with their closure, and every version a
lock file there pins (``package-lock.json`` versions 1 to 3, ``yarn.lock`` v1), for every
platform (``npm ci`` reads the whole lock; what it skips is its business), bundled ones left
out (they come inside their parent's tarball).  A pinned version adds no closure of its own:
the lock pins its dependencies too; only a dependency range that no catalogue version
satisfies (a peer npm 6 did not install) is resolved and followed, so that every range of the
catalogue resolves (:func:`simulator.distro.check_toolchains.check_npm`).

An alias (``"@vue/vue-loader-v15": "npm:vue-loader@^15.9.7"``) is followed as the package it
names.  A cached tarball is read only when it matches its ``dist.integrity`` (scoped and
unscoped packages can share a file name: ``@types/cookie`` and ``cookie`` both publish
``cookie-0.4.1.tgz``, so scoped ones are cached as ``@scope_name-version.tgz``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from simulator.distro.check_toolchains import alias_target, platform_ok, resolve
from simulator.distro.jsondata import generator_main
from simulator.distro.semver import InvalidRange, max_satisfying, satisfies

__all__ = ["CORPUS", "ROOTS", "corpus_roots", "main", "pick"]

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
    "@vue/cli": ("latest",),  # yarn global add @vue/cli (awesome-compose vuejs)
}  # fmt: skip
"""Packages tutorials use, with the ranges their ``package.json`` files write (and the global
installs their Dockerfiles run)."""

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "dockerfiles"
"""The corpus whose manifests and lock files are roots too (absent outside a checkout)."""

_YARN_ENTRY = re.compile(r'^"?((?:@[^@/"]+/)?[^@"]+)@[^\n]*:\n  version "([^"]+)"', re.MULTILINE)


def _lock_pins(lock: dict[str, Any]) -> set[tuple[str, str]]:
    """``(name, version)`` of every registry package ``package-lock.json`` pins (v1's nested
    ``dependencies`` or v2/v3's ``packages``), an alias as the package it names, bundled ones and URLs left out."""
    pins: set[tuple[str, str]] = set()
    for location, entry in (lock.get("packages") or {}).items():
        inside = location.startswith("node_modules/") or "/node_modules/" in location
        if inside and not entry.get("link") and not entry.get("inBundle"):
            name = entry.get("name") or location.rsplit("node_modules/", 1)[1]
            pins.add((name, str(entry.get("version", ""))))

    def walk(deps: dict[str, Any]) -> None:
        for name, entry in deps.items():
            version = str(entry.get("version", ""))
            if not entry.get("bundled"):  # v1 writes an alias as "version": "npm:vue-loader@15.10.1"
                pins.add(alias_target(version) if version.startswith("npm:") else (name, version))
            walk(entry.get("dependencies") or {})

    if not lock.get("packages"):
        walk(lock.get("dependencies") or {})
    return {(n, v) for n, v in pins if re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?", v)}


def corpus_roots(corpus: Path = CORPUS) -> tuple[list[tuple[str, str]], set[tuple[str, str]]]:
    """The corpus' roots: ``package.json`` ranges ``(name, range)`` and lock pins ``(name, version)``."""
    ranges: list[tuple[str, str]] = []
    pins: set[tuple[str, str]] = set()
    for path in sorted(corpus.glob("*/package.json")) if corpus.is_dir() else []:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        for key in ("dependencies", "devDependencies", "optionalDependencies"):
            ranges += sorted((manifest.get(key) or {}).items())
    for path in sorted(corpus.glob("*/package-lock.json")) if corpus.is_dir() else []:
        pins |= _lock_pins(json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(corpus.glob("*/yarn.lock")) if corpus.is_dir() else []:
        pins |= set(_YARN_ENTRY.findall(path.read_text(encoding="utf-8")))
    return ranges, pins


PLATFORM = {"os": "linux", "cpu": "x64"}


def _get(name: str, cache: Path) -> dict[str, Any]:
    """The package document of ``name`` (``{}`` when the registry has no such package)."""
    target = cache / (name.replace("/", "%2f") + ".json")
    if not target.exists():
        url = "https://registry.npmjs.org/" + urllib.parse.quote(name, safe="@")
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                target.write_bytes(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                raise
            print(f"{name}: not in the registry (404); skipped")
            return {}
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


def _intact(data: bytes, integrity: str) -> bool:
    """Whether ``data`` matches an SRI ``integrity`` (``sha512-<base64>``; ``sha1-`` of old packages)."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in ("sha512", "sha384", "sha256", "sha1"):
        return True
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == expected


def _tarball_files(entry: dict[str, Any], cache: Path) -> None:
    """Fill ``unpackedSize``, ``fileCount`` and ``files`` from the tarball itself (this registry
    mirror's documents lack ``dist.unpackedSize``): every member's real size, the largest kept."""
    url = entry["tarball"]
    scope = url.split("/-/")[0].rsplit("/", 2)[-2]  # "@types" in .../@types/cookie/-/cookie-0.4.1.tgz
    name = url.rsplit("/", 1)[-1]  # cookie-0.4.1.tgz: @types/cookie's as well as cookie's
    target = cache / "tarballs" / (f"{scope}_{name}" if scope.startswith("@") else name)
    if not target.exists() or not _intact(target.read_bytes(), entry["integrity"]):
        target.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(url, timeout=300) as response:
            data = response.read()
        if not _intact(data, entry["integrity"]):
            raise ValueError(f"{url}: the download does not match dist.integrity {entry['integrity']}")
        target.write_bytes(data)
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


def _unresolved(packages: dict[str, dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """The dependency ranges of the catalogue's versions that no catalogue version satisfies."""
    out = []
    for entry in packages.values():
        for ve in entry["versions"].values():
            for dep, dep_range in {**ve["dependencies"], **ve["peerDependencies"]}.items():
                try:
                    if dep not in packages or resolve(packages[dep], dep_range) is None:
                        out.append((dep, dep_range, True))
                except InvalidRange:
                    continue
    return sorted(set(out))


def generate(cache: Path) -> dict[str, Any]:
    """The catalogue: every root range and the closure of what it resolves to, and the corpus' pins."""
    packages: dict[str, dict[str, Any]] = {}
    ranges, pins = corpus_roots()
    todo: list[tuple[str, str, bool]] = [(n, r, True) for n, rs in ROOTS.items() for r in rs]
    todo += [(n, r, True) for n, r in ranges] + [(n, v, False) for n, v in sorted(pins)]
    docs: dict[str, dict[str, Any]] = {}
    tried: set[tuple[str, str, bool]] = set()
    followed: set[tuple[str, str]] = set()
    with ThreadPoolExecutor(8) as pool:
        while todo:
            names = sorted({n for n, r, _ in todo if n not in docs and not r.startswith("npm:")})
            for name, doc in zip(names, pool.map(lambda n: _get(n, cache), names), strict=True):
                docs[name] = doc
            batch, todo = todo, []
            for name, range_text, follow in batch:
                if range_text.startswith("npm:"):  # an alias: "npm:vue-loader@^15.9.7" installs vue-loader
                    todo.append((*alias_target(range_text), follow))
                    continue
                doc = docs[name]
                version = pick(doc, range_text) if doc else None
                if version is None:
                    print(f"{name}@{range_text}: no version; skipped")
                    continue
                entry = packages.setdefault(
                    name,
                    {"latest": doc.get("dist-tags", {}).get("latest", ""), "all_versions": list(doc.get("versions", {})),
                     "versions": {}},
                )  # fmt: skip
                if version not in entry["versions"]:
                    entry["versions"][version] = _version_entry(doc["versions"][version])
                ve = entry["versions"][version]
                if (
                    not follow or (name, version) in followed
                ):  # a lock's pin: the lock pins its dependencies too
                    continue
                followed.add((name, version))
                for dep, dep_range in {**ve["dependencies"], **ve["peerDependencies"]}.items():
                    todo.append((dep, dep_range, True))
                for dep, dep_range in ve["optionalDependencies"].items():
                    try:
                        sub = docs.get(dep) or _get(dep, cache)
                    except OSError:
                        continue
                    docs[dep] = sub
                    chosen = pick(sub, dep_range)
                    if chosen and platform_ok(sub["versions"][chosen], PLATFORM):
                        todo.append((dep, dep_range, True))
            if not todo:  # the pins' ranges no catalogue version satisfies, each tried once
                todo = [t for t in _unresolved(packages) if t not in tried]
                tried.update(todo)
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
            "(ROOTS and the package.json files of tests/corpus) and their dependency closure resolve to (for linux "
            "x64), and the versions the corpus' lock files pin: dependencies, optional and non-optional peer "
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
