# Long module: the three package managers (apt, apk, pip) share the catalogue helpers and the
# file writer; one module each is the planned split (issue 10), not done yet.
"""Package managers over a built-in catalogue: ``apt-get``/``apt``, ``apk`` (and ``dpkg -l``); pip is :mod:`simulator.userland.pip`.

The catalogue is data (:mod:`simulator.distro.catalogue`: Debian 12 for apt, Alpine 3.20 for apk,
PyPI for pip; its file says where its figures come from).  Every file a command writes goes through
the container's operations, so copy-ups and whiteouts are the real ones, and the sizes are close
to the real tools', which is what the classic lessons need:

- ``apt-get install`` without ``apt-get update`` fails (``E: Unable to locate package``, exit
  100), because the official Debian images ship with empty ``/var/lib/apt/lists``;
- ``apt-get update`` writes ~20 MB of lists, which ``rm -rf /var/lib/apt/lists/*`` in a later
  RUN hides (a whiteout) but does not remove from the image, and in the same RUN does;
- ``/etc/apt/apt.conf.d/docker-clean`` (in the Debian images) deletes the downloaded ``.deb``
  files after an install; without it they stay in ``/var/cache/apt/archives`` until ``apt-get clean``;
- ``apk add`` keeps the index in ``/var/cache/apk`` unless ``--no-cache``; ``pip`` keeps wheels in
  ``/root/.cache/pip`` unless ``--no-cache-dir``.

Importing this module registers the commands with :mod:`simulator.userland.registry`; the
catalogue itself is read on first use.
"""

from __future__ import annotations

import fnmatch
import hashlib
import posixpath
from collections.abc import Iterable
from typing import Any

from simulator.distro.catalogue import (
    alternatives,
    apk_installed_db,
    apk_order,
    apk_section,
    apt_resolve,
    apt_section,
)
from simulator.distro.synthetic import synthetic_bytes
from simulator.model.fs import FileSystem
from simulator.userland._hints import catalogue_gap
from simulator.userland.pip import python_m_pip
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = ["python_m_pip"]


def _kb(n: int) -> str:
    """apt's sizes: ``1,234 kB`` (SI kilobytes, thousands separated)."""
    return f"{max(1, round(n / 1000)):,} kB"


# ----------------------------------------------------------------------------- file helpers
def _exists(fs: FileSystem, path: str) -> bool:
    try:
        fs.stat(path, follow_symlinks=False)
    except (OSError, ValueError):
        return False
    return True


def _read_text(fs: FileSystem, path: str) -> str:
    try:
        return bytes(fs.read_file(path)).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""


def _listdir(fs: FileSystem, path: str) -> list[str]:
    try:
        return list(fs.listdir(path))
    except (OSError, ValueError):
        return []


def _remove_tree(fs: FileSystem, path: str) -> None:
    """``rm -rf path`` through the container's operations."""
    try:
        entry = fs.stat(path, follow_symlinks=False)
    except (OSError, ValueError):
        return
    if entry.is_dir:
        for name in _listdir(fs, path):
            _remove_tree(fs, posixpath.join(path, name))
        fs.rmdir(path)
    else:
        fs.unlink(path)


def _put(fs: FileSystem, row: list[Any], excludes: list[tuple[bool, str]] = ()) -> int:  # type: ignore[assignment]
    """Create one catalogue row (``[path, "f", mode, size]``, ``[path, "l", target]``,
    ``[path, "d", mode]``); returns the bytes written (0 when a dpkg path-exclude skips it)."""
    path, kind = row[0], row[1]
    if excludes and _excluded(path, excludes):
        return 0
    fs.makedirs(posixpath.dirname(path))
    if kind == "d":
        if not _exists(fs, path):
            fs.mkdir(path, int(row[2], 8))
        return 0
    if _exists(fs, path):
        entry = fs.stat(path, follow_symlinks=False)
        if entry.is_dir:
            return 0
        fs.unlink(path)
    if kind == "l":
        fs.symlink(row[2], path)
        return 0
    size = int(row[3])
    fs.write_file(path, synthetic_bytes(path, size), int(row[2], 8))
    return size


