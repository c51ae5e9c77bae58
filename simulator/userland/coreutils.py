"""The commands of the RUN shell, busybox style: echo, mkdir, rm, cp, mv, ln, chmod, chown ...

Every command is registered in :data:`~simulator.userland.registry.COMMANDS` and works only
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
from collections.abc import Callable
from typing import Any

from simulator.userland import users
from simulator.userland.registry import COMMANDS, ExecContext, register

__all__ = ["UTILITIES", "group_entry", "passwd_entry"]

UTILITIES: dict[str, Callable[[ExecContext, list[str]], int]] = {}


def utility(*names: str) -> Callable[[Any], Any]:
    """Register a command that is also an ash builtin (run without a binary by the shell)."""

    def wrap(func: Any) -> Any:
        for name in names:
            UTILITIES[name] = func
            COMMANDS[name] = func
        return func

    return wrap


# ---------------------------------------------------------------------------------- helpers
def _strerror(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno)
    return str(exc)


def _name(argv: list[str]) -> str:
    return posixpath.basename(argv[0])


def _umask(ctx: ExecContext) -> int:
    return int(getattr(ctx, "umask", 0o022))


def _options(
    ctx: ExecContext,
    argv: list[str],
    flags: str,
    with_value: str = "",
    long: dict[str, str] | None = None,
    repeated: str = "",
) -> tuple[set[str], dict[str, str], list[str]] | None:
    """busybox-style getopt: ``-rf``, ``-m 755``/``-m755``, ``--``; None after printing an error.

    An option given twice keeps its last value, except the letters in ``repeated``, whose values
    are joined with newlines (``grep -e a -e b``).
    """
    seen: set[str] = set()
    values: dict[str, str] = {}

    def put(letter: str, value: str) -> None:
        values[letter] = values[letter] + "\n" + value if letter in repeated and letter in values else value

    operands: list[str] = []
    args = argv[1:]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            operands.extend(args[i + 1 :])
            break
        if arg.startswith("--") and long is not None:
            key, _, value = arg[2:].partition("=")
            if key not in long:
                ctx.err(f"{_name(argv)}: unrecognized option '{arg}'\n")
                return None
            short = long[key]
            seen.add(short)
            if short in with_value:
                if not value and i + 1 < len(args):
                    i += 1
                    value = args[i]
                put(short, value)
            i += 1
            continue
        if arg.startswith("-") and len(arg) > 1 and not (arg[1:].isdigit() and "0" in flags):
            j = 1
            while j < len(arg):
                letter = arg[j]
                if letter in with_value:
                    value = arg[j + 1 :]
                    if not value:
                        if i + 1 >= len(args):
                            ctx.err(f"{_name(argv)}: option requires an argument -- '{letter}'\n")
                            return None
                        i += 1
                        value = args[i]
                    put(letter, value)
                    seen.add(letter)
                    break
                if letter not in flags:
                    ctx.err(f"{_name(argv)}: invalid option -- '{letter}'\n")
                    return None
                seen.add(letter)
                j += 1
            i += 1
            continue
        operands.append(arg)
        i += 1
    return seen, values, operands


def _lstat(ctx: ExecContext, path: str) -> Any:
    try:
        return ctx.fs.lstat(ctx.abspath(path))
    except (OSError, ValueError):
        return None


def _stat(ctx: ExecContext, path: str) -> Any:
    try:
        return ctx.fs.stat(ctx.abspath(path))
    except (OSError, ValueError):
        return None


def read_input(ctx: ExecContext, path: str) -> bytes:
    """A file's bytes; ``-`` is stdin and ``/dev/null`` is empty."""
    if path == "-":
        return ctx.stdin
    if path in ("/dev/null", "/dev/zero"):
        return b""
    if path in ("/dev/stdin", "/proc/self/fd/0"):
        return ctx.stdin
    return bytes(ctx.fs.read_file(ctx.abspath(path)))


def _own(ctx: ExecContext, path: str, symlink: bool = False) -> None:
    """A new file belongs to the running user."""
    if ctx.uid or ctx.gid:
        if symlink:
            ctx.fs.lchown(path, ctx.uid, ctx.gid)
        else:
            ctx.fs.chown(path, ctx.uid, ctx.gid)


def passwd_entry(fs: Any, user: str) -> list[str] | None:
    """The /etc/passwd fields of a user name or uid in the container (None if absent)."""
    return users.passwd_entry(fs.read_file, user)


def group_entry(fs: Any, group: str) -> list[str] | None:
    """The /etc/group fields of a group name or gid in the container (None if absent)."""
    return users.group_entry(fs.read_file, group)


# ---------------------------------------------------------------------------------- shell utilities
def _applet(ctx: ExecContext, name: str) -> str:
    """The name busybox puts before a message: ``sh`` when the shell runs it as a builtin."""
    return "sh" if getattr(ctx, "builtin", False) else name


_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "e": "\x1b",
}


