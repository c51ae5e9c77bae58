"""``tail`` that reads as the real one does: a regular file from its end, a pipe as it comes.

On a file ``tail -c N`` seeks to ``size - N``; ``tail -n N`` reads backwards in pieces until it
has seen N line ends, then prints forwards from there (GNU ``tail``'s ``file_lines``, busybox's
seek-and-scan), so ``tail -c 5`` of a 1 TiB hole returns at once and nothing is held whole.  On
a pipe, stdin or ``/dev/zero`` it keeps only the last N bytes or lines (counted against the memory
limit: one endless line ends with the memory limit's message, as ``tail: memory exhausted``).
``+N`` (from the start) skips and streams in both cases.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from typing import Any

from simulator.userland._args import CHUNK, open_input
from simulator.userland.registry import ExecContext

_STREAMS = ("-", "/dev/stdin", "/proc/self/fd/0", "/dev/null", "/dev/zero")


def open_tail_input(ctx: ExecContext, operand: str) -> Any:
    """A seekable handle for a file, or an iterator of pieces for a stream; raises as open."""
    if operand in _STREAMS:
        borrowed = _redirected_file(ctx) if operand != "/dev/null" and operand != "/dev/zero" else None
        return borrowed if borrowed is not None else open_input(ctx, operand)
    handle = ctx.fs.open(ctx.abspath(operand), "rb")
    try:
        handle.read(0)  # a directory fails here (EISDIR), as tail's read does
        entry = handle.fstat() if hasattr(handle, "fstat") else None
        if entry is not None and getattr(entry, "is_dir", False):
            raise IsADirectoryError(21, "Is a directory", operand)
        if entry is None and os.path.isdir(getattr(handle, "name", "")):
            raise IsADirectoryError(21, "Is a directory", operand)
    except BaseException:
        handle.close()
        raise
    return handle


class _Borrowed:
    """``tail < file``: the redirection's descriptor, seekable as tail's stdin is; left open."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def read(self, n: int) -> bytes:
        return bytes(self.handle.read(n))

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return int(self.handle.seek(offset, whence))


def _redirected_file(ctx: ExecContext) -> _Borrowed | None:
    """stdin when it is ``< file`` (nothing read ahead yet): tail seeks in it, as on a file."""
    handle = getattr(ctx.stdin, "handle", None)
    if handle is None or len(getattr(ctx.stdin, "ahead", b"x")) or not hasattr(handle, "seek"):
        return None
    return _Borrowed(handle)


def tail_one(ctx: ExecContext, source: Any, count: int, by_bytes: bool, from_start: bool) -> None:
    """Print the tail of ``source`` (from :func:`open_tail_input`), then close it."""
    try:
        if isinstance(source, Iterator):
            chunks: Iterator[bytes] = source
        else:
            if not from_start:
                _tail_file(ctx, source, count, by_bytes)
                return
            chunks = _pieces(ctx, source)
        if from_start:
            _skip_then_copy(ctx, chunks, count, by_bytes)
        elif by_bytes:
            _last_bytes(ctx, chunks, count)
        else:
            _last_lines(ctx, chunks, count)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def _pieces(ctx: ExecContext, handle: Any) -> Iterator[bytes]:
    while piece := handle.read(CHUNK):
        ctx.budget.tick()
        yield piece


def _tail_file(ctx: ExecContext, handle: Any, count: int, by_bytes: bool) -> None:
    begin = handle.seek(0, os.SEEK_CUR)  # ``< file`` after ``read`` took some: tail of the rest
    size = max(begin, handle.seek(0, os.SEEK_END))
    last_lines = _start_of_last_lines
    start = max(begin, size - count) if by_bytes else last_lines(ctx, handle, begin, size, count)
    handle.seek(start)
    for piece in _pieces(ctx, handle):
        ctx.out(piece)


def _start_of_last_lines(ctx: ExecContext, handle: Any, begin: int, size: int, count: int) -> int:
    """The offset where the last ``count`` lines begin, found reading backwards."""
    if count <= 0:
        return size
    end = size
    if size > begin:  # a final line end closes the last line, it does not begin another
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            end = size - 1
    wanted = count
    position = end
    while position > begin:
        ctx.budget.tick()
        step = min(CHUNK, position - begin)
        position -= step
        handle.seek(position)
        piece = handle.read(step)
        at = len(piece)
        while (at := piece.rfind(b"\n", 0, at)) >= 0:
            wanted -= 1
            if wanted == 0:
                return position + at + 1
    return begin


def _skip_then_copy(ctx: ExecContext, chunks: Iterator[bytes], count: int, by_bytes: bool) -> None:
    skip = max(count - 1, 0)  # +1 is the whole input, as +0
    for piece in chunks:
        if skip and by_bytes:
            taken = min(skip, len(piece))
            piece, skip = piece[taken:], skip - taken
        elif skip:
            at = 0
            while skip and (nl := piece.find(b"\n", at)) >= 0:
                at, skip = nl + 1, skip - 1
            piece = piece[at:] if not skip else b""
        if piece:
            ctx.out(piece)


def _last_bytes(ctx: ExecContext, chunks: Iterator[bytes], count: int) -> None:
    kept = bytearray()
    held = 0
    try:
        for piece in chunks:
            kept += piece
            if len(kept) > count:
                del kept[: len(kept) - count]
            ctx.budget.hold(len(kept) - held)
            held = len(kept)
        ctx.out(bytes(kept))
    finally:
        ctx.budget.release(held)


def _last_lines(ctx: ExecContext, chunks: Iterator[bytes], count: int) -> None:
    lines: deque[bytes] = deque()
    partial = bytearray()
    kept = held = 0  # bytes in lines + partial; bytes counted against the memory limit
    try:
        for piece in chunks:
            parts = piece.split(b"\n")
            partial += parts[0]
            kept += len(parts[0])
            if len(parts) > 1:
                lines.append(bytes(partial) + b"\n")
                lines.extend(part + b"\n" for part in parts[1:-1])
                partial = bytearray(parts[-1])
                kept += len(piece) - len(parts[0])
            while len(lines) > count:
                kept -= len(lines.popleft())
            if kept > held:
                ctx.budget.hold(kept - held)  # one endless line: the memory limit
            else:
                ctx.budget.release(held - kept)
            held = kept
        if partial:
            lines.append(bytes(partial))
        while len(lines) > count:
            lines.popleft()
        ctx.out(b"".join(lines))
    finally:
        ctx.budget.release(held)