def _dpkg_excludes(fs: FileSystem) -> list[tuple[bool, str]]:
    """``path-exclude``/``path-include`` rules of /etc/dpkg/dpkg.cfg.d (the slim images' docs filter)."""
    rules: list[tuple[bool, str]] = []
    for name in sorted(_listdir(fs, "/etc/dpkg/dpkg.cfg.d")):
        for line in _read_text(fs, f"/etc/dpkg/dpkg.cfg.d/{name}").splitlines():
            key, _, pattern = line.strip().replace("=", " ", 1).partition(" ")
            if key in ("path-exclude", "path-include") and pattern.strip():
                rules.append((key == "path-exclude", pattern.strip()))
    return rules


def _excluded(path: str, rules: Iterable[tuple[bool, str]]) -> bool:
    verdict = False
    for exclude, pattern in rules:  # the last matching rule wins, as in dpkg
        if fnmatch.fnmatchcase(path, pattern):
            verdict = exclude
    return verdict


# ============================================================================= apt
def _dpkg_status(fs: FileSystem) -> dict[str, str]:
    """package -> its stanza in /var/lib/dpkg/status (installed ones only)."""
    out: dict[str, str] = {}
    for stanza in _read_text(fs, "/var/lib/dpkg/status").split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in stanza.splitlines() if ": " in line and not line.startswith(" ")
        )
        if "Package" in fields and fields.get("Status", "").endswith(" installed"):
            out[fields["Package"]] = stanza.strip("\n")
    return out


def _stanza(name: str, meta: dict[str, Any]) -> str:
    order = ["Package", "Status", "Priority", "Section", "Installed-Size", "Maintainer", "Architecture", "Multi-Arch",
             "Version", "Replaces", "Provides", "Pre-Depends", "Depends", "Recommends", "Suggests", "Breaks",
             "Conflicts", "Description", "Homepage"]  # fmt: skip
    fields = dict(meta, Package=name, Status="install ok installed")
    return "\n".join(f"{k}: {fields[k]}" for k in order if fields.get(k))


def _lists_present(fs: FileSystem) -> bool:
    return any(
        n.endswith(("_Packages", "_Packages.lz4", "_Packages.gz")) for n in _listdir(fs, "/var/lib/apt/lists")
    )


def _codename(fs: FileSystem) -> str:
    for line in _read_text(fs, "/etc/os-release").splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.partition("=")[2].strip('"')
    return ""


def _os_id(fs: FileSystem) -> str:
    for line in _read_text(fs, "/etc/os-release").splitlines():
        if line.startswith("ID="):
            return line[3:].strip('"')
    return ""


def _list_files(fs: FileSystem) -> list[tuple[str, int]]:
    files = [(name, size) for name, size in apt_section()["lists"]]
    if _os_id(fs) == "ubuntu":
        files = [(n.replace("deb.debian.org_debian-security", "security.ubuntu.com_ubuntu")
                  .replace("deb.debian.org_debian", "archive.ubuntu.com_ubuntu")
                  .replace("bookworm", "noble"), s) for n, s in files]  # fmt: skip
    return files


def _apt_update(ctx: ExecContext, quiet: int) -> int:
    fs = ctx.fs
    fs.makedirs("/var/lib/apt/lists/partial")
    fetched = 0
    for i, (name, size) in enumerate(_list_files(fs), 1):
        fs.write_file(f"/var/lib/apt/lists/{name}", synthetic_bytes(f"/var/lib/apt/lists/{name}", size))
        fetched += size
        if quiet < 2:
            host, _, rest = name.partition("_")
            suite = rest.replace("_dists_", " ").replace("dists_", "").replace("_", " ")
            ctx.out(
                f"Get:{i} http://{host}/{suite.split(' ')[0]} {' '.join(suite.split(' ')[1:])} [{_kb(size)}]\n"
            )
    if not _exists(fs, "/etc/apt/apt.conf.d/docker-clean"):
        # without docker-clean, apt keeps its binary caches (Dir::Cache::pkgcache)
        fs.makedirs("/var/cache/apt")
        for name, size in (("pkgcache.bin", 27_303_911), ("srcpkgcache.bin", 27_246_534)):
            fs.write_file(f"/var/cache/apt/{name}", synthetic_bytes(f"/var/cache/apt/{name}", size))
    if quiet < 2:
        ctx.out(f"Fetched {_kb(fetched)} in 1s ({_kb(fetched)}/s)\nReading package lists...\n")
    return 0