def _unescape(text: str, octal_zero: bool, *, busybox: bool = True) -> tuple[str, bool]:
    """Backslash escapes; returns (text, saw ``\\c``).

    ``octal_zero``: echo and printf's %b, where ``\\0nnn`` is an octal byte; busybox also takes
    ``\\nnn`` and ``\\xHH`` there, dash's echo (``busybox=False``) only ``\\0nnn``.  Without it:
    printf's format string (``\\nnn``, ``\\xHH``).
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\" or i + 1 >= len(text):
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "c":
            return "".join(out), True
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in "01234567" and (nxt == "0" or not octal_zero or busybox):
            start = i + 2 if nxt == "0" and octal_zero else i + 1
            end = start
            while end < len(text) and end < start + 3 and text[end] in "01234567":
                end += 1
            out.append(chr(int(text[start:end] or "0", 8) & 0xFF))
            i = end
        elif nxt == "x" and (busybox or not octal_zero):
            end = i + 2
            while end < len(text) and end < i + 4 and text[end] in "0123456789abcdefABCDEF":
                end += 1
            out.append(chr(int(text[i + 2 : end], 16)) if end > i + 2 else "\\x")
            i = end
        else:
            out.append("\\" + nxt)
            i += 2
    return "".join(out), False


@utility("echo")
def echo(ctx: ExecContext, argv: list[str]) -> int:
    """busybox: -n, -e, -E, no escapes by default; dash (``ctx.flavor == "dash"``): only -n, always escapes."""
    args = argv[1:]
    newline = True
    dash = getattr(ctx, "flavor", "busybox") == "dash"
    escapes = dash
    while (
        args
        and args[0].startswith("-")
        and len(args[0]) > 1
        and all(c in ("n" if dash else "neE") for c in args[0][1:])
    ):
        for c in args[0][1:]:
            if c == "n":
                newline = False
            elif c == "e":
                escapes = True
            elif c == "E":
                escapes = False
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = _unescape(text, octal_zero=True, busybox=not dash)
        if stop:
            newline = False
    ctx.out(text.encode("utf-8", "surrogateescape") + (b"\n" if newline else b""))
    return 0


_FORMAT = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXeEfFgGcsb%])")


@utility("printf")
def printf(ctx: ExecContext, argv: list[str]) -> int:
    if len(argv) < 2:
        ctx.err("printf: usage: printf FORMAT [ARGUMENT...]\n")
        return 1
    fmt, args = argv[1], argv[2:]
    status = 0
    out: list[str] = []
    index = 0

    def next_arg() -> str | None:
        nonlocal index
        if index < len(args):
            index += 1
            return args[index - 1]
        return None

    def number(text: str | None, as_float: bool = False) -> float | int:
        nonlocal status
        if text is None or text == "":
            ctx.err(f"{_applet(ctx, 'printf')}: invalid number ''\n")  # busybox: a missing number too
            status = 1
            return 0
        try:
            if text[:1] in "'\"":
                return ord(text[1]) if len(text) > 1 else 0
            return (
                float(text)
                if as_float
                else int(text, 0)
                if not text.lstrip("+-").startswith("0") or text in ("0", "-0", "+0")
                else int(text, 8 if not text.lstrip("+-").startswith(("0x", "0X")) else 16)
            )
        except ValueError:
            ctx.err(f"{_applet(ctx, 'printf')}: invalid number '{text}'\n")
            status = 1
            return 0

    while True:
        pos = 0
        stop = False
        start_index = index
        while pos < len(fmt):
            if fmt[pos] == "\\":
                chunk, stop = _unescape(
                    fmt[pos : pos + 5] if fmt[pos + 1 : pos + 2] in "01234567x" else fmt[pos : pos + 2],
                    octal_zero=False,
                )
                length = 2
                if fmt[pos + 1 : pos + 2] in "01234567":
                    length = 1 + len(re.match(r"[0-7]{1,3}", fmt[pos + 1 :]).group(0))  # type: ignore[union-attr]
                elif fmt[pos + 1 : pos + 2] == "x":
                    length = 2 + len(re.match(r"[0-9a-fA-F]{0,2}", fmt[pos + 2 :]).group(0))  # type: ignore[union-attr]
                chunk, stop = _unescape(fmt[pos : pos + length], octal_zero=False)
                out.append(chunk)
                pos += length
                if stop:
                    break
                continue
            m = _FORMAT.match(fmt, pos) if fmt[pos] == "%" else None
            if m is None:
                out.append(fmt[pos])
                pos += 1
                continue
            pos = m.end()
            flags, width, precision, conv = m.groups()
            if conv == "%":
                out.append("%")
                continue
            if width == "*":
                width = str(int(number(next_arg())))
            if precision == "*":
                precision = str(int(number(next_arg())))
            spec = "%" + flags + (width or "") + (f".{precision}" if precision is not None else "")
            arg = next_arg()
            if conv in "diouxXc" and conv != "c":
                value = number(arg)
                py = {"i": "d", "u": "d"}.get(conv, conv)
                out.append((spec + py) % int(value))
            elif conv in "eEfFgG":
                out.append((spec + conv) % float(number(arg, as_float=True)))
            elif conv == "c":
                out.append((spec + "s") % (arg or "")[:1])
            elif conv == "b":
                text, stop = _unescape(arg or "", octal_zero=True)
                out.append((spec + "s") % text)
                if stop:
                    break
            else:
                out.append((spec + "s") % (arg or ""))
        if stop or index >= len(args) or index == start_index:
            break
    ctx.out("".join(out).encode("utf-8", "surrogateescape"))
    return status


@utility("true", ":")
def true(ctx: ExecContext, argv: list[str]) -> int:
    return 0


@utility("false")
def false(ctx: ExecContext, argv: list[str]) -> int:
    return 1


class _TestError(Exception):
    pass


@utility("test", "[")
def test(ctx: ExecContext, argv: list[str]) -> int:
    args = argv[1:]
    if _name(argv) == "[":
        if not args or args[-1] != "]":
            ctx.err(f"{_applet(ctx, '[')}: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _test_expr(ctx, args) else 1
    except _TestError as exc:
        ctx.err(f"{_applet(ctx, 'test')}: {exc}\n")
        return 2


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise _TestError(f"{text}: bad number") from None


_UNARY = set("bcdefghknprsuwxzLSGO") | {"a"}
_BINARY = {"=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", "<", ">"}


def _test_expr(ctx: ExecContext, args: list[str]) -> bool:
    if not args:
        return False
    if "-o" in args[1:-1]:
        i = args.index("-o", 1)
        return _test_expr(ctx, args[:i]) or _test_expr(ctx, args[i + 1 :])
    if "-a" in args[1:-1]:
        i = args.index("-a", 1)
        return _test_expr(ctx, args[:i]) and _test_expr(ctx, args[i + 1 :])
    if args[0] == "!" and len(args) > 1:
        return not _test_expr(ctx, args[1:])
    if args[0] == "(" and args[-1] == ")" and len(args) > 2:
        return _test_expr(ctx, args[1:-1])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2 and args[0].startswith("-") and args[0][1:] in _UNARY:
        return _unary(ctx, args[0][1:], args[1])
    if len(args) == 3 and args[1] in _BINARY:
        a, op, b = args
        if op in ("=", "=="):
            return a == b
        if op == "!=":
            return a != b
        if op == "<":
            return a < b
        if op == ">":
            return a > b
        if op in ("-nt", "-ot", "-ef"):
            return False
        x, y = _int(a), _int(b)
        return {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y, "-gt": x > y, "-ge": x >= y}[op]
    if len(args) == 2 and args[1] in _BINARY:
        raise _TestError(f"{args[1]}: argument expected")
    raise _TestError(f"{args[1]}: unknown operand" if len(args) in (2, 3) else "syntax error")


def _unary(ctx: ExecContext, op: str, value: str) -> bool:
    if op == "z":
        return value == ""
    if op == "n":
        return value != ""
    if op == "t":
        return False
    if op in ("L", "h"):
        entry = _lstat(ctx, value)
        return entry is not None and entry.is_symlink
    entry = _stat(ctx, value)
    if entry is None:
        return False
    if op in ("e", "a"):
        return True
    if op == "f":
        return bool(entry.is_file)
    if op == "d":
        return bool(entry.is_dir)
    if op == "s":
        return bool((entry.is_file and entry.size > 0) or entry.is_dir)
    uid = ctx.uid
    if op in "rwx":
        if uid == 0:
            return op != "x" or bool(entry.mode & 0o111) or bool(entry.is_dir)
        bit = {"r": 4, "w": 2, "x": 1}[op]
        shift = 6 if entry.uid == uid else 3 if entry.gid == ctx.gid else 0
        return bool(entry.mode >> shift & bit)
    if op == "u":
        return bool(entry.mode & 0o4000)
    if op == "g":
        return bool(entry.mode & 0o2000)
    if op == "k":
        return bool(entry.mode & 0o1000)
    if op == "O":
        return bool(entry.uid == uid)
    if op == "G":
        return bool(entry.gid == ctx.gid)
    return False  # -b -c -p -S: no devices, FIFOs or sockets in a container's layers


@register("pwd")
def pwd(ctx: ExecContext, argv: list[str]) -> int:
    ctx.out(ctx.cwd + "\n")
    return 0


@register("sleep")
def sleep(ctx: ExecContext, argv: list[str]) -> int:
    """Returns at once (a simulator has no reason to wait)."""
    if len(argv) < 2:
        ctx.err("sleep: usage: sleep [N]...\n")
        return 1
    return 0


# ---------------------------------------------------------------------------------- files
@register("mkdir")
def mkdir(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "pv", "m", {"parents": "p", "mode": "m", "verbose": "v"})
    if parsed is None:
        return 1
    seen, values, operands = parsed
    mode = None
    if "m" in values:
        mode = _parse_mode(values["m"], 0o777 & ~_umask(ctx), False, 0)
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
                while current != "/" and _stat(ctx, current) is None:
                    todo.append(current)
                    current = posixpath.dirname(current)
                entry = _stat(ctx, path)
                if entry is not None and not entry.is_dir:
                    raise OSError(errno.EEXIST, "File exists", operand)
                for i, directory in enumerate(reversed(todo)):
                    final = i == len(todo) - 1
                    ctx.fs.mkdir(directory, 0o777 & ~_umask(ctx))
                    _own(ctx, directory)
                    if final and mode is not None:
                        ctx.fs.chmod(directory, mode)
            else:
                ctx.fs.mkdir(path, 0o777 & ~_umask(ctx))
                _own(ctx, path)
                if mode is not None:
                    ctx.fs.chmod(path, mode)
        except (OSError, ValueError) as exc:
            ctx.err(f"mkdir: can't create directory '{operand}': {_strerror(exc)}\n")
            status = 1
    return status


def _remove_tree(ctx: ExecContext, path: str, shown: str) -> bool:
    """``rm -r``: children depth-first, then the directory (symlinks are not followed)."""
    entry = ctx.fs.lstat(path)
    ok = True
    if entry.is_dir:
        for name in ctx.fs.listdir(path):
            child = posixpath.join(path, name)
            try:
                ok = _remove_tree(ctx, child, posixpath.join(shown, name)) and ok
            except OSError as exc:
                ctx.err(f"rm: can't remove '{posixpath.join(shown, name)}': {_strerror(exc)}\n")
                ok = False
        try:
            ctx.fs.rmdir(path)
        except OSError as exc:
            ctx.err(f"rm: can't remove '{shown}': {_strerror(exc)}\n")
            return False
        return ok
    ctx.fs.unlink(path)
    return ok


@register("rm")
def rm(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "frRivd", "", {"force": "f", "recursive": "r", "verbose": "v", "dir": "d"})
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
                ctx.err(f"rm: can't remove '{operand}': {_strerror(exc)}\n")
                status = 1
            continue
        try:
            if entry.is_dir:
                if recursive:
                    if not _remove_tree(ctx, path, operand):
                        status = 1
                elif "d" in seen:
                    ctx.fs.rmdir(path)
                else:
                    ctx.err(f"rm: '{operand}' is a directory\n")
                    status = 1
            else:
                ctx.fs.unlink(path)
        except OSError as exc:
            ctx.err(f"rm: can't remove '{operand}': {_strerror(exc)}\n")
            status = 1
    return status


@register("rmdir")
def rmdir(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "p", "", {"parents": "p", "ignore-fail-on-non-empty": "i"})
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
                ctx.err(f"rmdir: '{operand}': {_strerror(exc)}\n")
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
    parsed = _options(ctx, argv, "cam", "dtr", {"no-create": "c"})
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
            existed = _stat(ctx, path) is not None
            if not existed and "c" in seen:
                continue
            ctx.fs.touch(path, 0o666 & ~_umask(ctx))
            if not existed:
                _own(ctx, path)
        except (OSError, ValueError) as exc:
            ctx.err(f"touch: {operand}: {_strerror(exc)}\n")
            status = 1
    return status


def _copy(
    ctx: ExecContext, src: str, dst: str, *, recursive: bool, preserve: bool, deref: bool, shown: str
) -> bool:
    """Copy one path (a tree with ``recursive``); returns False after printing an error."""
    entry = ctx.fs.stat(src) if deref else ctx.fs.lstat(src)
    target = _lstat(ctx, dst)
    umask = _umask(ctx)
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
            _own(ctx, dst, symlink=True)
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
                    _copy(
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
                ctx.err(f"cp: can't copy '{posixpath.join(shown, name)}': {_strerror(exc)}\n")
                ok = False
        if preserve:
            ctx.fs.chown(dst, entry.uid, entry.gid)
            ctx.fs.chmod(dst, entry.mode)
        elif created:
            _own(ctx, dst)
            ctx.fs.chmod(dst, entry.mode & ~umask)
        return ok
    data = ctx.fs.read_file(src)
    if target is not None and target.is_dir:
        ctx.err(f"cp: can't create '{dst}': Is a directory\n")
        return False
    existed = _stat(ctx, dst) is not None
    ctx.fs.write_file(dst, data, mode=entry.mode & ~umask)
    if preserve:
        ctx.fs.chown(dst, entry.uid, entry.gid)
        ctx.fs.chmod(dst, entry.mode)
    elif not existed:
        _own(ctx, dst)
    return True


def _destination(ctx: ExecContext, cmd: str, operands: list[str]) -> tuple[list[str], str, bool] | None:
    if len(operands) < 2:
        ctx.err(f"{cmd}: missing {'destination file operand' if operands else 'file operand'}\n")
        return None
    *sources, dest = operands
    dest_entry = _stat(ctx, dest)
    into = dest_entry is not None and dest_entry.is_dir
    if len(sources) > 1 and not into:
        ctx.err(f"{cmd}: '{dest}' is not a directory\n")
        return None
    return sources, dest, into


@register("cp")
def cp(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(
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
        entry = _stat(ctx, src) if deref or "H" in seen else _lstat(ctx, src)
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
            if not _copy(
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
            ctx.err(f"cp: can't create '{dest if not into else dst}': {_strerror(exc)}\n")
            status = 1
    return status


def _remove_any(ctx: ExecContext, path: str, shown: str) -> bool:
    entry = ctx.fs.lstat(path)
    if entry.is_dir:
        return _remove_tree(ctx, path, shown)
    ctx.fs.unlink(path)
    return True


@register("mv")
def mv(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "finvT", "", {"force": "f", "no-clobber": "n", "verbose": "v"})
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
        if _lstat(ctx, src) is None:
            ctx.err(f"mv: can't rename '{source}': No such file or directory\n")
            status = 1
            continue
        if "n" in seen and _lstat(ctx, dst) is not None:
            continue
        try:
            ctx.fs.rename(src, dst)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                ctx.err(f"mv: can't rename '{source}': {_strerror(exc)}\n")
                status = 1
                continue
            # overlayfs refuses to rename a directory that comes from the image: copy, then delete
            try:
                existing = _lstat(ctx, dst)
                if existing is not None:
                    if existing.is_dir:
                        ctx.fs.rmdir(dst)
                    else:
                        ctx.fs.unlink(dst)
                ok = _copy(ctx, src, dst, recursive=True, preserve=True, deref=False, shown=source)
                ok = ok and _remove_any(ctx, src, source)
            except OSError as exc2:
                ctx.err(f"mv: can't remove '{dest}': {_strerror(exc2)}\n")
                ok = False
            if not ok:
                status = 1
    return status


@register("ln")
def ln(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "sfnvTbL", "S", {"symbolic": "s", "force": "f", "no-dereference": "n"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    if not operands:
        ctx.err("ln: missing operand\n")
        return 1
    if len(operands) == 1:
        operands = [operands[0], posixpath.basename(operands[0].rstrip("/"))]
    *targets, dest = operands
    dest_entry = _lstat(ctx, dest) if "n" in seen else _stat(ctx, dest)
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
            if "s" not in seen and _lstat(ctx, target) is None:
                ctx.err(f"ln: {target}: No such file or directory\n")
                status = 1
                continue
            if "f" in seen:
                existing = _lstat(ctx, link)
                if existing is not None and not existing.is_dir:
                    ctx.fs.unlink(link)
            if "s" in seen:
                ctx.fs.symlink(target, link)
                _own(ctx, link, symlink=True)
            else:
                ctx.fs.link(ctx.abspath(target), link)
        except (OSError, ValueError) as exc:
            ctx.err(f"ln: {shown}: {_strerror(exc)}\n")
            status = 1
    return status


# ---------------------------------------------------------------------------------- metadata
_WHO = {"u": 0o4700, "g": 0o2070, "o": 0o1007, "a": 0o7777}


def _parse_mode(text: str, current: int, is_dir: bool, umask: int) -> int | None:
    """An octal or symbolic (``u+x,go-w``, ``a=r``, ``+x``, ``g=u``) mode applied to ``current``."""
    if text and all(c in "01234567" for c in text):
        value = int(text, 8)
        if value > 0o7777:
            return None
        # busybox/coreutils keep a directory's setgid/setuid bits for a short octal mode
        if is_dir and len(text) <= 3:
            value |= current & 0o6000
        return value
    mode = current & 0o7777
    for clause in text.split(","):
        m = re.fullmatch(r"([ugoa]*)((?:[-+=](?:[rwxXst]*|[ugo]))+)", clause)
        if not m:
            return None
        who_text, actions = m.groups()
        who = 0
        for w in who_text or "a":
            who |= _WHO[w]
        masked = not who_text
        for op, perms in re.findall(r"([-+=])([ugo]|[rwxXst]*)", actions):
            bits = 0
            if perms and perms in "ugo" and len(perms) == 1:
                shift = {"u": 6, "g": 3, "o": 0}[perms]
                triplet = (mode >> shift) & 7
                bits = triplet << 6 | triplet << 3 | triplet
            else:
                for p in perms:
                    if p == "r":
                        bits |= 0o444
                    elif p == "w":
                        bits |= 0o222
                    elif p == "x" or (p == "X" and (is_dir or current & 0o111)):
                        bits |= 0o111
                    elif p == "s":
                        bits |= 0o6000
                    elif p == "t":
                        bits |= 0o1000
            bits &= who
            if masked:
                bits &= ~umask
            if op == "+":
                mode |= bits
            elif op == "-":
                mode &= ~bits
            else:
                clear = who & (0o777 if not masked else 0o777 & ~umask)
                clear |= who & 0o1000 if "t" in perms or (op == "=" and who_text in ("", "a", "o")) else 0
                mode = (mode & ~clear & ~(who & 0o6000 if op == "=" and not is_dir else 0)) | bits
    return mode


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
    if _parse_mode(text, 0, False, _umask(ctx)) is None:
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
                mode = _parse_mode(text, entry.mode, entry.is_dir, _umask(ctx))
                assert mode is not None
                ctx.fs.chmod(item, mode)
        except (OSError, ValueError) as exc:
            ctx.err(f"chmod: {operand}: {_strerror(exc)}\n")
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
    cmd = _name(argv)
    parsed = _options(ctx, argv, "RhfvcHLP", "", {"recursive": "R", "no-dereference": "h"})
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
            ctx.err(f"{cmd}: {operand}: {_strerror(exc)}\n")
            status = 1
    return status


# ---------------------------------------------------------------------------------- reading
def _inputs(ctx: ExecContext, cmd: str, operands: list[str]) -> list[tuple[str, bytes | None]]:
    """(name, data) per operand (stdin when none); data None after printing an error."""
    out: list[tuple[str, bytes | None]] = []
    for operand in operands or ["-"]:
        try:
            out.append((operand, read_input(ctx, operand)))
        except (OSError, ValueError) as exc:
            if isinstance(exc, IsADirectoryError) or getattr(exc, "errno", None) == errno.EISDIR:
                ctx.err(f"{cmd}: read error: Is a directory\n")
            else:
                where = f"can't open '{operand}'" if cmd in ("cat", "tail", "uniq") else operand
                ctx.err(f"{cmd}: {where}: {_strerror(exc)}\n")
            out.append((operand, None))
    return out


@register("cat")
def cat(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "nbuvetAs")
    if parsed is None:
        return 1
    _, _, operands = parsed
    status = 0
    for _, data in _inputs(ctx, "cat", operands):
        if data is None:
            status = 1
            continue
        ctx.out(data)
    return status


@register("head", "tail")
def head(ctx: ExecContext, argv: list[str]) -> int:
    cmd = _name(argv)
    args = [f"-n{a[1:]}" if a[:1] == "-" and a[1:].isdigit() else a for a in argv[1:]]
    parsed = _options(ctx, [cmd, *args], "qvfF", "nc")
    if parsed is None:
        return 1
    seen, values, operands = parsed
    count_text = values.get("n", values.get("c", "10"))
    from_start = count_text.startswith("+")
    try:
        count = int(count_text.lstrip("+-"))
    except ValueError:
        ctx.err(f"{cmd}: invalid number '{count_text}'\n")
        return 1
    status = 0
    inputs = _inputs(ctx, cmd, operands)
    if cmd == "tail":  # busybox's tail leaves out the files it could not open, headers included
        status = int(any(data is None for _, data in inputs))
        inputs = [(name, data) for name, data in inputs if data is not None]
        if not inputs:
            ctx.err("tail: no files\n")
            return 1
    for i, (name, data) in enumerate(inputs):
        if data is None:
            status = 1
            continue
        if len(inputs) > 1 and "q" not in seen:
            ctx.out(("\n" if i else "") + f"==> {name} <==\n")
        if "c" in values:
            part = (
                data[:count]
                if cmd == "head"
                else (data[count - 1 :] if from_start else data[-count:] if count else b"")
            )
        else:
            lines = data.splitlines(keepends=True)
            if cmd == "head":
                part = b"".join(lines[:count])
            elif from_start:
                part = b"".join(lines[max(count - 1, 0) :])
            else:
                part = b"".join(lines[-count:]) if count else b""
        ctx.out(part)
    return status


@register("wc")
def wc(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "lcwmL")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    chosen = [c for c in "lwc" if c in seen or (c == "c" and "m" in seen)] or ["l", "w", "c"]
    status = 0
    totals = [0, 0, 0]
    rows = []
    for name, data in _inputs(ctx, "wc", operands):
        if data is None:
            status = 1
            continue
        counts = [data.count(b"\n"), len(data.split()), len(data)]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append((counts, name if operands else ""))
    if len(rows) > 1:
        rows.append((totals, "total"))
    for counts, name in rows:
        values = [counts["lwc".index(c)] for c in chosen]
        # busybox pads every column to 9, except a single column counted from stdin
        text = str(values[0]) if len(chosen) == 1 and not operands else " ".join(f"{v:9d}" for v in values)
        ctx.out(text + (f" {name}" if name else "") + "\n")
    return status


@register("grep", "egrep", "fgrep")
def grep(ctx: ExecContext, argv: list[str]) -> int:
    cmd = _name(argv)
    parsed = _options(
        ctx,
        argv,
        "qvicnlLFExwshHrRo",
        "e",
        {
            "quiet": "q",
            "invert-match": "v",
            "ignore-case": "i",
            "count": "c",
            "line-number": "n",
            "silent": "q",
            "regexp": "e",
        },
        repeated="e",
    )
    if parsed is None:
        return 2
    seen, values, operands = parsed
    if "e" in values:
        patterns = values["e"]
    elif operands:
        patterns, operands = operands[0], operands[1:]
    else:
        ctx.err("grep: no pattern given\n")
        return 2
    fixed = "F" in seen or cmd == "fgrep"
    extended = "E" in seen or cmd == "egrep"
    regexes = []
    for pattern in patterns.split("\n"):  # each -e, and each line of one, is a pattern
        if fixed:
            source = re.escape(pattern)
        elif extended:
            source = pattern
        else:  # basic regular expressions: \( \) \{ \} \| are the operators, ( ) { } | + ? literal
            source = re.sub(r"\\([(){}|+?])|([(){}|+?])", lambda m: m.group(1) or "\\" + m.group(2), pattern)
        if "w" in seen:
            source = rf"\b(?:{source})\b"
        if "x" in seen:
            source = rf"(?:{source})\Z"
        try:
            regexes.append(re.compile(source, re.IGNORECASE if "i" in seen else 0))
        except re.error:
            ctx.err(f"grep: bad regex '{pattern}'\n")
            return 2
    matched = False
    error = False
    # busybox names the files when there are several, or when -r walks a directory
    walks = bool(seen & {"r", "R"}) and len(operands) == 1 and _is_dir(ctx, operands[0])
    many = ((len(operands) > 1 or walks) and "h" not in seen) or "H" in seen
    for name, data in _grep_inputs(ctx, operands, seen):
        if data is None:
            error = True
            continue
        count = 0
        for number, raw in enumerate(data.decode("utf-8", "surrogateescape").splitlines(), 1):
            hit = any(r.match(raw) if "x" in seen else r.search(raw) for r in regexes)
            if hit == ("v" in seen):
                continue
            count += 1
            if "q" in seen:
                return 0
            if "L" in seen:
                break
            matched = True
            if "l" in seen or "c" in seen:
                continue
            prefix = (f"{name}:" if many else "") + (f"{number}:" if "n" in seen else "")
            ctx.out((prefix + raw + "\n").encode("utf-8", "surrogateescape"))
        if "c" in seen:
            ctx.out((f"{name}:" if many else "") + f"{count}\n")
        if ("l" in seen and count) or ("L" in seen and not count):
            matched = matched or "L" in seen
            ctx.out(f"{name}\n")
    if error and not ("q" in seen and matched):
        return 2
    return 0 if matched else 1


def _is_dir(ctx: ExecContext, path: str) -> bool:
    entry = _stat(ctx, path)
    return entry is not None and entry.is_dir


def _grep_inputs(ctx: ExecContext, operands: list[str], seen: set[str]) -> Any:
    """(name, data) per file to search, data None after an error.

    A directory reads as nothing (busybox does not complain) unless -r/-R walks it.  -r follows
    symlinks only on the command line and, below it, skips symlinks to directories; -R follows
    them all.
    """
    for operand in operands or ["-"]:
        if operand != "-" and _is_dir(ctx, operand):
            if "r" in seen or "R" in seen:
                yield from _grep_tree(ctx, operand, "R" in seen, "s" in seen)
            else:
                yield operand, b""
        else:
            yield _grep_read(ctx, operand, "s" in seen)


def _grep_read(ctx: ExecContext, name: str, quiet: bool) -> tuple[str, bytes | None]:
    if not quiet:
        return _inputs(ctx, "grep", [name])[0]
    try:
        return name, read_input(ctx, name)
    except (OSError, ValueError):
        return name, None


def _grep_tree(ctx: ExecContext, directory: str, follow: bool, quiet: bool) -> Any:
    path = ctx.abspath(directory)
    for name in ctx.fs.listdir(path):
        shown = posixpath.join(directory, name)
        entry = ctx.fs.lstat(posixpath.join(path, name))
        if entry.is_symlink:
            target = _stat(ctx, shown)
            if target is None:  # a dangling link: a message, but no error status
                if not quiet:
                    ctx.err(f"grep: {shown}: No such file or directory\n")
                continue
            if target.is_dir and not follow:
                continue
            entry = target
        if entry.is_dir:
            yield from _grep_tree(ctx, shown, follow, quiet)
        else:
            yield _grep_read(ctx, shown, quiet)


@register("tee")
def tee(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "ai", "", {"append": "a"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    status = 0
    for operand in operands:
        if operand == "/dev/null":
            continue
        path = ctx.abspath(operand)
        try:
            existed = _stat(ctx, path) is not None
            if "a" in seen:
                ctx.fs.append_file(path, ctx.stdin, mode=0o666 & ~_umask(ctx))
            else:
                ctx.fs.write_file(path, ctx.stdin, mode=0o666 & ~_umask(ctx))
            if not existed:
                _own(ctx, path)
        except (OSError, ValueError) as exc:
            ctx.err(f"tee: {operand}: {_strerror(exc)}\n")
            status = 1
    ctx.out(ctx.stdin)
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
    cmd = _name(argv)
    parsed = _options(ctx, argv, "fenqsvmz")
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
        entry = _lstat(ctx, candidate)
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


# ---------------------------------------------------------------------------------- listing
def _user_name(fs: Any, uid: int) -> str:
    entry = passwd_entry(fs, str(uid))
    return entry[0] if entry else str(uid)


def _group_name(fs: Any, gid: int) -> str:
    entry = group_entry(fs, str(gid))
    return entry[0] if entry else str(gid)


@register("ls")
def ls(ctx: ExecContext, argv: list[str]) -> int:
    """Minimal ls: one name per line (not a terminal); -l with a fixed date (layers keep no mtimes)."""
    parsed = _options(ctx, argv, "laA1dRhFnpe")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    status = 0
    files: list[str] = []
    dirs: list[str] = []
    for operand in operands or ["."]:
        entry = _stat(ctx, operand) if _lstat(ctx, operand) is not None else None
        lentry = _lstat(ctx, operand)
        if lentry is None:
            ctx.err(f"ls: {operand}: No such file or directory\n")
            status = 1
            continue
        if entry is not None and entry.is_dir and "d" not in seen and not ("l" in seen and lentry.is_symlink):
            dirs.append(operand)
        else:
            files.append(operand)

    def line(name: str, path: str) -> str:
        if "l" not in seen and "n" not in seen:
            return name
        entry = ctx.fs.lstat(path)
        owner = str(entry.uid) if "n" in seen else _user_name(ctx.fs, entry.uid)
        group = str(entry.gid) if "n" in seen else _group_name(ctx.fs, entry.gid)
        size = entry.size if entry.is_file or entry.is_symlink else 4096
        text = f"{entry.mode_string()}    1 {owner:<8} {group:<8} {size:>9} Jan  1 00:00 {name}"
        if entry.is_symlink:
            text += f" -> {entry.target}"
        return text

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
        for name in names:
            ctx.out(line(name, posixpath.join(path, name) if name not in (".", "..") else path) + "\n")
        if "R" in seen:
            subdirs = [
                n for n in names if n not in (".", "..") and ctx.fs.lstat(posixpath.join(path, n)).is_dir
            ]
            pending.extend(posixpath.join(directory, n) for n in reversed(subdirs))
    return status


# ---------------------------------------------------------------------------------- environment
def _run(ctx: ExecContext, argv: list[str], env: dict[str, str] | None = None) -> int:
    """Run another command (``env CMD``, ``xargs CMD``) through the shell's command lookup."""
    from simulator.sh import interp as shell_module

    parent = getattr(ctx, "shell", None)
    if parent is None:
        parent = shell_module.Shell(ctx.fs, env=ctx.env, cwd=ctx.cwd, uid=ctx.uid, gid=ctx.gid)
    child = parent.fork()
    child.cwd = ctx.cwd
    if env is not None:
        child.vars = dict(env)
        child.exported = set(env)
    io = shell_module._IO(ctx.stdin, ctx.stdout, ctx.stderr)
    return int(child.exec_external(argv, io))


