"""npm's dependency tree over the catalogue of ``data/npm.json``: resolution, hoisting, lock files.

- a range resolves as arborist resolves a new edge: a copy already visible from the dependent
  that satisfies it is reused; otherwise the ``latest`` tag when it satisfies the range, else
  the highest version (:func:`simulator.distro.check_toolchains.resolve`);
- a new copy goes as high as it can (npm's hoisted layout, ``node_modules/<name>``): up from the
  dependent's own ``node_modules`` to the root, stopping below the first copy of that name that
  does not satisfy the range (so ``express``'s ``debug@2`` sits at the root and ``nodemon``'s
  ``debug@4`` in ``node_modules/nodemon/node_modules``), and below a place where it would break
  an edge (arborist's ``CanPlaceDep``: that directory's own package needs another version, or a
  package under it reaches a copy above that the new one would shadow);
- the queue is breadth first, dependents in path order, their edges in name order;
- a package is ``dev`` when only ``devDependencies`` reach it, ``optional`` when only
  ``optionalDependencies`` do; optional ones for another platform are skipped (os/cpu/libc).

The tree is a dict ``location -> Node`` (``"node_modules/a/node_modules/b"``), the same keys as
``package-lock.json`` version 3's ``packages``.
"""

from __future__ import annotations

import heapq
import itertools
import posixpath
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from simulator.distro.check_toolchains import alias_target, platform_ok, resolve
from simulator.distro.jsondata import load
from simulator.distro.semver import InvalidRange, satisfies

__all__ = ["Gap", "Node", "build_tree", "lock_document", "npm_catalogue", "parse_yarn_lock", "tree_from_lock"]


@cache
def npm_catalogue() -> dict[str, Any]:
    """Package name -> ``latest``, ``all_versions``, ``versions`` (version -> metadata)."""
    return dict(load("npm.json")["packages"])


class Gap(Exception):
    """A dependency npm would fail on (``ETARGET``, ``E404``) or the catalogue lacks; ``args[0]``
    is npm's message, ``gap`` True when the registry has it but layerlab's catalogue does not."""

    def __init__(self, message: str, *, gap: bool, name: str, code: str) -> None:
        super().__init__(message)
        self.gap = gap
        self.name = name
        self.code = code


@dataclass
class Node:
    """One package in ``node_modules``."""

    name: str
    version: str
    location: str
    dev: bool = True
    optional: bool = True
    edges: dict[str, str] = field(default_factory=dict)
    package: str = ""
    """The package installed when ``name`` is an alias (``"@vue/vue-loader-v15": "npm:vue-loader@^15"``)."""

    @property
    def pkg(self) -> str:
        """The registry package: ``package`` for an alias, else ``name``."""
        return self.package or self.name

    @property
    def meta(self) -> dict[str, Any]:
        return dict(npm_catalogue()[self.pkg]["versions"][self.version])


def _pick(name: str, range_text: str) -> str:
    cat = npm_catalogue()
    entry = cat.get(name)
    if range_text.startswith(("file:", "link:", "git", "http", "github:")):
        raise Gap(f"{name}@{range_text}: layerlab installs packages from the registry only", gap=True, name=name,
                  code="EUNSUPPORTEDPROTOCOL")  # fmt: skip
    if entry is None:
        raise Gap(
            f"404 Not Found - GET https://registry.npmjs.org/{name} - Not found",
            gap=True,
            name=name,
            code="E404",
        )
    if range_text in ("latest", "", "*") and entry["latest"] in entry["versions"]:
        return str(entry["latest"])
    try:
        found = resolve(entry, range_text)
    except InvalidRange:
        raise Gap(f"Invalid tag name \"{range_text}\" of package \"{name}@{range_text}\"", gap=False, name=name,
                  code="EINVALIDTAGNAME") from None  # fmt: skip
    if found is None:
        real = any(satisfies(v, range_text) for v in entry["all_versions"])  # the registry has one
        raise Gap(f"No matching version found for {name}@{range_text}.", gap=real, name=name, code="ETARGET")
    return found


def _parent_dirs(location: str) -> list[str]:
    """The ``node_modules`` owners from ``location`` up to the root: ``["a/..../b", ..., ""]``."""
    out = [location]
    while location:
        cut = location.rfind("/node_modules/")
        location = location[:cut] if cut >= 0 else ""
        out.append(location)
    return out


def _child(owner: str, name: str) -> str:
    return f"{owner}/node_modules/{name}" if owner else f"node_modules/{name}"


