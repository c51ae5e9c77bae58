"""``find`` and ``xargs`` of the RUN shell, as busybox 1.35 runs them.

``find`` parses its expression the way busybox does: primaries ANDed into groups, groups ORed
by ``-o``, ``!`` inverting the next primary, ``( )`` nesting; ``-maxdepth``, ``-mindepth`` and
``-depth`` are global options wherever they stand; without ``-print``, ``-print0``, ``-exec`` or
``-delete`` a file the expression accepts is printed.  ``-exec CMD {} ;`` runs CMD per file and is
true when it exits 0; ``-exec CMD {} +`` runs it once at the end with every file (find then exits
1 if it failed).  Directories are walked in name order: the real ``find`` follows readdir order,
which the layers do not record.

``xargs`` splits its input on blanks (quotes and backslashes as busybox reads them), NULs (``-0``)
or lines (``-I``), and runs the command in batches of ``-n``; its exit status tells what went wrong
(123 a command failed, 124 one exited 255, 127 not found, 126 not executable).

Both run their commands through the shell's lookup, as ``spawn_and_wait`` does, and report a
command that cannot start as busybox's ``perror`` would (``find: nosuch: No such file or
directory``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import Any

from simulator.patterns import compile_glob
from simulator.userland._args import (
    group_entry,
    parse_mode,
    passwd_entry,
    read_input,
    strerror,
)
from simulator.userland.grep import bre_to_python
from simulator.userland.registry import ExecContext, register

__all__ = ["find", "xargs"]


# ---------------------------------------------------------------------------------- running commands
def spawn(ctx: ExecContext, cmd: str, argv: list[str], stdin: bytes | None = None) -> int:
    """Run ``argv`` as busybox's ``spawn_and_wait`` does and return its exit status.

    A program that cannot start gets ``CMD: PROG: No such file or directory`` (or ``Permission
    denied``) on stderr, busybox's ``perror``, and -127 (or -126) as the status.
    """
    path = ctx.which(argv[0])
    if path is None or not ctx.fs.stat(path).mode & 0o111:
        reason = "No such file or directory" if path is None else "Permission denied"
        ctx.err(f"{cmd}: {argv[0]}: {reason}\n")
        return -127 if path is None else -126
    return ctx.run(argv, stdin=stdin)


# ---------------------------------------------------------------------------------- find
class _FindError(Exception):
    pass


class _Quit(Exception):
    pass


class _Node:
    """The file a primary looks at: the name find shows, its path, its (lstat) entry, its depth."""

    __slots__ = ("depth", "entry", "path", "prune", "shown")

    def __init__(self, shown: str, path: str, entry: Any, depth: int) -> None:
        self.shown, self.path, self.entry, self.depth = shown, path, entry, depth
        self.prune = False


Primary = Callable[[_Node], bool]
Groups = list[list[tuple[Primary, bool]]]  # ORed groups of ANDed (primary, inverted)

_WITH_ARGUMENT = {
    "-name", "-iname", "-path", "-wholename", "-ipath", "-regex", "-type", "-perm", "-user", "-group",
    "-size", "-mindepth", "-maxdepth", "-inum", "-links",
}  # fmt: skip
_TYPES = {"f": "is_file", "d": "is_dir", "l": "is_symlink"}


class _Find:
    def __init__(self, ctx: ExecContext) -> None:
        self.ctx = ctx
        self.need_print = True
        self.depth_first = False
        self.mindepth, self.maxdepth = 0, 1 << 31
        self.batches: list[tuple[list[str], list[str]]] = []  # -exec ... + : (argv, files)

    # -- parsing ---------------------------------------------------------------------------
    def parse(self, args: list[str]) -> Groups:
        groups: Groups = [[]]
        invert = False
        i = 0
        while i < len(args):
            arg = args[i]
            value = ""
            if arg in _WITH_ARGUMENT:
                if i + 1 >= len(args):
                    raise _FindError(f"{arg} requires an argument")
                i += 1
                value = args[i]
            primary: Primary | None = None
            if arg in ("-a", "-and"):
                pass
            elif arg in ("-o", "-or"):
                groups.append([])
            elif arg in ("!", "-not"):
                invert = not invert
            elif arg in ("-mindepth", "-maxdepth"):
                if not value.isdigit():
                    raise _FindError(f"invalid number '{value}'")
                setattr(self, arg[1:], int(value))
            elif arg == "-depth":
                self.depth_first = True
            elif arg == "-xdev":  # a container is one filesystem
                pass
            elif arg == "(":
                end, nested = i, 1
                while nested:
                    end += 1
                    if end >= len(args):
                        raise _FindError("unpaired '('")
                    nested += {"(": 1, ")": -1}.get(args[end], 0)
                sub = self.parse(args[i + 1 : end])
                primary = lambda node, sub=sub: _evaluate(sub, node)  # noqa: E731
                i = end
            elif arg == "-exec":
                primary, i = self.exec_primary(args, i)
            else:
                primary = self.primary(arg, value)
            if primary is not None:
                groups[-1].append((primary, invert))
                invert = False
            i += 1
        return groups

    def primary(self, arg: str, value: str) -> Primary:
        if arg in ("-name", "-iname"):
            return self.glob(value, arg == "-iname", lambda n: _basename(n.shown))
        if arg in ("-path", "-wholename", "-ipath"):
            return self.glob(value, arg == "-ipath", lambda n: n.shown)
        if arg == "-regex":
            regex = re.compile(bre_to_python(value), re.DOTALL)
            return lambda n: bool(regex.fullmatch(n.shown))
        if arg == "-type":
            attr = _TYPES.get(value)
            if attr is None:
                raise _FindError(f"invalid argument '{value}' to '-type'")
            return lambda n: bool(getattr(n.entry, attr))
        if arg == "-perm":
            return self.perm(value)
        if arg in ("-user", "-group"):
            return self.owner(arg, value)
        if arg == "-size":
            return self.size(value)
        if arg in ("-inum", "-links"):
            return self.number(arg, value)
        if arg == "-empty":
            return lambda n: (
                not self.ctx.fs.listdir(n.path) if n.entry.is_dir else n.entry.is_file and n.entry.size == 0
            )
        if arg in ("-print", "-print0"):
            self.need_print = False
            return self.printer("\n" if arg == "-print" else "\0")
        if arg == "-prune":
            return _prune
        if arg == "-quit":
            return _quit
        if arg == "-delete":
            self.need_print, self.depth_first = False, True
            return self.delete
        raise _FindError(f"unrecognized: {arg}")

    def printer(self, end: str) -> Primary:
        def print_(node: _Node) -> bool:
            self.ctx.out(node.shown + end)
            return True

        return print_

    @staticmethod
    def glob(pattern: str, fold: bool, part: Callable[[_Node], str]) -> Primary:
        regex = compile_glob(pattern, fold=fold)
        return lambda n: bool(regex.fullmatch(part(n)))

    def perm(self, value: str) -> Primary:
        how = value[:1]
        text = value[1:] if how in "+-/" and value else value
        mask = parse_mode(text, 0, False, 0)
        if mask is None:
            raise _FindError(f"invalid mode '{text}'")
        if how in ("+", "/"):
            return lambda n: bool(n.entry.mode & mask)
        if how == "-":
            return lambda n: n.entry.mode & mask == mask
        return lambda n: n.entry.mode & 0o7777 == mask

    def owner(self, arg: str, value: str) -> Primary:
        if value.isdigit():
            number = int(value)
        else:
            found = (passwd_entry if arg == "-user" else group_entry)(self.ctx.fs, value)
            if found is None:
                raise _FindError(f"unknown {arg[1:]} {value}")
            number = int(found[2])
        attr = "uid" if arg == "-user" else "gid"
        return lambda n: getattr(n.entry, attr) == number

    def size(self, value: str) -> Primary:
        how = value[:1] if value[:1] in ("+", "-") else ""
        m = re.fullmatch(r"(\d+)([cwbk]?)", value[len(how) :])
        if m is None:
            raise _FindError(f"invalid number '{value[len(how) :]}'")
        wanted = int(m.group(1)) * {"c": 1, "w": 2, "": 512, "b": 512, "k": 1024}[m.group(2)]

        def test(n: _Node) -> bool:  # busybox compares bytes with N units, without rounding
            size = 4096 if n.entry.is_dir else len(n.entry.target) if n.entry.is_symlink else n.entry.size
            return size > wanted if how == "+" else size < wanted if how == "-" else size == wanted

        return test

    def number(self, arg: str, value: str) -> Primary:
        """``-inum N`` and ``-links N`` (``+N`` more, ``-N`` fewer): the st_ino and st_nlink of lstat."""
        how = value[:1] if value[:1] in ("+", "-") else ""
        if not value[len(how) :].isdigit():
            raise _FindError(f"invalid argument '{value}' to '{arg}'")
        wanted = int(value[len(how) :])

        def test(n: _Node) -> bool:
            entry = self.ctx.fs.lstat(n.path)
            got = entry.st_ino if arg == "-inum" else entry.st_nlink
            return got > wanted if how == "+" else got < wanted if how == "-" else got == wanted

        return test

    def exec_primary(self, args: list[str], i: int) -> tuple[Primary, int]:
        self.need_print = False
        end = i + 1
        while end < len(args) and args[end] not in (";", "+"):
            end += 1
        command = args[i + 1 : end]
        if end >= len(args) or not command:
            raise _FindError("-exec requires an argument")
        if args[end] == ";":
            return lambda n: self.run([a.replace("{}", n.shown) for a in command]) == 0, end
        if sum(a.count("{}") for a in command) != 1:
            raise _FindError("only one '{}' allowed for -exec +")
        files: list[str] = []
        self.batches.append((command, files))

        def collect(node: _Node) -> bool:  # run at the end, by flush()
            files.append(node.shown)
            return True

        return collect, end

    # -- actions ---------------------------------------------------------------------------
    def run(self, argv: list[str]) -> int:
        return spawn(self.ctx, "find", argv)

    def flush(self) -> bool:
        """Run the ``-exec ... +`` commands; False when one of them failed."""
        for command, files in self.batches:
            if files:
                argv: list[str] = []
                for arg in command:  # the one argument with {} becomes one per file
                    argv.extend([arg.replace("{}", f) for f in files] if "{}" in arg else [arg])
                if self.run(argv) != 0:
                    return False
        return True

    def delete(self, node: _Node) -> bool:
        try:
            if node.entry.is_dir:
                if node.shown != ".":  # "find . -delete" keeps "."
                    self.ctx.fs.rmdir(node.path)
            else:
                self.ctx.fs.unlink(node.path)
        except OSError as exc:
            self.ctx.err(f"find: {node.shown}: {strerror(exc)}\n")
        return True

    # -- walking ---------------------------------------------------------------------------
    def walk(self, groups: Groups, shown: str, path: str, depth: int) -> None:
        try:
            entry = self.ctx.fs.lstat(path)
        except (OSError, ValueError) as exc:
            raise _FindError(f"{shown}: {strerror(exc)}") from None
        node = _Node(shown, path, entry, depth)
        if entry.is_dir and self.depth_first:
            self.children(groups, node)
        if self.visit(groups, node) and entry.is_dir and not self.depth_first:
            self.children(groups, node)

    def children(self, groups: Groups, node: _Node) -> None:
        for name in self.ctx.fs.listdir(node.path):
            self.walk(
                groups, posixpath.join(node.shown, name), posixpath.join(node.path, name), node.depth + 1
            )

    def visit(self, groups: Groups, node: _Node) -> bool:
        """Evaluate the expression on ``node``; whether to descend into it."""
        if node.depth < self.mindepth:
            return True
        if node.depth > self.maxdepth:
            return False
        if _evaluate(groups, node) and self.need_print:
            self.ctx.out(node.shown + "\n")
        return node.depth < self.maxdepth and not node.prune


def _evaluate(groups: Groups, node: _Node) -> bool:
    """busybox's exec_actions: the first group whose primaries all hold; an empty group ends it."""
    ok = True
    for group in groups:
        if not group:
            break
        ok = all(primary(node) != inverted for primary, inverted in group)
        if ok:
            return True
    return ok


