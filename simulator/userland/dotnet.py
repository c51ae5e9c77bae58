"""``dotnet``: ``restore``, ``build``, ``publish``, ``--version``, ``--info`` -- by a model, from the ``.csproj``.

NuGet is not reachable from where layerlab's data are made, so the sizes follow this model
(each figure is a constant below):

- **restore**: ``obj/project.assets.json``, ``obj/project.nuget.cache``, ``obj/<Project>.csproj.nuget.g.props``
  and ``.targets``; in the NuGet cache (``$NUGET_PACKAGES``, else ``$HOME/.nuget/packages``) for each
  ``<PackageReference Include= Version=>``: ``<id lower-case>/<version>/`` with the ``.nupkg``
  (:data:`NUPKG_BYTES`), its ``.sha512``, the ``.nuspec`` and ``lib/<tfm>/<Id>.dll`` (:data:`DLL_BYTES`).
- **build** / **publish**: ``<AssemblyName>.dll`` (8 kB plus 40% of the ``.cs`` sources: IL is
  compact), its ``.pdb`` (half that plus 10 kB), ``.deps.json``, ``.runtimeconfig.json``, the
  ELF app host ``<AssemblyName>`` (:data:`APPHOST_BYTES`, 72 kB: the size of .NET 8's
  linux-x64 apphost) and each package's dll; ``build`` writes ``bin/<Configuration>/<tfm>/``,
  ``publish`` also ``bin/<Configuration>/<tfm>/publish/`` or ``-o DIR``.  The configuration is
  ``-c``'s (default Debug for build, Release for publish since .NET 8).

Without a project file it fails with MSBuild's MSB1003; with two it fails with MSB1011.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET

from simulator.userland._tree import listdir, put_file, read_text, write
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = ["APPHOST_BYTES", "DLL_BYTES", "NUPKG_BYTES", "dotnet"]

NUPKG_BYTES = 500_000
DLL_BYTES = 200_000
APPHOST_BYTES = 72_000


def _project(ctx: ExecContext, args: list[str]) -> tuple[str | None, str]:
    explicit = next((a for a in args if a.endswith((".csproj", ".fsproj", ".sln", ".vbproj"))), None)
    if explicit:
        path = ctx.abspath(explicit)
        return (
            (path, "")
            if read_text(ctx.fs, path) is not None
            else (None, f"MSBUILD : error MSB1009: Project file does not exist.\nSwitch: {explicit}\n")
        )
    found = [n for n in listdir(ctx.fs, ctx.cwd) if n.endswith((".csproj", ".fsproj", ".vbproj", ".sln"))]
    if not found:
        return None, ("MSBUILD : error MSB1003: Specify a project or solution file. The current working directory does "
                      "not contain a project or solution file.\n")  # fmt: skip
    if len(found) > 1:
        return None, ("MSBUILD : error MSB1011: Specify which project or solution file to use because this folder "
                      "contains more than one project or solution file.\n")  # fmt: skip
    return f"{ctx.cwd.rstrip('/')}/{found[0]}", ""


def _projects(ctx: ExecContext, path: str) -> list[str]:
    if not path.endswith(".sln"):
        return [path]
    text = read_text(ctx.fs, path) or ""
    base = posixpath.dirname(path)
    return [
        posixpath.normpath(f"{base}/{p.replace(chr(92), '/')}")
        for p in re.findall(r'"([^"]+\.(?:cs|fs|vb)proj)"', text)
    ]


def _read(ctx: ExecContext, path: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(assembly name, target framework, [(package id, version)])."""
    root = ET.fromstring(read_text(ctx.fs, path) or "<Project/>")
    name = posixpath.basename(path).rsplit(".", 1)[0]
    tfm = "net8.0"
    packages = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "AssemblyName" and element.text:
            name = element.text.strip()
        elif tag in ("TargetFramework", "TargetFrameworks") and element.text:
            tfm = element.text.strip().split(";")[0]
        elif tag == "PackageReference" and element.get("Include"):
            version = element.get("Version") or next(
                (c.text or "" for c in element if c.tag.endswith("Version")), ""
            )
            packages.append((element.get("Include", ""), version.strip()))
    return name, tfm, packages


def _restore(ctx: ExecContext, project: str) -> None:
    name, tfm, packages = _read(ctx, project)
    obj = f"{posixpath.dirname(project)}/obj"
    cache = ctx.env.get("NUGET_PACKAGES") or f"{ctx.env.get('HOME', '/root') or '/root'}/.nuget/packages"
    for package_id, version in packages:
        base = f"{cache}/{package_id.lower()}/{version}"
        put_file(ctx.fs, f"{base}/{package_id.lower()}.{version}.nupkg", NUPKG_BYTES)
        write(ctx.fs, f"{base}/{package_id.lower()}.{version}.nupkg.sha512", "0" * 88)
        write(
            ctx.fs,
            f"{base}/{package_id.lower()}.nuspec",
            f"<package><metadata><id>{package_id}</id><version>{version}</version></metadata></package>\n",
        )
        put_file(ctx.fs, f"{base}/lib/{tfm}/{package_id}.dll", DLL_BYTES)
    assets = {"version": 3, "targets": {tfm: {f"{p}/{v}": {"type": "package"} for p, v in packages}},
              "project": {"restore": {"projectName": name, "projectPath": project}}}  # fmt: skip
    write(ctx.fs, f"{obj}/project.assets.json", json.dumps(assets, indent=2))
    write(ctx.fs, f"{obj}/project.nuget.cache", json.dumps({"version": 2, "success": True}, indent=2))
    base = posixpath.basename(project)
    write(ctx.fs, f"{obj}/{base}.nuget.g.props", "<Project />\n")
    write(ctx.fs, f"{obj}/{base}.nuget.g.targets", "<Project />\n")
    write(ctx.fs, f"{obj}/{base}.nuget.dgspec.json", "{}\n")