def _wrap(names: list[str]) -> str:
    lines, line = [], " "
    for name in names:
        if len(line) + len(name) + 1 > 79:
            lines.append(line)
            line = " "
        line += " " + name
    lines.append(line)
    return "\n".join(lines) + "\n"


def _deb_name(name: str, meta: dict[str, Any]) -> str:
    version = meta.get("Version", "0").replace(":", "%3a")
    return f"{name}_{version}_{meta.get('Architecture', 'amd64')}.deb"


def _apt_install(ctx: ExecContext, wanted: list[str], opts: set[str], quiet: int) -> int:
    fs = ctx.fs
    say = ctx.out if quiet < 2 else (lambda _text: None)
    say("Reading package lists...\nBuilding dependency tree...\nReading state information...\n")
    installed = _dpkg_status(fs)
    if not _lists_present(fs):
        missing = next((w for w in wanted if w not in installed), None)
        if missing is not None:
            ctx.err(f"E: Unable to locate package {missing}\n")
            return 100
    order, missing = apt_resolve(wanted, installed, "--no-install-recommends" not in opts)
    if missing is not None:
        ctx.err(f"E: Unable to locate package {missing}\n")
        known = sorted(apt_section()["packages"])
        if missing not in known:
            ctx.err(catalogue_gap(missing, "Ubuntu 24.04" if _os_id(fs) == "ubuntu" else "Debian 12", known))
        return 100
    packages = apt_section()["packages"]
    for name in wanted:
        if name in installed or (name in apt_section()["base"] and name not in order):
            version = packages.get(name, {}).get("meta", {}).get("Version", "")
            say(f"{name} is already the newest version ({version}).\n")
    if not order:
        say("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")
        return 0
    extra = [n for n in order if n not in wanted]
    if extra:
        say("The following additional packages will be installed:\n" + _wrap(sorted(extra)))
    say("The following NEW packages will be installed:\n" + _wrap(sorted(order)))
    download = sum(int(packages[n].get("deb_size", 0)) for n in order)
    disk = sum(int(packages[n]["meta"].get("Installed-Size", 0)) for n in order) * 1024
    say(f"0 upgraded, {len(order)} newly installed, 0 to remove and 0 not upgraded.\n")
    say(
        f"Need to get {_kb(download)} of archives.\nAfter this operation, {_kb(disk)} of additional disk space will be used.\n"
    )
    if extra and not ({"-y", "--yes", "--assume-yes"} & opts):
        ctx.out("Do you want to continue? [Y/n] Abort.\n")
        return 1
    archives = "/var/cache/apt/archives"
    fs.makedirs(archives + "/partial")
    for i, name in enumerate(order, 1):
        meta = packages[name]["meta"]
        deb = _deb_name(name, meta)
        size = int(packages[name].get("deb_size", 0))
        say(
            f"Get:{i} http://deb.debian.org/debian bookworm/main amd64 {name} {meta.get('Architecture', 'amd64')} {meta.get('Version')} [{_kb(size)}]\n"
        )
        fs.write_file(f"{archives}/{deb}", synthetic_bytes(f"{archives}/{deb}", size))
    say(
        f"debconf: delaying package configuration, since apt-utils is not installed\nFetched {_kb(download)} in 1s ({_kb(download)}/s)\n"
    )
    excludes = _dpkg_excludes(fs)
    status = _dpkg_status(fs)
    log: list[str] = []
    for name in order:
        meta = packages[name]["meta"]
        arch = meta.get("Architecture", "amd64")
        label = f"{name}:{arch}" if meta.get("Multi-Arch") == "same" else name
        say(
            f"Selecting previously unselected package {label}.\nPreparing to unpack .../{_deb_name(name, meta)} ...\n"
        )
        say(f"Unpacking {label} ({meta['Version']}) ...\n")
        written = [
            row
            for row in packages[name]["files"]
            if _put(fs, row, excludes) or not _excluded(row[0], excludes)
        ]
        fs.makedirs("/var/lib/dpkg/info")
        listing = "/.\n" + "".join(row[0] + "\n" for row in written)
        info = f"/var/lib/dpkg/info/{name}{':amd64' if meta.get('Multi-Arch') == 'same' else ''}"
        fs.write_file(info + ".list", listing)
        md5 = "".join(
            f"{hashlib.md5(r[0].encode('utf-8', 'surrogateescape')).hexdigest()}  {r[0][1:]}\n"
            for r in written
            if r[1] == "f"
        )
        fs.write_file(info + ".md5sums", md5)
        status[name] = _stanza(name, meta)
        log.append(f"status installed {label} {meta['Version']}")
    for name in order:
        meta = packages[name]["meta"]
        say(
            f"Setting up {name}{':amd64' if meta.get('Multi-Arch') == 'same' else ''} ({meta['Version']}) ...\n"
        )
    say("Processing triggers for libc-bin (2.36-9+deb12u10) ...\n")
    fs.write_file("/var/lib/dpkg/status", "\n\n".join(status[k] for k in sorted(status)) + "\n")
    fs.makedirs("/var/log/apt")
    fs.append_file("/var/log/dpkg.log", "".join(f"2025-05-20 00:00:00 {line}\n" for line in log))
    fs.append_file(
        "/var/log/apt/history.log",
        f"\nCommandline: apt-get install {' '.join(wanted)}\nInstall: {', '.join(order)}\n",
    )
    auto = [n for n in order if n not in wanted]
    if auto:
        fs.append_file(
            "/var/lib/apt/extended_states",
            "".join(f"Package: {n}\nArchitecture: amd64\nAuto-Installed: 1\n\n" for n in auto),
        )
    if _exists(fs, "/etc/apt/apt.conf.d/docker-clean"):  # its DPkg::Post-Invoke deletes the archives
        _apt_clean(fs)
    return 0


