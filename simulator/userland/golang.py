"""``go``: ``go mod download``, ``go build``, ``go install``, ``go version``, ``go env`` -- by a model.

No Go module proxy is reachable from where layerlab's data are made, so nothing here is
measured per module; the sizes follow this model (each figure is a constant below):

- **module cache** (``$GOMODCACHE``, else ``$GOPATH/pkg/mod``, else ``$HOME/go/pkg/mod``; the
  golang images set ``GOPATH=/go``): for each ``require`` of ``go.mod`` and each module of
  ``go.sum`` with a ``h1:`` line for its content, ``cache/download/<path>/@v/<version>.{info,mod,zip,ziphash}``
  and the extracted tree ``<path>@<version>/`` (:data:`MODULE_BYTES` = 400 kB of sources, a
  zip of :data:`ZIP_RATIO` x that); a module only in go.sum's ``/go.mod`` lines gets its
  ``.mod`` file only.  Upper-case letters in paths are escaped as Go does (``!b`` for ``B``).
- **go build -o X** (or the module's last path element): a static binary of
  :data:`HELLO_BYTES` (2.1 MB: ``go build`` of a fmt hello world with Go 1.22 on linux/amd64
  is 2.0-2.2 MB) plus :data:`PER_MODULE` (25% of the module's sources) for each required module,
  plus 50% of the project's ``.go`` source; ``-ldflags=-s -w`` strips 28% (the symbol and DWARF
  tables); ``GOOS=windows`` adds ``.exe``; the build cache ``$GOCACHE`` (``$HOME/.cache/go-build``)
  gets twice the binary in compiled objects.  ``CGO_ENABLED=0`` makes no size difference here.

Without ``go.mod`` (module mode), ``go build`` and ``go mod download`` fail as Go does.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from simulator.userland._tree import exists, is_dir, listdir, put_file, read_text, write
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = [
    "HELLO_BYTES",
    "MODULE_BYTES",
    "PER_MODULE",
    "ZIP_RATIO",
    "binary_size",
    "escape_path",
    "read_go_mod",
]

HELLO_BYTES = 2_100_000
MODULE_BYTES = 400_000
ZIP_RATIO = 0.35
PER_MODULE = int(MODULE_BYTES * 0.25)
STRIP = 0.72

_NO_MOD = "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n"


def escape_path(path: str) -> str:
    """Go's module path escaping (golang.org/x/mod/module.EscapePath): ``A`` -> ``!a``."""
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), path)


