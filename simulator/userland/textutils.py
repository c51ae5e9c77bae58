"""Text and file utilities of the RUN shell: sed, tr, cut, date, stat, du, the checksums,
mktemp, install, nproc and hostname.

They follow :mod:`~simulator.userland.coreutils`: registered commands working through ``ctx.fs``,
busybox 1.35's messages by default and GNU coreutils/sed's where the binary that runs is GNU's
(a Debian image's ``/usr/bin/sed`` is a real file, an Alpine image's is a link to busybox; see
:func:`is_gnu`).  The outputs were compared with busybox 1.35 and GNU coreutils 9.1 / sed 4.9
(``tests/build/test_textutils.py`` runs both when they are installed).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import random
import re
import string
import time
from typing import Any

from simulator.userland.coreutils import _group_name as group_name
from simulator.userland.coreutils import (
    _inputs,
    _lstat,
    _name,
    _options,
    _own,
    _parse_mode,
    _stat,
    _strerror,
    _umask,
    read_input,
)
from simulator.userland.coreutils import _user_name as user_name
from simulator.userland.registry import ExecContext, register

__all__ = ["bre_to_python", "is_gnu"]


def is_gnu(ctx: ExecContext, argv: list[str]) -> bool:
    """Whether the binary running ``argv[0]`` is GNU's rather than a busybox applet link."""
    shell = getattr(ctx, "shell", None)
    path = shell.find_command(argv[0]) if shell is not None else None
    if path is None:
        return getattr(ctx, "flavor", "busybox") == "dash"
    for _ in range(8):
        entry = _lstat(ctx, path)
        if entry is None or not entry.is_symlink:
            break
        target = ctx.fs.readlink(path)
        if posixpath.basename(target) == "busybox":
            return False
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return posixpath.basename(path) != "busybox"


# ---------------------------------------------------------------------------------- regexes
_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape(string.punctuation),
    "xdigit": "0-9A-Fa-f",
    "print": " -~",
    "graph": "!-~",
    "cntrl": "\\x00-\\x1f\\x7f",
}