def _apt_clean(fs: FileSystem) -> int:
    for directory in ("/var/cache/apt/archives", "/var/cache/apt/archives/partial"):
        for name in _listdir(fs, directory):
            if name.endswith(".deb"):
                fs.unlink(f"{directory}/{name}")
    for name in _listdir(fs, "/var/cache/apt"):
        if name.endswith(".bin"):
            fs.unlink(f"/var/cache/apt/{name}")
    return 0


def _apt_remove(ctx: ExecContext, names: list[str], quiet: int) -> int:
    fs = ctx.fs
    status = _dpkg_status(fs)
    packages = apt_section()["packages"]
    if quiet < 2:
        ctx.out("Reading package lists...\nBuilding dependency tree...\nReading state information...\n")
    gone = [n for n in names if n in status]
    for name in names:
        if name not in status:
            ctx.out(f"Package '{name}' is not installed, so not removed\n")
    for name in gone:
        for row in reversed(packages.get(name, {}).get("files", [])):
            if row[1] != "d" and _exists(fs, row[0]):
                fs.unlink(row[0])
        for ext in (".list", ".md5sums", ":amd64.list", ":amd64.md5sums"):
            if _exists(fs, f"/var/lib/dpkg/info/{name}{ext}"):
                fs.unlink(f"/var/lib/dpkg/info/{name}{ext}")
        del status[name]
        if quiet < 2:
            ctx.out(f"Removing {name} ...\n")
    if gone:
        fs.write_file("/var/lib/dpkg/status", "\n\n".join(status[k] for k in sorted(status)) + "\n")
    ctx.out(f"0 upgraded, 0 newly installed, {len(gone)} to remove and 0 not upgraded.\n")
    return 0


