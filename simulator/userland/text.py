"""Reading and transforming text: cat, head, tail, wc, sort, uniq, seq, tr, cut."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator
from typing import Any

from simulator.patterns import CLASSES
from simulator.userland._args import (
    is_gnu,
    parse_options,
    prog_name,
    read_inputs,
    stream_inputs,
    strerror,
)
from simulator.userland._tail import open_tail_input, tail_one
from simulator.userland.registry import ExecContext, register
from simulator.userland.streams import PipeEnd


# ---------------------------------------------------------------------------------- reading
@register("cat")
def cat(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "nbuvetAs")
    if parsed is None:
        return 1
    _, _, operands = parsed
    status = 0
    for _, chunks in stream_inputs(ctx, "cat", operands):  # in pieces: /dev/zero, sparse files
        if chunks is None:
            status = 1
            continue
        for piece in chunks:
            ctx.out(piece)
    return status


@register("head", "tail")
def head(ctx: ExecContext, argv: list[str]) -> int:
    cmd = prog_name(argv)
    args = [f"-n{a[1:]}" if a[:1] == "-" and a[1:].isdigit() else a for a in argv[1:]]
    parsed = parse_options(ctx, [cmd, *args], "qvfF", "nc")
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
    if cmd == "head" and not from_start and len(operands) <= 1:
        only = operands[0] if operands else "-"
        if only in ("-", "/dev/stdin") and not isinstance(ctx.stdin, bytes):
            # a pipe: read only what is needed, then close it (the writer gets SIGPIPE)
            ctx.out(_head_stream(ctx.stdin, count, "c" in values))
            return 0
    if cmd == "head" and not from_start:  # read only what is shown: /dev/zero, a sparse 1T file
        for i, (name, chunks) in enumerate(stream_inputs(ctx, cmd, operands)):
            if chunks is None:
                status = 1
                continue
            if len(operands) > 1 and "q" not in seen:
                ctx.out(("\n" if i else "") + f"==> {name} <==\n")
            _head_chunks(ctx, chunks, count, "c" in values)
        return status
    if cmd == "tail":
        return _tail(ctx, operands, count, "c" in values, from_start, "q" in seen)
    inputs = read_inputs(ctx, cmd, operands)
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


_DIRECTORY = object()


def _tail(
    ctx: ExecContext, operands: list[str], count: int, by_bytes: bool, from_start: bool, quiet: bool
) -> int:
    """busybox's tail: the files it could not open are left out, headers included."""
    opened = []
    for name, source in _open_all(ctx, operands):
        if source is not None:
            opened.append((name, source))
    status = int(len(opened) < len(operands or ["-"]))
    if not opened:
        ctx.err("tail: no files\n")
        return 1
    for i, (name, source) in enumerate(opened):
        if len(opened) > 1 and not quiet:
            ctx.out(("\n" if i else "") + f"==> {name} <==\n")
        if source is _DIRECTORY:  # opened, then its read fails: header, message, status 1
            ctx.err("tail: read error: Is a directory\n")
            status = 1
            continue
        tail_one(ctx, source, count, by_bytes, from_start)
    return status


def _open_all(ctx: ExecContext, operands: list[str]) -> Iterator[tuple[str, Any]]:
    for operand in operands or ["-"]:
        try:
            yield operand, open_tail_input(ctx, operand)
        except (OSError, ValueError) as exc:
            if isinstance(exc, IsADirectoryError) or getattr(exc, "errno", None) == errno.EISDIR:
                yield operand, _DIRECTORY
                continue
            ctx.err(f"tail: can't open '{operand}': {strerror(exc)}\n")
            yield operand, None


def _head_chunks(ctx: ExecContext, chunks: Iterator[bytes], count: int, by_bytes: bool) -> None:
    """The first ``count`` bytes or lines of ``chunks``, printed as they come."""
    left = count
    for piece in chunks:
        if left <= 0:
            break
        if by_bytes:
            part = piece[:left]
            left -= len(part)
        else:
            end = 0
            while left and (nl := piece.find(b"\n", end)) >= 0:
                end, left = nl + 1, left - 1
            part = piece if left else piece[:end]
        ctx.out(part)
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