def bre_to_python(pattern: str, extended: bool = False) -> str:
    """A POSIX basic (or extended) regular expression as a Python one (GNU extensions included)."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "[":  # a bracket expression: copy it, translating [:class:]
            j = i + 1
            body = ["["]
            if j < n and pattern[j] == "^":
                body.append("^")
                j += 1
            if j < n and pattern[j] == "]":
                body.append("\\]")
                j += 1
            while j < n and pattern[j] != "]":
                m = re.match(r"\[:(\w+):\]", pattern[j:])
                if m and m.group(1) in _CLASSES:
                    body.append(_CLASSES[m.group(1)])
                    j += m.end()
                    continue
                body.append("\\\\" if pattern[j] == "\\" else "\\[" if pattern[j] == "[" else pattern[j])
                j += 1
            if j >= n:
                raise re.error("unterminated [")
            out.append("".join(body) + "]")
            i = j + 1
            continue
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if not extended and nxt in "(){}|+?":
                out.append(nxt)
            elif nxt == "n":
                out.append("\\n")
            elif nxt == "t":
                out.append("\\t")
            elif nxt.isdigit() or nxt in "wWsSbB<>":
                out.append({"<": "\\b", ">": "\\b"}.get(nxt, "\\" + nxt))
            else:
                out.append(re.escape(nxt))
            i += 2
            continue
        if not extended and ch in "(){}|+?":
            out.append("\\" + ch)
        elif ch == "*" and (not out or out[-1] in ("^", "(", "\\(")) and not extended:
            out.append("\\*")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------- sed
class _SedError(Exception):
    pass


class _Cmd:
    __slots__ = ("a1", "a2", "arg", "block_end", "flags", "in_range", "name", "negate", "regex", "repl")

    def __init__(self, name: str) -> None:
        self.name = name
        self.a1: Any = None
        self.a2: Any = None
        self.negate = False
        self.arg: Any = None
        self.regex: Any = None
        self.repl = ""
        self.flags = ""
        self.block_end = -1
        self.in_range = False


def _delimited(text: str, i: int, delim: str) -> tuple[str, int]:
    """The text up to the next unescaped ``delim`` (``\\delim`` becomes ``delim``) and the index after it."""
    out = []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(nxt if nxt == delim and delim != "\\" else "\\" + nxt)
            i += 2
            continue
        if ch == delim:
            return "".join(out), i + 1
        if ch == "\n" and delim != "\n":
            break
        out.append(ch)
        i += 1
    raise _SedError("unterminated")


class _Sed:
    def __init__(self, ctx: ExecContext, gnu: bool, extended: bool) -> None:
        self.ctx = ctx
        self.gnu = gnu
        self.extended = extended
        self.cmds: list[_Cmd] = []

    def compile_regex(self, text: str, icase: bool = False) -> re.Pattern[str]:
        try:
            return re.compile(bre_to_python(text, self.extended), re.IGNORECASE if icase else 0)
        except re.error:
            raise _SedError(f"bad regex '{text}'") from None

    def address(self, text: str, i: int) -> tuple[Any, int]:
        if i < len(text) and text[i].isdigit():
            m = re.match(r"\d+", text[i:])
            assert m
            return int(m.group(0)), i + m.end()
        if i < len(text) and text[i] == "$":
            return "$", i + 1
        if i < len(text) and text[i] in "/\\":
            delim = "/"
            if text[i] == "\\":
                delim = text[i + 1]
                i += 1
            try:
                body, i = _delimited(text, i + 1, delim)
            except _SedError:
                raise _SedError("unmatched '/'" if not self.gnu else "unterminated address regex") from None
            icase = i < len(text) and text[i] == "I"
            return self.compile_regex(body, icase), i + (1 if icase else 0)
        return None, i

    def parse(self, script: str) -> None:
        i = 0
        n = len(script)
        stack: list[int] = []
        while i < n:
            while i < n and script[i] in " \t\n;":
                i += 1
            if i >= n:
                break
            start = i
            a1, i = self.address(script, i)
            a2 = None
            if a1 is not None and i < n and script[i] == ",":
                a2, i = self.address(script, i + 1)
            while i < n and script[i] in " \t":
                i += 1
            negate = False
            if i < n and script[i] == "!":
                negate = True
                i += 1
                while i < n and script[i] in " \t":
                    i += 1
            if i >= n:
                raise _SedError("missing command")
            name = script[i]
            cmd = _Cmd(name)
            cmd.a1, cmd.a2, cmd.negate = a1, a2, negate
            i += 1
            if name == "{":
                stack.append(len(self.cmds))
            elif name == "}":
                if not stack:
                    raise _SedError("unexpected `}'" if self.gnu else "unexpected '}'")
                self.cmds[stack.pop()].block_end = len(self.cmds)
            elif name == "s":
                delim = script[i]
                try:
                    pattern, i = _delimited(script, i + 1, delim)
                    cmd.repl, i = _delimited(script, i, delim)
                except (_SedError, IndexError):
                    raise _SedError(
                        f"-e expression #1, char {n}: unterminated `s' command"
                        if self.gnu
                        else "unmatched '/'"
                    ) from None
                m = re.match(r"[gpiIe0-9]*", script[i:])
                cmd.flags = m.group(0) if m else ""
                i += len(cmd.flags)
                if script[i : i + 1] == "w":
                    end = script.find("\n", i)
                    end = n if end < 0 else end
                    cmd.arg = script[i + 1 : end].strip()
                    i = end
                cmd.regex = (
                    self.compile_regex(pattern, "i" in cmd.flags or "I" in cmd.flags) if pattern else None
                )
            elif name == "y":
                delim = script[i]
                try:
                    src, i = _delimited(script, i + 1, delim)
                    dst, i = _delimited(script, i, delim)
                except (_SedError, IndexError):
                    raise _SedError("unterminated `y' command") from None
                src, dst = src.replace("\\n", "\n"), dst.replace("\\n", "\n")
                if len(src) != len(dst):
                    raise _SedError("strings for `y' command are different lengths")
                cmd.arg = str.maketrans(src, dst)
            elif name in "aic":
                while i < n and script[i] in " \t":
                    i += 1
                if script[i : i + 1] == "\\":
                    i += 1
                    if script[i : i + 1] == "\n":
                        i += 1
                lines = []
                end = i
                while True:
                    nl = script.find("\n", end)
                    line = script[end:] if nl < 0 else script[end:nl]
                    if line.endswith("\\") and nl >= 0:
                        lines.append(line[:-1])
                        end = nl + 1
                        continue
                    lines.append(line)
                    end = n if nl < 0 else nl
                    break
                text = "\n".join(lines)
                cmd.arg = re.sub(r"\\(.)", lambda m: m.group(1), text.lstrip() if self.gnu else text)
                i = end
            elif name in "qQ":
                m = re.match(r"\s*(\d*)", script[i:])
                assert m
                cmd.arg = int(m.group(1) or 0)
                i += m.end()
            elif name in "rRwWbtT:":
                end = script.find("\n", i)
                end = n if end < 0 else end
                cmd.arg = script[i:end].strip()
                if name in "bt:T" and ";" in cmd.arg:
                    cmd.arg, _, _ = cmd.arg.partition(";")
                    end = i + script[i:end].index(";")
                i = end
            elif name not in "dDpPnNhHgGxl=z#":
                raise _SedError(
                    f"-e expression #1, char {start + 1}: unknown command: `{name}'"
                    if self.gnu
                    else f"unsupported command {name}"
                )
            if name == "#":
                end = script.find("\n", i)
                i = n if end < 0 else end
                continue
            self.cmds.append(cmd)
        if stack:
            raise _SedError("-e expression #1, char 0: unmatched `{'" if self.gnu else "missing '}'")

    def matches(self, cmd: _Cmd, lineno: int, line: str, last: bool) -> bool:
        def hit(addr: Any) -> bool:
            if addr == "$":
                return last
            if isinstance(addr, int):
                return lineno == addr
            return bool(addr.search(line))

        if cmd.a1 is None:
            result = True
        elif cmd.a2 is None:
            result = hit(cmd.a1)
        elif cmd.in_range:
            if (isinstance(cmd.a2, int) and lineno >= cmd.a2) or (
                not isinstance(cmd.a2, int) and hit(cmd.a2)
            ):
                cmd.in_range = False
            result = True
        elif hit(cmd.a1):
            cmd.in_range = not (isinstance(cmd.a2, int) and cmd.a2 <= lineno)
            result = True
        else:
            result = False
        return result != cmd.negate

    def substitute(self, cmd: _Cmd, space: str, last_regex: re.Pattern[str] | None) -> tuple[str, bool]:
        regex = cmd.regex or last_regex
        if regex is None:
            raise _SedError("no previous regular expression")
        count_m = re.search(r"\d+", cmd.flags)
        nth = int(count_m.group(0)) if count_m else 1
        glob = "g" in cmd.flags

        def expand(m: re.Match[str]) -> str:
            out = []
            r = cmd.repl
            j = 0
            while j < len(r):
                ch = r[j]
                if ch == "\\" and j + 1 < len(r):
                    nxt = r[j + 1]
                    if nxt.isdigit():
                        out.append(m.group(int(nxt)) or "")
                    elif nxt == "n":
                        out.append("\n")
                    elif nxt == "t":
                        out.append("\t")
                    else:
                        out.append(nxt)
                    j += 2
                    continue
                out.append(m.group(0) if ch == "&" else ch)
                j += 1
            return "".join(out)

        count = 0
        done = False

        def replace(m: re.Match[str]) -> str:
            nonlocal count, done
            count += 1
            if count < nth or (done and not glob):
                return m.group(0)
            done = True
            return expand(m)

        result = regex.sub(replace, space)
        return result, done

    def run(self, data: str, out: list[str], quiet: bool, files: list[str] | None = None) -> int | None:
        """Run the script over ``data``; returns an exit status when ``q`` ends it."""
        lines = data.split("\n")
        trailing_newline = data.endswith("\n")
        if trailing_newline:
            lines.pop()
        if not data:
            lines = []
        hold = ""
        last_regex: re.Pattern[str] | None = None
        index = 0
        while index < len(lines):
            space = lines[index]
            index += 1
            appended: list[str] = []
            deleted = False
            quit_status: int | None = None
            pc = 0
            while pc < len(self.cmds):
                cmd = self.cmds[pc]
                pc += 1
                if cmd.name == "}":
                    continue
                if not self.matches(cmd, index, space, index == len(lines)):
                    if cmd.name == "{":
                        pc = cmd.block_end + 1
                    continue
                name = cmd.name
                if name == "{":
                    continue
                if name == "s":
                    space, done = self.substitute(cmd, space, last_regex)
                    last_regex = cmd.regex or last_regex
                    if done and "p" in cmd.flags:
                        out.append(space + "\n")
                elif name == "d":
                    deleted = True
                    break
                elif name == "p":
                    out.append(space + "\n")
                elif name == "P":
                    out.append(space.split("\n", 1)[0] + "\n")
                elif name == "=":
                    out.append(f"{index}\n")
                elif name == "a":
                    appended.append(cmd.arg + "\n")
                elif name == "i":
                    out.append(cmd.arg + "\n")
                elif name == "c":
                    if cmd.a2 is None or not cmd.in_range:
                        out.append(cmd.arg + "\n")
                    deleted = True
                    break
                elif name == "y":
                    space = space.translate(cmd.arg)
                elif name == "h":
                    hold = space
                elif name == "H":
                    hold += "\n" + space
                elif name == "g":
                    space = hold
                elif name == "G":
                    space += "\n" + hold
                elif name == "x":
                    space, hold = hold, space
                elif name == "n":
                    if not quiet:
                        out.append(space + "\n")
                    out.extend(appended)
                    appended = []
                    if index >= len(lines):
                        deleted = True
                        quit_status = 0
                        break
                    space = lines[index]
                    index += 1
                elif name == "N":
                    if index >= len(lines):
                        break
                    space += "\n" + lines[index]
                    index += 1
                elif name == "D":
                    if "\n" not in space:
                        deleted = True
                        break
                    lines.insert(index, space.split("\n", 1)[1])
                    deleted = True
                    break
                elif name in "qQ":
                    quit_status = cmd.arg
                    if name == "Q":
                        deleted = True
                    break
                elif name == "z":
                    space = ""
            if not deleted and not quiet:
                out.append(space + ("\n" if index < len(lines) or trailing_newline else ""))
            out.extend(appended)
            if quit_status is not None:
                return quit_status
        return None


@register("sed")
def sed(ctx: ExecContext, argv: list[str]) -> int:
    gnu = is_gnu(ctx, argv)
    args = argv[1:]
    scripts: list[str] = []
    files: list[str] = []
    quiet = extended = False
    in_place: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            files.extend(args[i + 1 :])
            break
        if arg.startswith("--"):
            key, eq, value = arg[2:].partition("=")
            if key in ("quiet", "silent"):
                quiet = True
            elif key == "regexp-extended":
                extended = True
            elif key == "in-place":
                in_place = value
            elif key == "expression":
                if not eq:
                    i += 1
                    value = args[i] if i < len(args) else ""
                scripts.append(value)
            elif key in ("posix", "debug", "sandbox", "separate", "null-data", "follow-symlinks"):
                pass
            else:
                ctx.err(f"sed: unrecognized option '{arg}'\n")
                return 1
            i += 1
            continue
        if arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                letter = arg[j]
                if letter == "n":
                    quiet = True
                elif letter in "rE":
                    extended = True
                elif letter == "s":
                    pass
                elif letter == "i":
                    in_place = arg[j + 1 :]
                    break
                elif letter in "ef":
                    value = arg[j + 1 :]
                    if not value:
                        i += 1
                        if i >= len(args):
                            ctx.err(f"sed: option requires an argument -- '{letter}'\n")
                            return 1
                        value = args[i]
                    if letter == "f":
                        try:
                            value = read_input(ctx, value).decode("utf-8", "surrogateescape").rstrip("\n")
                        except OSError as exc:
                            ctx.err(f"sed: couldn't open file {value}: {_strerror(exc)}\n")
                            return 1
                    scripts.append(value)
                    break
                else:
                    ctx.err(f"sed: invalid option -- '{letter}'\n")
                    return 1
                j += 1
            i += 1
            continue
        files.append(arg)
        i += 1
    if not scripts:
        if not files:
            ctx.err(
                "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n"
                if gnu
                else "Usage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\n"
            )
            return 1
        scripts.append(files.pop(0))
    engine = _Sed(ctx, gnu, extended)
    try:
        engine.parse("\n".join(scripts))
    except _SedError as exc:
        ctx.err(f"sed: {exc}\n")
        return 1
    status = 0
    if in_place is not None:
        if not files:
            ctx.err("sed: no input files\n" if gnu else "sed: no files to edit\n")
            return 1 if not gnu else 4
        for name in files:
            path = ctx.abspath(name)
            try:
                entry = ctx.fs.stat(path)
                data = ctx.fs.read_file(path).decode("utf-8", "surrogateescape")
            except (OSError, ValueError) as exc:
                ctx.err(
                    f"sed: can't read {name}: {_strerror(exc)}\n"
                    if gnu
                    else f"sed: {name}: {_strerror(exc)}\n"
                )
                status = 2 if gnu else 4
                continue
            for cmd in engine.cmds:
                cmd.in_range = False
            out: list[str] = []
            quit_status = engine.run(data, out, quiet)
            if in_place:
                backup = ctx.abspath(in_place.replace("*", name) if "*" in in_place else name + in_place)
                ctx.fs.write_file(backup, data.encode("utf-8", "surrogateescape"), mode=entry.mode & 0o7777)
            ctx.fs.write_file(path, "".join(out).encode("utf-8", "surrogateescape"), mode=entry.mode & 0o7777)
            if quit_status is not None:
                return quit_status
        return status
    chunks: list[str] = []
    for name in files or ["-"]:
        try:
            chunks.append(read_input(ctx, name).decode("utf-8", "surrogateescape"))
        except (OSError, ValueError) as exc:
            ctx.err(
                f"sed: can't read {name}: {_strerror(exc)}\n" if gnu else f"sed: {name}: {_strerror(exc)}\n"
            )
            status = 2 if gnu else 1
    text = ""
    for chunk in chunks:
        if text and not text.endswith("\n"):
            text += "\n"
        text += chunk
    out = []
    quit_status = engine.run(text, out, quiet)
    ctx.out("".join(out).encode("utf-8", "surrogateescape"))
    return quit_status if quit_status is not None else status


# ---------------------------------------------------------------------------------- tr
_TR_CLASSES = {
    "upper": string.ascii_uppercase,
    "lower": string.ascii_lowercase,
    "digit": string.digits,
    "alpha": string.ascii_letters,
    "alnum": string.ascii_letters + string.digits,
    "space": " \t\n\r\f\v",
    "blank": " \t",
    "punct": string.punctuation,
    "xdigit": string.hexdigits,
    "cntrl": "".join(map(chr, range(32))) + "\x7f",
    "print": "".join(map(chr, range(32, 127))),
    "graph": "".join(map(chr, range(33, 127))),
}


def _tr_set(text: str) -> str:
    chars: list[str] = []
    i = 0
    while i < len(text):
        m = re.match(r"\[:(\w+):\]", text[i:])
        if m and m.group(1) in _TR_CLASSES:
            chars.extend(_TR_CLASSES[m.group(1)])
            i += m.end()
            continue
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            octal = re.match(r"[0-7]{1,3}", text[i + 1 :])
            if octal:
                ch = chr(int(octal.group(0), 8))
                i += 1 + octal.end()
            else:
                ch = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "b": "\b"}.get(
                    nxt, nxt
                )
                i += 2
        else:
            i += 1
        if text[i : i + 1] == "-" and i + 1 < len(text):
            end = text[i + 1]
            i += 2
            chars.extend(chr(c) for c in range(ord(ch), ord(end) + 1))
            continue
        chars.append(ch)
    return "".join(chars)


@register("tr")
def tr(ctx: ExecContext, argv: list[str]) -> int:
    parsed = _options(ctx, argv, "cCdst", "", {"delete": "d", "squeeze-repeats": "s", "complement": "c"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    delete, squeeze = "d" in seen, "s" in seen
    if not operands or (not delete and not squeeze and len(operands) < 2):
        ctx.err(
            "tr: missing operand\n"
            if not operands
            else f"tr: missing operand after '{operands[0]}'\nTry 'tr --help' for more information.\n"
        )
        return 1
    set1 = _tr_set(operands[0])
    set2 = _tr_set(operands[1]) if len(operands) > 1 else ""
    data = ctx.stdin.decode("latin-1")
    if seen & {"c", "C"}:
        set1 = "".join(chr(c) for c in range(256) if chr(c) not in set1)
    if delete:
        data = data.translate({ord(c): None for c in set1})
        squeeze_set = set2
    elif squeeze and not set2:
        squeeze_set = set1
    else:
        if "t" in seen:
            set1 = set1[: len(set2)]
        padded = set2 + set2[-1:] * max(0, len(set1) - len(set2))
        table: dict[int, str] = {}
        for a, b in zip(set1, padded, strict=False):
            table[ord(a)] = b
        data = data.translate(table)
        squeeze_set = set2
    if squeeze:
        keep = set(squeeze_set)
        out = []
        for ch in data:
            if out and ch == out[-1] and ch in keep:
                continue
            out.append(ch)
        data = "".join(out)
    ctx.out(data.encode("latin-1"))
    return 0


# ---------------------------------------------------------------------------------- cut
def _ranges(text: str) -> list[tuple[int, int]] | None:
    out = []
    for part in text.split(","):
        m = re.fullmatch(r"(\d*)(-?)(\d*)", part.strip())
        if not m or not (m.group(1) or m.group(3)):
            return None
        lo = int(m.group(1) or 1)
        hi = int(m.group(3)) if m.group(3) else (1 << 30 if m.group(2) else lo)
        if lo == 0:
            return None
        out.append((lo, hi))
    return out


@register("cut")
def cut(ctx: ExecContext, argv: list[str]) -> int:
    gnu = is_gnu(ctx, argv)
    parsed = _options(
        ctx,
        argv,
        "snz",
        "bcdfO",
        {
            "delimiter": "d",
            "fields": "f",
            "characters": "c",
            "bytes": "b",
            "only-delimited": "s",
            "output-delimiter": "O",
        },
    )
    if parsed is None:
        return 1
    seen, values, operands = parsed
    kinds = [k for k in "bcf" if k in values]
    if len(kinds) != 1:
        ctx.err(
            "cut: you must specify a list of bytes, characters, or fields\n"
            if gnu
            else "cut: expected a list of bytes, characters, or fields\n"
            if not kinds
            else "cut: only one list may be specified\n"
        )
        return 1
    kind = kinds[0]
    ranges = _ranges(values[kind])
    if ranges is None:
        ctx.err(
            f"cut: invalid field value '{values[kind]}'\n"
            if gnu
            else f"cut: invalid range '{values[kind]}'\n"
        )
        return 1
    delim = values.get("d", "\t")
    if len(delim) != 1:
        ctx.err("cut: the delimiter must be a single character\n")
        return 1
    out_delim = values.get("O", delim if kind == "f" else "")

    def wanted(index: int) -> bool:
        return any(lo <= index <= hi for lo, hi in ranges)

    status = 0
    out: list[bytes] = []
    for _, data in _inputs(ctx, "cut", operands):
        if data is None:
            status = 1
            continue
        for raw in data.splitlines():
            line = raw.decode("utf-8", "surrogateescape")
            if kind == "f":
                if delim not in line:
                    if "s" not in seen:
                        out.append(raw + b"\n")
                    continue
                fields = line.split(delim)
                picked = [f for i, f in enumerate(fields, 1) if wanted(i)]
                out.append(out_delim.join(picked).encode("utf-8", "surrogateescape") + b"\n")
            else:
                items = raw if kind == "b" else line
                picked = [items[i - 1 : i] for i in range(1, len(items) + 1) if wanted(i)]
                if kind == "b":
                    out.append(b"".join(picked) + b"\n")  # type: ignore[arg-type]
                else:
                    out.append("".join(picked).encode("utf-8", "surrogateescape") + b"\n")  # type: ignore[arg-type]
    ctx.out(b"".join(out))
    return status


# ---------------------------------------------------------------------------------- date
def _epoch(text: str) -> float | None:
    if text.startswith("@"):
        try:
            return float(text[1:])
        except ValueError:
            return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return float(time.mktime(time.strptime(text.rstrip("Z"), fmt)) - time.timezone)
        except ValueError:
            continue
    return None


@register("date")
def date(ctx: ExecContext, argv: list[str]) -> int:
    """``date [-u] [-d @N|YYYY-MM-DD[ HH:MM:SS]] [-I|-R] [+FORMAT]``, always in UTC (the containers have no TZ data)."""
    parsed = _options(
        ctx, argv, "uRI", "dr", {"utc": "u", "date": "d", "rfc-email": "R", "iso-8601": "I", "reference": "r"}
    )
    if parsed is None:
        return 1
    seen, values, operands = parsed
    when = time.time()
    if "d" in values:
        found = _epoch(values["d"])
        if found is None:
            ctx.err(f"date: invalid date '{values['d']}'\n")
            return 1
        when = found
    stamp = time.gmtime(when)
    fmt = "%a %b %e %H:%M:%S UTC %Y"
    if "R" in seen:
        fmt = "%a, %d %b %Y %H:%M:%S +0000"
    elif "I" in seen:
        fmt = "%Y-%m-%d"
    if operands:
        if not operands[0].startswith("+"):
            ctx.err("date: setting the date is not possible in layerlab\n")
            return 1
        fmt = operands[0][1:]
    fmt = fmt.replace("%s", str(int(when))).replace("%N", f"{int(when % 1 * 1e9):09d}").replace("%Z", "UTC")
    fmt = (
        fmt.replace("%z", "+0000").replace("%:z", "+00:00").replace("%P", time.strftime("%p", stamp).lower())
    )
    ctx.out(time.strftime(fmt, stamp) + "\n")
    return 0


# ---------------------------------------------------------------------------------- stat, du
def _kind_text(entry: Any, size: int) -> str:
    if entry.is_symlink:
        return "symbolic link"
    if entry.is_dir:
        return "directory"
    return "regular file" if size else "regular empty file"


def _stat_format(ctx: ExecContext, fmt: str, name: str, entry: Any) -> str:
    size = entry.size if entry.is_file or entry.is_symlink else 4096

    def field(m: re.Match[str]) -> str:
        code = m.group(1)
        values = {
            "n": name,
            "N": f"'{name}'" + (f" -> '{entry.target}'" if entry.is_symlink else ""),
            "s": str(size),
            "a": f"{entry.mode & 0o7777:o}",
            "A": entry.mode_string(),
            "f": f"{entry.mode_bits if hasattr(entry, 'mode_bits') else entry.mode:x}",
            "u": str(entry.uid),
            "g": str(entry.gid),
            "U": user_name(ctx.fs, entry.uid),
            "G": group_name(ctx.fs, entry.gid),
            "F": _kind_text(entry, size),
            "h": "1",
            "b": str((size + 511) // 512 if not entry.is_symlink else 0),
            "B": "512",
            "o": "4096",
            "i": "0",
            "d": "0",
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

    return re.sub(r"%([a-zA-Z%])", field, fmt)


@register("stat")
def stat(ctx: ExecContext, argv: list[str]) -> int:
    """``stat [-L] [-c FORMAT] FILE...``; layers keep no times, so the times are the epoch."""
    gnu = is_gnu(ctx, argv)
    parsed = _options(ctx, argv, "Lft", "c", {"dereference": "L", "format": "c", "printf": "c"})
    if parsed is None:
        return 1
    seen, values, operands = parsed
    if not operands:
        ctx.err("stat: missing operand\n")
        return 1
    status = 0
    for operand in operands:
        entry = _stat(ctx, operand) if "L" in seen else _lstat(ctx, operand)
        if entry is None:
            ctx.err(
                f"stat: cannot statx '{operand}': No such file or directory\n"
                if gnu
                else f"stat: can't stat '{operand}': No such file or directory\n"
            )
            status = 1
            continue
        if "c" in values:
            ctx.out(_stat_format(ctx, values["c"], operand, entry) + "\n")
            continue
        fmt = (
            "  File: %N\n  Size: %s\tBlocks: %b\tIO Block: 4096\t%F\n"
            "Access: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n"
            "Access: %x\nModify: %y\nChange: %z\n"
        )
        ctx.out(_stat_format(ctx, fmt, operand, entry).replace("(%04a", "("))
    return status


def _blocks(entry: Any) -> int:
    """Disk usage in KiB as on ext4: files in 4 KiB blocks, a directory one block, links none."""
    if entry.is_symlink:
        return 0
    if entry.is_dir:
        return 4
    return -(-entry.size // 4096) * 4


def _human(kib: int) -> str:
    value = float(kib)
    for unit in "KMGT":
        if value < 1024 or unit == "T":
            if unit == "K":
                return (
                    f"{int(value)}.0K"
                    if value < 10 and value != int(value)
                    else f"{int(value)}K"
                    if value
                    else "0"
                )
            return f"{value:.1f}{unit}" if value < 10 else f"{round(value)}{unit}"
        value /= 1024
    return str(kib)


@register("du")
def du(ctx: ExecContext, argv: list[str]) -> int:
    gnu = is_gnu(ctx, argv)
    parsed = _options(
        ctx,
        argv,
        "sahkmcxLHl",
        "d",
        {"summarize": "s", "all": "a", "human-readable": "h", "max-depth": "d", "total": "c"},
    )
    if parsed is None:
        return 1
    seen, values, operands = parsed
    maxdepth = 0 if "s" in seen else int(values.get("d", 1 << 30))

    def shown(kib: int) -> str:
        if "h" in seen:
            return _human(kib)
        if "m" in seen:
            return str(-(-kib // 1024))
        return str(kib)

    status = 0
    total = 0
    for operand in operands or ["."]:
        base = ctx.abspath(operand)
        entry = _lstat(ctx, operand)
        if entry is None:
            ctx.err(
                f"du: cannot access '{operand}': No such file or directory\n"
                if gnu
                else f"du: {operand}: No such file or directory\n"
            )
            status = 1
            continue
        sizes: dict[str, int] = {base: _blocks(entry)}
        order: list[tuple[str, bool]] = []
        if entry.is_dir:
            for path, child in ctx.fs.walk(base):
                sizes[path] = _blocks(child)
                order.append((path, child.is_dir))
        # directories accumulate their subtree, deepest first
        for path, _ in sorted(order, key=lambda item: -item[0].count("/")):
            parent = posixpath.dirname(path)
            if parent in sizes and path != base:
                sizes[parent] += sizes[path]
        lines = []
        for path, is_dir in order:
            depth = path[len(base) :].strip("/").count("/") + 1
            if depth <= maxdepth and (is_dir or "a" in seen):
                lines.append((path, sizes[path]))
        lines.sort(key=lambda item: -item[0].count("/"))
        for path, kib in lines:
            ctx.out(f"{shown(kib)}\t{operand.rstrip('/') + path[len(base.rstrip('/')) :]}\n")
        ctx.out(f"{shown(sizes[base])}\t{operand}\n")
        total += sizes[base]
    if "c" in seen:
        ctx.out(f"{shown(total)}\ttotal\n")
    return status


# ---------------------------------------------------------------------------------- checksums
@register("sha256sum", "md5sum", "sha1sum", "sha512sum")
def checksum(ctx: ExecContext, argv: list[str]) -> int:
    cmd = _name(argv)
    gnu = is_gnu(ctx, argv)
    algorithm = cmd[:-3]
    parsed = _options(ctx, argv, "cswbtz", "", {"check": "c", "status": "s", "quiet": "q", "strict": "S"})
    if parsed is None:
        return 1
    seen, _, operands = parsed
    if "c" not in seen:
        status = 0
        for name, data in _inputs_quiet(ctx, cmd, operands, gnu):
            if data is None:
                status = 1
                continue
            ctx.out(f"{hashlib.new(algorithm, data).hexdigest()}  {name}\n")
        return status
    failed = bad_lines = checked = 0
    status = 0
    length = hashlib.new(algorithm).digest_size * 2
    for source, text in _inputs_quiet(ctx, cmd, operands, gnu):
        if text is None:
            status = 1
            continue
        for line in text.decode("utf-8", "surrogateescape").splitlines():
            m = re.fullmatch(r"([0-9a-fA-F]+) [ *](.+)", line)
            if not m or len(m.group(1)) != length:
                bad_lines += 1
                continue
            expected, name = m.groups()
            checked += 1
            try:
                data = read_input(ctx, name)
            except (OSError, ValueError) as exc:
                ctx.err(
                    f"{cmd}: {name}: {_strerror(exc)}\n"
                    if gnu
                    else f"{cmd}: can't open '{name}': {_strerror(exc)}\n"
                )
                ctx.out(f"{name}: FAILED open or read\n")
                failed += 1
                continue
            ok = hashlib.new(algorithm, data).hexdigest() == expected.lower()
            if not ok:
                failed += 1
            if "s" not in seen:
                ctx.out(f"{name}: {'OK' if ok else 'FAILED'}\n")
        if gnu and not checked:
            shown = "standard input" if source == "-" else source
            ctx.err(
                f"{cmd}: '{shown}': no properly formatted checksum lines found\n"
                if source == "-"
                else f"{cmd}: {shown}: no properly formatted checksum lines found\n"
            )
            return 1
    if failed:
        if gnu:
            ctx.err(f"{cmd}: WARNING: {failed} computed checksum{'s' if failed > 1 else ''} did NOT match\n")
        else:
            ctx.err(f"{cmd}: WARNING: {failed} of {checked} computed checksums did NOT match\n")
        return 1
    if not gnu and not checked and bad_lines:
        return 1
    return status


def _inputs_quiet(
    ctx: ExecContext, cmd: str, operands: list[str], gnu: bool
) -> list[tuple[str, bytes | None]]:
    out: list[tuple[str, bytes | None]] = []
    for operand in operands or ["-"]:
        try:
            out.append((operand, read_input(ctx, operand)))
        except (OSError, ValueError) as exc:
            ctx.err(
                f"{cmd}: {operand}: {_strerror(exc)}\n"
                if gnu
                else f"{cmd}: can't open '{operand}': {_strerror(exc)}\n"
            )
            out.append((operand, None))
    return out


# ---------------------------------------------------------------------------------- mktemp, install
_ALPHABET = string.ascii_letters + string.digits


@register("mktemp")
def mktemp(ctx: ExecContext, argv: list[str]) -> int:
    gnu = is_gnu(ctx, argv)
    parsed = _options(
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
        if _lstat(ctx, path) is not None:
            continue
        try:
            if "u" not in seen:
                if "d" in seen:
                    ctx.fs.mkdir(path, 0o700)
                else:
                    ctx.fs.write_file(path, b"", mode=0o600)
                _own(ctx, path)
        except (OSError, ValueError) as exc:
            if "q" not in seen:
                what = "directory" if "d" in seen else "file"
                ctx.err(
                    f"mktemp: failed to create {what} via template '{template}': {_strerror(exc)}\n"
                    if gnu
                    else f"mktemp: {_strerror(exc)}\n"
                )
            return 1
        ctx.out(name + "\n")
        return 0
    return 1


@register("install")
def install(ctx: ExecContext, argv: list[str]) -> int:
    """``install [-d] [-D] [-m MODE] [-o USER] [-g GROUP] [-t DIR] SRC... DEST``."""
    from simulator.userland.coreutils import _owner

    parsed = _options(
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
        parsed_mode = _parse_mode(values["m"], 0o755, False, 0)
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
            _own(ctx, path)

    def makedirs(path: str, last_mode: bool) -> None:
        parts = [p for p in path.split("/") if p]
        current = ""
        for k, part in enumerate(parts):
            current += "/" + part
            if _stat(ctx, current) is None:
                ctx.fs.mkdir(current, 0o777 & ~_umask(ctx))
                _own(ctx, current)
                if last_mode and k == len(parts) - 1:
                    finish(current)

    if "d" in seen:
        status = 0
        for operand in operands:
            try:
                path = ctx.abspath(operand)
                existed = _stat(ctx, path) is not None
                makedirs(path, True)
                if existed:
                    finish(path)
            except (OSError, ValueError) as exc:
                ctx.err(f"install: can't create directory '{operand}': {_strerror(exc)}\n")
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
        entry = _stat(ctx, dest)
        into = entry is not None and entry.is_dir
    status = 0
    for source in sources:
        target = posixpath.join(dest, posixpath.basename(source)) if into else dest
        path = ctx.abspath(target)
        try:
            data = read_input(ctx, source)
        except (OSError, ValueError) as exc:
            ctx.err(f"install: can't stat '{source}': {_strerror(exc)}\n")
            status = 1
            continue
        try:
            if "D" in seen:
                makedirs(posixpath.dirname(path), False)
            if _lstat(ctx, path) is not None:
                ctx.fs.unlink(path)
            ctx.fs.write_file(path, data, mode=mode)
            finish(path)
        except (OSError, ValueError) as exc:
            ctx.err(f"install: can't create '{target}': {_strerror(exc)}\n")
            status = 1
    return status


# ---------------------------------------------------------------------------------- system
@register("nproc")
def nproc(ctx: ExecContext, argv: list[str]) -> int:
    """The host's CPU count, as in a container without a CPU limit."""
    ctx.out(f"{os.cpu_count() or 1}\n")
    return 0


@register("hostname")
def hostname(ctx: ExecContext, argv: list[str]) -> int:
    """``$HOSTNAME`` (``docker run --hostname``), else ``layerlab`` -- the name ``uname -n`` prints."""
    if len(argv) > 1 and not argv[1].startswith("-"):
        ctx.err("hostname: sethostname: Operation not permitted\n")
        return 1
    ctx.out(ctx.env.get("HOSTNAME", "layerlab") + "\n")
    return 0