@register("env")
def env(ctx: ExecContext, argv: list[str]) -> int:
    args = argv[1:]
    environ = dict(ctx.env)
    while args and args[0].startswith("-") and args[0] != "-":
        opt = args.pop(0)
        if opt in ("-i", "--ignore-environment"):
            environ = {}
        elif opt == "-u" and args:
            environ.pop(args.pop(0), None)
        elif opt == "--":
            break
    if args and args[0] == "-":
        args.pop(0)
        environ = {}
    while args and "=" in args[0]:
        key, _, value = args.pop(0).partition("=")
        environ[key] = value
    if not args:
        ctx.out("".join(f"{k}={v}\n" for k, v in environ.items()))
        return 0
    return _run(ctx, args, environ)


@register("which")
def which(ctx: ExecContext, argv: list[str]) -> int:
    status = 0
    for name in argv[1:]:
        found = None
        candidates = (
            [name]
            if "/" in name
            else [posixpath.join(d or ".", name) for d in ctx.env.get("PATH", "").split(":")]
        )
        for candidate in candidates:
            entry = _stat(ctx, candidate)
            if entry is not None and not entry.is_dir:
                found = candidate
                break
        if found is None:
            status = 1
        else:
            ctx.out(found + "\n")
    return status


def _groups(ctx: ExecContext, user: str | None) -> list[int]:
    groups = [ctx.gid]
    if user:
        groups += [gid for gid in users.supplementary_groups(ctx.fs.read_file, user) if gid not in groups]
    return groups


