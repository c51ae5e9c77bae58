"""File metadata: chmod, chown, chgrp, ls, stat, and the commands that create files with a mode
(mktemp, install).
"""

from __future__ import annotations

import posixpath
import random
import re
import string
from typing import Any

from simulator.userland._args import (
    group_entry,
    group_name,
    is_gnu,
    lstat_or_none,
    own_new,
    parse_mode,
    parse_options,
    passwd_entry,
    prog_name,
    read_input,
    stat_or_none,
    strerror,
    umask_of,
    user_name,
)
from simulator.userland.registry import ExecContext, register


# ---------------------------------------------------------------------------------- metadata
def _walk(ctx: ExecContext, path: str) -> list[tuple[str, Any]]:
    """``path`` and, for a directory, everything below it (symlinks not followed), parents first."""
    entry = ctx.fs.lstat(path)
    out = [(path, entry)]
    if entry.is_dir:
        out.extend(ctx.fs.walk(path))
    return out


@register("chmod")
def chmod(ctx: ExecContext, argv: list[str]) -> int:
    args = argv[1:]
    recursive = False
    while args and args[0] in ("-R", "-f", "-v", "-c", "-Rf", "-fR", "--recursive"):
        recursive = recursive or "R" in args[0] or args[0] == "--recursive"
        args = args[1:]
    if args and args[0] == "--":
        args = args[1:]
    if len(args) < 2:
        ctx.err("chmod: missing operand\n")
        return 1
    text, operands = args[0], args[1:]
    if parse_mode(text, 0, False, umask_of(ctx)) is None:
        ctx.err(f"chmod: invalid mode '{text}'\n")
        return 1
    status = 0
    for operand in operands:
        path = ctx.abspath(operand)
        try:
            items = _walk(ctx, path) if recursive else [(path, ctx.fs.stat(path))]
            for item, entry in items:
                if entry.is_symlink:
                    if item == path:
                        entry = ctx.fs.stat(item)
                    else:
                        continue  # chmod -R does not follow symlinks found in the tree
                mode = parse_mode(text, entry.mode, entry.is_dir, umask_of(ctx))
                assert mode is not None
                ctx.fs.chmod(item, mode)
        except (OSError, ValueError) as exc:
            ctx.err(f"chmod: {operand}: {strerror(exc)}\n")
            status = 1
    return status


def _owner(ctx: ExecContext, spec: str, cmd: str) -> tuple[int, int] | None:
    if cmd == "chgrp":
        user, group, sep = "", spec, ":"
    else:
        sep = ":" if ":" in spec else "." if "." in spec else ""
        user, _, group = spec.partition(sep) if sep else (spec, "", "")
    uid = gid = -1
    if user:
        entry = passwd_entry(ctx.fs, user)
        if entry is not None:
            uid = int(entry[2])
        elif user.isdigit():
            uid = int(user)
        else:
            ctx.err(f"{cmd}: unknown user {user}\n")
            return None
        if sep and not group:  # `user:` means the user's login group
            gid = int(entry[3]) if entry is not None else -1
    if group:
        found = group_entry(ctx.fs, group)
        if found is not None:
            gid = int(found[2])
        elif group.isdigit():
            gid = int(group)
        else:
            ctx.err(f"{cmd}: unknown group {group}\n")
            return None
    return uid, gid


