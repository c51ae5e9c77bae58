"""Creating, removing, copying and linking files: mkdir, rm, rmdir, touch, cp, mv, ln, tee,
basename, dirname, readlink, realpath.

Every command here is registered in :data:`~simulator.userland.registry.COMMANDS` and works only
through the container's file operations (``ctx.fs``), so each effect on the writable layer is
the one overlayfs produces: ``rm -rf dir`` unlinks children depth-first and then removes the
directory, ``mv`` of a directory from the image gets EXDEV from ``rename`` and falls back to a
copy that preserves mode, owner and symlinks followed by ``rm -rf`` (as busybox and coreutils
do), ``chmod`` copies the file up.  Messages and exit statuses are busybox's.

New files are created with the mode the kernel would give under umask 022: ``touch`` and ``>``
make 0644, ``mkdir`` 0755, ``cp`` without ``-p`` the source mode without the umask bits; files
belong to the running uid/gid.  The containers have no timestamps, so ``ls -l`` prints a fixed
date.
"""

from __future__ import annotations

import errno
import os
import posixpath
import re

from simulator.userland._args import (
    lstat_or_none,
    own_new,
    parse_mode,
    parse_options,
    prog_name,
    stat_or_none,
    strerror,
    umask_of,
)
from simulator.userland.registry import ExecContext, register


# ---------------------------------------------------------------------------------- files
@register("mkdir")
def mkdir(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "pv", "m", {"parents": "p", "mode": "m", "verbose": "v"})
    if parsed is None:
        return 1
    seen, values, operands = parsed
    mode = None
    if "m" in values:
        mode = parse_mode(values["m"], 0o777 & ~umask_of(ctx), False, 0)
        if mode is None:
            ctx.err(f"mkdir: invalid mode '{values['m']}'\n")
            return 1
    if not operands:
        ctx.err("mkdir: missing operand\n")
        return 1
    status = 0
    for operand in operands:
        path = ctx.abspath(operand).rstrip("/") or "/"
        try:
            if "p" in seen:
                todo = []
                current = path
                while current != "/" and stat_or_none(ctx, current) is None:
                    todo.append(current)
                    current = posixpath.dirname(current)
                entry = stat_or_none(ctx, path)
                if entry is not None and not entry.is_dir:
                    raise OSError(errno.EEXIST, "File exists", operand)
                for i, directory in enumerate(reversed(todo)):
                    final = i == len(todo) - 1
                    ctx.fs.mkdir(directory, 0o777 & ~umask_of(ctx))
                    own_new(ctx, directory)
                    if final and mode is not None:
                        ctx.fs.chmod(directory, mode)
            else:
                ctx.fs.mkdir(path, 0o777 & ~umask_of(ctx))
                own_new(ctx, path)
                if mode is not None:
                    ctx.fs.chmod(path, mode)
        except (OSError, ValueError) as exc:
            ctx.err(f"mkdir: can't create directory '{operand}': {strerror(exc)}\n")
            status = 1
    return status


def remove_tree(ctx: ExecContext, path: str, shown: str) -> bool:
    """``rm -r``: children depth-first, then the directory (symlinks are not followed)."""
    entry = ctx.fs.lstat(path)
    ok = True
    if entry.is_dir:
        for name in ctx.fs.listdir(path):
            child = posixpath.join(path, name)
            try:
                ok = remove_tree(ctx, child, posixpath.join(shown, name)) and ok
            except OSError as exc:
                ctx.err(f"rm: can't remove '{posixpath.join(shown, name)}': {strerror(exc)}\n")
                ok = False
        try:
            ctx.fs.rmdir(path)
        except OSError as exc:
            ctx.err(f"rm: can't remove '{shown}': {strerror(exc)}\n")
            return False
        return ok
    ctx.fs.unlink(path)
    return ok