def _basename(shown: str) -> str:
    """The name ``-name`` matches: trailing slashes ignored, ``/`` for the root."""
    stripped = shown.rstrip("/")
    return posixpath.basename(stripped) if stripped else "/"


def _prune(node: _Node) -> bool:
    node.prune = True
    return True


def _quit(node: _Node) -> bool:
    raise _Quit


@register("find")
def find(ctx: ExecContext, argv: list[str]) -> int:
    """``find [PATH]... [EXPRESSION]``: see the module docstring."""
    args = argv[1:]
    first = next((i for i, a in enumerate(args) if a.startswith("-") or a in ("!", "(")), len(args))
    roots, expression = args[:first] or ["."], args[first:]
    state = _Find(ctx)
    try:
        groups = state.parse(expression)
    except _FindError as exc:
        ctx.err(f"find: {exc}\n")
        return 1
    status = 0
    try:
        for root in roots:
            try:
                state.walk(groups, root, ctx.abspath(root), 0)
            except _FindError as exc:
                ctx.err(f"find: {exc}\n")
                status = 1
    except _Quit:
        return status
    return status | (not state.flush())


# ---------------------------------------------------------------------------------- xargs
def _split_blanks(text: str, eof: str | None) -> tuple[list[str], str | None]:
    """busybox's default xargs input: blanks separate, quotes group, a backslash escapes."""
    items: list[str] = []
    word = ""
    quote = ""
    escaped = False
    for ch in text:
        if escaped:
            word, escaped = word + ch, False
        elif quote:
            if ch == quote:
                quote = ""
            else:
                word += ch
        elif ch == "\\":
            escaped = True
        elif ch in "'\"":
            quote = ch
        elif ch in " \t\n":
            if word:
                if word == eof:
                    return items, None
                items.append(word)
            word = ""
        else:
            word += ch
    if quote:
        return items, "unmatched " + ("single" if quote == "'" else "double") + " quote"
    if word and word != eof:
        items.append(word)
    return items, None


