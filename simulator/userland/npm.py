# Long module: npm, yarn and pnpm share the install, the lock files and the cache model;
# yarn and pnpm (a third of it) could move to their own module when they grow.
"""``npm``, ``npx``, ``yarn``, ``pnpm`` and ``corepack`` over the npm catalogue (``data/npm.json``).

The catalogue (made by :mod:`simulator.distro.gen_npm` from registry.npmjs.org and the
packages' tarballs) holds, for the versions tutorials' ranges resolve to and their closure, the
dependencies, bins and every file's real size.  The tree is npm's hoisted layout
(:mod:`simulator.userland._npmtree`); each package directory gets its ``package.json`` and its
largest files with their real sizes (the bytes of the others in the largest one), so a
``node_modules`` weighs what the real one weighs.

- ``npm install`` / ``npm i`` (writes ``package-lock.json`` and ``node_modules/.package-lock.json``;
  an existing lock's versions kept: all of them when it is in sync, else the tree is built from
  it as arborist does, :func:`simulator.userland._npmtree.build_tree`'s ``start``),
  ``npm install PKG[@RANGE]`` (adds ``^VERSION`` to ``package.json``), ``npm install -g PKG``
  (``/usr/local/lib/node_modules``, bins in ``/usr/local/bin``); ``npm ci`` (needs the lock
  file, removes ``node_modules`` first, installs the lock's versions); ``--omit=dev``,
  ``--production``, ``--only=prod`` and ``NODE_ENV=production`` leave out dev dependencies;
- the cache ``$HOME/.npm/_cacache``: per package its tarball (modelled as 0.30 x the unpacked
  size: measured ratio for express 4 + nodemon 3 with npm 11, 1,168,149 / 3,876,069 bytes), its
  package document (41.9 kB: the mean measured there) and 3 index entries of 447 bytes (one file);
- ``npm run NAME`` runs the script through the shell with ``node_modules/.bin`` on ``PATH``,
  printing npm's banner; ``npm test``/``npm start`` are ``npm run test``/``start``;
- ``yarn install [--frozen-lockfile] [--production]`` (the versions of an existing ``yarn.lock``
  kept) and ``yarn global add`` (``yarn.lock`` v1,
  cache ``/usr/local/share/.cache/yarn/v6``), ``pnpm install [--frozen-lockfile] [--prod]`` (content-addressed
  store ``/root/.local/share/pnpm/store/v3``, ``node_modules/.pnpm/NAME@VERSION`` hard-linked from
  it, symlinks for the direct dependencies), ``npx BIN`` and ``corepack enable``.

Build tools that ``npm run build`` meets (``vite build``, ``tsc``, ``react-scripts build``) are
in :mod:`simulator.userland.jsbuild`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import posixpath
from typing import Any

from simulator.distro.synthetic import synthetic_bytes
from simulator.model.fs import FileSystem
from simulator.userland._hints import catalogue_gap
from simulator.userland._npmtree import (
    Gap,
    Node,
    build_tree,
    lock_document,
    npm_catalogue,
    parse_yarn_lock,
    tree_from_lock,
)
from simulator.userland._tree import (
    exists,
    is_dir,
    put_file,
    read_json,
    read_text,
    remove_tree,
    write,
)
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = ["install_tree", "npm"]

NPM_VERSION = "10.8.2"  # the npm of node:20 images
TARBALL_RATIO = 0.30
PACKUMENT_BYTES = 41_900
INDEX_BYTES = 447


def _error(ctx: ExecContext, code: str, lines: list[str]) -> int:
    ctx.err(f"npm error code {code}\n" + "".join(f"npm error {line}".rstrip() + "\n" for line in lines))
    ctx.err(f"npm error A complete log of this run can be found in: {ctx.env.get('HOME', '/root')}/.npm/_logs/"
            "2025-01-01T00_00_00_000Z-debug-0.log\n")  # fmt: skip
    return 1


def _gap_error(ctx: ExecContext, exc: Gap) -> int:
    if exc.code == "ETARGET":
        status = _error(ctx, "ETARGET", [f"notarget {exc}", "notarget In most cases you or one of your dependencies "
                                         "are requesting a package version that doesn't exist."])  # fmt: skip
    elif exc.code == "E404":
        status = _error(ctx, "E404", [str(exc), "404", f"404  '{exc.name}@*' is not in this registry."])
    else:
        status = _error(ctx, exc.code, [str(exc)])
    if exc.gap:
        ctx.err(catalogue_gap(exc.name, "npm", sorted(npm_catalogue())))
    return status


def _libc(fs: FileSystem) -> str:
    return "musl" if exists(fs, "/etc/alpine-release") else "glibc"


def _mkdirs(fs: FileSystem, path: str, made: set[str]) -> None:
    """``mkdir -p path`` remembering in ``made`` what exists (``fs.makedirs`` stats every
    component, and a ``stat`` of a big ``node_modules`` counts its subdirectories)."""
    if path in made or path == "/":
        return
    _mkdirs(fs, posixpath.dirname(path), made)
    with contextlib.suppress(FileExistsError):
        fs.mkdir(path, 0o755)
    made.add(path)


def _write_package(fs: FileSystem, directory: str, node: Node, made: set[str] | None = None) -> int:
    """One package's directory: its ``package.json`` and files; returns the bytes written.

    ``made``: the directories this install has made already.  A package directory that did not
    exist gets its files written straight (no ``stat`` per file: a ``node_modules`` has
    thousands); one that did goes through :func:`put_file` (an existing file keeps no stale mode)."""
    meta = node.meta
    manifest = {"name": node.pkg, "version": node.version, "main": meta.get("main", "index.js")}
    if meta.get("bin"):
        manifest["bin"] = meta["bin"]
    for key in ("dependencies", "optionalDependencies", "peerDependencies"):
        if meta.get(key):
            manifest[key] = meta[key]
    if meta.get("license"):
        manifest["license"] = meta["license"]
    made = set() if made is None else made
    fresh = directory not in made and not exists(fs, directory)
    total = 0
    for rel, size, mode in meta.get("files", []):
        path = posixpath.normpath(f"{directory}/{rel}")
        if rel == "package.json":
            text = json.dumps(manifest, indent=2) + "\n"
            data = (text + " " * max(0, size - len(text.encode()))).encode()
        else:
            data = synthetic_bytes(path, size)
        if fresh:
            _mkdirs(fs, posixpath.dirname(path), made)
            fs.write_file(path, data, int(mode, 8))
        else:
            write(fs, path, data, int(mode, 8))
        total += size
    if not meta.get("files"):
        write(fs, f"{directory}/package.json", json.dumps(manifest, indent=2) + "\n")
    return total


def _link_bins(fs: FileSystem, bin_dir: str, pkg_dir: str, node: Node) -> None:
    for name, target in sorted(node.meta.get("bin", {}).items()):
        link = f"{bin_dir}/{name.split('/')[-1]}"
        fs.makedirs(bin_dir)
        if exists(fs, link):
            fs.unlink(link)
        fs.symlink(posixpath.relpath(posixpath.normpath(f"{pkg_dir}/{target}"), bin_dir), link)
        full = posixpath.normpath(f"{pkg_dir}/{target}")
        if exists(fs, full):
            fs.chmod(full, 0o755)


def _put_files(fs: FileSystem, files: list[tuple[str, int]]) -> None:
    """Cache files (``0644``, content by size) written without a ``stat`` each."""
    made: set[str] = set()
    for path, size in files:
        _mkdirs(fs, posixpath.dirname(path), made)
        fs.write_file(path, synthetic_bytes(path, size), 0o644)


def _cache(fs: FileSystem, home: str, nodes: list[Node]) -> None:
    """npm's cache ``$HOME/.npm/_cacache``: per package its tarball, its package document and its index."""
    root = f"{home}/.npm/_cacache"
    files = []
    for node in nodes:
        meta = node.meta
        digest = hashlib.sha512(meta["integrity"].encode()).hexdigest()
        files.append((f"{root}/content-v2/sha512/{digest[:2]}/{digest[2:4]}/{digest[4:]}",
                      max(1, int(meta["unpackedSize"] * TARBALL_RATIO))))  # fmt: skip
        doc = hashlib.sha512(node.pkg.encode()).hexdigest()
        files.append((f"{root}/content-v2/sha512/{doc[:2]}/{doc[2:4]}/{doc[4:]}", PACKUMENT_BYTES))
        key = hashlib.sha256(f"{node.pkg}@{node.version}".encode()).hexdigest()
        files.append(
            (f"{root}/index-v5/{key[:2]}/{key[2:4]}/{key[4:]}", 3 * INDEX_BYTES)
        )  # its 3 entries, one file
    _put_files(fs, files)