def _head_stream(stdin: PipeEnd, count: int, by_bytes: bool) -> bytes:
    out = bytearray()
    if by_bytes:
        while len(out) < count:
            chunk = stdin.read(count - len(out))
            if not chunk:
                break
            out += chunk
    else:
        for _ in range(count):
            line = stdin.readline()
            if not line:
                break
            out += line
    return bytes(out)


@register("wc")
def wc(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "lcwmL")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    chosen = [c for c in "lwc" if c in seen or (c == "c" and "m" in seen)] or ["l", "w", "c"]
    status = 0
    totals = [0, 0, 0]
    rows = []
    for name, chunks in stream_inputs(ctx, "wc", operands):
        if chunks is None:
            status = 1
            continue
        counts = [0, 0, 0]
        in_word = False
        for piece in chunks:  # in pieces: a word across two pieces counts once
            words = len(piece.split())
            if words and in_word and not piece[:1].isspace():
                words -= 1
            in_word = bool(piece) and not piece[-1:].isspace() if piece else in_word
            counts = [counts[0] + piece.count(b"\n"), counts[1] + words, counts[2] + len(piece)]
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


@register("seq")
def seq(ctx: ExecContext, argv: list[str]) -> int:
    try:
        numbers = [int(a) for a in argv[1:]]
    except ValueError:
        ctx.err("seq: invalid number\n")
        return 1
    first, step, last = {1: (1, 1, numbers[0]), 2: (numbers[0], 1, numbers[-1]), 3: tuple(numbers)}.get(
        len(numbers), (1, 1, 0)
    )
    if step == 0:
        return 1
    numbers_left = range(first, last + (1 if step > 0 else -1), step)
    for start in range(0, len(numbers_left), 4096):  # in chunks: a pipe takes them as they come
        ctx.out("".join(f"{n}\n" for n in numbers_left[start : start + 4096]))
        ctx.budget.check_time()
    return 0


@register("yes")
def yes(ctx: ExecContext, argv: list[str]) -> int:
    """``yes [STRING...]``: the line forever (until the reader goes or a limit is reached)."""
    line = (" ".join(argv[1:]) if len(argv) > 1 else "y") + "\n"
    chunk = line * max(1, 4096 // len(line))
    while True:
        ctx.out(chunk)
        ctx.budget.tick()


@register("sort")
def sort(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "runf")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    lines: list[bytes] = []
    for _, data in read_inputs(ctx, "sort", operands):
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
    parsed = parse_options(ctx, argv, "cdu")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    ((_, data),) = read_inputs(ctx, "uniq", operands[:1])
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
        ctx.out((f"{count:7d} ".encode("utf-8", "surrogateescape") if "c" in seen else b"") + line + b"\n")
    return 0


# ---------------------------------------------------------------------------------- tr
def _tr_set(text: str) -> str:
    chars: list[str] = []
    i = 0
    while i < len(text):
        m = re.match(r"\[:(\w+):\]", text[i:])
        if m and m.group(1) in CLASSES:
            chars.extend(CLASSES[m.group(1)])
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
    parsed = parse_options(ctx, argv, "cCdst", "", {"delete": "d", "squeeze-repeats": "s", "complement": "c"})
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
    data = ctx.stdin_bytes().decode("latin-1")
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
        out: list[str] = []
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
    parsed = parse_options(
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
    for _, data in read_inputs(ctx, "cut", operands):
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
                chosen: list[Any] = [items[i - 1 : i] for i in range(1, len(items) + 1) if wanted(i)]
                if kind == "b":
                    out.append(b"".join(chosen) + b"\n")
                else:
                    out.append("".join(chosen).encode("utf-8", "surrogateescape") + b"\n")
    ctx.out(b"".join(out))
    return status