@register("id")
def id_(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "ugGnr")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    uid, gid = ctx.uid, ctx.gid
    if operands:
        entry = passwd_entry(ctx.fs, operands[0])
        if entry is None:
            ctx.err(f"id: unknown user {operands[0]}\n")
            return 1
        uid, gid = int(entry[2]), int(entry[3])
    user_entry = passwd_entry(ctx.fs, str(uid))
    user = user_entry[0] if user_entry else None
    if "u" in seen:
        ctx.out((user or str(uid) if "n" in seen else str(uid)) + "\n")
        return 0
    if "g" in seen:
        ctx.out((_group_name(ctx.fs, gid) if "n" in seen else str(gid)) + "\n")
        return 0
    groups = _groups(ExecContext(ctx.fs, uid=uid, gid=gid), user)
    if "G" in seen:
        ctx.out(" ".join(_group_name(ctx.fs, g) if "n" in seen else str(g) for g in groups) + "\n")
        return 0

    def named(number: int, name: str | None) -> str:
        return f"{number}({name})" if name else str(number)

    group_name = group_entry(ctx.fs, str(gid))
    text = f"uid={named(uid, user)} gid={named(gid, group_name[0] if group_name else None)}"
    text += " groups=" + ",".join(named(g, (group_entry(ctx.fs, str(g)) or [None])[0]) for g in groups)
    ctx.out(text + "\n")
    return 0


