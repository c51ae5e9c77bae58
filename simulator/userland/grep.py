"""grep, egrep, fgrep, and the POSIX regular expressions (BRE/ERE) as Python ones."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from simulator.patterns import CLASSES, bracket_class
from simulator.userland._args import (
    is_gnu,
    open_input,
    parse_options,
    prog_name,
    stat_or_none,
    stream_inputs,
)
from simulator.userland.registry import ExecContext, register


# ---------------------------------------------------------------------------------- regexes
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
                if m and m.group(1) in CLASSES:
                    body.append(bracket_class(m.group(1)) or "")
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


@register("grep", "egrep", "fgrep")
def grep(ctx: ExecContext, argv: list[str]) -> int:
    cmd = prog_name(argv)
    parsed = parse_options(
        ctx,
        argv,
        "qvicnlLFExwshHrRo",
        "em",
        {
            "quiet": "q",
            "invert-match": "v",
            "ignore-case": "i",
            "count": "c",
            "line-number": "n",
            "silent": "q",
            "regexp": "e",
            "max-count": "m",
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
    most = None
    if "m" in values:
        try:
            most = int(values["m"])
            if most < 0:
                raise ValueError
        except ValueError:
            ctx.err(f"grep: invalid number '{values['m']}'\n")
            return 2
        if most == 0:  # busybox 1.35 prints nothing and succeeds; GNU grep 3.8 fails (status 1)
            return 1 if is_gnu(ctx, argv) else 0
    matched = False
    error = False
    # busybox names the files when there are several, or when -r walks a directory
    walks = bool(seen & {"r", "R"}) and len(operands) == 1 and _is_dir(ctx, operands[0])
    many = ((len(operands) > 1 or walks) and "h" not in seen) or "H" in seen
    for name, chunks in _grep_inputs(ctx, operands, seen):
        if chunks is None:
            error = True
            continue
        count = 0
        for number, line in enumerate(_lines(ctx, chunks), 1):  # line by line, as they come
            raw = line.decode("utf-8", "surrogateescape")
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
                if most is not None and count >= most:
                    break
                continue
            prefix = (f"{name}:" if many else "") + (f"{number}:" if "n" in seen else "")
            ctx.out((prefix + raw + "\n").encode("utf-8", "surrogateescape"))
            if most is not None and count >= most:
                break
        if "c" in seen:
            ctx.out((f"{name}:" if many else "") + f"{count}\n")
        if ("l" in seen and count) or ("L" in seen and not count):
            matched = matched or "L" in seen
            ctx.out(f"{name}\n")
    if error and not ("q" in seen and matched):
        return 2
    return 0 if matched else 1


def _is_dir(ctx: ExecContext, path: str) -> bool:
    entry = stat_or_none(ctx, path)
    return entry is not None and entry.is_dir


def _lines(ctx: ExecContext, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The lines of ``chunks`` without their ``\\n`` (only ``\\n`` ends a line, as in grep), the
    last one even without it; a line being read counts against the memory limit, so an endless
    one (``/dev/zero``) ends with the memory limit's message as grep's ``memory exhausted``."""
    partial = bytearray()
    held = 0
    try:
        for piece in chunks:
            ctx.budget.tick()
            parts = piece.split(b"\n")
            if len(parts) == 1:
                partial += piece
                ctx.budget.hold(len(piece))
                held += len(piece)
                continue
            first = bytes(partial + parts[0])
            ctx.budget.release(held)
            held = 0
            partial = bytearray(parts[-1])
            yield first
            yield from parts[1:-1]
            ctx.budget.hold(len(partial))
            held = len(partial)
        if partial:
            yield bytes(partial)
    finally:
        ctx.budget.release(held)
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _grep_inputs(ctx: ExecContext, operands: list[str], seen: set[str]) -> Any:
    """(name, pieces) per file to search, pieces None after an error.

    A directory reads as nothing (busybox does not complain) unless -r/-R walks it.  -r follows
    symlinks only on the command line and, below it, skips symlinks to directories; -R follows
    them all.
    """
    for operand in operands or ["-"]:
        if operand != "-" and _is_dir(ctx, operand):
            if "r" in seen or "R" in seen:
                yield from _grep_tree(ctx, operand, "R" in seen, "s" in seen)
            else:
                yield operand, iter(())
        else:
            yield _grep_read(ctx, operand, "s" in seen)


def _grep_read(ctx: ExecContext, name: str, quiet: bool) -> tuple[str, Iterator[bytes] | None]:
    if not quiet:
        return next(iter(stream_inputs(ctx, "grep", [name])))
    try:
        return name, open_input(ctx, name)
    except (OSError, ValueError):
        return name, None


def _grep_tree(ctx: ExecContext, directory: str, follow: bool, quiet: bool) -> Any:
    path = ctx.abspath(directory)
    for name in ctx.fs.listdir(path):
        shown = posixpath.join(directory, name)
        entry = ctx.fs.lstat(posixpath.join(path, name))
        if entry.is_symlink:
            target = stat_or_none(ctx, shown)
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
