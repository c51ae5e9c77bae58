"""``pip`` (and ``pip3``, ``python3 -m pip``) over the PyPI catalogue of ``data/pip.json``.

The catalogue (made by :mod:`simulator.distro.gen_pip` from PyPI) gives each project's latest
version, every released version, its dependencies for CPython 3.12 on Linux x86_64, the wheel
pip downloads, and the installed files from the wheel's ``RECORD`` plus the ``.pyc`` files pip
compiles -- so an installed package has its real installed size, not its wheel's.

What ``pip install`` writes, as pip does:

- ``<site-packages>/<package>/...`` and ``<name>-<version>.dist-info/`` (``METADATA``,
  ``WHEEL``, ``INSTALLER``, ``REQUESTED`` for the named requirements, ``RECORD`` listing every
  file written), where site-packages is the image's Python's (``/usr/local/lib/python3.X``),
  ``--user``'s (``/root/.local``), ``--prefix``'s or ``--target``'s;
- console scripts (``flask``, ``gunicorn`` ...) in the ``bin`` directory beside it
  (``/usr/local/bin``), with distlib's launcher text and the interpreter of the image's ``pip``;
- the downloaded wheels in pip's HTTP cache, ``/root/.cache/pip/http-v2`` (``$HOME/.cache/pip``),
  unless ``--no-cache-dir`` or ``PIP_NO_CACHE_DIR``; ``--no-compile`` leaves out the ``.pyc`` files.

A project PyPI has only as an sdist (``mysql-connector``: its catalogue entry has ``sdist``) is
downloaded as the ``.tar.gz`` and built into a wheel as pip does: ``setup.py bdist_wheel`` where
setuptools and wheel are installed (``Preparing metadata (setup.py)``, ``Building wheel for ...
(setup.py)``), else PEP 517 (``(pyproject.toml)``, after the build dependencies); the wheel goes
to pip's wheel cache.  Not modelled: pip < 23.1's ``setup.py install`` when wheel is missing.

A version pinned to one that PyPI has but the catalogue does not (``flask==2.3.2``) is installed
under that version with the files of the catalogue's version (sizes of the nearest release we
measured); a version PyPI never had fails as pip does, listing the real versions.
"""

from __future__ import annotations

import difflib
import hashlib
import posixpath
import re
from functools import cache
from typing import Any

from simulator.distro.jsondata import load
from simulator.model.fs import FileSystem
from simulator.userland._hints import catalogue_gap
from simulator.userland._pep440 import key as _key
from simulator.userland._pep440 import release as _release
from simulator.userland._pep440 import satisfies as _satisfies
from simulator.userland._tree import exists, listdir, put_file, read_text, remove_tree, write
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = ["canonical", "format_size", "pip", "pip_catalogue", "python_m_pip"]

_TAKES_VALUE = {
    "-i", "--index-url", "--extra-index-url", "-c", "--constraint", "-t", "--target", "--prefix", "--root",
    "-f", "--find-links", "--trusted-host", "--timeout", "--progress-bar", "--root-user-action", "--only-binary",
    "--no-binary", "--cache-dir", "--platform", "--python-version", "--implementation", "--abi", "--src",
    "--log", "--retries", "--upgrade-strategy", "--proxy", "--cert", "--client-cert", "--report",
}  # fmt: skip
_COMMANDS = ("install", "uninstall", "list", "freeze", "show", "download", "wheel", "check", "config", "cache",
             "index", "inspect", "hash", "completion", "debug", "help", "search")  # fmt: skip
_REQ = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_SPEC = re.compile(r"^\s*(===|==|!=|~=|<=|>=|<|>)\s*([A-Za-z0-9.*+!_-]+)\s*$")


@cache
def pip_catalogue() -> dict[str, Any]:
    """Canonical name -> the catalogue entry (version, versions, depends, files ...)."""
    return dict(load("pip.json")["packages"])