@register("chown", "chgrp")
def chown(ctx: ExecContext, argv: list[str]) -> int:
    cmd = prog_name(argv)
    parsed = parse_options(ctx, argv, "RhfvcHLP", "", {"recursive": "R", "no-dereference": "h"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    if len(operands) < 2:
        ctx.err(f"{cmd}: missing operand\n")
        return 1
    owner = _owner(ctx, operands[0], cmd)
    if owner is None:
        return 1
    uid, gid = owner
    status = 0
    for operand in operands[1:]:
        path = ctx.abspath(operand)
        try:
            items = _walk(ctx, path) if "R" in seen else [(path, ctx.fs.lstat(path))]
            for item, entry in items:
                if entry.is_symlink and ("h" in seen or item != path):
                    ctx.fs.lchown(item, uid, gid)
                else:
                    ctx.fs.chown(item, uid, gid)
        except (OSError, ValueError) as exc:
            ctx.err(f"{cmd}: {operand}: {strerror(exc)}\n")
            status = 1
    return status


@register("ls")
def ls(ctx: ExecContext, argv: list[str]) -> int:
    """Minimal ls: one name per line (not a terminal); -l with a fixed date (layers keep no mtimes)."""
    parsed = parse_options(ctx, argv, "laA1dRhFnpei")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    gnu = is_gnu(ctx, argv)
    status = 0
    files: list[str] = []
    dirs: list[str] = []
    for operand in operands or ["."]:
        entry = stat_or_none(ctx, operand) if lstat_or_none(ctx, operand) is not None else None
        lentry = lstat_or_none(ctx, operand)
        if lentry is None:
            ctx.err(f"ls: {operand}: No such file or directory\n")
            status = 1
            continue
        if entry is not None and entry.is_dir and "d" not in seen and not ("l" in seen and lentry.is_symlink):
            dirs.append(operand)
        else:
            files.append(operand)

    width = 7  # ls -i: the inode number first (busybox: 7 wide; GNU: as wide as the widest listed)

    def widen(paths: list[str]) -> None:
        nonlocal width
        if "i" in seen and gnu:
            width = max((len(str(ctx.fs.lstat(p).st_ino)) for p in paths), default=1)

    def line(name: str, path: str) -> str:
        inode = ""
        if "i" in seen:
            inode = f"{ctx.fs.lstat(path).st_ino:>{width}} "
        if "l" not in seen and "n" not in seen:
            return inode + name
        entry = ctx.fs.lstat(path)
        owner = str(entry.uid) if "n" in seen else user_name(ctx.fs, entry.uid)
        group = str(entry.gid) if "n" in seen else group_name(ctx.fs, entry.gid)
        size = entry.size if entry.is_file or entry.is_symlink else 4096
        links = entry.st_nlink or 1
        text = f"{inode}{entry.mode_string()} {links:>4} {owner:<8} {group:<8} {size:>9} Jan  1 00:00 {name}"
        if entry.is_symlink:
            text += f" -> {entry.target}"
        return text

    widen([ctx.abspath(name) for name in files])
    for name in sorted(files):
        ctx.out(line(name, ctx.abspath(name)) + "\n")
    first = not files
    # -R lists each directory's subdirectories (not symlinks to them) right after it, depth first
    pending = sorted(dirs, reverse=True)
    while pending:
        directory = pending.pop()
        if len(dirs) + len(files) > 1 or "R" in seen:
            ctx.out(("" if first else "\n") + f"{directory}:\n")
        first = False
        path = ctx.abspath(directory)
        try:
            names = ctx.fs.listdir(path)
        except OSError as exc:
            ctx.err(f"ls: can't open '{directory}': {exc.strerror}\n")
            status = 1
            continue
        if "a" in seen:
            names = [".", "..", *names]
        elif "A" not in seen:
            names = [n for n in names if not n.startswith(".")]
        shown = [(name, posixpath.join(path, name) if name not in (".", "..") else path) for name in names]
        widen([p for _, p in shown])
        for name, where in shown:
            ctx.out(line(name, where) + "\n")
        if "R" in seen:
            subdirs = [
                n for n in names if n not in (".", "..") and ctx.fs.lstat(posixpath.join(path, n)).is_dir
            ]
            pending.extend(posixpath.join(directory, n) for n in reversed(subdirs))
    return status


# ---------------------------------------------------------------------------------- stat, du
def _kind_text(entry: Any, size: int) -> str:
    if entry.is_symlink:
        return "symbolic link"
    if entry.is_dir:
        return "directory"
    return "regular file" if size else "regular empty file"


_DIRECTIVE = re.compile(r"%([-0 #+']*)(\d*)(?:\.(\d*))?([a-zA-Z%])")
_NUMERIC = set("sbBoighduDtTXYZWf")  # directives printed as numbers: the 0 flag pads them with zeros


def _pad(text: str, code: str, flags: str, width: str, precision: str | None) -> str:
    """printf's flags, width and precision applied to one directive's text, as stat passes them
    on (``%5u``, ``%-8U``, ``%04a``, ``%.3n``)."""
    if precision is not None and code not in _NUMERIC:
        text = text[: int(precision or 0)]
    size = int(width or 0)
    if "-" in flags:
        return text.ljust(size)
    if "0" in flags and code in _NUMERIC | {"a"}:
        return text.zfill(size)
    return text.rjust(size)


def _stat_format(ctx: ExecContext, fmt: str, name: str, entry: Any, *, gnu: bool = True) -> str:
    size = entry.size if entry.is_file or entry.is_symlink else 4096
    quoted = f"'{name}'" if gnu or entry.is_symlink else name  # busybox quotes only a link's name

    def field(m: re.Match[str]) -> str:
        flags, width, precision, code = m.groups()
        if code == "%":
            return "%"
        return _pad(value(code), code, flags, width, precision)

    def value(code: str) -> str:
        values = {
            "n": name,
            "N": quoted + (f" -> '{entry.target}'" if entry.is_symlink else ""),
            "s": str(size),
            "a": f"{entry.mode & 0o7777:o}",
            "A": entry.mode_string(),
            "f": f"{entry.mode_bits if hasattr(entry, 'mode_bits') else entry.mode:x}",
            "u": str(entry.uid),
            "g": str(entry.gid),
            "U": user_name(ctx.fs, entry.uid),
            "G": group_name(ctx.fs, entry.gid),
            "F": _kind_text(entry, size),
            "h": str(entry.st_nlink or 1),
            "b": str((size + 511) // 512 if not entry.is_symlink else 0),
            "B": "512",
            "o": "4096",
            "i": str(entry.st_ino),
            "d": str(entry.st_dev),
            "D": f"{entry.st_dev:x}",
            "t": "0",
            "T": "0",
            "X": "0",
            "Y": "0",
            "Z": "0",
            "W": "0",
            "x": "1970-01-01 00:00:00.000000000 +0000",
            "y": "1970-01-01 00:00:00.000000000 +0000",
            "z": "1970-01-01 00:00:00.000000000 +0000",
            "%": "%",
        }
        return values.get(code, "?")

    return _DIRECTIVE.sub(field, fmt)


def _device_line(entry: Any, gnu: bool) -> str:
    """stat's third line: busybox ``Device: 40h/64d<TAB>Inode: N  Links: N``, GNU ``Device: 0,64 ...``."""
    dev = entry.st_dev
    where = f"{dev >> 8},{dev & 0xFF}" if gnu else f"{dev:x}h/{dev}d"
    inode = f"{entry.st_ino:<11}" if gnu else f"{entry.st_ino:<10} "
    return f"Device: {where}\tInode: {inode} Links: {entry.st_nlink or 1}\n"


def _plain_name(name: str) -> bool:
    """A name GNU's shell-escape quoting prints as it is."""
    return re.fullmatch(r"[A-Za-z0-9_./+,:@%=-]+", name) is not None


@register("stat")
def stat(ctx: ExecContext, argv: list[str]) -> int:
    """``stat [-L] [-c FORMAT] FILE...``; layers keep no times, so the times are the epoch."""
    gnu = is_gnu(ctx, argv)
    parsed = parse_options(ctx, argv, "Lft", "c", {"dereference": "L", "format": "c", "printf": "c"})
    if parsed is None:
        return 1
    seen, values, operands = parsed
    if not operands:
        ctx.err("stat: missing operand\n")
        return 1
    status = 0
    for operand in operands:
        entry = stat_or_none(ctx, operand) if "L" in seen else lstat_or_none(ctx, operand)
        if entry is None:
            ctx.err(
                f"stat: cannot statx '{operand}': No such file or directory\n"
                if gnu
                else f"stat: can't stat '{operand}': No such file or directory\n"
            )
            status = 1
            continue
        if "c" in values:
            ctx.out(_stat_format(ctx, values["c"], operand, entry, gnu=gnu) + "\n")
            continue
        # busybox's and GNU's default format (coreutils stat.c default_format, busybox
        # coreutils/stat.c do_stat): the same columns; GNU adds a Birth line we cannot know
        fmt = (
            "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n"
            + _device_line(entry, gnu).replace("%", "%%")
            + "Access: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n"
            "Access: %x\nModify: %y\nChange: %z\n"
        )
        # the default format quotes a name only when it must (GNU's shell-escape style)
        shown = operand if not gnu or _plain_name(operand) else f"'{operand}'"
        text = _stat_format(ctx, fmt, shown, entry, gnu=False)
        if gnu and entry.is_symlink:
            target = entry.target if _plain_name(entry.target) else f"'{entry.target}'"
            text = f"  File: {shown} -> {target}\n" + text.split("\n", 1)[1]
        ctx.out(text)
    return status


# ---------------------------------------------------------------------------------- mktemp, install
_ALPHABET = string.ascii_letters + string.digits


@register("mktemp")
def mktemp(ctx: ExecContext, argv: list[str]) -> int:
    gnu = is_gnu(ctx, argv)
    parsed = parse_options(
        ctx, argv, "dqtuV", "p", {"directory": "d", "quiet": "q", "tmpdir": "p", "dry-run": "u"}
    )
    if parsed is None:
        return 1
    seen, values, operands = parsed
    template = operands[0] if operands else ("tmp.XXXXXXXXXX" if gnu else "tmp.XXXXXX")
    m = re.search(r"X{3,}$", template)
    if m is None:
        ctx.err(f"mktemp: too few X's in template '{template}'\n" if gnu else "mktemp: Invalid argument\n")
        return 1
    if "p" in values or "t" in seen or not operands:
        directory = values.get("p") or ctx.env.get("TMPDIR") or "/tmp"
        template = posixpath.join(directory, template)
    rng = random.SystemRandom()
    for _ in range(100):
        suffix = "".join(rng.choice(_ALPHABET) for _ in m.group(0))
        name = template[: len(template) - len(m.group(0))] + suffix
        path = ctx.abspath(name)
        if lstat_or_none(ctx, path) is not None:
            continue
        try:
            if "u" not in seen:
                if "d" in seen:
                    ctx.fs.mkdir(path, 0o700)
                else:
                    ctx.fs.write_file(path, b"", mode=0o600)
                own_new(ctx, path)
        except (OSError, ValueError) as exc:
            if "q" not in seen:
                what = "directory" if "d" in seen else "file"
                ctx.err(
                    f"mktemp: failed to create {what} via template '{template}': {strerror(exc)}\n"
                    if gnu
                    else f"mktemp: {strerror(exc)}\n"
                )
            return 1
        ctx.out(name + "\n")
        return 0
    return 1


@register("install")
def install(ctx: ExecContext, argv: list[str]) -> int:
    """``install [-d] [-D] [-m MODE] [-o USER] [-g GROUP] [-t DIR] SRC... DEST``."""

    parsed = parse_options(
        ctx,
        argv,
        "dDcpsvCb",
        "mogt",
        {"directory": "d", "mode": "m", "owner": "o", "group": "g", "target-directory": "t", "verbose": "v"},
    )
    if parsed is None:
        return 1
    seen, values, operands = parsed
    mode = 0o755
    if "m" in values:
        parsed_mode = parse_mode(values["m"], 0o755, False, 0)
        if parsed_mode is None:
            ctx.err(f"install: invalid mode '{values['m']}'\n")
            return 1
        mode = parsed_mode
    uid = gid = -1
    if "o" in values:
        owner = _owner(ctx, values["o"], "install")
        if owner is None:
            return 1
        uid = owner[0]
    if "g" in values:
        owner = _owner(ctx, ":" + values["g"], "install")
        if owner is None:
            return 1
        gid = owner[1]

    def finish(path: str) -> None:
        ctx.fs.chmod(path, mode)
        if uid != -1 or gid != -1:
            ctx.fs.chown(path, uid, gid)
        else:
            own_new(ctx, path)

    def makedirs(path: str, last_mode: bool) -> None:
        parts = [p for p in path.split("/") if p]
        current = ""
        for k, part in enumerate(parts):
            current += "/" + part
            if stat_or_none(ctx, current) is None:
                ctx.fs.mkdir(current, 0o777 & ~umask_of(ctx))
                own_new(ctx, current)
                if last_mode and k == len(parts) - 1:
                    finish(current)

    if "d" in seen:
        status = 0
        for operand in operands:
            try:
                path = ctx.abspath(operand)
                existed = stat_or_none(ctx, path) is not None
                makedirs(path, True)
                if existed:
                    finish(path)
            except (OSError, ValueError) as exc:
                ctx.err(f"install: can't create directory '{operand}': {strerror(exc)}\n")
                status = 1
        return status
    if "t" in values:
        sources, dest, into = operands, values["t"], True
    else:
        if len(operands) < 2:
            ctx.err(
                "install: missing destination file operand\n"
                if operands
                else "install: missing file operand\n"
            )
            return 1
        *sources, dest = operands
        entry = stat_or_none(ctx, dest)
        into = entry is not None and entry.is_dir
    status = 0
    for source in sources:
        target = posixpath.join(dest, posixpath.basename(source)) if into else dest
        path = ctx.abspath(target)
        try:
            data = read_input(ctx, source)
        except (OSError, ValueError) as exc:
            ctx.err(f"install: can't stat '{source}': {strerror(exc)}\n")
            status = 1
            continue
        try:
            if "D" in seen:
                makedirs(posixpath.dirname(path), False)
            if lstat_or_none(ctx, path) is not None:
                ctx.fs.unlink(path)
            ctx.fs.write_file(path, data, mode=mode)
            finish(path)
        except (OSError, ValueError) as exc:
            ctx.err(f"install: can't create '{target}': {strerror(exc)}\n")
            status = 1
    return status
