"""``tar`` (create, extract, list; gzip with ``-z``) and ``gzip``/``gunzip``/``zcat`` for the RUN shell.

The archives are real ones (Python's :mod:`tarfile` and :mod:`gzip`), so a tarball made in a
RUN step can be listed by the real ``tar`` and one copied in with ``COPY`` can be extracted
here.  Every file goes through the container's operations, so extracting over files of the
image copies them up as overlayfs does.  Layers keep no timestamps: archived members have
mtime 0 and ``gzip`` writes an mtime of 0 (as ``gzip -n`` does).

Messages follow busybox 1.35, or GNU tar 1.34 / gzip 1.12 when the binary that runs is GNU's
(see :func:`~simulator.userland._args.is_gnu`).
"""

from __future__ import annotations

import gzip as gzip_module
import io
import posixpath
import tarfile
import zlib

from simulator.patterns import fnmatch
from simulator.userland._args import (
    group_name,
    is_gnu,
    lstat_or_none,
    parse_options,
    prog_name,
    read_input,
    stat_or_none,
    strerror,
    umask_of,
    user_name,
)
from simulator.userland.registry import ExecContext, register

__all__: list[str] = []


class _Fatal(Exception):
    """An error after which tar stops (GNU: 'Error is not recoverable: exiting now')."""


def _split_old_style(args: list[str]) -> list[str]:
    """``tar xzf a.tgz`` (first argument without a dash) is ``tar -x -z -f a.tgz``."""
    if not args or args[0].startswith("-"):
        return args
    letters, rest = args[0], args[1:]
    out: list[str] = []
    for letter in letters:
        out.append("-" + letter)
        if letter in "fCX" and rest:
            out.append(rest.pop(0))
    return out + rest


def _write(ctx: ExecContext, path: str, data: bytes) -> None:
    if path in ("-", "/dev/stdout"):
        ctx.out(data)
        return
    ctx.fs.write_file(ctx.abspath(path), data, mode=0o666 & ~umask_of(ctx))


@register("tar")
def tar(ctx: ExecContext, argv: list[str]) -> int:
    gnu = is_gnu(ctx, argv)
    args = _split_old_style(argv[1:])
    parsed = parse_options(
        ctx,
        ["tar", *args],
        "cxtzjJvpOhmoaP",
        "fCX",
        {
            "create": "c",
            "extract": "x",
            "get": "x",
            "list": "t",
            "gzip": "z",
            "gunzip": "z",
            "file": "f",
            "directory": "C",
            "verbose": "v",
            "to-stdout": "O",
            "dereference": "h",
            "no-same-owner": "o",
            "same-permissions": "p",
            "preserve-permissions": "p",
            "touch": "m",
            "auto-compress": "a",
            "exclude": "E",
            "strip-components": "S",
            "absolute-names": "P",
            "exclude-from": "X",
            "no-same-permissions": "N",
            "numeric-owner": "n",
            "overwrite": "W",
            "owner": "U",
            "group": "G",
            "mode": "M",
            "sort": "R",
            "mtime": "T",
        },
    )
    if parsed is None:
        return 2 if gnu else 1
    seen, values, operands = parsed
    excludes = [a.partition("=")[2] for a in args if a.startswith("--exclude=")]
    strip = next((int(a.partition("=")[2]) for a in args if a.startswith("--strip-components=")), 0)
    modes = seen & {"c", "x", "t"}
    if len(modes) != 1:
        ctx.err(
            "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\n"
            "Try 'tar --help' or 'tar --usage' for more information.\n"
            if gnu
            else "tar: need to specify one of -c, -x, -t\n"
            if not modes
            else "tar: only one of -c, -x, -t is allowed\n"
        )
        return 2 if gnu else 1
    archive = values.get("f", "-")
    compress = "z" in seen or ("a" in seen and archive.endswith((".gz", ".tgz")))
    if "j" in seen or "J" in seen:
        ctx.err("tar: layerlab's tar only knows gzip compression (-z); use -z or no compression\n")
        return 2 if gnu else 1
    try:
        if "c" in seen:
            return _create(
                ctx, gnu, archive, operands, values.get("C"), compress, "v" in seen, excludes, "h" in seen
            )
        return _read(
            ctx, gnu, archive, operands, values.get("C"), "t" in seen, "v" in seen, "O" in seen, strip, seen
        )
    except _Fatal as exc:
        ctx.err(f"tar: {exc}\n")
        if gnu:
            ctx.err("tar: Error is not recoverable: exiting now\n")
        return 2 if gnu else 1


def _member_name(name: str, is_dir: bool) -> str:
    return name + "/" if is_dir and not name.endswith("/") else name