def _xargs_options(ctx: ExecContext, args: list[str]) -> tuple[dict[str, str], list[str]] | None:
    """getopt "+0a:rtpE:e::I:i::n:s:P:x": options stop at the command."""
    values: dict[str, str] = {}
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        if args[i] == "--":
            i += 1
            break
        j = 1
        arg = args[i]
        while j < len(arg):
            letter = arg[j]
            if letter in "aEInsP":
                value = arg[j + 1 :]
                if not value:
                    if i + 1 >= len(args):
                        ctx.err(f"xargs: option requires an argument -- '{letter}'\n")
                        return None
                    i += 1
                    value = args[i]
                values[letter] = value
                break
            if letter in "ei":  # an optional value, attached only
                values[letter] = arg[j + 1 :]
                break
            if letter not in "0rtpx":
                ctx.err(f"xargs: invalid option -- '{letter}'\n")
                return None
            values[letter] = ""
            j += 1
        i += 1
    return values, args[i:]


@register("xargs")
def xargs(ctx: ExecContext, argv: list[str]) -> int:
    """``xargs [-0rtx] [-n N] [-I STR] [-E STR] [-a FILE] [PROG ARGS]``: see the module docstring."""
    parsed = _xargs_options(ctx, argv[1:])
    if parsed is None:
        return 1
    values, command = parsed
    for letter in "nsP":
        text = values.get(letter)
        if text is not None and not text.isdigit():
            ctx.err(f"xargs: invalid number '{text}'\n")
            return 1
        if letter == "n" and text is not None and not 0 < int(text) <= 2147483647:
            ctx.err(f"xargs: number {int(text)} is not in 1..2147483647 range\n")
            return 1
    if "p" in values:
        ctx.err("xargs: -p asks on the terminal, and a RUN line has none\n")
        return 1
    replace = values.get("I", values["i"] or "{}" if "i" in values else None)
    eof = values.get("E", values.get("e") or None)
    command = command or ["echo"]
    data = ctx.stdin_bytes()
    if "a" in values:
        try:
            data = read_input(ctx, values["a"])
        except OSError as exc:
            ctx.err(f"xargs: can't open '{values['a']}': {strerror(exc)}\n")
            return 1
    text = data.decode("utf-8", "surrogateescape")
    error = None
    if "0" in values:
        items = text.split("\0")
        if items[-1] == "":
            items.pop()
    elif replace is not None:  # a line is one item, leading blanks dropped, blank lines skipped
        items = [line.lstrip(" \t") for line in text.split("\n") if line.strip(" \t")]
    else:
        items, error = _split_blanks(text, eof)
    if replace is not None:
        batches = [[arg.replace(replace, item) for arg in command] for item in items]
    else:
        size = int(values.get("n", "0"))
        if error is not None:  # busybox runs a batch as soon as it is full; the error ends the input
            items = items[: len(items) - len(items) % size] if size else []
        step = size or len(items) or 1
        batches = [command + items[k : k + step] for k in range(0, len(items), step)]
        if not items and error is None and "r" not in values:
            batches = [list(command)]
    status = 0
    for args in batches:
        if "t" in values:
            ctx.err(" ".join(args) + "\n")
        code = spawn(ctx, "xargs", args, b"")
        if code < 0:
            return -code
        if code == 255:
            ctx.err(f"xargs: {args[0]}: exited with status 255; aborting\n")
            return 124
        if code:
            status = 123
    if error is not None:
        ctx.err(f"xargs: {error}\n")
        return 1
    return status