def _autoremovable(fs: FileSystem, removing: list[str], recommends: bool) -> list[str]:
    """The auto-installed packages no manual (or Essential) package needs once ``removing`` is gone:
    apt's autoremove, following Pre-Depends and Depends, and Recommends unless
    ``APT::AutoRemove::RecommendsImportant=false``."""
    status = _dpkg_status(fs)
    auto = set()
    for stanza in _read_text(fs, "/var/lib/apt/extended_states").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line)
        if fields.get("Auto-Installed") == "1" and "Package" in fields:
            auto.add(fields["Package"])
    fields_of = {
        name: dict(
            line.split(": ", 1) for line in stanza.splitlines() if ": " in line and not line.startswith(" ")
        )
        for name, stanza in status.items()
    }
    keep = [n for n in status if n not in removing and (n not in auto or fields_of[n].get("Essential") == "yes"
                                                         or fields_of[n].get("Priority") == "required")]  # fmt: skip
    needed: set[str] = set()
    while keep:
        name = keep.pop()
        if name in needed or name not in status:
            continue
        needed.add(name)
        meta = fields_of[name]
        for field in ("Pre-Depends", "Depends", *(("Recommends",) if recommends else ())):
            for alts in alternatives(meta.get(field, "")):
                keep += [a for a in alts if a in status][:1]
    return sorted(n for n in status if n in auto and n not in needed and n not in removing)


@register("apt-get", "apt")
def apt_get(ctx: ExecContext, argv: list[str]) -> int:
    """``apt-get update | install [-y] [--no-install-recommends] PKG... | clean | remove | purge``."""
    opts: set[str] = set()
    args: list[str] = []
    settings: dict[str, str] = {}
    rest = iter(argv[1:])
    for arg in rest:
        if arg in ("-o", "--option", "-c", "--config-file", "-t", "--target-release"):
            value = next(rest, "")  # -o APT::X=Y: a setting, not a package
            key, _, setting = value.partition("=")
            settings[key] = setting
        elif arg.startswith("-"):
            opts.add(arg)
        else:
            args.append(arg)
    quiet = sum(a.count("q") for a in opts if not a.startswith("--")) + ("--quiet" in opts)
    if not args:
        ctx.err(f"E: Invalid operation {''}\n" if len(argv) > 1 else "E: No command given\n")
        return 100
    command, names = args[0], args[1:]
    if argv[0].endswith("apt") and quiet < 2:
        ctx.err("\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n")
    # apt's versions: bullseye 2.2, jammy 2.4, bookworm 2.6, noble 2.7.14, trixie 3.0
    codename = _codename(ctx.fs)
    modern = codename not in ("bookworm", "bullseye", "jammy", "focal")  # apt >= 2.7.8: dist-clean
    if "--update" in opts and (codename == "noble" or not modern or command not in ("install", "upgrade")):
        # apt 2.9 added "install --update"; an older apt rejects an option it does not know
        ctx.err("E: Command line option --update is not understood in combination with the other options\n")
        return 100
    if command == "update":
        return _apt_update(ctx, quiet)
    if command == "install":
        if "--update" in opts:  # apt 3.0: "--update": run update first
            status = _apt_update(ctx, quiet)
            if status:
                return status
        return _apt_install(ctx, names, opts, quiet)
    if command in ("clean", "autoclean"):
        return _apt_clean(ctx.fs)
    if command == "dist-clean" and modern:
        # apt 2.7.8+: clean, and delete the package lists too (apt-get(8), trixie's images use it)
        _apt_clean(ctx.fs)
        for name in _listdir(ctx.fs, "/var/lib/apt/lists"):
            if name not in ("partial", "lock", "auxfiles"):
                ctx.fs.unlink(f"/var/lib/apt/lists/{name}")
        return 0
    if command in ("remove", "purge", "autoremove"):
        if command == "autoremove" or {"--auto-remove", "--autoremove"} & opts:
            recommends = settings.get("APT::AutoRemove::RecommendsImportant", "true").lower() not in (
                "false",
                "0",
                "no",
            )
            names = names + [n for n in _autoremovable(ctx.fs, names, recommends) if n not in names]
        return _apt_remove(ctx, names, quiet)
    ctx.err(f"E: Invalid operation {command}\n")
    return 100