def _create(
    ctx: ExecContext,
    gnu: bool,
    archive: str,
    operands: list[str],
    directory: str | None,
    compress: bool,
    verbose: bool,
    excludes: list[str],
    deref: bool,
) -> int:
    if not operands:
        ctx.err(
            "tar: Cowardly refusing to create an empty archive\nTry 'tar --help' or 'tar --usage' for more information.\n"
            if gnu
            else "tar: empty archive\n"
        )
        return 2 if gnu else 1
    base = ctx.abspath(directory) if directory else ctx.cwd
    if directory and (stat_or_none(ctx, base) is None or not stat_or_none(ctx, base).is_dir):
        raise _Fatal(
            f"{directory}: Cannot open: No such file or directory"
            if gnu
            else f"can't change directory to '{directory}': No such file or directory"
        )
    buffer = io.BytesIO()
    status = 0
    warned = False
    listing: list[str] = []
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as out:
        for operand in operands:
            path = posixpath.normpath(operand if operand.startswith("/") else posixpath.join(base, operand))
            entry = stat_or_none(ctx, path) if deref else lstat_or_none(ctx, path)
            if entry is None:
                ctx.err(
                    f"tar: {operand}: Cannot stat: No such file or directory\n"
                    if gnu
                    else f"tar: {operand}: No such file or directory\n"
                )
                status = 2 if gnu else 1
                continue
            shown = operand
            if operand.startswith("/"):
                if not warned:
                    ctx.err(
                        "tar: Removing leading `/' from member names\n"
                        if gnu
                        else "tar: removing leading '/' from member names\n"
                    )
                    warned = True
                shown = operand.lstrip("/")
            items = [(path, shown.rstrip("/") or ".", entry)]
            if entry.is_dir:
                for child, child_entry in ctx.fs.walk(path):
                    items.append(
                        (
                            child,
                            posixpath.join(shown.rstrip("/") or ".", child[len(path) :].lstrip("/")),
                            child_entry,
                        )
                    )
            for real, name, item in items:
                if any(
                    fnmatch(pattern, posixpath.basename(name)) or fnmatch(pattern, name)
                    for pattern in excludes
                ):
                    continue
                if deref and item.is_symlink:
                    item = stat_or_none(ctx, real) or item
                info = tarfile.TarInfo(name)
                info.mode = item.mode & 0o7777
                info.uid, info.gid = item.uid, item.gid
                info.uname = (
                    user_name(ctx.fs, item.uid) if user_name(ctx.fs, item.uid) != str(item.uid) else ""
                )
                info.gname = (
                    group_name(ctx.fs, item.gid) if group_name(ctx.fs, item.gid) != str(item.gid) else ""
                )
                info.mtime = 0
                if item.is_symlink:
                    info.type = tarfile.SYMTYPE
                    info.linkname = ctx.fs.readlink(real)
                    out.addfile(info)
                elif item.is_dir:
                    info.type = tarfile.DIRTYPE
                    out.addfile(info)
                else:
                    data = bytes(ctx.fs.read_file(real))
                    info.size = len(data)
                    out.addfile(info, io.BytesIO(data))
                listing.append(_member_name(name, item.is_dir))
    data = buffer.getvalue()
    if compress:
        data = gzip_module.compress(data, mtime=0)
    if verbose:
        text = "".join(name + "\n" for name in listing)
        # with -f - the archive is on stdout, so the names go to stderr (as the real tools do)
        ctx.err(text) if archive == "-" else ctx.out(text)
    try:
        _write(ctx, archive, data)
    except (OSError, ValueError) as exc:
        raise _Fatal(
            f"{archive}: Cannot open: {strerror(exc)}" if gnu else f"can't open '{archive}': {strerror(exc)}"
        ) from None
    if status and gnu:
        ctx.err("tar: Exiting with failure status due to previous errors\n")
    elif status:
        ctx.err("tar: error exit delayed from previous errors\n")
    return status


def _listing_line(info: tarfile.TarInfo, gnu: bool) -> str:
    kind = {tarfile.DIRTYPE: "d", tarfile.SYMTYPE: "l", tarfile.LNKTYPE: "h"}.get(info.type, "-")
    bits = ""
    for shift in (6, 3, 0):
        triplet = info.mode >> shift & 7
        bits += ("r" if triplet & 4 else "-") + ("w" if triplet & 2 else "-") + ("x" if triplet & 1 else "-")
    kind = "-" if kind == "h" else kind
    owner = f"{info.uname or info.uid}/{info.gname or info.gid}"
    stamp = "1970-01-01 00:00" if gnu else "1970-01-01 00:00:00"
    text = f"{kind}{bits} {owner} {info.size:>9} {stamp} {_member_name(info.name, info.isdir())}"
    if info.issym():
        text += f" -> {info.linkname}"
    elif info.islnk():
        text += f" link to {info.linkname}"
    return text + "\n"


