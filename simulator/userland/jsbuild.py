"""The build tools ``npm run build`` meets: ``vite build``, ``tsc``, ``react-scripts build``.

They run as the project's ``node_modules/.bin`` programs (the shell finds them there), so they
exist only after ``npm install``.  What they write follows a size model, not a bundler:

- **vite build** -> ``dist/`` (``--outDir``): ``index.html`` (the project's, plus 150 bytes of
  injected tags), ``assets/index-<hash>.js`` and, when the sources have CSS,
  ``assets/index-<hash>.css``, and ``public/`` copied as is.  The JavaScript is the frameworks'
  minified runtime (:data:`RUNTIME_BYTES`: React 18 ``react`` + ``react-dom`` production builds,
  10.7 kB + 131.9 kB; React 19 ~186 kB; Vue 3 ~58 kB; approximate figures, as the create-vite
  templates' build output shows them) plus 2% of the unpacked size of any other production
  dependency, plus 60% of the app's ``src`` JavaScript/TypeScript (minification); CSS is 80%
  of the ``src`` CSS.
- **react-scripts build** -> ``build/`` with ``static/js/main.<hash>.js`` by the same model,
  ``index.html`` and ``asset-manifest.json``.
- **tsc** -> one ``.js`` for each ``.ts``/``.tsx`` (not ``.d.ts``) of the project, 90% of its
  size (types stripped), in ``compilerOptions.outDir`` (else beside the source); nothing with
  ``--noEmit``.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from typing import Any

from simulator.model.fs import FileSystem
from simulator.userland._tree import exists, is_dir, listdir, put_file, read_json, read_text, write
from simulator.userland.registry import ExecContext, register

__all__ = ["RUNTIME_BYTES", "bundle_size"]

RUNTIME_BYTES: dict[tuple[str, str], int] = {
    ("react-dom", "18"): 142_600,
    ("react-dom", "19"): 186_000,
    ("vue", "3"): 58_000,
}
"""(package, major) -> bytes of its minified production runtime in a bundle (approximate)."""

_SKIP = {"node_modules", "dist", "build", ".git", ".next", "out"}


def _files(fs: FileSystem, root: str, suffixes: tuple[str, ...]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for name in listdir(fs, root):
        path = f"{root.rstrip('/')}/{name}"
        if is_dir(fs, path):
            if name not in _SKIP:
                out += _files(fs, path, suffixes)
        elif name.endswith(suffixes):
            out.append((path, fs.stat(path).size))
    return out


def _installed(fs: FileSystem, project: str, name: str) -> dict[str, Any] | None:
    data, _ = read_json(fs, f"{project}/node_modules/{name}/package.json")
    return data if isinstance(data, dict) else None


def bundle_size(fs: FileSystem, project: str) -> int:
    """The modelled size of the JavaScript bundle of ``project`` (see the module's text)."""
    manifest, _ = read_json(fs, f"{project}/package.json")
    deps = (manifest or {}).get("dependencies", {}) if isinstance(manifest, dict) else {}
    total = 0
    for name in deps:
        meta = _installed(fs, project, name)
        if meta is None:
            continue
        major = str(meta.get("version", "0")).split(".")[0]
        if (name, major) in RUNTIME_BYTES:
            total += RUNTIME_BYTES[(name, major)]
        elif name not in ("react",) and not any(k[0] == name for k in RUNTIME_BYTES):
            size = sum(s for _, s in _files(fs, f"{project}/node_modules/{name}", (".js", ".mjs", ".cjs")))
            total += int(size * 0.02)
    app = sum(s for _, s in _files(fs, f"{project}/src", (".js", ".jsx", ".ts", ".tsx", ".vue", ".svelte")))
    return total + int(app * 0.6) + 1_000


def _hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:8]


def _copy_tree(fs: FileSystem, src: str, dst: str) -> None:
    for name in listdir(fs, src):
        path = f"{src}/{name}"
        if is_dir(fs, path):
            _copy_tree(fs, path, f"{dst}/{name}")
        else:
            write(fs, f"{dst}/{name}", bytes(fs.read_file(path)))