YARN_CACHE = "/usr/local/share/.cache/yarn/v6"
"""Yarn 1's cache folder as root (``yarn cache dir`` in the node images)."""


def _yarn_cache(fs: FileSystem, nodes: list[Node]) -> None:
    """Yarn 1's cache: per package a folder named after it, its version and its integrity's hash."""
    files = []
    for node in nodes:
        meta = node.meta
        digest = hashlib.sha1(meta["integrity"].encode()).hexdigest()
        folder = f"{YARN_CACHE}/npm-{node.pkg.replace('/', '-')}-{node.version}-{digest}-integrity"
        files.append((f"{folder}/node_modules/{node.pkg}/.yarn-tarball.tgz",
                      max(1, int(meta["unpackedSize"] * TARBALL_RATIO))))  # fmt: skip
    _put_files(fs, files)


def install_tree(
    fs: FileSystem, base: str, tree: dict[str, Node], *, omit_dev: bool, libc: str, scripts: bool = True
) -> list[Node]:
    """Write ``tree`` under ``base`` (a project directory); returns the nodes installed."""
    done = []
    made: set[str] = set()
    for location, node in tree.items():
        if omit_dev and node.dev:
            continue
        meta = node.meta
        if node.optional and not _platform(meta, libc):
            continue
        directory = f"{base.rstrip('/')}/{location}"
        _write_package(fs, directory, node, made)
        owner = directory.rsplit("/node_modules/", 1)[0]
        _link_bins(fs, f"{owner}/node_modules/.bin", directory, node)
        done.append(node)
    if scripts:
        _install_scripts(fs, base.rstrip("/"), done)
    return done


