"""The utilities ash also runs as builtins (echo, printf, true, false, test), pwd, sleep, and the
commands that start other programs: sh, env, which, busybox.
"""

from __future__ import annotations

import posixpath
import re

from simulator.userland._args import (
    applet,
    lstat_or_none,
    prog_name,
    stat_or_none,
)
from simulator.userland.registry import COMMANDS, ExecContext, register

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


@register("echo", builtin=True)
def echo(ctx: ExecContext, argv: list[str]) -> int:
    """busybox: -n, -e, -E, no escapes by default; dash (``ctx.flavor == "dash"``): only -n, always escapes."""
    args = argv[1:]
    newline = True
    dash = ctx.flavor == "dash"
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


@register("printf", builtin=True)
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
            ctx.err(f"{applet(ctx, 'printf')}: invalid number ''\n")  # busybox: a missing number too
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
            ctx.err(f"{applet(ctx, 'printf')}: invalid number '{text}'\n")
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
            for size in (width, precision):  # `%01000000000d` would need a gigabyte: check first
                if size and size.lstrip("-").isdigit():
                    ctx.budget.can_hold(abs(int(size)) * 4)
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
        ctx.budget.tick()
        if stop or index >= len(args) or index == start_index:
            break
    ctx.out("".join(out).encode("utf-8", "surrogateescape"))
    return status


@register("true", ":", builtin=True)
def true(ctx: ExecContext, argv: list[str]) -> int:
    return 0


@register("false", builtin=True)
def false(ctx: ExecContext, argv: list[str]) -> int:
    return 1


class _TestError(Exception):
    pass


@register("test", "[", builtin=True)
def test(ctx: ExecContext, argv: list[str]) -> int:
    args = argv[1:]
    if prog_name(argv) == "[":
        if not args or args[-1] != "]":
            ctx.err(f"{applet(ctx, '[')}: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _test_expr(ctx, args) else 1
    except _TestError as exc:
        ctx.err(f"{applet(ctx, 'test')}: {exc}\n")
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
        entry = lstat_or_none(ctx, value)
        return entry is not None and entry.is_symlink
    entry = stat_or_none(ctx, value)
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


# ---------------------------------------------------------------------------------- environment
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
    return ctx.run(args, env=environ)


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
            entry = stat_or_none(ctx, candidate)
            if entry is not None and not entry.is_dir:
                found = candidate
                break
        if found is None:
            status = 1
        else:
            ctx.out(found + "\n")
    return status


@register("sh", "ash", "dash", "bash")
def sh(ctx: ExecContext, argv: list[str]) -> int:
    return ctx.shell(argv)


@register("busybox")
def busybox(ctx: ExecContext, argv: list[str]) -> int:
    """``busybox APPLET ARGS``; without an applet, the list of applets layerlab implements."""
    if len(argv) > 1 and not argv[1].startswith("-"):
        return ctx.run(argv[1:])
    ctx.out(
        "BusyBox (layerlab) multi-call binary.\nCurrently defined functions:\n\t"
        + ", ".join(sorted(COMMANDS))
        + "\n"
    )
    return 0