def parse_yarn_lock(text: str) -> dict[tuple[str, str], str]:
    """``yarn.lock`` v1 as ``(name, range) -> version``: each entry's header names the specs
    (``"@babel/core@^7.12.0", "@babel/core@^7.16.0":``) its ``version`` line resolves."""
    out: dict[tuple[str, str], str] = {}
    specs: list[str] = []
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")) and line.endswith(":"):
            specs = [spec.strip().strip('"') for spec in line[:-1].split(",")]
        elif line.startswith("  version ") and specs:
            version = line.split(None, 1)[1].strip().strip('"')
            for spec in specs:
                at = spec.find("@", 1)
                if at > 0:
                    out[(spec[:at], spec[at + 1 :])] = version
            specs = []
    return out


def build_tree(
    manifest: dict[str, Any],
    *,
    libc: str = "glibc",
    locked: dict[tuple[str, str], str] | None = None,
    start: dict[str, Node] | None = None,
) -> dict[str, Node]:
    """The hoisted tree for ``package.json`` ``manifest`` (dev and optional ones marked).

    ``locked``: the versions a ``yarn.lock`` gives ``(name, range)`` edges, used before resolving.
    ``start``: the tree of a ``package-lock.json`` (:func:`tree_from_lock`) that ``npm install``
    starts from, as arborist builds its ideal tree from the lock: only the edges it leaves
    unsatisfied are resolved, and a package nothing reaches any more goes."""
    tree: dict[str, Node] = dict(start or {})
    wanters: dict[str, list[Node]] = {}
    for node in tree.values():
        for edge in node.edges:
            wanters.setdefault(edge, []).append(node)
    queue: list[tuple[str, Node | None, dict[str, str], dict[str, str], bool, bool]] = [
        ("", None, {**manifest.get("dependencies", {}), **manifest.get("optionalDependencies", {})},
         dict(manifest.get("optionalDependencies", {})), False, False),
        ("", None, dict(manifest.get("devDependencies", {})), {}, True, False),
    ]  # fmt: skip
    if start:  # the lock's packages whose own edges are not all satisfied
        for node in tree.values():
            meta = node.meta
            queue.append((node.location, node, node.edges, dict(meta.get("optionalDependencies", {})), node.dev,
                          node.optional))  # fmt: skip
    # taken in (depth, location) order, the first queued first among equals: a heap (sorting the
    # whole queue before each take was quadratic in a big tree, ~1,800 packages for @vue/cli)
    order = itertools.count()
    heap = [(q[0].count("/node_modules/"), q[0], next(order), q) for q in queue]
    heapq.heapify(heap)
    while heap:
        owner, owner_node, deps, optional, dev, opt = heapq.heappop(heap)[3]
        if owner_node is not None and tree.get(owner) is not owner_node:
            continue  # replaced or pruned since it was queued
        for name in sorted(deps):
            range_text = deps[name]
            pkg, real_range = (
                alias_target(range_text) if range_text.startswith("npm:") else (name, range_text)
            )
            owners = _parent_dirs(owner)
            visible = next((o for o in owners if _child(o, name) in tree), None)
            if visible is not None:
                node = tree[_child(visible, name)]
                if node.pkg == pkg and _valid(node.version, real_range):
                    continue
            try:
                version = (locked or {}).get((name, range_text)) or _pick(pkg, real_range)
                if version not in npm_catalogue().get(pkg, {}).get("versions", {}):
                    known = version in npm_catalogue().get(pkg, {}).get("all_versions", ())
                    raise Gap(f"{pkg}@{version}", gap=known or pkg not in npm_catalogue(), name=pkg,
                              code="ECATALOGUE")  # fmt: skip
            except Gap:
                if name in optional:
                    continue
                raise
            meta = npm_catalogue()[pkg]["versions"][version]
            if name in optional and not platform_ok(meta, {"os": "linux", "cpu": "x64", "libc": libc}):
                continue
            stop = owners.index(visible) if visible is not None else len(owners)
            place = owner
            for target in owners[1:stop]:  # as high as it can go without shadowing a copy another needs
                if _conflicts(tree, manifest, wanters.get(name, []), target, name, pkg, version):
                    break
                place = target
            else:  # up to the copy in the way: replaced when newer and no one else needs the old one
                if start and visible is not None and stop > 0:
                    current = tree[_child(visible, name)]
                    newer = current.pkg == pkg and _valid(version, f">={current.version}")
                    if newer and not _breaks(tree, manifest, wanters.get(name, []), current, name, version):
                        place = visible
            location = _child(place, name)
            replaced = location in tree
            if replaced:  # its own node_modules goes with it
                for gone in [k for k in tree if k.startswith(location + "/node_modules/")]:
                    del tree[gone]
            node = Node(name, version, location, dev=dev, optional=opt or name in optional,
                        package=pkg if pkg != name else "")  # fmt: skip
            node.edges = {**meta.get("dependencies", {}), **meta.get("optionalDependencies", {}),
                          **meta.get("peerDependencies", {})}  # fmt: skip
            tree[location] = node
            for edge in node.edges:
                wanters.setdefault(edge, []).append(node)
            item = (
                location,
                node,
                node.edges,
                dict(meta.get("optionalDependencies", {})),
                node.dev,
                node.optional,
            )
            heapq.heappush(heap, (location.count("/node_modules/"), location, next(order), item))
            if replaced and start:  # arborist's pruneForReplacement: the copies the new one cannot
                for dep, dep_range in node.edges.items():  # use go, and what only the old ones needed
                    cur = _visible(tree, location, dep)
                    dep_pkg, dep_real = (
                        alias_target(dep_range) if dep_range.startswith("npm:") else (dep, dep_range)
                    )
                    if cur is not None and not (cur.pkg == dep_pkg and _valid(cur.version, dep_real)):
                        for gone in [
                            k for k in tree if k == cur.location or k.startswith(cur.location + "/")
                        ]:
                            del tree[gone]
                _prune(tree, manifest)
    if start:
        _prune(tree, manifest)
    _flags(tree, manifest)
    return dict(sorted(tree.items()))