@register("vite")
def vite(ctx: ExecContext, argv: list[str]) -> int:
    """``vite build [--outDir DIR]`` (``vite`` alone starts a dev server: exits at once here)."""
    if argv[1:2] != ["build"]:
        ctx.out("  VITE ready (layerlab starts no server)\n")
        return 0
    project = ctx.cwd.rstrip("/") or "/"
    out_dir = "dist"
    for i, arg in enumerate(argv):
        if arg.startswith("--outDir="):
            out_dir = arg.partition("=")[2]
        elif arg == "--outDir" and i + 1 < len(argv):
            out_dir = argv[i + 1]
    out = posixpath.join(project, out_dir)
    html = read_text(ctx.fs, f"{project}/index.html")
    if html is None:
        ctx.err('error during build:\nCould not resolve entry module "index.html".\n')
        return 1
    js = bundle_size(ctx.fs, project)
    css = int(sum(s for _, s in _files(ctx.fs, f"{project}/src", (".css", ".scss"))) * 0.8)
    h = _hash(project + str(js))
    ctx.out("vite v5.4.21 building for production...\ntransforming...\n")
    write(ctx.fs, f"{out}/index.html", html + " " * 150)
    put_file(ctx.fs, f"{out}/assets/index-{h}.js", js)
    lines = [
        f"{out_dir}/index.html  {len(html) + 150:,} B",
        f"{out_dir}/assets/index-{h}.js  {js / 1000:.2f} kB",
    ]
    if css:
        put_file(ctx.fs, f"{out}/assets/index-{h[::-1]}.css", css)
        lines.append(f"{out_dir}/assets/index-{h[::-1]}.css  {css / 1000:.2f} kB")
    if is_dir(ctx.fs, f"{project}/public"):
        _copy_tree(ctx.fs, f"{project}/public", out)
    ctx.out("rendering chunks...\n" + "".join(line + "\n" for line in lines) + "✓ built in 1.00s\n")
    return 0


@register("react-scripts")
def react_scripts(ctx: ExecContext, argv: list[str]) -> int:
    """``react-scripts build`` -> ``build/``."""
    if argv[1:2] != ["build"]:
        return 0
    project = ctx.cwd.rstrip("/") or "/"
    out = f"{project}/build"
    js = bundle_size(ctx.fs, project)
    h = _hash(project + str(js))
    put_file(ctx.fs, f"{out}/static/js/main.{h}.js", js)
    write(ctx.fs, f"{out}/index.html", read_text(ctx.fs, f"{project}/public/index.html") or "<!doctype html>")
    write(
        ctx.fs,
        f"{out}/asset-manifest.json",
        json.dumps({"files": {"main.js": f"/static/js/main.{h}.js"}}, indent=2),
    )
    ctx.out(
        f"Creating an optimized production build...\nCompiled successfully.\n\n  {js / 1000:.2f} kB  build/static/js/main.{h}.js\n"
    )
    return 0


@register("tsc")
def tsc(ctx: ExecContext, argv: list[str]) -> int:
    """``tsc [-p FILE] [--outDir DIR] [--noEmit]``: a ``.js`` per ``.ts`` source."""
    project = ctx.cwd.rstrip("/") or "/"
    config_path = f"{project}/tsconfig.json"
    out_dir = None
    for i, arg in enumerate(argv):
        if arg in ("-p", "--project") and i + 1 < len(argv):
            config_path = ctx.abspath(argv[i + 1])
            if is_dir(ctx.fs, config_path):
                config_path += "/tsconfig.json"
        if arg == "--outDir" and i + 1 < len(argv):
            out_dir = argv[i + 1]
    if "--noEmit" in argv or "-v" in argv or "--version" in argv:
        if "-v" in argv or "--version" in argv:
            ctx.out("Version 5.9.3\n")
        return 0
    text = read_text(ctx.fs, config_path)
    options: dict[str, Any] = {}
    if text is not None:
        try:  # tsconfig allows comments and trailing commas
            cleaned = re.sub(r",(\s*[}\]])", r"\1", re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S))
            options = json.loads(cleaned).get("compilerOptions", {}) or {}
        except (json.JSONDecodeError, AttributeError):
            ctx.out(
                f"{posixpath.relpath(config_path, project)}: error TS5092: The root value of a 'tsconfig.json' file must be an object.\n"
            )
            return 1
    elif not exists(ctx.fs, config_path) and len(argv) == 1:
        ctx.out("Version 5.9.3\ntsc: The TypeScript Compiler - Version 5.9.3\n")
        return 1
    if options.get("noEmit"):
        return 0
    base = posixpath.dirname(config_path)
    out_dir = out_dir or options.get("outDir")
    root_dir = posixpath.join(base, options.get("rootDir", "src" if is_dir(ctx.fs, f"{base}/src") else "."))
    for path, size in _files(ctx.fs, base, (".ts", ".tsx", ".mts", ".cts")):
        if path.endswith(".d.ts"):
            continue
        rel = (
            posixpath.relpath(path, root_dir)
            if path.startswith(root_dir.rstrip("/") + "/")
            else posixpath.relpath(path, base)
        )
        target_dir = posixpath.join(base, out_dir) if out_dir else posixpath.dirname(path)
        js = re.sub(
            r"\.(m|c)?tsx?$", lambda m: f".{m.group(1) or ''}js", rel if out_dir else posixpath.basename(path)
        )
        put_file(ctx.fs, posixpath.normpath(posixpath.join(target_dir, js)), max(1, int(size * 0.9)))
    return 0