def canonical(name: str) -> str:
    """PEP 503's normalized name: ``Flask_SQLAlchemy`` -> ``flask-sqlalchemy``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def format_size(n: float) -> str:
    """pip's ``format_size`` (pip/_internal/utils/misc.py): ``102 kB``, ``16.3 MB``, ``2.7 kB``."""
    if n > 1000 * 1000:
        return f"{n / 1000.0 / 1000:.1f} MB"
    if n > 10 * 1000:
        return f"{int(n / 1000)} kB"
    if n > 1000:
        return f"{n / 1000.0:.1f} kB"
    return f"{int(n)} bytes"


# ----------------------------------------------------------------------------- requirements
class _Bad(Exception):
    """A requirement or option pip refuses; the message is pip's."""


def _parse_req(text: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """(name, extras, specifiers) of ``flask[async]>=2,<4 ; python_version > "3"``."""
    body = text.split(";", 1)[0].strip()
    m = _REQ.match(body)
    if not m:
        raise _Bad(f"ERROR: Invalid requirement: {text!r}\n")
    name, extras, rest = m.group(1), m.group(2), m.group(3).strip()
    specs: list[tuple[str, str]] = []
    if rest.startswith("@"):
        raise NotSimulated(f"pip installs from a URL ({text}): layerlab fetches nothing")
    for part in filter(None, (p.strip() for p in rest.split(","))):
        s = _SPEC.match(part)
        if not s:
            hint = "\nHint: = is not a valid operator. Did you mean == ?" if re.match(r"^=[^=]", part) else ""
            raise _Bad(
                f"ERROR: Invalid requirement: {text!r}: Expected end or semicolon (after name and no valid "
                f"version specifier)\n    {body}\n    {' ' * len(name)}^{hint}\n"
            )
        specs.append((s.group(1), s.group(2)))
    return name, [e.strip() for e in (extras or "[]")[1:-1].split(",") if e.strip()], specs


def _read_requirements(ctx: ExecContext, path: str, seen: int = 0) -> list[str]:
    """The requirement lines of ``path`` (nested ``-r`` followed, options dropped)."""
    text = read_text(ctx.fs, ctx.abspath(path))
    if text is None:
        raise _Bad(
            f"ERROR: Could not open requirements file: [Errno 2] No such file or directory: {path!r}\n"
        )
    out: list[str] = []
    for raw in text.replace("\\\n", "").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        if line.startswith(("-r ", "--requirement", "-c ", "--constraint")):
            nested = line.split(None, 1)[1] if " " in line else line.partition("=")[2]
            if line.startswith(("-r", "--requirement")) and seen < 10:
                out += _read_requirements(
                    ctx, posixpath.join(posixpath.dirname(path), nested.strip()), seen + 1
                )
            continue
        if line.startswith(("-e", "--editable", ".", "/", "git+", "http:", "https:")):
            raise NotSimulated(
                f"pip installs a local project or a URL ({line}): layerlab builds no Python projects"
            )
        if line.startswith("-"):
            continue
        out.append(line)
    return out


# ----------------------------------------------------------------------------- the image's Python
def _python(fs: FileSystem) -> tuple[str, str, str, bool] | None:
    """(version, prefix, site-packages, externally managed) of the image's Python, or None."""
    for prefix in ("/usr/local", "/usr"):
        versions = sorted(
            (n for n in listdir(fs, f"{prefix}/lib") if re.fullmatch(r"python3\.\d+", n)),
            key=lambda n: int(n.split(".")[1]),
        )
        if versions:
            version = versions[-1][len("python") :]
            if prefix == "/usr/local":
                return version, prefix, f"{prefix}/lib/{versions[-1]}/site-packages", False
            debian = exists(fs, "/usr/lib/python3/dist-packages") or exists(fs, "/etc/debian_version")
            site = (
                "/usr/lib/python3/dist-packages" if debian else f"{prefix}/lib/{versions[-1]}/site-packages"
            )
            managed = exists(fs, f"{prefix}/lib/{versions[-1]}/EXTERNALLY-MANAGED") or debian
            return version, prefix, site, managed
    return None


def _installed(fs: FileSystem, site: str) -> dict[str, tuple[str, str]]:
    """canonical name -> (version, dist-info directory) of what is installed in ``site``."""
    out = {}
    for entry in listdir(fs, site):
        if entry.endswith(".dist-info"):
            name, _, version = entry.removesuffix(".dist-info").rpartition("-")
            out[canonical(name)] = (version, f"{site}/{entry}")
    return out


def _interpreter(fs: FileSystem, prefix: str, version: str) -> str:
    first = (read_text(fs, f"{prefix}/bin/pip") or "").split("\n", 1)[0]
    return first[2:].strip() if first.startswith("#!") else f"{prefix}/bin/python{version}"


def _script(interpreter: str, target: str) -> str:
    """distlib's launcher script (pip/_vendor/distlib/scripts.py SCRIPT_TEMPLATE)."""
    module, _, func = target.partition(":")
    func = func.split("[")[0].strip()
    head = func.split(".")[0]
    return (
        f"#!{interpreter}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {module.strip()} import {head}\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        f"    sys.exit({func}())\n"
    )


# ----------------------------------------------------------------------------- install
def _resolve(
    wanted: list[tuple[str, list[str], list[tuple[str, str]], str]], no_deps: bool
) -> list[tuple[str, str]]:
    """(canonical name, version) to consider, dependencies first; raises _Bad for pip's errors."""
    cat = pip_catalogue()
    chosen: dict[str, str] = {}
    order: list[tuple[str, str]] = []

    def visit(name: str, extras: list[str], depth: int) -> None:
        entry = cat[name]
        deps = [] if no_deps else list(entry["depends"])
        for extra in extras:
            deps += [d for d in entry.get("extras", {}).get(extra, []) if d not in deps]
        for dep in deps:
            if dep in cat and dep not in chosen and depth < 50:
                chosen[dep] = cat[dep]["version"]
                visit(dep, [], depth + 1)
        order.append((name, chosen[name]))

    for text, _extras, specs, name in wanted:
        entry = cat.get(name)
        if entry is None:
            raise _Bad(
                f"ERROR: Could not find a version that satisfies the requirement {text} (from versions: none)\n"
                f"ERROR: No matching distribution found for {text}\n"
                + catalogue_gap(name, "PyPI", sorted(cat))
            )
        version = entry["version"]
        if not _satisfies(version, specs):
            # PEP 440 (pip's SpecifierSet): a specifier that names a pre-release admits pre-releases
            pre = any(_release(want)[1] for _op, want in specs)
            fits = [v for v in entry["versions"] if _satisfies(v, specs) and (pre or not _release(v)[1])]
            if not fits:
                shown = ", ".join(sorted(entry["versions"], key=_key))
                raise _Bad(
                    f"ERROR: Could not find a version that satisfies the requirement {text} (from versions: {shown})\n"
                    f"ERROR: No matching distribution found for {text}\n"
                )
            version = max(fits, key=_key)
        chosen[name] = version
    for _text, extras, _specs, name in wanted:
        if not any(n == name for n, _ in order):
            visit(name, extras, 0)
    return order


def _install_one(
    ctx: ExecContext, name: str, version: str, site: str, bindir: str, interp: str, *, requested: bool,
    compile_pyc: bool,
) -> None:  # fmt: skip
    fs = ctx.fs
    entry = pip_catalogue()[name]
    old_info = entry["dist_info"]
    dist_info = old_info.replace(f"-{entry['version']}.dist-info", f"-{version}.dist-info")
    tag = site.rsplit("/python3.", 1)[-1].split("/")[0] if "/python3." in site else "12"
    record: list[str] = []
    for rel, size in entry["files"]:
        rel = rel.replace(old_info + "/", dist_info + "/").replace("cpython-312", f"cpython-3{tag}")
        if rel.startswith(dist_info + "/") and rel.rsplit("/", 1)[-1] in ("RECORD", "INSTALLER", "REQUESTED"):
            continue
        if "__pycache__/" in rel and not compile_pyc:
            continue
        if ".data/scripts/" in rel:
            rel = posixpath.relpath(posixpath.join(bindir, rel.rsplit("/", 1)[-1]), site)
        if rel.startswith(dist_info + "/METADATA"):
            text = f"Metadata-Version: 2.1\nName: {entry['name']}\nVersion: {version}\nSummary: {entry['summary']}\n"
            write(fs, f"{site}/{rel}", text + "\n" * max(0, size - len(text.encode())))
        else:
            put_file(fs, posixpath.normpath(f"{site}/{rel}"), size, 0o755 if "/bin/" in f"/{rel}" else 0o644)
        record.append(f"{rel},sha256={_digest(rel)},{size}")
    write(fs, f"{site}/{dist_info}/INSTALLER", "pip\n")
    record.append(f"{dist_info}/INSTALLER,sha256={_digest('pip')},4")
    if requested:
        write(fs, f"{site}/{dist_info}/REQUESTED", "")
        record.append(f"{dist_info}/REQUESTED,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0")
    for script, target in sorted(entry["console_scripts"].items()):
        path = f"{bindir}/{script}"
        write(fs, path, _script(interp, target), 0o755)
        record.append(f"{posixpath.relpath(path, site)},,")
    record.append(f"{dist_info}/RECORD,,")
    write(fs, f"{site}/{dist_info}/RECORD", "\n".join(record) + "\n")


# ----------------------------------------------------------------------------- sdists
_PREPARE = {
    "setup.py": (),
    "pyproject.toml": ("Installing build dependencies", "Getting requirements to build wheel"),
}


def _build_form(fs: FileSystem, site: str) -> str:
    """How pip builds a wheel from a ``setup.py`` sdist with the image's Python (``site``: its own
    site-packages): ``setup.py bdist_wheel`` when setuptools and wheel are importable there (the
    python:3.10/3.11 images install both), else PEP 517 in an isolated build environment (pip
    >= 23.1: src/pip/_internal/pyproject.py load_pyproject_toml; python:3.12+ have neither)."""
    legacy = exists(fs, f"{site}/setuptools") and exists(fs, f"{site}/wheel")
    return "setup.py" if legacy else "pyproject.toml"


def _steps(steps: tuple[str, ...], last: str) -> str:
    """pip's spinner lines when its output is not a terminal (``docker build``): started/finished."""
    return "".join(f"  {s}: started\n  {s}: finished with status 'done'\n" for s in (*steps, last))


def _build_wheels(
    fs: FileSystem, built: list[tuple[str, str]], python: str, form: str, cache: str | None
) -> str:
    """pip's "Building wheels for collected packages" block, and the wheels it stores."""
    cat = pip_catalogue()
    tag = "cp" + python.replace(".", "")
    out = [f"Building wheels for collected packages: {', '.join(cat[n]['name'] for n, _ in built)}\n"]
    for n, v in built:
        entry = cat[n]
        wheel = entry["wheel"].replace(f"-{entry['version']}-", f"-{v}-").replace("cp312", tag)
        key = hashlib.sha224(entry["sdist"]["filename"].replace(entry["version"], v).encode()).hexdigest()
        parts = f"{key[:2]}/{key[2:4]}/{key[4:6]}/{key[6:]}"
        where = (
            f"{cache}/wheels/{parts}" if cache else f"/tmp/pip-ephem-wheel-cache-{key[-8:]}/wheels/{parts}"
        )
        if cache:
            put_file(fs, f"{where}/{wheel}", entry["wheel_size"], 0o644)
        digest = hashlib.sha256(wheel.encode()).hexdigest()
        out.append(_steps((), f"Building wheel for {entry['name']} ({form})"))
        out.append(
            f"  Created wheel for {entry['name']}: filename={wheel} size={entry['wheel_size']} sha256={digest}\n"
        )
        out.append(f"  Stored in directory: {where}\n")
    out.append(f"Successfully built {' '.join(cat[n]['name'] for n, _ in built)}\n")
    return "".join(out)


def _digest(seed: str) -> str:
    import base64

    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).decode().rstrip("=")