@register("whoami")
def whoami(ctx: ExecContext, argv: list[str]) -> int:
    entry = passwd_entry(ctx.fs, str(ctx.uid))
    if entry is None:
        ctx.err(f"whoami: unknown uid {ctx.uid}\n")
        return 1
    ctx.out(entry[0] + "\n")
    return 0


@register("uname")
def uname(ctx: ExecContext, argv: list[str]) -> int:
    seen = set("".join(a.lstrip("-") for a in argv[1:])) or {"s"}
    values = {
        "s": "Linux",
        "n": ctx.env.get("HOSTNAME", "layerlab"),
        "r": "6.1.0-layerlab",
        "v": "#1 SMP",
        "m": "x86_64",
        "o": "GNU/Linux",
    }
    order = "snrvmo" if "a" in seen else [c for c in "snrvmo" if c in seen]
    ctx.out(" ".join(values[c] for c in order) + "\n")
    return 0


@register("seq")
def seq(ctx: ExecContext, argv: list[str]) -> int:
    try:
        numbers = [int(a) for a in argv[1:]]
    except ValueError:
        ctx.err("seq: invalid number\n")
        return 1
    first, step, last = {1: (1, 1, numbers[0]), 2: (numbers[0], 1, numbers[-1]), 3: tuple(numbers)}.get(
        len(numbers), (1, 1, 0)
    )  # type: ignore[assignment]
    if step == 0:
        return 1
    ctx.out("".join(f"{n}\n" for n in range(first, last + (1 if step > 0 else -1), step)))
    return 0