def _prune(tree: dict[str, Node], manifest: dict[str, Any]) -> None:
    """Remove the packages no edge from the root reaches any more (npm's extraneous ones)."""
    seen = _reached(tree, manifest)
    for location in [k for k in tree if k not in seen]:
        del tree[location]


def _root_ranges(manifest: dict[str, Any]) -> dict[str, str]:
    """The project's own edges: its dependencies, devDependencies and optionalDependencies."""
    return {
        **manifest.get("dependencies", {}),
        **manifest.get("devDependencies", {}),
        **manifest.get("optionalDependencies", {}),
    }


def _reached(tree: dict[str, Node], manifest: dict[str, Any]) -> set[str]:
    """The locations the root's edges reach, through the packages' edges."""
    todo = [("", name) for name in _root_ranges(manifest)]
    seen: set[str] = set()
    while todo:
        owner, name = todo.pop()
        node = _visible(tree, owner, name)
        if node is None or node.location in seen:
            continue
        seen.add(node.location)
        todo += [(node.location, dep) for dep in node.edges]
    return seen


def _breaks(
    tree: dict[str, Node],
    manifest: dict[str, Any],
    wanters: list[Node],
    current: Node,
    name: str,
    version: str,
) -> bool:
    """Whether replacing ``current`` by ``version`` breaks an edge that reaches it (arborist's
    ``canReplaceWith``)."""
    if current.location == f"node_modules/{name}":
        roots = _root_ranges(manifest)
        if name in roots and not _valid(version, roots[name]):
            return True
    return any(
        tree.get(node.location) is node
        and _visible(tree, node.location, name) is current
        and not _valid(version, node.edges[name])
        for node in wanters
    )


@lru_cache(maxsize=1 << 16)
def _valid(version: str, range_text: str) -> bool:
    """``satisfies``, remembered (a tree asks the same pairs thousands of times); a range npm
    reads as a tag or URL counts as satisfied."""
    try:
        return satisfies(version, range_text)
    except InvalidRange:
        return True


def _conflicts(
    tree: dict[str, Node],
    manifest: dict[str, Any],
    wanters: list[Node],
    target: str,
    name: str,
    pkg: str,
    version: str,
) -> bool:
    """Whether ``pkg@version`` in ``target``'s ``node_modules`` (as ``name``) would break an edge
    (arborist's ``CanPlaceDep``): ``target``'s own edge to ``name``, or the edge of a package
    below ``target`` that now reaches a copy above it and that the new copy does not satisfy
    (``send``'s ``ms@2.1.3`` keeps ``debug@2``'s ``ms@2.0.0`` out of ``send/node_modules``)."""
    own = _root_ranges(manifest) if not target else tree[target].edges
    if name in own and not own[name].startswith("npm:") and not _valid(version, own[name]):
        return True
    current = _visible(tree, target, name)
    if current is None:
        return False
    below = target + "/node_modules/" if target else "node_modules/"
    for node in wanters:  # the packages with an edge to name
        if tree.get(node.location) is not node:
            continue  # replaced or pruned
        range_text = node.edges.get(name)
        if range_text is None or not node.location.startswith(below) or range_text.startswith("npm:"):
            continue
        reaches = _visible(tree, node.location, name) is current and _valid(current.version, range_text)
        if reaches and (not _valid(version, range_text) or pkg != current.pkg):
            return True
    return False


