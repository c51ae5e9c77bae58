"""The helpers every command family uses: busybox-style option parsing, messages, reading inputs,
stat without exceptions, user and group names, GNU-or-busybox, symbolic modes.

A family imports what it needs from here (never another family's private helpers); the
context they take is :class:`~simulator.userland.registry.ExecContext`.
"""

from __future__ import annotations

import errno
import itertools
import os
import posixpath
import re
from collections.abc import Iterator
from typing import Any

from simulator.model.fs import FileSystem
from simulator.userland import users
from simulator.userland.registry import ExecContext

__all__ = [
    "applet", "group_entry", "group_name", "is_gnu", "lstat_or_none", "own_new", "parse_mode", "parse_options",
    "passwd_entry", "prog_name", "read_input", "read_inputs", "stat_or_none", "strerror", "umask_of", "user_name",
]  # fmt: skip


# ---------------------------------------------------------------------------------- helpers
def strerror(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno)
    return str(exc)


def prog_name(argv: list[str]) -> str:
    return posixpath.basename(argv[0])


def umask_of(ctx: ExecContext) -> int:
    return ctx.umask


def parse_options(
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
                ctx.err(f"{prog_name(argv)}: unrecognized option '{arg}'\n")
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
                            ctx.err(f"{prog_name(argv)}: option requires an argument -- '{letter}'\n")
                            return None
                        i += 1
                        value = args[i]
                    put(letter, value)
                    seen.add(letter)
                    break
                if letter not in flags:
                    ctx.err(f"{prog_name(argv)}: invalid option -- '{letter}'\n")
                    return None
                seen.add(letter)
                j += 1
            i += 1
            continue
        operands.append(arg)
        i += 1
    return seen, values, operands


def lstat_or_none(ctx: ExecContext, path: str) -> Any:
    try:
        return ctx.fs.lstat(ctx.abspath(path))
    except (OSError, ValueError):
        return None


def stat_or_none(ctx: ExecContext, path: str) -> Any:
    try:
        return ctx.fs.stat(ctx.abspath(path))
    except (OSError, ValueError):
        return None


def read_input(ctx: ExecContext, path: str) -> bytes:
    """A file's bytes, all of them (``sort``, ``tac``...); ``-`` is stdin and ``/dev/null`` is empty.

    What is read whole counts against the memory limit, as the file's memory would: a file
    larger than what is left (a sparse ``truncate -s 1T`` file) or ``/dev/zero`` ends the command
    with the memory limit's message before anything is read (``sort: memory exhausted``)."""
    if path in ("-", "/dev/stdin", "/proc/self/fd/0"):
        handle = getattr(ctx.stdin, "handle", None)  # ``< file``: as large as the file is
        if handle is not None and hasattr(handle, "fstat") and hasattr(handle, "tell"):
            ctx.budget.can_hold(max(0, handle.fstat().size - handle.tell()))
        return ctx.stdin_bytes()
    if path == "/dev/null":
        return b""
    if path == "/dev/zero":
        for _ in _zeros(ctx):  # endless: the memory limit, or with none the time limit
            ctx.budget.can_hold(1 << 62)
    full = ctx.abspath(path)
    entry = ctx.fs.stat(full)
    if entry.is_file:
        ctx.budget.can_hold(entry.size)
    return bytes(ctx.fs.read_file(full))


CHUNK = 1 << 16
"""Bytes a streaming command reads at a time (a sparse ``truncate -s 1T`` file, ``/dev/zero``)."""


def _stdin_chunks(ctx: ExecContext) -> Iterator[bytes]:
    stdin = ctx.stdin
    if isinstance(stdin, (bytes, bytearray)):
        if stdin:
            yield bytes(stdin)
        return
    while piece := stdin.read(CHUNK):
        yield piece


def _zeros(ctx: ExecContext) -> Iterator[bytes]:
    zeros = bytes(CHUNK)
    while True:  # forever: the reader going (SIGPIPE) or a limit ends it
        ctx.budget.tick()
        yield zeros


def _file_chunks(handle: Any, first: bytes) -> Iterator[bytes]:
    try:
        piece = first
        while piece:
            yield piece
            piece = handle.read(CHUNK)
    finally:
        handle.close()


def open_input(ctx: ExecContext, path: str) -> Iterator[bytes]:
    """A file's bytes in pieces of :data:`CHUNK`, never whole: ``-`` is stdin, ``/dev/null``
    empty, ``/dev/zero`` endless zeros.  Errors (ENOENT, EISDIR ...) are raised here, at the open."""
    if path in ("-", "/dev/stdin", "/proc/self/fd/0"):
        chunks = _stdin_chunks(ctx)
        first = next(chunks, b"")  # a failing first read (``cat < dir``: EISDIR) is raised here
        return itertools.chain([first] if first else [], chunks)
    if path == "/dev/null":
        return iter(())
    if path == "/dev/zero":
        return _zeros(ctx)
    handle = ctx.fs.open(ctx.abspath(path), "rb")
    try:
        first = handle.read(CHUNK)
    except BaseException:
        handle.close()
        raise
    return _file_chunks(handle, first)


def _input_error(ctx: ExecContext, cmd: str, operand: str, exc: Exception) -> None:
    """busybox's message for an operand that cannot be read (a directory, a missing file ...)."""
    if isinstance(exc, IsADirectoryError) or getattr(exc, "errno", None) == errno.EISDIR:
        ctx.err(f"{cmd}: read error: Is a directory\n")
    else:
        where = f"can't open '{operand}'" if cmd in ("cat", "tail", "uniq") else operand
        ctx.err(f"{cmd}: {where}: {strerror(exc)}\n")


def stream_inputs(
    ctx: ExecContext, cmd: str, operands: list[str]
) -> Iterator[tuple[str, Iterator[bytes] | None]]:
    """(name, pieces) per operand (stdin when none), opened one after the other; pieces is None
    after printing the error (the messages of :func:`read_inputs`)."""
    for operand in operands or ["-"]:
        try:
            chunks = open_input(ctx, operand)
        except (OSError, ValueError) as exc:
            _input_error(ctx, cmd, operand, exc)
            yield operand, None
            continue
        yield operand, chunks


def own_new(ctx: ExecContext, path: str, symlink: bool = False) -> None:
    """A new file belongs to the running user."""
    if ctx.uid or ctx.gid:
        if symlink:
            ctx.fs.lchown(path, ctx.uid, ctx.gid)
        else:
            ctx.fs.chown(path, ctx.uid, ctx.gid)


def passwd_entry(fs: FileSystem, user: str) -> list[str] | None:
    """The /etc/passwd fields of a user name or uid in the container (None if absent)."""
    return users.passwd_entry(fs.read_file, user)


def group_entry(fs: FileSystem, group: str) -> list[str] | None:
    """The /etc/group fields of a group name or gid in the container (None if absent)."""
    return users.group_entry(fs.read_file, group)


def applet(ctx: ExecContext, name: str) -> str:
    """The name busybox puts before a message: ``sh`` when the shell runs it as a builtin."""
    return "sh" if ctx.builtin else name


def read_inputs(ctx: ExecContext, cmd: str, operands: list[str]) -> list[tuple[str, bytes | None]]:
    """(name, data) per operand (stdin when none); data None after printing an error."""
    out: list[tuple[str, bytes | None]] = []
    for operand in operands or ["-"]:
        try:
            out.append((operand, read_input(ctx, operand)))
        except (OSError, ValueError) as exc:
            _input_error(ctx, cmd, operand, exc)
            out.append((operand, None))
    return out


def user_name(fs: FileSystem, uid: int) -> str:
    entry = passwd_entry(fs, str(uid))
    return entry[0] if entry else str(uid)


def group_name(fs: FileSystem, gid: int) -> str:
    entry = group_entry(fs, str(gid))
    return entry[0] if entry else str(gid)


def is_gnu(ctx: ExecContext, argv: list[str]) -> bool:
    """Whether the binary running ``argv[0]`` is GNU's rather than a busybox applet link."""
    path = ctx.which(argv[0])
    if path is None:
        return ctx.flavor == "dash"
    for _ in range(8):
        entry = lstat_or_none(ctx, path)
        if entry is None or not entry.is_symlink:
            break
        target = ctx.fs.readlink(path)
        if posixpath.basename(target) == "busybox":
            return False
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return posixpath.basename(path) != "busybox"


_WHO = {"u": 0o4700, "g": 0o2070, "o": 0o1007, "a": 0o7777}


def parse_mode(text: str, current: int, is_dir: bool, umask: int) -> int | None:
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