@register("rm")
def rm(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(
        ctx, argv, "frRivd", "", {"force": "f", "recursive": "r", "verbose": "v", "dir": "d"}
    )
    if parsed is None:
        return 1
    seen, _, operands = parsed
    force = "f" in seen
    recursive = "r" in seen or "R" in seen
    if not operands and not force:
        ctx.err("rm: missing operand\n")
        return 1
    status = 0
    for operand in operands:
        path = ctx.abspath(operand)
        if posixpath.basename(operand.rstrip("/")) in (".", ".."):
            ctx.err("rm: can't remove '.' or '..'\n")
            status = 1
            continue
        path = path.rstrip("/") or "/"
        try:
            entry = ctx.fs.lstat(path)
        except (OSError, ValueError) as exc:
            if not (force and isinstance(exc, OSError) and exc.errno in (errno.ENOENT, errno.ENOTDIR)):
                ctx.err(f"rm: can't remove '{operand}': {strerror(exc)}\n")
                status = 1
            continue
        try:
            if entry.is_dir:
                if recursive:
                    if not remove_tree(ctx, path, operand):
                        status = 1
                elif "d" in seen:
                    ctx.fs.rmdir(path)
                else:
                    ctx.err(f"rm: '{operand}' is a directory\n")
                    status = 1
            else:
                ctx.fs.unlink(path)
        except OSError as exc:
            ctx.err(f"rm: can't remove '{operand}': {strerror(exc)}\n")
            status = 1
    return status


@register("rmdir")
def rmdir(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "p", "", {"parents": "p", "ignore-fail-on-non-empty": "i"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    status = 0
    for operand in operands:
        path = ctx.abspath(operand).rstrip("/") or "/"
        while True:
            try:
                if path == "/":  # rmdir -p /a/b climbs to / like busybox, which the kernel refuses
                    raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), "/")
                ctx.fs.rmdir(path)
            except (OSError, ValueError) as exc:
                ctx.err(f"rmdir: '{operand}': {strerror(exc)}\n")
                status = 1
                break
            if "p" not in seen:
                break
            operand = posixpath.dirname(operand.rstrip("/")) or "."
            if operand == ".":
                break
            path = ctx.abspath(operand).rstrip("/") or "/"
    return status


@register("touch")
def touch(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "cam", "dtr", {"no-create": "c"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    if not operands:
        ctx.err("touch: missing operand\n")
        return 1
    status = 0
    for operand in operands:
        path = ctx.abspath(operand)
        try:
            existed = stat_or_none(ctx, path) is not None
            if not existed and "c" in seen:
                continue
            ctx.fs.touch(path, 0o666 & ~umask_of(ctx))
            if not existed:
                own_new(ctx, path)
        except (OSError, ValueError) as exc:
            ctx.err(f"touch: {operand}: {strerror(exc)}\n")
            status = 1
    return status


def copy_path(
    ctx: ExecContext, src: str, dst: str, *, recursive: bool, preserve: bool, deref: bool, shown: str
) -> bool:
    """Copy one path (a tree with ``recursive``); returns False after printing an error."""
    entry = ctx.fs.stat(src) if deref else ctx.fs.lstat(src)
    target = lstat_or_none(ctx, dst)
    umask = umask_of(ctx)
    if entry.is_symlink:
        if target is not None:
            if target.is_dir:
                ctx.err(f"cp: can't create symlink '{dst}': File exists\n")
                return False
            ctx.fs.unlink(dst)
        ctx.fs.symlink(ctx.fs.readlink(src), dst)
        if preserve:
            ctx.fs.lchown(dst, entry.uid, entry.gid)
        else:
            own_new(ctx, dst, symlink=True)
        return True
    if entry.is_dir:
        if not recursive:
            ctx.err(f"cp: omitting directory '{shown}'\n")
            return False
        created = False
        if target is None:
            ctx.fs.mkdir(dst, entry.mode & ~umask | 0o700)
            created = True
        elif not (ctx.fs.stat(dst).is_dir):
            ctx.err(f"cp: target '{dst}' is not a directory\n")
            return False
        ok = True
        for name in ctx.fs.listdir(src):
            try:
                ok = (
                    copy_path(
                        ctx,
                        posixpath.join(src, name),
                        posixpath.join(dst, name),
                        recursive=True,
                        preserve=preserve,
                        deref=False,
                        shown=posixpath.join(shown, name),
                    )
                    and ok
                )
            except OSError as exc:
                ctx.err(f"cp: can't copy '{posixpath.join(shown, name)}': {strerror(exc)}\n")
                ok = False
        if preserve:
            ctx.fs.chown(dst, entry.uid, entry.gid)
            ctx.fs.chmod(dst, entry.mode)
        elif created:
            own_new(ctx, dst)
            ctx.fs.chmod(dst, entry.mode & ~umask)
        return ok
    data = ctx.fs.read_file(src)
    if target is not None and target.is_dir:
        ctx.err(f"cp: can't create '{dst}': Is a directory\n")
        return False
    existed = stat_or_none(ctx, dst) is not None
    ctx.fs.write_file(dst, data, mode=entry.mode & ~umask)
    if preserve:
        ctx.fs.chown(dst, entry.uid, entry.gid)
        ctx.fs.chmod(dst, entry.mode)
    elif not existed:
        own_new(ctx, dst)
    return True


def _destination(ctx: ExecContext, cmd: str, operands: list[str]) -> tuple[list[str], str, bool] | None:
    if len(operands) < 2:
        ctx.err(f"{cmd}: missing {'destination file operand' if operands else 'file operand'}\n")
        return None
    *sources, dest = operands
    dest_entry = stat_or_none(ctx, dest)
    into = dest_entry is not None and dest_entry.is_dir
    if len(sources) > 1 and not into:
        ctx.err(f"{cmd}: '{dest}' is not a directory\n")
        return None
    return sources, dest, into


@register("cp")
def cp(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(
        ctx,
        argv,
        "rRapdPLHfnivuT",
        "",
        {"recursive": "r", "archive": "a", "force": "f", "preserve": "p", "no-dereference": "P"},
    )
    if parsed is None:
        return 1
    seen, _, operands = parsed
    recursive = bool(seen & {"r", "R", "a"})
    preserve = bool(seen & {"a", "p"})
    deref = "L" in seen or not (recursive or seen & {"d", "P"})
    found = _destination(ctx, "cp", operands)
    if found is None:
        return 1
    sources, dest, into = found
    status = 0
    for source in sources:
        src = ctx.abspath(source)
        entry = stat_or_none(ctx, src) if deref or "H" in seen else lstat_or_none(ctx, src)
        if entry is None:
            ctx.err(f"cp: can't stat '{source}': No such file or directory\n")
            status = 1
            continue
        dst = (
            posixpath.join(ctx.abspath(dest), posixpath.basename(src.rstrip("/")))
            if into
            else ctx.abspath(dest)
        )
        if entry.is_dir and (dst + "/").startswith(src.rstrip("/") + "/"):
            ctx.err(
                f"cp: can't copy a directory into itself: '{source}'\n"
                if dst != src
                else f"cp: '{source}' and '{dest}' are the same file\n"
            )
            status = 1
            continue
        try:
            if not copy_path(
                ctx,
                src,
                dst,
                recursive=recursive,
                preserve=preserve,
                deref=deref or "H" in seen,
                shown=source,
            ):
                status = 1
        except (OSError, ValueError) as exc:
            ctx.err(f"cp: can't create '{dest if not into else dst}': {strerror(exc)}\n")
            status = 1
    return status


def _remove_any(ctx: ExecContext, path: str, shown: str) -> bool:
    entry = ctx.fs.lstat(path)
    if entry.is_dir:
        return remove_tree(ctx, path, shown)
    ctx.fs.unlink(path)
    return True


@register("mv")
def mv(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "finvT", "", {"force": "f", "no-clobber": "n", "verbose": "v"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    found = _destination(ctx, "mv", operands)
    if found is None:
        return 1
    sources, dest, into = found
    status = 0
    for source in sources:
        src = ctx.abspath(source).rstrip("/") or "/"
        dst = posixpath.join(ctx.abspath(dest), posixpath.basename(src)) if into else ctx.abspath(dest)
        if lstat_or_none(ctx, src) is None:
            ctx.err(f"mv: can't rename '{source}': No such file or directory\n")
            status = 1
            continue
        if "n" in seen and lstat_or_none(ctx, dst) is not None:
            continue
        try:
            ctx.fs.rename(src, dst)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                ctx.err(f"mv: can't rename '{source}': {strerror(exc)}\n")
                status = 1
                continue
            # overlayfs refuses to rename a directory that comes from the image: copy, then delete
            try:
                existing = lstat_or_none(ctx, dst)
                if existing is not None:
                    if existing.is_dir:
                        ctx.fs.rmdir(dst)
                    else:
                        ctx.fs.unlink(dst)
                ok = copy_path(ctx, src, dst, recursive=True, preserve=True, deref=False, shown=source)
                ok = ok and _remove_any(ctx, src, source)
            except OSError as exc2:
                ctx.err(f"mv: can't remove '{dest}': {strerror(exc2)}\n")
                ok = False
            if not ok:
                status = 1
    return status


@register("ln")
def ln(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "sfnvTbL", "S", {"symbolic": "s", "force": "f", "no-dereference": "n"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    if not operands:
        ctx.err("ln: missing operand\n")
        return 1
    if len(operands) == 1:
        operands = [operands[0], posixpath.basename(operands[0].rstrip("/"))]
    *targets, dest = operands
    dest_entry = lstat_or_none(ctx, dest) if "n" in seen else stat_or_none(ctx, dest)
    into = dest_entry is not None and dest_entry.is_dir and (len(targets) > 1 or "T" not in seen)
    if len(targets) > 1 and not into:
        ctx.err(f"ln: '{dest}' is not a directory\n")
        return 1
    status = 0
    for target in targets:
        link = (
            posixpath.join(ctx.abspath(dest), posixpath.basename(target.rstrip("/")))
            if into
            else ctx.abspath(dest)
        )
        shown = posixpath.join(dest, posixpath.basename(target.rstrip("/"))) if into else dest
        try:
            if "s" not in seen and lstat_or_none(ctx, target) is None:
                ctx.err(f"ln: {target}: No such file or directory\n")
                status = 1
                continue
            if "f" in seen:
                existing = lstat_or_none(ctx, link)
                if existing is not None and not existing.is_dir:
                    ctx.fs.unlink(link)
            if "s" in seen:
                ctx.fs.symlink(target, link)
                own_new(ctx, link, symlink=True)
            else:
                ctx.fs.link(ctx.abspath(target), link)
        except (OSError, ValueError) as exc:
            ctx.err(f"ln: {shown}: {strerror(exc)}\n")
            status = 1
    return status


@register("tee")
def tee(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "ai", "", {"append": "a"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    status = 0
    data = ctx.stdin_bytes()
    for operand in operands:
        if operand == "/dev/null":
            continue
        path = ctx.abspath(operand)
        try:
            existed = stat_or_none(ctx, path) is not None
            if "a" in seen:
                ctx.fs.append_file(path, data, mode=0o666 & ~umask_of(ctx))
            else:
                ctx.fs.write_file(path, data, mode=0o666 & ~umask_of(ctx))
            if not existed:
                own_new(ctx, path)
        except (OSError, ValueError) as exc:
            ctx.err(f"tee: {operand}: {strerror(exc)}\n")
            status = 1
    ctx.out(data)
    return status


@register("basename")
def basename(ctx: ExecContext, argv: list[str]) -> int:
    if len(argv) < 2:
        ctx.err("basename: missing operand\n")
        return 1
    name = argv[1].rstrip("/")
    name = posixpath.basename(name) if name else "/"
    if len(argv) > 2 and name.endswith(argv[2]) and name != argv[2]:
        name = name[: -len(argv[2])]
    ctx.out(name + "\n")
    return 0


@register("dirname")
def dirname(ctx: ExecContext, argv: list[str]) -> int:
    if len(argv) < 2:
        ctx.err("dirname: missing operand\n")
        return 1
    path = argv[1].rstrip("/") or "/"
    head = posixpath.dirname(path).rstrip("/") if "/" in path else "."
    ctx.out((head or "/") + "\n")
    return 0


@register("readlink", "realpath")
def readlink(ctx: ExecContext, argv: list[str]) -> int:
    cmd = prog_name(argv)
    parsed = parse_options(ctx, argv, "fenqsvmz")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    status = 0
    for operand in operands:
        path = ctx.abspath(operand)
        if cmd == "realpath" or "f" in seen or "e" in seen or "m" in seen:
            resolved = _realpath(ctx, path)
            if resolved is None:
                status = 1
                if cmd == "realpath":
                    ctx.err(f"realpath: {operand}: No such file or directory\n")
                continue
            ctx.out(resolved + "\n")
            continue
        try:
            ctx.out(ctx.fs.readlink(path) + ("" if "n" in seen else "\n"))
        except (OSError, ValueError):
            status = 1
    return status


def _realpath(ctx: ExecContext, path: str) -> str | None:
    parts = [p for p in path.split("/") if p and p != "."]
    resolved = "/"
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            resolved = posixpath.dirname(resolved)
            continue
        candidate = posixpath.join(resolved, part)
        entry = lstat_or_none(ctx, candidate)
        if entry is not None and entry.is_symlink:
            hops += 1
            if hops > 40:
                return None
            target = ctx.fs.readlink(candidate)
            if target.startswith("/"):
                resolved = "/"
            parts = [p for p in target.split("/") if p and p != "."] + parts
            continue
        if entry is None and parts:
            return None
        resolved = candidate
    return resolved


_SIZE_SUFFIX = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}  # busybox's xatoull_sfx (KiB ...)


@register("truncate")
def truncate(ctx: ExecContext, argv: list[str]) -> int:
    """``truncate [-c] -s SIZE FILE...``: set the files' sizes (busybox); past the disk limit the
    write fails with ENOSPC, as it would on a full disk -- nothing is materialised first."""
    parsed = parse_options(ctx, argv, "c", "s")
    if parsed is None:
        return 1
    seen, values, operands = parsed
    text = values.get("s")
    m = re.fullmatch(r"([0-9]+)([KMGT]?)", text or "")
    if m is None:
        ctx.err(f"truncate: invalid number '{text or ''}'\n")
        return 1
    size = int(m.group(1)) * _SIZE_SUFFIX[m.group(2)]
    status = 0
    for operand in operands:
        path = ctx.abspath(operand)
        try:
            if stat_or_none(ctx, path) is None:
                if "c" in seen:
                    continue
                ctx.fs.write_file(path, b"", mode=0o666 & ~umask_of(ctx))
                own_new(ctx, path)
            ctx.fs.truncate(path, size)
        except (OSError, ValueError) as exc:
            ctx.err(f"truncate: {operand}: {strerror(exc)}\n")
            status = 1
    return status