@register("dpkg")
def dpkg(ctx: ExecContext, argv: list[str]) -> int:
    """``dpkg -l`` (list installed packages) and ``dpkg --print-architecture``."""
    if "--print-architecture" in argv:
        ctx.out("amd64\n")
        return 0
    if len(argv) > 1 and argv[1] in ("-l", "--list"):
        ctx.out("Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n"
                "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name           Version      Architecture Description\n"
                "+++-==============-============-============-=================================\n")  # fmt: skip
        for name, stanza in sorted(_dpkg_status(ctx.fs).items()):
            fields = dict(
                line.split(": ", 1)
                for line in stanza.splitlines()
                if ": " in line and not line.startswith(" ")
            )
            ctx.out(
                f"ii  {name:<14} {fields.get('Version', ''):<12} {fields.get('Architecture', ''):<12} {fields.get('Description', '')}\n"
            )
        return 0
    ctx.err("dpkg: error: need an action option\n")
    return 2


# ============================================================================= apk
def _apk_installed(fs: FileSystem) -> list[str]:
    return [
        line[2:] for line in _read_text(fs, "/lib/apk/db/installed").splitlines() if line.startswith("P:")
    ]


def _apk_total(fs: FileSystem, names: Iterable[str]) -> str:
    packages = apk_section()["packages"]
    kib = sum(packages.get(n, {}).get("installed_size", 0) for n in names)
    return f"{max(1, round(kib / 1024))} MiB"


def _apk_fetch_index(ctx: ExecContext, keep: bool) -> None:
    for name, size in apk_section()["index"]:
        repo = "main" if "7a3c" in name else "community"
        ctx.out(f"fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/{repo}/x86_64/APKINDEX.tar.gz\n")
        if keep:
            ctx.fs.makedirs("/var/cache/apk")
            ctx.fs.write_file(f"/var/cache/apk/{name}", synthetic_bytes(f"/var/cache/apk/{name}", size))


def _apk_virtuals(fs: FileSystem) -> dict[str, list[str]]:
    """Virtual packages (``apk add -t NAME``) and what they depend on, from the installed db."""
    out: dict[str, list[str]] = {}
    for stanza in _read_text(fs, "/lib/apk/db/installed").split("\n\n"):
        fields = dict(line.split(":", 1) for line in stanza.splitlines() if ":" in line)
        if fields.get("P", "").startswith(".") or fields.get("V") == "20240101.000000":
            out[fields["P"]] = fields.get("D", "").split()
    return out