# ---------------------------------------------------------------------------------- expr
class _ExprError(Exception):
    pass


_LONG = 1 << 64


def _wrap(value: int) -> int:
    """``value`` as a C ``long long`` (busybox's arithmetic wraps around)."""
    value %= _LONG
    return value - _LONG if value >= _LONG // 2 else value


class _Expr:
    """busybox ``expr``: a recursive-descent evaluator over the arguments.

    Values are ``int`` or ``str``; a string that ``strtoll`` reads entirely (leading blanks and a
    sign allowed) is a number where a number is needed.  From the loosest binding: ``|``, ``&``,
    comparisons, ``+ -``, ``* / %``, ``:``, then ``length``/``substr``/``index``/``match``/``quote``
    and parentheses.
    """

    def __init__(self, ctx: ExecContext, args: list[str]) -> None:
        self.ctx = ctx
        self.args = args
        self.pos = 0

    def peek(self, *tokens: str) -> str | None:
        if self.pos < len(self.args) and self.args[self.pos] in tokens:
            self.pos += 1
            return self.args[self.pos - 1]
        return None

    def evaluate(self) -> int | str:
        value = self.or_()
        if self.pos < len(self.args):
            raise _ExprError("syntax error")
        return value

    def or_(self) -> int | str:
        left = self.and_()
        while self.peek("|"):
            right = self.and_()
            left = right if _null(left) else left
        return left

    def and_(self) -> int | str:
        left = self.compare()
        while self.peek("&"):
            right = self.compare()
            left = 0 if _null(left) or _null(right) else left
        return left

    def compare(self) -> int | str:
        left = self.sum()
        while op := self.peek("<", "<=", "=", "==", "!=", ">=", ">"):
            right = self.sum()
            a, b = _number(left), _number(right)
            if a is not None and b is not None:
                diff = (a > b) - (a < b)
            else:  # strcmp
                x, y = str(left).encode(), str(right).encode()
                diff = (x > y) - (x < y)
            left = int({"<": diff < 0, "<=": diff <= 0, "=": diff == 0, "==": diff == 0, "!=": diff != 0,
                        ">=": diff >= 0, ">": diff > 0}[op])  # fmt: skip
        return left

    def sum(self) -> int | str:
        left = self.product()
        while op := self.peek("+", "-"):
            a, b = self.numbers(left, self.product())
            left = _wrap(a + b if op == "+" else a - b)
        return left

    def product(self) -> int | str:
        left = self.match()
        while op := self.peek("*", "/", "%"):
            a, b = self.numbers(left, self.match())
            if op != "*" and b == 0:
                raise _ExprError("division by zero")
            quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # C truncates
            left = _wrap(a * b if op == "*" else quotient if op == "/" else a - b * quotient)
        return left

    @staticmethod
    def numbers(left: int | str, right: int | str) -> tuple[int, int]:
        a, b = _number(left), _number(right)
        if a is None or b is None:
            raise _ExprError("non-numeric argument")
        return a, b

    def match(self) -> int | str:
        left = self.keyword()
        while self.peek(":"):
            left = self.colon(left, self.keyword())
        return left

    def colon(self, text: int | str, pattern: int | str) -> int | str:
        """``STRING : REGEX``: anchored; the first \\( \\) group, or the length of the match."""
        from simulator.userland.textutils import bre_to_python

        text, pattern = str(text), str(pattern)
        if pattern.startswith("^"):
            self.ctx.err(
                f"expr: warning: '{pattern}': using '^' as the first character\n"
                "of a basic regular expression is not portable; it is ignored\n"
            )
        try:
            if pattern.count("\\{") != pattern.count("\\}"):
                raise re.error("Unmatched \\{")
            regex = re.compile(bre_to_python(pattern), re.DOTALL)
        except re.error as exc:  # in glibc's words
            reason = str(exc)
            if "parenthesis" in reason or "subpattern" in reason:
                reason = "Unmatched ( or \\("
            elif "unterminated [" in reason:
                reason = "Unmatched [, [^, [:, [., or [="
            elif not reason.startswith("Unmatched"):
                reason = "Invalid regular expression"
            raise _ExprError(f"bad regex '{pattern}': {reason}") from None
        found = regex.match(text)
        if found is None:
            return "" if regex.groups else 0
        return found.group(1) if regex.groups and found.group(1) is not None else found.end()

    def keyword(self) -> int | str:
        word = self.peek("quote", "length", "match", "index", "substr")
        if word is None:
            return self.atom()
        if word == "quote":
            if self.pos >= len(self.args):
                raise _ExprError("syntax error")
            self.pos += 1
            return self.args[self.pos - 1]
        first = str(self.keyword())
        if word == "length":
            return len(first.encode())
        second = self.keyword()
        if word == "match":
            return self.colon(first, second)
        if word == "index":
            chars = str(second)
            return next((i for i, ch in enumerate(first, 1) if ch in chars), 0)
        start, length = _number(second), _number(self.keyword())
        if start is None or length is None or not 0 < start <= len(first) or length <= 0:
            return ""
        return first[start - 1 : start - 1 + length]

    def atom(self) -> int | str:
        if self.pos >= len(self.args) or self.args[self.pos] == ")":
            raise _ExprError("syntax error")
        if self.peek("("):
            value = self.or_()
            if not self.peek(")"):
                raise _ExprError("syntax error")
            return value
        self.pos += 1
        return self.args[self.pos - 1]