def _cs_bytes(ctx: ExecContext, directory: str) -> int:
    total = 0
    for name in listdir(ctx.fs, directory):
        path = f"{directory}/{name}"
        if name in ("bin", "obj"):
            continue
        if ctx.fs.stat(path).is_dir:
            total += _cs_bytes(ctx, path)
        elif name.endswith((".cs", ".fs", ".vb", ".cshtml", ".razor")):
            total += ctx.fs.stat(path).size
    return total


def _emit(ctx: ExecContext, project: str, out: str) -> None:
    name, tfm, packages = _read(ctx, project)
    dll = 8_000 + int(_cs_bytes(ctx, posixpath.dirname(project)) * 0.4)
    put_file(ctx.fs, f"{out}/{name}.dll", dll)
    put_file(ctx.fs, f"{out}/{name}.pdb", dll // 2 + 10_000)
    put_file(ctx.fs, f"{out}/{name}", APPHOST_BYTES, 0o755)
    write(ctx.fs, f"{out}/{name}.deps.json", json.dumps({"runtimeTarget": {"name": f".NETCoreApp,Version=v{tfm[3:]}"},
                                                        "libraries": {f"{p}/{v}": {"type": "package"} for p, v in packages}},
                                                       indent=2))  # fmt: skip
    framework = (
        "Microsoft.AspNetCore.App" if "Web" in (read_text(ctx.fs, project) or "") else "Microsoft.NETCore.App"
    )
    write(ctx.fs, f"{out}/{name}.runtimeconfig.json", json.dumps(
        {"runtimeOptions": {"tfm": tfm, "framework": {"name": framework, "version": f"{tfm[3:]}.0"}}}, indent=2))  # fmt: skip
    for package_id, _version in packages:
        put_file(ctx.fs, f"{out}/{package_id}.dll", DLL_BYTES)
    if framework == "Microsoft.AspNetCore.App":
        write(
            ctx.fs,
            f"{out}/appsettings.json",
            read_text(ctx.fs, f"{posixpath.dirname(project)}/appsettings.json") or "{}\n",
        )


def _option(args: list[str], *names: str) -> str | None:
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(name + "=") or (name.startswith("--") and arg.startswith(name + ":")):
                return arg[len(name) + 1 :]
    return None


@register("dotnet")
def dotnet(ctx: ExecContext, argv: list[str]) -> int:
    """``dotnet restore|build|publish [-c CONFIG] [-o DIR] [PROJECT]``, ``--version``, ``--info``."""
    args = argv[1:]
    version = ctx.env.get("DOTNET_SDK_VERSION", "8.0.404")
    if not args or args[0] in ("--version",):
        ctx.out(f"{version}\n")
        return 0
    if args[0] == "--info":
        ctx.out(
            f".NET SDK:\n Version:           {version}\n\nRuntime Environment:\n OS Name:     Linux\n RID:         linux-x64\n"
        )
        return 0
    command, rest = args[0], args[1:]
    if command not in ("restore", "build", "publish"):
        raise NotSimulated(
            f"'dotnet {command}' is not simulated; layerlab runs dotnet restore, build, publish"
        )
    path, problem = _project(ctx, [a for a in rest if not a.startswith("-")])
    if path is None:
        ctx.out(problem)
        return 1
    config = _option(rest, "-c", "--configuration") or ("Release" if command == "publish" else "Debug")
    output = _option(rest, "-o", "--output")
    for project in _projects(ctx, path):
        if read_text(ctx.fs, project) is None:
            continue
        try:
            _restore(ctx, project)
        except ET.ParseError as exc:
            ctx.out(
                f"{project}({exc.position[0]},{exc.position[1]}): error MSB4025: The project file could not be loaded.\n"
            )
            return 1
        name, tfm, _packages = _read(ctx, project)
        ctx.out(f"  Determining projects to restore...\n  Restored {project} (in 1 sec).\n")
        if command == "restore" or ("--no-build" in rest and command == "build"):
            continue
        bin_dir = f"{posixpath.dirname(project)}/bin/{config}/{tfm}"
        _emit(ctx, project, bin_dir)
        ctx.out(f"  {name} -> {bin_dir}/{name}.dll\n")
        if command == "publish":
            out = ctx.abspath(output) if output else f"{bin_dir}/publish"
            _emit(ctx, project, out)
            ctx.out(f"  {name} -> {out.rstrip('/')}/\n")
    return 0