def _visible(tree: dict[str, Node], owner: str, name: str) -> Node | None:
    return next((tree[_child(o, name)] for o in _parent_dirs(owner) if _child(o, name) in tree), None)


def _flags(tree: dict[str, Node], manifest: dict[str, Any]) -> None:
    """npm's calcDepFlags: ``dev`` unless a production edge reaches the node from the root,
    ``optional`` unless a required edge does."""
    for node in tree.values():
        node.dev = node.optional = True

    def walk(starts: dict[str, str], attr: str, follow_optional: bool) -> None:
        todo = [("", name) for name in starts]
        seen: set[str] = set()
        while todo:
            owner, name = todo.pop()
            node = _visible(tree, owner, name)
            if node is None or node.location in seen:
                continue
            seen.add(node.location)
            setattr(node, attr, False)
            meta = node.meta
            edges = {**meta.get("dependencies", {}), **meta.get("peerDependencies", {})}
            if follow_optional:
                edges.update(meta.get("optionalDependencies", {}))
            todo += [(node.location, dep) for dep in edges]

    walk({**manifest.get("dependencies", {}), **manifest.get("optionalDependencies", {})}, "dev", True)
    walk({**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}, "optional", False)


def lock_document(manifest: dict[str, Any], tree: dict[str, Node]) -> dict[str, Any]:
    """``package-lock.json`` (lockfileVersion 3) for ``manifest`` and ``tree``."""
    root: dict[str, Any] = {k: manifest[k] for k in ("name", "version") if k in manifest}
    for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        if manifest.get(key):
            root[key] = manifest[key]
    packages: dict[str, Any] = {"": root}
    for location, node in tree.items():
        meta = node.meta
        entry: dict[str, Any] = {"name": node.pkg} if node.package else {}
        entry |= {
            "version": node.version,
            "resolved": meta["tarball"],
            "integrity": meta["integrity"],
        }
        if node.dev:
            entry["dev"] = True
        if node.optional and not node.dev:
            entry["optional"] = True
        if meta.get("license"):
            entry["license"] = meta["license"]
        for key in ("dependencies", "optionalDependencies", "peerDependencies"):
            if meta.get(key):
                entry[key] = meta[key]
        if meta.get("bin"):
            entry["bin"] = meta["bin"]
        for key in ("os", "cpu", "libc"):
            if meta.get(key):
                entry[key] = meta[key]
        packages[location] = entry
    return {"name": manifest.get("name", ""), "version": manifest.get("version", ""), "lockfileVersion": 3,
            "requires": True, "packages": packages}  # fmt: skip


def tree_from_lock(lock: dict[str, Any]) -> dict[str, Node]:
    """The tree a lock file describes (``npm ci``): raises :class:`Gap` for a version the catalogue lacks."""
    tree: dict[str, Node] = {}
    cat = npm_catalogue()
    packages = lock.get("packages")
    if not packages and lock.get("dependencies"):  # lockfileVersion 1 (npm 5/6): nested "dependencies"
        packages = {}

        def flatten(prefix: str, deps: dict[str, Any]) -> None:
            for name, entry in deps.items():
                location = f"{prefix}node_modules/{name}"
                packages[location] = entry
                flatten(location + "/", entry.get("dependencies") or {})

        flatten("", lock["dependencies"])
    for location, entry in (packages or {}).items():
        if not location or entry.get("link") or not location.startswith("node_modules/"):
            continue
        if entry.get("inBundle") or entry.get("bundled"):  # inside its parent's tarball
            continue
        alias = location.rsplit("node_modules/", 1)[1]
        name = entry.get("name") or alias
        version = str(entry.get("version", ""))
        if version.startswith("npm:"):  # lockfileVersion 1's alias: "version": "npm:vue-loader@15.10.1"
            name, version = alias_target(version)
        if name not in cat or version not in cat[name]["versions"]:
            real = name in cat and version in cat[name]["all_versions"]
            raise Gap(f"{name}@{version}", gap=real or name not in cat, name=name, code="ECATALOGUE")
        node = Node(alias, version, location, dev=bool(entry.get("dev")),
                    optional=bool(entry.get("optional")), package=name if name != alias else "")  # fmt: skip
        meta = cat[name]["versions"][version]
        node.edges = {**meta.get("dependencies", {}), **meta.get("optionalDependencies", {}),
                      **meta.get("peerDependencies", {})}  # fmt: skip
        tree[location] = node
    return tree


def parent_of(location: str) -> str:
    """The location of the package whose ``node_modules`` holds ``location`` (``""``: the root)."""
    cut = location.rfind("/node_modules/")
    return location[:cut] if cut >= 0 else ""


def package_dir(base: str, location: str) -> str:
    return posixpath.join(base, location)