@register("apk")
def apk(ctx: ExecContext, argv: list[str]) -> int:
    """``apk add [--no-cache] [--update|-U] PKG... | del PKG... | update | info``."""
    fs = ctx.fs
    opts: set[str] = set()
    args: list[str] = []
    virtual = None
    rest = iter(argv[1:])
    for arg in rest:
        if arg in ("-t", "--virtual"):  # apk add -t NAME: a virtual package depending on the others
            virtual = next(rest, "")
        elif arg.startswith("--virtual="):
            virtual = arg.partition("=")[2]
        elif arg.startswith("-"):
            opts.add(arg)
        else:
            args.append(arg)
    if "--print-arch" in opts:  # apk-tools: the arch of the database, then exit
        ctx.out("x86_64\n")
        return 0
    if not args:
        ctx.err("usage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n")
        return 1
    command, names = args[0], args[1:]
    packages = apk_section()["packages"]
    installed = _apk_installed(fs)
    no_cache = "--no-cache" in opts
    if command == "update":
        _apk_fetch_index(ctx, keep=not no_cache)
        ctx.out(
            f"v3.20.3 [https://dl-cdn.alpinelinux.org/alpine/v3.20/main]\nOK: {24000 + 0} distinct packages available\n"
        )
        return 0
    if command == "info":
        ctx.out("".join(n + "\n" for n in installed))
        return 0
    if command == "add":
        unknown = [n for n in names if n not in packages]
        have_index = bool([n for n in _listdir(fs, "/var/cache/apk") if n.startswith("APKINDEX")])
        if not (have_index and not ({"-U", "--update"} & opts)):
            _apk_fetch_index(ctx, keep=not no_cache)
        if unknown:
            world_name = virtual or "world"
            for n in unknown:
                ctx.err(
                    f"ERROR: unable to select packages:\n  {n} (no such package):\n    required by: {world_name}[{n}]\n"
                )
            for n in unknown:
                ctx.err(catalogue_gap(n, "Alpine 3.20", sorted(packages)))
            return 1
        order = apk_order(names, installed)
        total = len(order) + (1 if virtual else 0)  # apk counts the virtual package as one more to install
        for i, name in enumerate(order, 1):
            ctx.out(f"({i}/{total}) Installing {name} ({packages[name]['version']})\n")
            for row in packages[name]["files"]:
                _put(fs, row)
        for name in order:
            if name in ("busybox", "ca-certificates"):
                ctx.out(f"Executing {name}-{packages[name]['version']}.trigger\n")
        installed += order
        virtuals = _apk_virtuals(fs)
        if virtual:
            virtuals[virtual] = names
            ctx.out(f"({total}/{total}) Installing {virtual} (20240101.000000)\n")
        if order or virtual:
            db = apk_installed_db(n for n in installed if n in packages)
            db += "".join(f"P:{v}\nV:20240101.000000\nD:{' '.join(d)}\n\n" for v, d in virtuals.items())
            fs.write_file("/lib/apk/db/installed", db)
            world = [w for w in _read_text(fs, "/etc/apk/world").split() if w]
            fs.write_file(
                "/etc/apk/world",
                "".join(w + "\n" for w in sorted(set(world) | {virtual or n for n in names})),
            )
        ctx.out(f"OK: {_apk_total(fs, installed)} in {len(installed) + len(virtuals)} packages\n")
        return 0
    if command == "del":
        virtuals = _apk_virtuals(fs)
        world = [w for w in _read_text(fs, "/etc/apk/world").split() if w and w not in names]
        kept = {d for v, deps in virtuals.items() if v not in names for d in deps} | set(world)
        freed = [d for v in names if v in virtuals for d in virtuals[v] if d not in kept]

        def closure(roots: Iterable[str]) -> set[str]:
            seen: set[str] = set()
            todo = list(roots)
            while todo:
                name = todo.pop()
                if name not in seen and name in packages:
                    seen.add(name)
                    todo += packages[name]["depends"]
            return seen

        # what the removed packages pulled in and nothing left in world needs (apk's solver)
        still = closure(kept)
        pulled = [
            n
            for n in sorted(closure([*names, *freed]) - still)
            if n in installed and not packages[n].get("base")
        ]
        gone = [n for n in [*names, *freed, *pulled] if n in installed and n in packages]
        gone = [n for i, n in enumerate(gone) if n not in gone[:i]]
        for i, name in enumerate(gone, 1):
            ctx.out(f"({i}/{len(gone)}) Purging {name} ({packages[name]['version']})\n")
            for row in packages[name]["files"]:
                if row[1] != "d" and _exists(fs, row[0]):
                    fs.unlink(row[0])
        installed = [n for n in installed if n not in gone]
        dropped = [v for v in names if v in virtuals]
        if gone or dropped:
            db = apk_installed_db(n for n in installed if n in packages)
            db += "".join(
                f"P:{v}\nV:20240101.000000\nD:{' '.join(d)}\n\n"
                for v, d in virtuals.items()
                if v not in dropped
            )
            fs.write_file("/lib/apk/db/installed", db)
            fs.write_file("/etc/apk/world", "".join(w + "\n" for w in world if w not in gone))
        ctx.out(f"OK: {_apk_total(fs, installed)} in {len(installed)} packages\n")
        return 0
    ctx.err(f"apk: unknown command '{command}'\n")
    return 1


# ============================================================================= python
@register("python", "python3")
def python(ctx: ExecContext, argv: list[str]) -> int:
    """``python3 -m pip ...`` and ``python3 --version``; other Python code is not simulated
    (:class:`~simulator.userland.registry.NotSimulated`: a no-op in a build, else exit 127)."""
    if len(argv) >= 3 and argv[1] == "-m" and argv[2] in ("pip", "pip3"):
        return python_m_pip(ctx, argv)
    if argv[1:] in (["--version"], ["-V"]):
        ctx.out(f"Python {ctx.env.get('PYTHON_VERSION', '3.11.2')}\n")
        return 0
    raise NotSimulated(
        f"layerlab's shell runs no Python code; it runs '{argv[0]} -m pip ...' and '{argv[0]} --version'"
    )