def _install_scripts(fs: FileSystem, base: str, done: list[Node]) -> None:
    """The install scripts whose effect the catalogue knows (npm runs them unless ``--ignore-scripts``):
    esbuild's ``postinstall`` (``node install.js``) puts its platform package's native binary in
    place of its JavaScript ``bin/esbuild`` (measured: esbuild 0.21.5 is 9,831,692 bytes installed
    for a 133,372-byte tarball)."""
    for node in done:
        if node.name != "esbuild":
            continue
        native = next((n for n in done if n.name == "@esbuild/linux-x64" and n.version == node.version), None)
        if native is None:
            continue
        rows = {row[0]: row for row in native.meta.get("files", [])}
        if "bin/esbuild" in rows:
            put_file(fs, f"{base}/{node.location}/bin/esbuild", rows["bin/esbuild"][1], 0o755)


def _platform(meta: dict[str, Any], libc: str) -> bool:
    for key, value in (("os", "linux"), ("cpu", "x64"), ("libc", libc)):
        allowed = meta.get(key)
        if allowed and (
            f"!{value}" in allowed or (not any(a.startswith("!") for a in allowed) and value not in allowed)
        ):
            return False
    return True


# ----------------------------------------------------------------------------- npm
def _options(argv: list[str]) -> tuple[list[str], set[str], dict[str, str]]:
    args, flags, values = [], set(), {}
    for arg in argv:
        if arg.startswith("--") and "=" in arg:
            key, _, value = arg.partition("=")
            values[key] = value
        elif arg.startswith("-"):
            flags.add(arg)
        else:
            args.append(arg)
    return args, flags, values


def _omit_dev(ctx: ExecContext, flags: set[str], values: dict[str, str]) -> bool:
    return (
        values.get("--omit") == "dev"
        or "--production" in flags
        or values.get("--only") in ("prod", "production")
        or ctx.env.get("NODE_ENV") == "production"
        or ctx.env.get("npm_config_omit") == "dev"
    )


def _manifest(ctx: ExecContext, directory: str, *, create: bool = False) -> tuple[dict[str, Any] | None, int]:
    path = f"{directory.rstrip('/')}/package.json"
    data, problem = read_json(ctx.fs, path)
    if problem:
        return None, _error(ctx, "EJSONPARSE", [f"path {path}", f"JSON.parse Unexpected token in JSON: {problem}",
                                               "JSON.parse Failed to parse JSON data."])  # fmt: skip
    if data is None:
        if create:
            return {}, 0
        return None, _error(ctx, "ENOENT", [
            "syscall open", f"path {path}", "errno -2",
            f"enoent Could not read package.json: Error: ENOENT: no such file or directory, open '{path}'",
            "enoent This is related to npm not being able to find a file.", "enoent",
        ])  # fmt: skip
    return data, 0


def _summary(ctx: ExecContext, count: int, flags: set[str], audited: int | None = None) -> None:
    """npm's last lines: ``added N packages, and audited M packages in 1s`` (or ``up to date``)."""
    audit = "--no-audit" not in flags and ctx.env.get("npm_config_audit") != "false"
    what = f"added {count} package{'s' if count != 1 else ''}" if count else "up to date"
    total = (count if audited is None else audited) + 1
    if audit:
        plural = "s" if total != 1 else ""
        ctx.out(
            f"\n{what}, {'and ' if count else ''}audited {total} package{plural} in 1s\n\nfound 0 vulnerabilities\n"
        )
    else:
        ctx.out(f"\n{what} in 1s\n")