def _cache_wheel(fs: FileSystem, root: str, wheel: str, size: int) -> None:
    key = hashlib.sha224(wheel.encode()).hexdigest()
    path = f"{root}/http-v2/{key[0]}/{key[1]}/{key[2]}/{key[3]}/{key[4]}/{key[5:]}.body"
    put_file(fs, path, size, 0o600)
    write(fs, path[: -len(".body")], f"cached response for {wheel}\n", 0o600)


def _install(ctx: ExecContext, args: list[str], py: tuple[str, str, str, bool]) -> int:
    version, prefix, site, managed = py
    fs = ctx.fs
    opts: dict[str, str] = {}
    reqs: list[str] = []
    rest = iter(args)
    for arg in rest:
        key, eq, value = arg.partition("=")
        if (
            arg in ("-r", "--requirement")
            or (eq and key == "--requirement")
            or (arg.startswith("-r") and len(arg) > 2)
        ):
            path = (
                value
                if eq and key == "--requirement"
                else arg[2:]
                if arg.startswith("-r") and len(arg) > 2
                else next(rest, "")
            )
            reqs += _read_requirements(ctx, path)
        elif arg in ("-e", "--editable") or arg in (".", "./") or arg.startswith(("/", "./", "git+", "http")):
            raise NotSimulated(
                f"pip installs a local project or a URL ({arg}): layerlab builds no Python projects"
            )
        elif arg.startswith("--") and eq:
            opts[key] = value
        elif arg in _TAKES_VALUE:
            opts[arg] = next(rest, "")
        elif arg.startswith("-"):
            opts[arg] = ""
        else:
            reqs.append(arg)
    if not reqs:
        raise _Bad('ERROR: You must give at least one requirement to install (see "pip help install")\n')
    home = ctx.env.get("HOME", "/root") or "/root"
    if "--user" in opts:
        prefix, managed = f"{home}/.local", managed
        site = f"{prefix}/lib/python{version}/site-packages"
    elif "--prefix" in opts or "--root" in opts:
        base = opts.get("--root", "") + opts.get("--prefix", prefix)
        prefix, site, managed = base, f"{base}/lib/python{version}/site-packages", False
    target = opts.get("-t") or opts.get("--target")
    if target:
        site, prefix, managed = ctx.abspath(target), ctx.abspath(target), False
    bindir = f"{site}/bin" if target else f"{prefix}/bin"
    if managed and "--break-system-packages" not in opts and not ctx.env.get("PIP_BREAK_SYSTEM_PACKAGES"):
        ctx.err(
            "error: externally-managed-environment\n\n× This environment is externally managed\n"
            "╰─> To install Python packages system-wide, try apt install\n    python3-xyz, where xyz is the package you are trying to\n"
            "    install.\n\nnote: If you believe this is a mistake, please contact your Python installation or OS distribution provider. "
            "You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.\n"
            "hint: See PEP 668 for the detailed specification.\n"
        )  # fmt: skip
        return 1
    quiet = sum(2 if o == "--quiet" else o.count("q") for o in opts if o in ("-q", "-qq", "-qqq", "--quiet"))
    say = ctx.out if not quiet else (lambda _t: None)
    installed = _installed(fs, site)
    cat = pip_catalogue()
    upgrade = "-U" in opts or "--upgrade" in opts
    wanted = []
    for text in reqs:
        name, extras, specs = _parse_req(text)
        key = canonical(name)
        have = installed.get(key)
        if have and (not upgrade or key not in cat) and _satisfies(have[0], specs):
            say(f"Requirement already satisfied: {text} in {site} ({have[0]})\n")
            continue
        wanted.append((text, extras, specs, key))
    order = _resolve(wanted, "--no-deps" in opts)
    named = {w[3] for w in wanted}
    new = [(n, v) for n, v in order if installed.get(n, ("",))[0] != v]
    for n, v in order:
        if (n, v) not in new:
            say(f"Requirement already satisfied: {n} in {site} ({v})\n")
    no_cache = "--no-cache-dir" in opts or bool(ctx.env.get("PIP_NO_CACHE_DIR"))
    cache_root = opts.get("--cache-dir") or f"{home}/.cache/pip"
    form = _build_form(fs, py[2])
    built: list[tuple[str, str]] = []
    for n, v in new:
        entry = cat[n]
        sdist = entry.get("sdist")
        download = (sdist["filename"], sdist["size"]) if sdist else (entry["wheel"], entry["wheel_size"])
        download = (download[0].replace(f"-{entry['version']}", f"-{v}"), download[1])
        say(f"Collecting {n}\n  Downloading {download[0]} ({format_size(download[1])})\n")
        if not no_cache:
            _cache_wheel(fs, cache_root, download[0], download[1])
        if sdist:
            say(_steps(_PREPARE[form], f"Preparing metadata ({form})"))
            built.append((n, v))
    if built:
        say(_build_wheels(fs, built, version, form, None if no_cache else cache_root))
    if not new:
        return 0
    shown = [cat[n]["name"] for n, _ in new]
    say(f"Installing collected packages: {', '.join(shown)}\n")
    interp = _interpreter(fs, py[1], version)
    for n, v in new:
        old = installed.get(n)
        if old:
            say(
                f"  Attempting uninstall: {cat[n]['name']}\n    Found existing installation: {cat[n]['name']} {old[0]}\n"
            )
            _uninstall_dist(fs, site, old[1])
            say(f"    Successfully uninstalled {cat[n]['name']}-{old[0]}\n")
        _install_one(
            ctx, n, v, site, bindir, interp, requested=n in named, compile_pyc="--no-compile" not in opts
        )
    done = sorted(f"{cat[n]['name']}-{v}" for n, v in new)
    if quiet < 2:
        ctx.out("Successfully installed " + " ".join(done) + "\n")
    action = opts.get("--root-user-action") or ctx.env.get("PIP_ROOT_USER_ACTION", "warn")
    if ctx.uid == 0 and action != "ignore" and not target and quiet < 3:
        ctx.err("WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour "
                "with the system package manager, possibly rendering your system unusable. It is recommended to use a "
                "virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if "
                "you know what you are doing and want to suppress this warning.\n")  # fmt: skip
    return 0