def _makedirs(ctx: ExecContext, path: str) -> None:
    current = ""
    for part in [p for p in path.split("/") if p]:
        current += "/" + part
        if lstat_or_none(ctx, current) is None:
            ctx.fs.mkdir(current, 0o755)


def _read(
    ctx: ExecContext,
    gnu: bool,
    archive: str,
    operands: list[str],
    directory: str | None,
    list_only: bool,
    verbose: bool,
    to_stdout: bool,
    strip: int,
    seen: set[str],
) -> int:
    try:
        raw = read_input(ctx, archive)
    except (OSError, ValueError) as exc:
        raise _Fatal(
            f"{archive}: Cannot open: {strerror(exc)}" if gnu else f"can't open '{archive}': {strerror(exc)}"
        ) from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip_module.decompress(raw)
        except (OSError, EOFError, zlib.error):
            raise _Fatal("Child returned status 1" if gnu else "corrupted data") from None
    try:
        opened = tarfile.open(fileobj=io.BytesIO(raw), mode="r:")  # noqa: SIM115 - in memory, read below
        members = opened.getmembers()
    except tarfile.TarError:
        raise _Fatal("This does not look like a tar archive" if gnu else "invalid tar magic") from None
    base = ctx.abspath(directory) if directory else ctx.cwd
    if (
        directory
        and not list_only
        and (stat_or_none(ctx, base) is None or not stat_or_none(ctx, base).is_dir)
    ):
        raise _Fatal(
            f"{directory}: Cannot open: No such file or directory"
            if gnu
            else f"can't change directory to '{directory}': No such file or directory"
        )
    wanted = [o.rstrip("/") for o in operands]
    found: set[str] = set()
    status = 0
    for info in members:
        name = info.name.rstrip("/")
        if wanted:
            match = next((w for w in wanted if name == w or name.startswith(w + "/")), None)
            if match is None:
                continue
            found.add(match)
        if list_only:
            ctx.out(_listing_line(info, gnu) if verbose else _member_name(info.name, info.isdir()) + "\n")
            continue
        if verbose:
            ctx.out(_member_name(info.name, info.isdir()) + "\n")
        parts = [p for p in name.split("/") if p and p != "."]
        if strip:
            if len(parts) <= strip:
                continue
            parts = parts[strip:]
        if ".." in parts:
            ctx.err(f"tar: {name}: Member name contains '..'\n" if gnu else f"tar: skipping '{name}'\n")
            continue
        if to_stdout:
            if info.isfile():
                data = opened.extractfile(info)
                ctx.out(data.read() if data else b"")
            continue
        target = posixpath.join(base, *parts) if parts else base
        try:
            _extract_one(ctx, opened, info, target, base, strip, "o" in seen or ctx.uid != 0)
        except (OSError, ValueError) as exc:
            ctx.err(
                f"tar: {name}: Cannot open: {strerror(exc)}\n"
                if gnu
                else f"tar: can't create '{name}': {strerror(exc)}\n"
            )
            status = 2 if gnu else 1
    for w in wanted:
        if w not in found:
            ctx.err(f"tar: {w}: Not found in archive\n" if gnu else f"tar: {w}: not found in archive\n")
            status = 2 if gnu else 1
    if status and gnu:
        ctx.err("tar: Exiting with failure status due to previous errors\n")
    return status


def _extract_one(
    ctx: ExecContext,
    opened: tarfile.TarFile,
    info: tarfile.TarInfo,
    target: str,
    base: str,
    strip: int,
    no_owner: bool,
) -> None:
    _makedirs(ctx, posixpath.dirname(target))
    existing = lstat_or_none(ctx, target)
    uid, gid = (ctx.uid, ctx.gid) if no_owner else (info.uid, info.gid)
    if not no_owner and info.uname:
        from simulator.userland import users

        entry = users.passwd_entry(ctx.fs.read_file, info.uname)
        uid = int(entry[2]) if entry else info.uid
    if not no_owner and info.gname:
        from simulator.userland import users

        entry = users.group_entry(ctx.fs.read_file, info.gname)
        gid = int(entry[2]) if entry else info.gid
    mode = info.mode & 0o7777 if ctx.uid == 0 else info.mode & 0o777 & ~umask_of(ctx)
    if info.isdir():
        if existing is None:
            ctx.fs.mkdir(target, 0o700)
        elif not existing.is_dir:
            ctx.fs.unlink(target)
            ctx.fs.mkdir(target, 0o700)
        ctx.fs.chmod(target, mode)
        ctx.fs.chown(target, uid, gid)
        return
    if existing is not None:
        if existing.is_dir:
            raise IsADirectoryError(21, "Is a directory")
        ctx.fs.unlink(target)
    if info.issym():
        ctx.fs.symlink(info.linkname, target)
        ctx.fs.lchown(target, uid, gid)
    elif info.islnk():
        parts = [p for p in info.linkname.split("/") if p and p != "."][strip:]
        ctx.fs.link(posixpath.join(base, *parts), target)
    else:
        data = opened.extractfile(info)
        ctx.fs.write_file(target, data.read() if data else b"", mode=mode)
        ctx.fs.chmod(target, mode)
        ctx.fs.chown(target, uid, gid)