def _npm_install(
    ctx: ExecContext, args: list[str], flags: set[str], values: dict[str, str], *, ci: bool
) -> int:
    fs = ctx.fs
    home = ctx.env.get("HOME", "/root") or "/root"
    if "-g" in flags or "--global" in flags or values.get("--location") == "global":
        return _global_install(ctx, args, home)
    project = ctx.cwd
    manifest, status = _manifest(ctx, project, create=bool(args) and not ci)
    if manifest is None:
        return status
    lock_path = f"{project.rstrip('/')}/package-lock.json"
    lock, problem = read_json(fs, lock_path)
    if lock is None:
        lock, problem = read_json(fs, f"{project.rstrip('/')}/npm-shrinkwrap.json")
    omit_dev = _omit_dev(ctx, flags, values)
    if "--only" in values:  # npm's deprecated configs (@npmcli/config definitions)
        ctx.err("npm warn config only Use `--omit=dev` to omit dev dependencies from the install.\n")
    if "--production" in flags:
        ctx.err("npm warn config production Use `--omit=dev` instead.\n")
    try:
        if ci:
            if lock is None or problem:
                return _error(ctx, "EUSAGE", [
                    "", "The `npm ci` command can only install with an existing package-lock.json or",
                    "npm-shrinkwrap.json with lockfileVersion >= 1. Run an install with npm@5 or",
                    "later to generate a package-lock.json file, then try again.", "", "Clean install a project",
                    "", "Usage:", "npm ci", "", 'Run "npm help ci" for more info',
                ])  # fmt: skip
            missing = _out_of_sync(manifest, lock)
            if missing:
                return _error(ctx, "EUSAGE", [
                    "", "`npm ci` can only install packages when your package.json and package-lock.json or "
                    "npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before "
                    "continuing.", "", f"Missing: {missing} from lock file", "",
                ])  # fmt: skip
            _old_lock_warning(ctx, lock)
            tree = tree_from_lock(lock)
            remove_tree(fs, f"{project.rstrip('/')}/node_modules")
        elif (
            not args
            and lock is not None
            and not problem
            and lock.get("packages", lock.get("dependencies"))
            and not _out_of_sync(manifest, lock)
        ):
            _old_lock_warning(ctx, lock)
            tree = tree_from_lock(lock)  # npm install keeps the versions of a lock in sync with package.json
        else:
            for spec in args:
                name, range_text = _split_spec(spec)
                from simulator.userland._npmtree import _pick  # the resolver's choice for a new edge

                version = _pick(name, range_text)
                key = "devDependencies" if {"-D", "--save-dev"} & flags else "dependencies"
                deps = dict(manifest.get(key) or {})
                deps[name] = range_text if range_text not in ("latest", "") else f"^{version}"
                manifest[key] = dict(sorted(deps.items()))
            start = None
            if lock is not None and not problem and lock.get("packages", lock.get("dependencies")):
                try:  # npm keeps the lock's versions and resolves only what changed
                    start = tree_from_lock(lock)
                    _old_lock_warning(ctx, lock)
                except Gap:  # a version the catalogue lacks: everything is resolved anew
                    start = None
            tree = build_tree(manifest, libc=_libc(fs), start=start)
    except Gap as exc:
        if exc.code == "ECATALOGUE":
            ctx.err(
                f"npm error layerlab: the lock file names {exc}, which is not in layerlab's npm catalogue\n"
            )
            if exc.gap:
                ctx.err(catalogue_gap(exc.name, "npm", sorted(npm_catalogue())))
            return 1
        return _gap_error(ctx, exc)
    base = project.rstrip("/")
    before = set()
    for location, node in tree.items():  # what is already there, in that version
        data, _ = read_json(fs, f"{base}/{location}/package.json")
        if isinstance(data, dict) and data.get("version") == node.version:
            before.add(location)
    done = install_tree(
        fs, project, tree, omit_dev=omit_dev, libc=_libc(fs), scripts="--ignore-scripts" not in flags
    )
    if not ci:
        document = lock_document(manifest, tree)
        write(fs, lock_path, json.dumps(document, indent=2) + "\n")
        if args:
            write(fs, f"{project.rstrip('/')}/package.json", json.dumps(manifest, indent=2) + "\n")
    hidden = {
        k: v
        for k, v in lock_document(manifest, tree)["packages"].items()
        if k and any(n.location == k for n in done)
    }
    if done:
        write(fs, f"{project.rstrip('/')}/node_modules/.package-lock.json",
              json.dumps({"name": manifest.get("name", ""), "version": manifest.get("version", ""),
                          "lockfileVersion": 3, "requires": True, "packages": hidden}, indent=2) + "\n")  # fmt: skip
    if "--no-cache" not in flags:
        _cache(fs, home, done)
    added = len(done) if ci else len([n for n in done if n.location not in before])
    _summary(ctx, added, flags, audited=len(done))
    return 0


def _old_lock_warning(ctx: ExecContext, lock: dict[str, Any]) -> None:
    """npm's warning for a lock older than version 2 (arborist's ``#inflateAncientLockfile``):
    ``ancient lockfile`` when it also lacks ``"requires": true`` (npm 5 and older), else ``old lockfile``."""
    if isinstance(lock.get("lockfileVersion"), int) and lock["lockfileVersion"] >= 2:
        return
    heading = "npm warn " + ("old lockfile" if lock.get("requires") else "ancient lockfile")
    lines = ["", "The package-lock.json file was created with an old version of npm,",
             "so supplemental metadata must be fetched from the registry.", "",
             "This is a one-time fix-up, please be patient...", ""]  # fmt: skip
    ctx.err("".join(f"{heading} {line}".rstrip() + "\n" for line in lines))


def _out_of_sync(manifest: dict[str, Any], lock: dict[str, Any]) -> str | None:
    """The first ``name@range`` of ``package.json`` the lock does not hold (``None``: in sync)."""
    root = (lock.get("packages") or {}).get("", {})
    for key in ("dependencies", "devDependencies", "optionalDependencies"):
        for name, range_text in (manifest.get(key) or {}).items():
            if lock.get("packages"):
                locked = lock["packages"].get(f"node_modules/{name}")
                in_sync = (root.get(key) or {}).get(name) == range_text and locked is not None
            else:  # lockfileVersion 1: the top-level "dependencies" hold the versions
                entry = (lock.get("dependencies") or {}).get(name) or {}
                in_sync = _ok(str(entry.get("version", "")), range_text)
            if not in_sync:
                return f"{name}@{range_text}"
    return None


def _split_spec(spec: str) -> tuple[str, str]:
    at = spec.find("@", 1)
    return (spec, "latest") if at < 0 else (spec[:at], spec[at + 1 :] or "latest")


