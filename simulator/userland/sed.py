"""``sed``: busybox's stream editor, GNU sed's where the binary is GNU's.

It follows the other families: registered commands working through ``ctx.fs``,
busybox 1.35's messages by default and GNU coreutils/sed's where the binary that runs is GNU's
(a Debian image's ``/usr/bin/sed`` is a real file, an Alpine image's is a link to busybox; see
:func:`~simulator.userland._args.is_gnu`).  The outputs were compared with busybox 1.35 and GNU coreutils 9.1 / sed 4.9
(``tests/userland/test_textutils.py`` runs both when they are installed).
"""

from __future__ import annotations

import re
from typing import Any

from simulator.userland._args import (
    is_gnu,
    read_input,
    strerror,
)
from simulator.userland.grep import bre_to_python
from simulator.userland.registry import ExecContext, register


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
                            ctx.err(f"sed: couldn't open file {value}: {strerror(exc)}\n")
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
                    f"sed: can't read {name}: {strerror(exc)}\n" if gnu else f"sed: {name}: {strerror(exc)}\n"
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
                f"sed: can't read {name}: {strerror(exc)}\n" if gnu else f"sed: {name}: {strerror(exc)}\n"
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