# ---------------------------------------------------------------------------------- gzip
@register("gzip", "gunzip", "zcat")
def gzip(ctx: ExecContext, argv: list[str]) -> int:
    cmd = prog_name(argv)
    gnu = is_gnu(ctx, argv)
    parsed = parse_options(
        ctx,
        argv,
        "cdfkqtvnN123456789r",
        "S",
        {
            "stdout": "c",
            "decompress": "d",
            "force": "f",
            "keep": "k",
            "quiet": "q",
            "test": "t",
            "suffix": "S",
        },
    )
    if parsed is None:
        return 1
    seen, values, operands = parsed
    decompress = "d" in seen or cmd in ("gunzip", "zcat")
    to_stdout = "c" in seen or cmd == "zcat" or not operands
    suffix = values.get("S", ".gz")
    level = next((int(c) for c in "123456789" if c in seen), 6)
    prefix = "gzip" if gnu else cmd
    status = 0
    for operand in operands or ["-"]:
        if decompress and operand != "-" and not operand.endswith((suffix, ".tgz")) and not to_stdout:
            ctx.err(
                f"{prefix}: {operand}: unknown suffix -- ignored\n"
                if gnu
                else f"{cmd}: {operand}: unknown suffix - ignored\n"
            )
            status = 2 if gnu else 1
            continue
        entry = stat_or_none(ctx, operand) if operand != "-" else None
        if operand != "-" and entry is not None and entry.is_dir:
            ctx.err(
                f"{prefix}: {operand} is a directory -- ignored\n"
                if gnu
                else f"{cmd}: {operand}: Is a directory\n"
            )
            status = 2 if gnu else 1
            continue
        try:
            data = read_input(ctx, operand)
        except (OSError, ValueError) as exc:
            ctx.err(f"{prefix}: {operand}: {strerror(exc)}\n")
            status = 1
            continue
        if decompress:
            try:
                result = gzip_module.decompress(data)
            except (OSError, EOFError, zlib.error):
                ctx.err(
                    f"\n{prefix}: {'stdin' if operand == '-' else operand}: not in gzip format\n"
                    if gnu
                    else f"{cmd}: invalid magic\n"
                    if data[:2] != b"\x1f\x8b"
                    else f"{cmd}: corrupted data\n"
                )
                status = 1
                continue
        else:
            name = (
                posixpath.basename(operand).encode("utf-8", "surrogateescape")
                if operand != "-" and "n" not in seen
                else b""
            )
            result = _gzip_bytes(data, level, name)
        if "t" in seen:
            continue
        if to_stdout:
            ctx.out(result)
            continue
        if decompress:
            target = operand[: -len(suffix)] if operand.endswith(suffix) else operand[:-4] + ".tar"
        else:
            if operand.endswith(suffix) and gnu:  # a warning: the exit status stays 0
                ctx.err(f"{prefix}: {operand} already has {suffix} suffix -- unchanged\n")
                continue
            target = operand + suffix
        if lstat_or_none(ctx, target) is not None and "f" not in seen:
            ctx.err(
                f"{prefix}: {target} already exists;\tnot overwritten\n"
                if gnu
                else f"{cmd}: can't open '{target}': File exists\n"
            )
            status = 2 if gnu else 1
            continue
        path = ctx.abspath(target)
        try:
            if lstat_or_none(ctx, target) is not None:
                ctx.fs.unlink(path)
            assert entry is not None
            ctx.fs.write_file(path, result, mode=entry.mode & 0o7777)
            ctx.fs.chown(path, entry.uid, entry.gid)
            if "k" not in seen:
                ctx.fs.unlink(ctx.abspath(operand))
        except (OSError, ValueError) as exc:
            ctx.err(f"{prefix}: {target}: {strerror(exc)}\n")
            status = 1
    return status


def _gzip_bytes(data: bytes, level: int, name: bytes) -> bytes:
    """A gzip member with mtime 0 and, like ``gzip`` on a named file, the original name."""
    flags = 0x08 if name else 0
    header = (
        b"\x1f\x8b\x08"
        + bytes([flags])
        + b"\0\0\0\0"
        + bytes([2 if level == 9 else 4 if level == 1 else 0])
        + b"\x03"
    )
    if name:
        header += name + b"\0"
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush()
    return (
        header
        + body
        + zlib.crc32(data).to_bytes(4, "little")
        + (len(data) & 0xFFFFFFFF).to_bytes(4, "little")
    )