def _global_install(ctx: ExecContext, args: list[str], home: str) -> int:
    fs = ctx.fs
    prefix = ctx.env.get("NPM_CONFIG_PREFIX") or ctx.env.get("npm_config_prefix") or "/usr/local"
    count = 0
    nodes: list[Node] = []
    for spec in args:
        name, range_text = _split_spec(spec)
        try:
            tree = build_tree({"dependencies": {name: range_text}}, libc=_libc(fs))
        except Gap as exc:
            return _gap_error(ctx, exc)
        top = tree.pop(f"node_modules/{name}")
        base = f"{prefix}/lib/node_modules/{name}"
        remove_tree(fs, base)
        _write_package(fs, base, top)
        nodes += [top, *install_tree(fs, base, tree, omit_dev=True, libc=_libc(fs))]
        for bin_name, target in sorted(top.meta.get("bin", {}).items()):
            link = f"{prefix}/bin/{bin_name}"
            if exists(fs, link):
                fs.unlink(link)
            fs.makedirs(f"{prefix}/bin")
            fs.symlink(f"../lib/node_modules/{name}/{target.lstrip('./')}", link)
        count += 1 + len(tree)
    _cache(fs, home, nodes)
    _summary(ctx, count, {"--no-audit"})
    return 0


def _npm_run(ctx: ExecContext, script: str, extra: list[str], *, silent: bool) -> int:
    manifest, status = _manifest(ctx, ctx.cwd)
    if manifest is None:
        return status
    scripts = manifest.get("scripts") or {}
    if script not in scripts:
        if script == "start" and exists(ctx.fs, f"{ctx.cwd.rstrip('/')}/server.js"):
            scripts = {**scripts, "start": "node server.js"}
        else:
            ctx.err(f'npm error Missing script: "{script}"\nnpm error\nnpm error To see a list of scripts, run:\n'
                    "npm error   npm run\n")  # fmt: skip
            return 1
    status = 0
    name = f"{manifest.get('name', '')}@{manifest.get('version', '')}" if manifest.get("name") else ""
    for step in (f"pre{script}", script, f"post{script}"):
        if step not in scripts:
            continue
        command = scripts[step] + ("".join(" " + _quote(a) for a in extra) if step == script else "")
        if not silent:
            ctx.out(f"\n> {name} {step}\n> {command}\n\n")
        env = dict(ctx.env)
        bin_dir = f"{ctx.cwd.rstrip('/')}/node_modules/.bin"
        env["PATH"] = f"{bin_dir}:{env.get('PATH', '/usr/local/bin:/usr/bin:/bin')}"
        env.update({"npm_lifecycle_event": step, "npm_package_name": str(manifest.get("name", "")),
                    "npm_package_version": str(manifest.get("version", "")), "npm_lifecycle_script": command})  # fmt: skip
        status = ctx.run(["sh", "-c", command], env=env)
        if status != 0:
            return status
    return status


def _quote(arg: str) -> str:
    return (
        arg
        if arg and all(c.isalnum() or c in "-_./=:@," for c in arg)
        else "'" + arg.replace("'", "'\\''") + "'"
    )


@register("npm")
def npm(ctx: ExecContext, argv: list[str]) -> int:
    """``npm install|i|ci|run|test|start|--version|cache|config|init|prune`` over the npm catalogue."""
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    else:
        extra = []
    args, flags, values = _options(argv[1:])
    if flags & {"-v", "--version"} and not args:
        ctx.out(NPM_VERSION + "\n")
        return 0
    if not args:
        ctx.err(
            "npm <command>\n\nUsage:\n\nnpm install        install all the dependencies in your project\n"
        )
        return 1
    command, rest = args[0], args[1:]
    if command in ("install", "i", "add", "isntall", "in"):
        return _npm_install(ctx, rest, flags, values, ci=False)
    if command in ("ci", "clean-install", "ic", "install-clean"):
        return _npm_install(ctx, [], flags, values, ci=True)
    if command in ("run", "run-script", "rum", "urn"):
        if not rest:
            manifest, status = _manifest(ctx, ctx.cwd)
            if manifest is None:
                return status
            for name, text in (manifest.get("scripts") or {}).items():
                ctx.out(f"  {name}\n    {text}\n")
            return 0
        return _npm_run(ctx, rest[0], rest[1:] + extra, silent="--silent" in flags or "-s" in flags)
    if command in ("test", "t", "start", "stop", "restart"):
        return _npm_run(ctx, {"t": "test"}.get(command, command), rest + extra, silent="--silent" in flags)
    if command == "cache":
        if rest[:1] == ["clean"]:
            remove_tree(ctx.fs, f"{ctx.env.get('HOME', '/root') or '/root'}/.npm/_cacache")
            return 0
        return 0
    if command in ("config", "set"):
        if rest[:1] == ["set"] or command == "set":
            rc = f"{ctx.env.get('HOME', '/root') or '/root'}/.npmrc"
            pairs = rest[1:] if command == "config" else rest
            text = read_text(ctx.fs, rc) or ""
            text += "".join(
                p.replace(" ", "=") + ("\n" if "=" in p else "=" + "\n") for p in pairs if "=" in p
            )
            write(ctx.fs, rc, text)
        return 0
    if command == "init":
        name = posixpath.basename(ctx.cwd.rstrip("/")) or "root"
        doc = {"name": name, "version": "1.0.0", "description": "", "main": "index.js",
               "scripts": {"test": 'echo "Error: no test specified" && exit 1'}, "keywords": [], "author": "",
               "license": "ISC"}  # fmt: skip
        path = f"{ctx.cwd.rstrip('/')}/package.json"
        text = json.dumps(doc, indent=2) + "\n"
        write(ctx.fs, path, text)
        ctx.out(f"Wrote to {path}:\n\n{text}\n\n")
        return 0
    if command == "prune":
        return _npm_install(ctx, [], flags, values, ci=False)
    raise NotSimulated(
        f"'npm {command}' is not simulated; layerlab runs npm install, ci, run, test, start, init"
    )


