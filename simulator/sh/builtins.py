"""The RUN shell's builtins: commands that change the shell itself (cd, export, set, exit ...)
plus the utilities ash runs without a binary (echo, printf, test, true, false, pwd).

Each builtin is ``(shell, argv, io) -> int``; messages follow busybox ash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.sh.parse import ShellSyntaxError, is_name, parse
from simulator.sh.process import IO, Exit, Loop, Return
from simulator.userland.registry import BUILTIN_UTILITIES, ExecContext
from simulator.userland.streams import read_line

if TYPE_CHECKING:
    from simulator.sh.interp import Shell

__all__ = ["BUILTINS", "SPECIAL"]

Builtin = Callable[["Shell", list[str], "IO"], int]
BUILTINS: dict[str, Builtin] = {}
SPECIAL = frozenset(
    {
        ":",
        ".",
        "break",
        "continue",
        "eval",
        "exec",
        "exit",
        "export",
        "readonly",
        "return",
        "set",
        "shift",
        "source",
        "trap",
        "unset",
    }
)


def builtin(*names: str) -> Callable[[Builtin], Builtin]:
    def wrap(func: Builtin) -> Builtin:
        for name in names:
            BUILTINS[name] = func
        return func

    return wrap


def _utility(name: str) -> Builtin:
    """A utility ash runs in-process (no binary needed): echo, printf, test ..."""

    def run(sh: Shell, argv: list[str], io: IO) -> int:
        ctx = sh.context(io)
        ctx.flavor = sh.flavor  # only the builtins follow /bin/sh's flavour (dash's echo)
        ctx.builtin = True  # busybox messages then say "sh:"
        return int(BUILTIN_UTILITIES[name](ctx, argv))

    return run


for _name in ("echo", "printf", "test", "[", "true", "false"):
    BUILTINS[_name] = _utility(_name)
BUILTINS[":"] = BUILTINS["true"]


@builtin("pwd")
def _pwd(sh: Shell, argv: list[str], io: IO) -> int:
    io.out += (sh.cwd + "\n").encode("utf-8", "surrogateescape")
    return 0


@builtin("cd")
def _cd(sh: Shell, argv: list[str], io: IO) -> int:
    args = [a for a in argv[1:] if a not in ("-L", "-P")]
    if not args:
        target = sh.vars.get("HOME", "/")
    elif args[0] == "-":
        target = sh.vars.get("OLDPWD", sh.cwd)
        io.out += (target + "\n").encode("utf-8", "surrogateescape")
    else:
        target = args[0]
    path = sh.abspath(target)
    try:
        entry = sh.fs.stat(path)
        if not entry.is_dir:
            raise NotADirectoryError(20, "Not a directory", path)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "No such file or directory"
        sh.builtin_error(io, "cd", f"can't cd to {target}: {reason}")
        return 2
    sh.vars["OLDPWD"] = sh.cwd
    sh.cwd = path
    sh.vars["PWD"] = path
    return 0


@builtin("exit")
def _exit(sh: Shell, argv: list[str], io: IO) -> int:
    status = sh.status
    if len(argv) > 1:
        if not argv[1].lstrip("-").isdigit():
            sh.builtin_error(io, "exit", f"Illegal number: {argv[1]}")
            status = 2
        else:
            status = int(argv[1]) & 0xFF
    raise Exit(status)


@builtin("return")
def _return(sh: Shell, argv: list[str], io: IO) -> int:
    status = int(argv[1]) & 0xFF if len(argv) > 1 and argv[1].isdigit() else sh.status
    raise Return(status)


@builtin("break", "continue")
def _loop(sh: Shell, argv: list[str], io: IO) -> int:
    levels = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    raise Loop(argv[0], max(levels, 1))


@builtin("export", "readonly")
def _export(sh: Shell, argv: list[str], io: IO) -> int:
    names = [a for a in argv[1:] if a != "-p"]
    if not names:
        for key in sorted(sh.exported if argv[0] == "export" else sh.readonly):
            if key in sh.vars:
                value = sh.vars[key].replace("'", "'\"'\"'")
                io.out += f"{argv[0]} {key}='{value}'\n".encode("utf-8", "surrogateescape")
        return 0
    status = 0
    for item in names:
        name, eq, value = item.partition("=")
        if not is_name(name):
            sh.builtin_error(io, argv[0], f"{name}: bad variable name")
            raise Exit(2)  # an error in a special builtin ends the shell
        if eq:
            sh.vars[name] = value
        (sh.exported if argv[0] == "export" else sh.readonly).add(name)
    return status


@builtin("local")
def _local(sh: Shell, argv: list[str], io: IO) -> int:
    if not sh.locals:
        sh.builtin_error(io, "local", "not in a function")
        raise Exit(2)
    for item in argv[1:]:
        name, eq, value = item.partition("=")
        sh.locals[-1].setdefault(name, sh.vars.get(name))
        if eq:
            sh.vars[name] = value
        else:
            sh.vars.setdefault(name, "")
    return 0


@builtin("unset")
def _unset(sh: Shell, argv: list[str], io: IO) -> int:
    functions = "-f" in argv[1:2]
    for name in argv[1:]:
        if name in ("-f", "-v"):
            continue
        if functions:
            sh.functions.pop(name, None)
        elif name in sh.readonly:
            sh.builtin_error(io, "unset", f"{name}: is read only")
            raise Exit(2)
        else:
            sh.vars.pop(name, None)
            sh.exported.discard(name)
    return 0


_SET_O = {
    "errexit": "e",
    "nounset": "u",
    "xtrace": "x",
    "noglob": "f",
    "allexport": "a",
    "verbose": "v",
    "noexec": "n",
    "noclobber": "C",
}


@builtin("set")
def _set(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if not args:
        for key in sorted(sh.vars):
            value = sh.vars[key].replace("'", "'\"'\"'")
            io.out += f"{key}='{value}'\n".encode("utf-8", "surrogateescape")
        return 0
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            sh.positional = args[i + 1 :]
            return 0
        if arg in ("-o", "+o"):
            if i + 1 >= len(args):
                for long, short in sorted(_SET_O.items()):
                    io.out += f"{long:<15}{'on' if short in sh.options else 'off'}\n".encode(
                        "utf-8", "surrogateescape"
                    )
                io.out += f"{'pipefail':<15}{'on' if sh.pipefail else 'off'}\n".encode(
                    "utf-8", "surrogateescape"
                )
                return 0
            option = args[i + 1]
            if option == "pipefail":
                sh.pipefail = arg == "-o"
            elif option in _SET_O:
                (sh.options.add if arg == "-o" else sh.options.discard)(_SET_O[option])
            else:
                sh.builtin_error(io, "set", f"illegal option -o {option}")
                raise Exit(2)
            i += 2
            continue
        if arg[:1] in ("-", "+") and len(arg) > 1:
            for letter in arg[1:]:
                if letter == "o":
                    continue
                if letter not in "euxfavnCh":
                    sh.builtin_error(io, "set", f"illegal option -{letter}")
                    raise Exit(2)
                (sh.options.add if arg[0] == "-" else sh.options.discard)(letter)
            if "o" in arg[1:] and i + 1 < len(args):
                option = args[i + 1]
                if option == "pipefail":
                    sh.pipefail = arg[0] == "-"
                elif option in _SET_O:
                    (sh.options.add if arg[0] == "-" else sh.options.discard)(_SET_O[option])
                i += 1
            i += 1
            continue
        sh.positional = args[i:]
        return 0
    return 0


@builtin("shift")
def _shift(sh: Shell, argv: list[str], io: IO) -> int:
    n = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    if n > len(sh.positional):
        return 1  # busybox 1.35 says nothing
    sh.positional = sh.positional[n:]
    return 0


@builtin("eval")
def _eval(sh: Shell, argv: list[str], io: IO) -> int:
    try:
        tree = parse(" ".join(argv[1:]))
    except ShellSyntaxError as exc:
        sh.error(io, f"syntax error: {exc}")
        return 2
    sh.status = 0
    return int(sh.run_seq(tree, io))


@builtin(".", "source")
def _source(sh: Shell, argv: list[str], io: IO) -> int:
    if len(argv) < 2:
        sh.error(io, f"{argv[0]}: filename argument required")
        return 2
    name = argv[1]
    path = sh.abspath(name) if "/" in name else sh.find_command(name)
    try:
        text = sh.fs.read_file(path).decode("utf-8", "surrogateescape") if path else None
    except OSError:
        text = None
    if text is None:
        sh.builtin_error(io, argv[0], f"can't open '{name}': No such file or directory")
        raise Exit(2)
    try:
        tree = parse(text)
    except ShellSyntaxError as exc:
        sh.error(io, f"{name}: syntax error: {exc}")
        return 2
    saved = sh.positional
    if len(argv) > 2:
        sh.positional = argv[2:]
    try:
        sh.run_seq(tree, io)
    except Return as ret:
        sh.status = ret.status
    finally:
        sh.positional = saved
    return int(sh.status)


@builtin("read")
def _read(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    raw = False
    while args and args[0].startswith("-"):
        raw = raw or "r" in args[0]
        args = args[1:]
    names = args or ["REPLY"]
    raw_line, io.stdin = read_line(io.stdin)  # a pipe is read one line at a time, like read(1)
    if not raw_line:
        for name in names:
            sh.vars[name] = ""
        return 1
    line, newline, _ = raw_line.decode("utf-8", "surrogateescape").partition("\n")
    if not raw:
        line = line.replace("\\", "")
    ifs = sh.vars.get("IFS", " \t\n")
    fields = line.split(None, len(names) - 1) if ifs == " \t\n" else line.split(ifs[:1], len(names) - 1)
    for i, name in enumerate(names):
        sh.vars[name] = fields[i].strip() if i < len(fields) else ""
    return 0 if newline else 1


@builtin("command")
def _command(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if args and args[0] in ("-v", "-V"):
        status = 0
        for name in args[1:]:
            if name in sh.functions or name in BUILTINS:
                io.out += (name + "\n" if args[0] == "-v" else f"{name} is a shell builtin\n").encode(
                    "utf-8", "surrogateescape"
                )
                continue
            path = sh.find_command(name)
            if path is None:
                status = 127
                if args[0] == "-V":
                    io.out += f"{name}: not found\n".encode("utf-8", "surrogateescape")
                continue
            io.out += (path + "\n" if args[0] == "-v" else f"{name} is {path}\n").encode(
                "utf-8", "surrogateescape"
            )
        return status
    if not args:
        return 0
    if args[0] == "-p":
        args = args[1:]
    if args[0] in BUILTINS:
        return BUILTINS[args[0]](sh, args, io)
    return int(sh.exec_external(args, io))


@builtin("type")
def _type(sh: Shell, argv: list[str], io: IO) -> int:
    status = 0
    for name in argv[1:]:
        if name in sh.functions:
            io.out += f"{name} is a function\n".encode("utf-8", "surrogateescape")
        elif name in SPECIAL:
            io.out += f"{name} is a special shell builtin\n".encode("utf-8", "surrogateescape")
        elif name in BUILTINS:
            io.out += f"{name} is a shell builtin\n".encode("utf-8", "surrogateescape")
        else:
            path = sh.find_command(name)
            if path is None:
                io.out += f"{name}: not found\n".encode("utf-8", "surrogateescape")
                status = 127
            else:
                io.out += f"{name} is {path}\n".encode("utf-8", "surrogateescape")
    return status


@builtin("exec")
def _exec(sh: Shell, argv: list[str], io: IO) -> int:
    if len(argv) == 1:
        return 0  # `exec >file` redirections apply to the rest of the script: not simulated
    args = argv[1:]
    status = BUILTINS[args[0]](sh, args, io) if args[0] in BUILTINS else sh.exec_external(args, io)
    raise Exit(int(status))


@builtin("umask")
def _umask(sh: Shell, argv: list[str], io: IO) -> int:
    if len(argv) == 1:
        io.out += f"{sh.umask:04o}\n".encode("utf-8", "surrogateescape")
        return 0
    try:
        sh.umask = int(argv[1], 8) & 0o777
    except ValueError:
        sh.builtin_error(io, "umask", f"illegal mode: {argv[1]}")
        return 2
    return 0


@builtin("trap", "wait", "hash", "ulimit", "getopts")
def _noop(sh: Shell, argv: list[str], io: IO) -> int:
    return 0


def sh_command(parent: Shell, ctx: ExecContext, argv: list[str]) -> int:
    """``sh [-eux] [-c script [name [args...]]] | sh file [args...]``: a child shell of ``parent``.

    This is :attr:`ExecContext.shell` for the commands ``parent`` runs (``sh``, ``ash`` ...).
    """
    io = IO(ctx.stdin, ctx.stdout, ctx.stderr)
    args = argv[1:]
    options = ""
    script: str | None = None
    while args and args[0][:1] in ("-", "+") and args[0] not in ("-", "--"):
        flag = args.pop(0)
        if flag == "-o" or flag == "+o":
            if args:
                long = args.pop(0)
                options += _SET_O.get(long, "")
            continue
        for letter in flag[1:]:
            if letter == "c":
                if not args:
                    ctx.err(f"{argv[0]}: -c requires an argument\n")
                    return 2
                script = args.pop(0)
            elif letter in "euxfav":
                options += letter
            elif letter not in "ils":
                ctx.err(f"{argv[0]}: illegal option -{letter}\n")
                return 2
    if args and args[0] == "--":
        args.pop(0)
    from_file = script is None
    if script is None:
        if not args:
            script = ctx.stdin_bytes().decode("utf-8", "surrogateescape")
            args = [argv[0]]
        else:
            path = ctx.abspath(args[0])
            try:
                script = ctx.fs.read_file(path).decode("utf-8", "surrogateescape")
            except OSError:
                ctx.err(f"{argv[0]}: can't open '{args[0]}': No such file or directory\n")
                return 2
    else:
        args = args or [argv[0]]
    return int(parent.run_nested(script, args, io, dict(ctx.env), options, from_file=from_file))