def _number(value: int | str) -> int | None:
    """The value as ``strtoll`` reads it (saturating), or None when it is not all a number."""
    if isinstance(value, int):
        return value
    m = re.fullmatch(r"[ \t\n\v\f\r]*([+-]?\d+)", value, re.ASCII)
    if m is None:
        return None
    return max(-(_LONG // 2), min(int(m.group(1)), _LONG // 2 - 1))


def _null(value: int | str) -> bool:
    return value in (0, "", "0")


@register("expr")
def expr(ctx: ExecContext, argv: list[str]) -> int:
    """``expr EXPRESSION``: prints the value; exit 1 when it is 0 or empty, 2 on an error."""
    if len(argv) < 2:
        ctx.err("expr: too few arguments\n")
        return 2
    try:
        value = _Expr(ctx, argv[1:]).evaluate()
    except _ExprError as exc:
        ctx.err(f"expr: {exc}\n")
        return 2
    ctx.out(f"{value}\n")
    return int(_null(value))


@register("sort")
def sort(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "runf")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    lines: list[bytes] = []
    for _, data in _inputs(ctx, "sort", operands):
        if data is None:
            return 2
        lines.extend(data.splitlines())
    if "n" in seen:

        def key(line: bytes) -> Any:
            m = re.match(rb"\s*(-?\d+)", line)
            return (int(m.group(1)) if m else 0, line)
    else:

        def key(line: bytes) -> Any:
            return line.lower() if "f" in seen else line

    lines.sort(key=key, reverse="r" in seen)
    if "u" in seen:
        lines = [line for i, line in enumerate(lines) if i == 0 or key(line) != key(lines[i - 1])]
    ctx.out(b"".join(line + b"\n" for line in lines))
    return 0


@register("uniq")
def uniq(ctx: ExecContext, argv: list[str]) -> int:
    """``uniq [-cdu] [INPUT]``: adjacent equal lines once (``-c`` counts, ``-d``/``-u`` filter)."""
    parsed = _options(ctx, argv, "cdu")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    ((_, data),) = _inputs(ctx, "uniq", operands[:1])
    if data is None:
        return 1
    runs: list[list[Any]] = []
    for line in data.splitlines():
        if runs and runs[-1][0] == line:
            runs[-1][1] += 1
        else:
            runs.append([line, 1])
    for line, count in runs:
        if ("d" in seen and count == 1) or ("u" in seen and count > 1):
            continue
        ctx.out((f"{count:7d} ".encode() if "c" in seen else b"") + line + b"\n")
    return 0


@register("sh", "ash", "dash", "bash")
def sh(ctx: ExecContext, argv: list[str]) -> int:
    from simulator.sh.builtins import sh_command

    return sh_command(ctx, argv)


@register("busybox")
def busybox(ctx: ExecContext, argv: list[str]) -> int:
    """``busybox APPLET ARGS``; without an applet, the list of applets layerlab implements."""
    if len(argv) > 1 and not argv[1].startswith("-"):
        return _run(ctx, argv[1:])
    ctx.out(
        "BusyBox (layerlab) multi-call binary.\nCurrently defined functions:\n\t"
        + ", ".join(sorted(COMMANDS))
        + "\n"
    )
    return 0


from simulator.userland import findutils  # noqa: E402, F401 - find and xargs register themselves; they use the helpers above