# ----------------------------------------------------------------------------- npx, corepack
@register("npx")
def npx(ctx: ExecContext, argv: list[str]) -> int:
    """``npx BIN ARGS``: the project's ``node_modules/.bin/BIN`` (else not simulated: no download)."""
    args = [a for a in argv[1:] if a not in ("-y", "--yes", "--no-install")]
    if not args:
        ctx.err(
            "npm error code EUSAGE\nnpm error\nnpm error Run a command from a local or remote npm package\n"
        )
        return 1
    local = f"{ctx.cwd.rstrip('/')}/node_modules/.bin/{args[0]}"
    if exists(ctx.fs, local):
        return ctx.run([local, *args[1:]])
    raise NotSimulated(
        f"npx {args[0]}: not in node_modules/.bin, and layerlab downloads no package to run it"
    )


@register("corepack")
def corepack(ctx: ExecContext, argv: list[str]) -> int:
    """``corepack enable [NAME...]``: the yarn/pnpm shims beside node (``/usr/local/bin``)."""
    node = ctx.which("node") or "/usr/local/bin/node"
    bin_dir = posixpath.dirname(node)
    if argv[1:2] == ["enable"]:
        names = argv[2:] or ["yarn", "pnpm"]
        for name in names:
            for shim in {"yarn": ("yarn", "yarnpkg"), "pnpm": ("pnpm", "pnpx"), "npm": ("npm", "npx")}.get(
                name, ()
            ):
                link = f"{bin_dir}/{shim}"
                if exists(ctx.fs, link):
                    ctx.fs.unlink(link)
                ctx.fs.symlink(f"../lib/node_modules/corepack/dist/{shim}.js", link)
        return 0
    if argv[1:2] in (["prepare"], ["install"], ["use"], ["disable"]):
        return 0
    ctx.err(f'Usage Error: Couldn\'t find a script named "{argv[1] if len(argv) > 1 else ""}".\n')
    return 1


def _project_install(ctx: ExecContext, *, frozen: bool, omit_dev: bool, tool: str) -> int:
    """``yarn install`` / ``pnpm install``: the same tree, their lock file and cache."""
    fs = ctx.fs
    manifest, status = _manifest(ctx, ctx.cwd)
    if manifest is None:
        return status
    project = ctx.cwd.rstrip("/")
    old = read_text(fs, f"{project}/{'yarn.lock' if tool == 'yarn' else 'pnpm-lock.yaml'}")
    locked = parse_yarn_lock(old) if tool == "yarn" and old else None  # yarn keeps the lock's versions
    try:
        tree = build_tree(manifest, libc=_libc(fs), locked=locked)
    except Gap as exc:
        if exc.code == "ECATALOGUE":
            ctx.err(f"error layerlab: yarn.lock names {exc}, which is not in layerlab's npm catalogue\n")
        else:
            ctx.err(f"error {exc}\n" if tool == "yarn" else f" ERR_PNPM_NO_MATCHING_VERSION  {exc}\n")
        if exc.gap:
            ctx.err(catalogue_gap(exc.name, "npm", sorted(npm_catalogue())))
        return 1
    text = _yarn_lock(manifest, tree) if tool == "yarn" else _pnpm_lock(manifest, tree)
    if frozen and old is not None and old != text and not _lock_covers(old, manifest):
        if tool == "yarn":
            ctx.err("error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.\n")
        else:
            ctx.err(" ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with \"frozen-lockfile\" because pnpm-lock.yaml is "
                    "not up to date with package.json\n")  # fmt: skip
        return 1
    if frozen and old is None and tool == "pnpm":
        ctx.err(
            ' ERR_PNPM_NO_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml is absent\n'
        )
        return 1
    if tool == "yarn":
        done = install_tree(fs, project, tree, omit_dev=omit_dev, libc=_libc(fs))
        _yarn_cache(fs, done)
        write(
            fs,
            f"{project}/node_modules/.yarn-integrity",
            json.dumps({"flags": [], "linkedModules": []}) + "\n",
        )
        ctx.out("yarn install v1.22.22\n[1/4] Resolving packages...\n[2/4] Fetching packages...\n"
                "[3/4] Linking dependencies...\n[4/4] Building fresh packages...\n")  # fmt: skip
        if not frozen:
            write(fs, f"{project}/yarn.lock", text)
            ctx.out("success Saved lockfile.\n")
        ctx.out("Done in 1.00s.\n")
        return 0
    done = _pnpm_install(ctx, project, tree, omit_dev, manifest)
    write(fs, f"{project}/pnpm-lock.yaml", text)
    ctx.out(f"Packages: +{len(done)}\n{'+' * min(len(done), 60)}\nProgress: resolved {len(tree)}, reused 0, "
            f"downloaded {len(done)}, added {len(done)}, done\n\nDone in 1s\n")  # fmt: skip
    return 0


