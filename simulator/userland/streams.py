"""Streams between the commands of a pipeline: bounded pipes, and the baton that runs one stage at a time.

The stream model (see docs/limits.md):

- a command writes with ``ctx.stdout += data``; its stdout is a bytearray (a file redirection,
  a command substitution, the terminal) or a :class:`Pipe`, whose buffer holds at most
  :data:`PIPE_SIZE` bytes, like a Linux pipe: a writer that fills it waits until the reader
  has read;
- a command reads its stdin as ``bytes`` or from a :class:`PipeEnd` (``read``, ``readline``,
  ``read_all``), which waits for the writer; :func:`read_all` and :func:`read_line` accept either;
- each stage of a pipeline runs on a thread of its own, but they share one *baton* (a lock):
  only the stage holding it runs, and it gives it up only while it waits on a pipe.  So the
  stages interleave like coroutines, deterministically, and never touch the container at the
  same time;
- when the reader's end closes (``head -n 1`` is done) a writer gets :class:`BrokenPipe` (the
  ``SIGPIPE`` that ends it with status 141); when the writer's end closes, the reader sees
  end of file.

So ``seq 1 100000000 | head -n 1`` stops after the first 64 KiB, and ``yes | head`` ends.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["PIPE_SIZE", "Baton", "BrokenPipe", "Pipe", "PipeEnd", "read_all", "read_line"]

PIPE_SIZE = 65536  # pipe(7): the default capacity of a Linux pipe


class BrokenPipe(BaseException):
    """A write to a pipe whose reader has gone: the writing process dies of ``SIGPIPE`` (141).

    A BaseException, so that it unwinds the whole writing process (a loop in a subshell
    included) as the signal would, through the commands' own error handling.
    """

    STATUS = 141


class Baton:
    """The one lock the running stages of a command take turns on (see the module docstring)."""

    def __init__(self, budget: Any = None) -> None:
        self.cond = threading.Condition(threading.Lock())
        self.budget = budget
        self.owner: int | None = None  # the thread that holds the baton

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Run the body holding the baton (a no-op when this thread already holds it)."""
        me = threading.get_ident()
        if self.owner == me:
            yield
            return
        with self.cond:
            self.owner = me
            try:
                yield
            finally:
                self.owner = None

    @contextlib.contextmanager
    def released(self) -> Iterator[None]:
        """Give the baton up for the body (while a pipeline's stages run), if this thread holds it."""
        me = threading.get_ident()
        if self.owner != me:
            yield
            return
        self.owner = None
        self.cond.release()
        try:
            yield
        finally:
            self.cond.acquire()
            self.owner = me

    def wait(self) -> None:
        """Give the baton up until another stage changes a pipe (the caller holds it)."""
        budget = self.budget
        if budget is not None and budget.stopping is not None:
            raise budget.stopping
        me = threading.get_ident()
        if self.owner != me:  # not running under a baton (a command called directly): nothing to wait for
            raise BrokenPipe
        self.owner = None
        try:
            self.cond.wait(0.05)  # woken by notify_all; the timeout only re-checks a stop request
        finally:
            self.owner = me
        if budget is not None:
            budget.check_time()

    def changed(self) -> None:
        self.cond.notify_all()


class Pipe(bytearray):
    """The writing end of a pipe: ``pipe += data`` blocks while the pipe is full.

    It is a bytearray only so that it can stand where a command's output buffer stands; the
    data lives in ``self.buffer``.
    """

    def __init__(self, baton: Baton) -> None:
        super().__init__()
        self.baton = baton
        self.buffer = bytearray()
        self.reader_closed = False
        self.writer_closed = False

    def __iadd__(self, data: Any) -> Pipe:  # type: ignore[misc]
        view = memoryview(bytes(data))
        budget = self.baton.budget
        while view:
            if self.reader_closed:
                raise BrokenPipe
            space = PIPE_SIZE - len(self.buffer)
            if space <= 0:
                self.baton.wait()
                continue
            chunk = view[:space]
            if budget is not None:
                budget.hold(len(chunk))
            self.buffer += chunk
            view = view[space:]
            self.baton.changed()
        return self

    def extend(self, data: Any) -> None:
        self.__iadd__(data)

    def __len__(self) -> int:
        return len(self.buffer)

    def __bool__(self) -> bool:
        return True

    def close_writer(self) -> None:
        self.writer_closed = True
        self.baton.changed()


class PipeEnd:
    """The reading end of a :class:`Pipe`."""

    def __init__(self, pipe: Pipe) -> None:
        self.pipe = pipe

    def _take(self, n: int) -> bytes:
        buffer = self.pipe.buffer
        data = bytes(buffer[:n])
        del buffer[:n]
        if self.pipe.baton.budget is not None:
            self.pipe.baton.budget.release(len(data))
        self.pipe.baton.changed()
        return data

    def _fill(self) -> bool:
        """Wait for data; False at end of file."""
        while not self.pipe.buffer:
            if self.pipe.writer_closed:
                return False
            self.pipe.baton.wait()
        return True

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (all of them up to end of file for ``n < 0``); b"" at end of file."""
        if n < 0:
            return self.read_all()
        if not self._fill():
            return b""
        return self._take(n)

    def readline(self) -> bytes:
        """One line with its newline (the last may have none); b"" at end of file."""
        out = bytearray()
        while self._fill():
            buffer = self.pipe.buffer
            end = buffer.find(b"\n")
            if end >= 0:
                out += self._take(end + 1)
                return bytes(out)
            out += self._take(len(buffer))
        return bytes(out)

    def read_all(self) -> bytes:
        """Everything up to end of file (held in memory: counted against the memory limit)."""
        out = bytearray()
        budget = self.pipe.baton.budget
        try:
            while self._fill():
                chunk = self._take(len(self.pipe.buffer))
                if budget is not None:
                    budget.hold(len(chunk))
                out += chunk
        finally:
            if budget is not None:
                budget.release(len(out))
        return bytes(out)

    def close(self) -> None:
        self.pipe.reader_closed = True
        if self.pipe.baton.budget is not None:
            self.pipe.baton.budget.release(len(self.pipe.buffer))
        self.pipe.buffer.clear()
        self.pipe.baton.changed()


def read_all(stdin: bytes | PipeEnd) -> bytes:
    """All of a command's stdin, whichever kind it is."""
    return stdin if isinstance(stdin, bytes) else stdin.read_all()


def read_line(stdin: bytes | PipeEnd) -> tuple[bytes, bytes | PipeEnd]:
    """The first line of stdin and what is left of it (the same PipeEnd for a pipe)."""
    if isinstance(stdin, bytes):
        line, newline, rest = stdin.partition(b"\n")
        return line + newline, rest
    return stdin.readline(), stdin