def read_go_mod(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(module path, [(required path, version)]) of a go.mod text."""
    module = ""
    requires: list[tuple[str, str]] = []
    block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if line.startswith("module "):
            module = line.split(None, 1)[1].strip().strip('"')
        elif line.startswith("require ("):
            block = True
        elif block and line == ")":
            block = False
        elif block and line:
            parts = line.split()
            if len(parts) >= 2:
                requires.append((parts[0], parts[1]))
        elif line.startswith("require ") and "(" not in line:
            parts = line.split()[1:]
            if len(parts) >= 2:
                requires.append((parts[0], parts[1]))
    return module, requires


def _find_mod(ctx: ExecContext) -> str | None:
    directory = ctx.cwd
    while True:
        if exists(ctx.fs, posixpath.join(directory, "go.mod")):
            return posixpath.join(directory, "go.mod")
        if directory in ("/", ""):
            return None
        directory = posixpath.dirname(directory.rstrip("/")) or "/"


def _modcache(ctx: ExecContext) -> str:
    env = ctx.env
    if env.get("GOMODCACHE"):
        return env["GOMODCACHE"]
    gopath = (env.get("GOPATH") or f"{env.get('HOME', '/root') or '/root'}/go").split(":")[0]
    return f"{gopath}/pkg/mod"


def _modules(ctx: ExecContext, go_mod: str) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """(module path, modules with content, modules with only a go.mod) from go.mod and go.sum."""
    module, requires = read_go_mod(read_text(ctx.fs, go_mod) or "")
    full = list(dict.fromkeys(requires))
    mod_only: list[tuple[str, str]] = []
    for line in (read_text(ctx.fs, posixpath.join(posixpath.dirname(go_mod), "go.sum")) or "").splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        path, version = parts[0], parts[1]
        if version.endswith("/go.mod"):
            mod_only.append((path, version[: -len("/go.mod")]))
        elif (path, version) not in full:
            full.append((path, version))
    mod_only = [m for m in dict.fromkeys(mod_only) if m not in full]
    return module, full, mod_only


def _download(ctx: ExecContext, full: list[tuple[str, str]], mod_only: list[tuple[str, str]]) -> None:
    cache = _modcache(ctx)
    for path, version in [*full, *mod_only]:
        where = f"{cache}/cache/download/{escape_path(path)}/@v/{version}"
        write(ctx.fs, f"{where}.info", f'{{"Version":"{version}","Time":"2024-01-01T00:00:00Z"}}', 0o444)
        write(ctx.fs, f"{where}.mod", f"module {path}\n\ngo 1.21\n", 0o444)
        if (path, version) not in full:
            continue
        put_file(ctx.fs, f"{where}.zip", int(MODULE_BYTES * ZIP_RATIO), 0o444)
        digest = hashlib.sha256(f"{path}@{version}".encode()).hexdigest()
        write(ctx.fs, f"{where}.ziphash", f"h1:{digest[:43]}=\n", 0o444)
        tree = f"{cache}/{escape_path(path)}@{version}"
        write(ctx.fs, f"{tree}/go.mod", f"module {path}\n\ngo 1.21\n", 0o444)
        write(ctx.fs, f"{tree}/LICENSE", "license\n", 0o444)
        put_file(ctx.fs, f"{tree}/{posixpath.basename(path)}.go", MODULE_BYTES, 0o444)


def binary_size(ctx: ExecContext, project: str, modules: int, strip: bool) -> int:
    """The modelled size of the binary ``go build`` makes (see the module's text)."""
    source = _go_source(ctx, project)
    size = HELLO_BYTES + modules * PER_MODULE + source // 2
    return int(size * STRIP) if strip else size


def _go_source(ctx: ExecContext, directory: str) -> int:
    total = 0
    for name in listdir(ctx.fs, directory):
        path = f"{directory.rstrip('/')}/{name}"
        if is_dir(ctx.fs, path):
            if name not in ("vendor", ".git", "node_modules", "testdata"):
                total += _go_source(ctx, path)
        elif name.endswith(".go") and not name.endswith("_test.go"):
            total += ctx.fs.stat(path).size
    return total


_IMPORT = re.compile(r'^\s*(?:import\s+)?(?:[\w.]+\s+)?"([^"]+)"', re.M)


def _files_binary(ctx: ExecContext, files: list[str], strip: bool) -> int:
    """The size of ``go build a.go b.go`` outside a module, or -1 after Go's error: a missing
    file, or an import outside the standard library (a path whose first element has a dot)."""
    total = 0
    for name in files:
        path = ctx.abspath(name)
        if not exists(ctx.fs, path):
            ctx.err(f"stat {path}: no such file or directory\n")
            return -1
        text = read_text(ctx.fs, path) or ""
        total += len(text.encode())
        head = re.split(r"^(?:func|var|type|const)\b", text, maxsplit=1, flags=re.M)[
            0
        ]  # the imports come first
        for match in _IMPORT.finditer(head.split("package", 1)[-1].split("\n", 1)[-1]):
            if "." in match.group(1).split("/")[0]:
                at = text.index(f'"{match.group(1)}"')  # Go names the import's line:column
                where = f"{text.count(chr(10), 0, at) + 1}:{at - text.rfind(chr(10), 0, at)}"
                ctx.err(
                    f"{name}:{where}: no required module provides package {match.group(1)}: {_NO_MOD[4:]}"
                )
                return -1
    size = HELLO_BYTES + total // 2
    return int(size * STRIP) if strip else size


def _build(ctx: ExecContext, args: list[str], *, install: bool) -> int:
    go_mod = _find_mod(ctx)
    output = None
    strip = False
    targets: list[str] = []
    it = iter(args)
    for arg in it:
        if arg == "-o":
            output = next(it, "")
        elif arg.startswith("-o="):
            output = arg[3:]
        elif arg in (
            "-ldflags",
            "-gcflags",
            "-tags",
            "-trimpath=false",
            "-mod",
            "-p",
            "-buildmode",
            "-installsuffix",
        ):
            value = next(it, "") if arg != "-trimpath=false" else ""
            strip = strip or (arg == "-ldflags" and "-s" in value.split() and "-w" in value.split())
        elif arg.startswith("-ldflags="):
            value = arg.partition("=")[2].strip("'\"")
            strip = strip or ("-s" in value.split() and "-w" in value.split())
        elif arg.startswith("-"):
            continue
        else:
            targets.append(arg)
    files = bool(targets) and all(t.endswith(".go") for t in targets)
    if go_mod is None and files and not install:
        # "go build main.go": the files are the package command-line-arguments, which needs no
        # go.mod while it imports only the standard library (cmd/go: GoFilesPackage); the
        # binary is named after the first file
        size = _files_binary(ctx, targets, strip)
        if size < 0:
            return 1
        full: list[tuple[str, str]] = []
        module, project = "", ctx.cwd
    elif go_mod is None:
        if install and targets and "@" in targets[0]:
            raise NotSimulated(f"go install {targets[0]}: layerlab fetches no module to build it")
        ctx.err(_NO_MOD)
        return 1
    else:
        module, full, _mod_only = _modules(ctx, go_mod)
        project = posixpath.dirname(go_mod)
        if not _go_source(ctx, project):
            ctx.err(f"no Go files in {ctx.cwd}\n")
            return 1
        size = binary_size(ctx, project, len(full), strip)
    name = posixpath.basename(module) or posixpath.basename(project)
    if files:
        name = posixpath.basename(targets[0])[: -len(".go")]
    elif targets and targets[0] not in (".", "./...") and not targets[0].startswith("./"):
        name = posixpath.basename(targets[0])
    elif targets and targets[0].startswith("./") and targets[0] not in ("./...",):
        name = posixpath.basename(targets[0].rstrip("/")) or name
    if ctx.env.get("GOOS") == "windows":
        name += ".exe"
    if install:
        gopath = (ctx.env.get("GOPATH") or f"{ctx.env.get('HOME', '/root') or '/root'}/go").split(":")[0]
        path = f"{ctx.env.get('GOBIN') or gopath + '/bin'}/{name}"
    elif output:
        path = ctx.abspath(output)
        if output.endswith("/") or is_dir(ctx.fs, path):
            path = f"{path.rstrip('/')}/{name}"
    elif targets == ["./..."]:
        return 0  # several packages and no -o: go build only checks that they compile
    else:
        path = f"{ctx.cwd.rstrip('/')}/{name}"
    _download(ctx, full, [])
    put_file(ctx.fs, path, size, 0o755)
    cache = ctx.env.get("GOCACHE") or f"{ctx.env.get('HOME', '/root') or '/root'}/.cache/go-build"
    digest = hashlib.sha256(path.encode()).hexdigest()
    put_file(ctx.fs, f"{cache}/{digest[:2]}/{digest}-d", 2 * size)
    write(ctx.fs, f"{cache}/trim.txt", "1700000000\n")
    return 0


@register("go")
def go(ctx: ExecContext, argv: list[str]) -> int:
    """``go mod download|tidy|verify``, ``go build``, ``go install``, ``go version``, ``go env VAR``."""
    args = argv[1:]
    if not args:
        ctx.err("Go is a tool for managing Go source code.\n\nUsage:\n\n\tgo <command> [arguments]\n")
        return 2
    version = ctx.env.get("GOLANG_VERSION", "1.22.12")
    goos, goarch = ctx.env.get("GOOS", "linux"), ctx.env.get("GOARCH", "amd64")
    if args[0] == "version":
        ctx.out(f"go version go{version} {goos}/{goarch}\n")
        return 0
    if args[0] == "env":
        values = {"GOPATH": (ctx.env.get("GOPATH") or "/root/go"), "GOMODCACHE": _modcache(ctx), "GOOS": goos,
                  "GOARCH": goarch, "CGO_ENABLED": ctx.env.get("CGO_ENABLED", "1"), "GOVERSION": f"go{version}"}  # fmt: skip
        names = [a for a in args[1:] if not a.startswith("-")]
        if names:
            ctx.out("".join(values.get(n, "") + "\n" for n in names))
        else:
            ctx.out("".join(f"{k}='{v}'\n" for k, v in values.items()))
        return 0
    if args[0] == "mod":
        sub = args[1] if len(args) > 1 else ""
        if sub == "init":
            if len(args) < 3:
                ctx.err("go: cannot determine module path for source directory\n")
                return 1
            write(
                ctx.fs,
                f"{ctx.cwd.rstrip('/')}/go.mod",
                f"module {args[2]}\n\ngo {version.rsplit('.', 1)[0]}\n",
            )
            ctx.err(f"go: creating new go.mod: module {args[2]}\n")
            return 0
        go_mod = _find_mod(ctx)
        if go_mod is None:
            ctx.err(_NO_MOD)
            return 1
        if sub in ("download", "tidy", "verify", "vendor"):
            _module, full, mod_only = _modules(ctx, go_mod)
            _download(ctx, full, mod_only)
            if sub == "verify":
                ctx.out("all modules verified\n")
            return 0
        raise NotSimulated(f"'go mod {sub}' is not simulated")
    if args[0] == "build":
        return _build(ctx, args[1:], install=False)
    if args[0] == "install":
        return _build(ctx, args[1:], install=True)
    if args[0] == "get":
        raise NotSimulated(
            "go get: layerlab resolves no new module versions (list them in go.mod and go.sum)"
        )
    raise NotSimulated(
        f"'go {args[0]}' is not simulated; layerlab runs go mod download, go build, go install"
    )