def _lock_covers(old: str, manifest: dict[str, Any]) -> bool:
    deps = {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
    return all(f"{name}@{rng}" in old or f"{name}:\n" in old for name, rng in deps.items())


def _yarn_lock(manifest: dict[str, Any], tree: dict[str, Node]) -> str:
    out = ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n"]
    ranges: dict[tuple[str, str], set[str]] = {}
    nodes: dict[tuple[str, str], Node] = {}
    named: dict[str, list[Node]] = {}  # the tree's nodes by name (each edge looks at its name's only)
    for node in tree.values():
        ranges.setdefault((node.name, node.version), set())
        nodes[(node.name, node.version)] = node
        named.setdefault(node.name, []).append(node)
    root = {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
    for edges in [root, *(n.edges for n in tree.values())]:
        for name, rng in edges.items():
            for node in named.get(name, ()):
                if _ok(node.version, rng):
                    ranges[(node.name, node.version)].add(rng)
    for (name, version), rngs in sorted(ranges.items()):
        meta = nodes[(name, version)].meta
        keys = ", ".join(
            f'"{name}@{r}"' if " " in r or name.startswith("@") else f"{name}@{r}" for r in sorted(rngs)
        )
        out.append(f"\n{keys or name + '@' + version}:\n  version \"{version}\"\n"
                   f"  resolved \"{meta['tarball'].replace('registry.npmjs.org', 'registry.yarnpkg.com')}\"\n"
                   f"  integrity {meta['integrity']}\n")  # fmt: skip
        deps = meta.get("dependencies") or {}
        if deps:
            out.append("  dependencies:\n" + "".join(f'    {d} "{r}"\n' for d, r in sorted(deps.items())))
    return "".join(out)


def _pnpm_lock(manifest: dict[str, Any], tree: dict[str, Node]) -> str:
    lines = ["lockfileVersion: '9.0'\n", "\nimporters:\n\n  .:\n"]
    for key in ("dependencies", "devDependencies"):
        if manifest.get(key):
            lines.append(f"    {key}:\n")
            for name, rng in sorted(manifest[key].items()):
                node = tree.get(f"node_modules/{name}")
                lines.append(
                    f"      {name}:\n        specifier: {rng}\n        version: {node.version if node else rng}\n"
                )
    lines.append("\npackages:\n")
    for node in sorted(
        {(n.name, n.version): n for n in tree.values()}.values(), key=lambda n: (n.name, n.version)
    ):
        lines.append(
            f"\n  {node.name}@{node.version}:\n    resolution: {{integrity: {node.meta['integrity']}}}\n"
        )
    return "".join(lines)


def _pnpm_install(
    ctx: ExecContext, project: str, tree: dict[str, Node], omit_dev: bool, manifest: dict[str, Any]
) -> list[Node]:
    fs = ctx.fs
    home = ctx.env.get("HOME", "/root") or "/root"
    store = ctx.env.get("PNPM_STORE_DIR") or f"{home}/.local/share/pnpm/store/v3"
    virtual = f"{project}/node_modules/.pnpm"
    unique = {(n.name, n.version): n for n in tree.values() if not (omit_dev and n.dev)}
    for (name, version), node in sorted(unique.items()):
        directory = f"{virtual}/{name.replace('/', '+')}@{version}/node_modules/{name}"
        _write_package(fs, directory, node)
        for rel, _size, _mode in node.meta.get("files", []):  # the store holds each file once, by content
            src = posixpath.normpath(f"{directory}/{rel}")
            digest = hashlib.sha512(f"{name}@{version}/{rel}".encode()).hexdigest()
            dst = f"{store}/files/{digest[:2]}/{digest[2:]}"
            if not exists(fs, dst):
                fs.makedirs(posixpath.dirname(dst))
                fs.link(src, dst)
        for dep, rng in node.edges.items():
            target = next((n for (dn, _dv), n in unique.items() if dn == dep and _ok(n.version, rng)), None)
            if target is not None:
                link = f"{virtual}/{name.replace('/', '+')}@{version}/node_modules/{dep}"
                if not exists(fs, link):
                    fs.makedirs(posixpath.dirname(link))
                    fs.symlink(posixpath.relpath(f"{virtual}/{dep.replace('/', '+')}@{target.version}/node_modules/{dep}",
                                                 posixpath.dirname(link)), link)  # fmt: skip
    direct_names = {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
    for location, node in tree.items():
        if location == f"node_modules/{node.name}" and node.name in direct_names:
            direct = f"{project}/{location}"
            if (omit_dev and node.dev) or is_dir(fs, direct) or exists(fs, direct):
                continue
            fs.makedirs(posixpath.dirname(direct))
            fs.symlink(posixpath.relpath(f"{virtual}/{node.name.replace('/', '+')}@{node.version}/node_modules/{node.name}",
                                         posixpath.dirname(direct)), direct)  # fmt: skip
    return list(unique.values())


def _ok(version: str, rng: str) -> bool:
    from simulator.distro.semver import InvalidRange, satisfies

    try:
        return satisfies(version, rng)
    except InvalidRange:
        return True


@register("yarn", "yarnpkg")
def yarn(ctx: ExecContext, argv: list[str]) -> int:
    """``yarn [install] [--frozen-lockfile] [--production]``, ``yarn run NAME``, ``yarn NAME``, ``yarn add PKG``."""
    args, flags, _values = _options(argv[1:])
    if flags & {"-v", "--version"}:
        ctx.out("1.22.22\n")
        return 0
    if not args or args[0] == "install":
        omit = "--production" in flags or "--prod" in flags or ctx.env.get("NODE_ENV") == "production"
        return _project_install(
            ctx, frozen=bool(flags & {"--frozen-lockfile", "--immutable"}), omit_dev=omit, tool="yarn"
        )
    if args[0] == "add":
        manifest, status = _manifest(ctx, ctx.cwd, create=True)
        if manifest is None:
            return status
        key = "devDependencies" if flags & {"-D", "--dev"} else "dependencies"
        for spec in args[1:]:
            name, rng = _split_spec(spec)
            manifest.setdefault(key, {})[name] = rng
        write(ctx.fs, f"{ctx.cwd.rstrip('/')}/package.json", json.dumps(manifest, indent=2) + "\n")
        return _project_install(ctx, frozen=False, omit_dev=False, tool="yarn")
    if args[0] == "global" and args[1:2] == ["add"]:
        return _yarn_global_add(ctx, args[2:])
    if args[0] == "cache" and args[1:2] == ["clean"]:
        remove_tree(ctx.fs, "/usr/local/share/.cache/yarn")
        ctx.out("success Cleared cache.\n")
        return 0
    script = args[1] if args[0] == "run" and len(args) > 1 else args[0]
    rest = args[2:] if args[0] == "run" else args[1:]
    return _npm_run(ctx, script, rest, silent=True)


def _yarn_global_add(ctx: ExecContext, specs: list[str]) -> int:
    """``yarn global add PKG...`` (Yarn 1): a project in the global folder, whose packages'
    binaries are linked in the global bin directory.  Yarn's constants: as root the folder is
    ``/usr/local/share/.config/yarn/global`` and the bin directory ``/usr/local/bin`` (the
    prefix of ``node``); else ``~/.config/yarn/global`` and ``~/.yarn/bin``.  The links point at
    the package's file directly (Yarn goes through ``node_modules/.bin``)."""
    home = ctx.env.get("HOME", "/root") or "/root"
    root = home == "/root"
    folder = "/usr/local/share/.config/yarn/global" if root else f"{home}/.config/yarn/global"
    bin_dir = "/usr/local/bin" if root else f"{home}/.yarn/bin"
    if not specs:
        ctx.err("error Missing list of packages to add to your project.\n")
        return 1
    manifest, _status = _manifest(ctx, folder, create=True)
    manifest = manifest or {}
    for spec in specs:
        name, rng = _split_spec(spec)
        manifest.setdefault("dependencies", {})[name] = rng
    try:
        tree = build_tree(manifest, libc=_libc(ctx.fs))
    except Gap as exc:
        return _gap_error(ctx, exc)
    for spec in specs:  # yarn add saves the caret range of the version it resolved
        name, rng = _split_spec(spec)
        if rng in ("latest", "*", ""):
            manifest["dependencies"][name] = "^" + tree[f"node_modules/{name}"].version
    write(ctx.fs, f"{folder}/package.json", json.dumps(manifest, indent=2) + "\n")
    nodes = install_tree(ctx.fs, folder, tree, omit_dev=True, libc=_libc(ctx.fs))
    _yarn_cache(ctx.fs, nodes)  # yarn's cache, not npm's
    for spec in specs:
        name, _rng = _split_spec(spec)
        top = tree[f"node_modules/{name}"]
        binaries = sorted(top.meta.get("bin", {}).items())
        for bin_name, target in binaries:
            link = f"{bin_dir}/{bin_name}"
            if exists(ctx.fs, link):
                ctx.fs.unlink(link)
            ctx.fs.makedirs(bin_dir)
            ctx.fs.symlink(f"{folder}/node_modules/{name}/{target.lstrip('./')}", link)
        ctx.out(f'success Installed "{name}@{top.version}" with binaries:\n')
        ctx.out("".join(f"      - {b}\n" for b, _t in binaries))
    ctx.out("Done in 0.00s.\n")
    return 0


@register("pnpm")
def pnpm(ctx: ExecContext, argv: list[str]) -> int:
    """``pnpm install|i [--frozen-lockfile] [--prod]``, ``pnpm run NAME``, ``pnpm NAME``."""
    args, flags, _values = _options(argv[1:])
    if flags & {"-v", "--version"}:
        ctx.out("9.15.0\n")
        return 0
    if not args or args[0] in ("install", "i"):
        omit = bool(flags & {"--prod", "-P", "--production"}) or ctx.env.get("NODE_ENV") == "production"
        frozen = "--frozen-lockfile" in flags or (
            bool(ctx.env.get("CI")) and "--no-frozen-lockfile" not in flags
        )
        return _project_install(ctx, frozen=frozen, omit_dev=omit, tool="pnpm")
    script = args[1] if args[0] == "run" and len(args) > 1 else args[0]
    rest = args[2:] if args[0] == "run" else args[1:]
    return _npm_run(ctx, script, rest, silent=False)