def _uninstall_dist(fs: FileSystem, site: str, dist_info: str) -> None:
    """Remove what a dist-info's RECORD lists, then the directories left empty."""
    dirs = set()
    for line in (read_text(fs, f"{dist_info}/RECORD") or "").splitlines():
        rel = line.split(",", 1)[0]
        if not rel:
            continue
        path = posixpath.normpath(posixpath.join(site, rel))
        if exists(fs, path):
            fs.unlink(path)
        dirs.add(posixpath.dirname(path))
    remove_tree(fs, dist_info)
    for directory in sorted(dirs, key=len, reverse=True):
        while directory.startswith(site + "/") and exists(fs, directory) and not listdir(fs, directory):
            fs.rmdir(directory)
            directory = posixpath.dirname(directory)


# ----------------------------------------------------------------------------- the command
@register("pip", "pip3")
def pip(ctx: ExecContext, argv: list[str]) -> int:
    """``pip install|uninstall|list|freeze|show|--version`` over the PyPI catalogue."""
    fs = ctx.fs
    py = _python(fs)
    if py is None:
        ctx.err(f"{argv[0]}: python not found\n")
        return 127
    version, _prefix, site, _managed = py
    args = [a for a in argv[1:] if a not in ("--disable-pip-version-check", "--no-input", "--no-color", "-v")]
    if args and args[0] in ("--version", "-V"):
        own = _installed(fs, site).get("pip", ("24.0", ""))[0]  # the image's pip, by its dist-info
        ctx.out(f"pip {own} from {site}/pip (python {version})\n")
        return 0
    if not args or args[0] in ("help", "-h", "--help"):
        ctx.out("\nUsage:   \n  pip <command> [options]\n")
        return 0
    command = args[0]
    if command not in _COMMANDS:
        close = difflib.get_close_matches(command, _COMMANDS, n=1)
        ctx.err(
            f'ERROR: unknown command "{command}"'
            + (f' - maybe you meant "{close[0]}"' if close else "")
            + "\n"
        )
        return 1
    try:
        if command == "install":
            return _install(ctx, args[1:], py)
        installed = _installed(fs, site)
        if command in ("list", "freeze"):
            names = {canonical(n): n for n in installed}
            rows = sorted(
                (pip_catalogue().get(k, {}).get("name", names[k]), v[0]) for k, v in installed.items()
            )
            if command == "freeze":
                ctx.out(
                    "".join(
                        f"{n}=={v}\n" for n, v in rows if canonical(n) not in ("pip", "setuptools", "wheel")
                    )
                )
            else:
                width = max([len("Package"), *(len(n) for n, _ in rows)])
                ctx.out(f"{'Package':<{width}} Version\n{'-' * width} -------\n")
                ctx.out("".join(f"{n:<{width}} {v}\n" for n, v in rows))
            return 0
        if command == "show":
            status = 0
            for name in args[1:]:
                have = installed.get(canonical(name))
                if have is None:
                    ctx.err(f"WARNING: Package(s) not found: {name}\n")
                    status = 1
                    continue
                entry = pip_catalogue().get(canonical(name), {})
                ctx.out(f"Name: {entry.get('name', name)}\nVersion: {have[0]}\nSummary: {entry.get('summary', '')}\n"
                        f"Location: {site}\nRequires: {', '.join(entry.get('depends', []))}\n")  # fmt: skip
            return status
        if command == "uninstall":
            targets = [a for a in args[1:] if not a.startswith("-")]
            if not targets:
                raise _Bad(
                    'ERROR: You must give at least one requirement to uninstall (see "pip help uninstall")\n'
                )
            for name in targets:
                have = installed.get(canonical(name))
                if have is None:
                    ctx.err(f"WARNING: Skipping {name} as it is not installed.\n")
                    continue
                if "-y" not in args and "--yes" not in args:
                    ctx.out(f"Found existing installation: {name} {have[0]}\nProceed (Y/n)? ")
                    ctx.err("ERROR: Exception:\nEOFError: EOF when reading a line\n")
                    return 2
                ctx.out(f"Found existing installation: {name} {have[0]}\nUninstalling {name}-{have[0]}:\n")
                _uninstall_dist(fs, site, have[1])
                ctx.out(f"  Successfully uninstalled {name}-{have[0]}\n")
            return 0
    except _Bad as exc:
        ctx.err(str(exc))
        return 1
    raise NotSimulated(
        f"'pip {command}' is not simulated; layerlab runs pip install, uninstall, list, freeze, show"
    )


def python_m_pip(ctx: ExecContext, argv: list[str]) -> int:
    """``python3 -m pip ARGS...``: pip's behaviour when ``argv`` is ``[python3, -m, pip, ...]``;
    127 when ``argv`` is not a ``-m pip`` call."""
    if len(argv) >= 3 and argv[1] == "-m" and argv[2] in ("pip", "pip3"):
        return pip(ctx, ["pip", *argv[3:]])
    return 127
