"""The RUN shell's redirections as the kernel sees them: every file is opened with the
container's ``open`` (:meth:`simulator.model.fs.FileSystem.open`), at the redirection.

So, as with busybox ``sh`` and dash:

- ``> f`` opens ``O_WRONLY|O_CREAT|O_TRUNC``: the file is created or emptied at the open even if
  nothing is written (``: > f``), and a lower file is copied up there (overlayfs copies up at
  an open for write); ``>>`` opens ``O_WRONLY|O_CREAT|O_APPEND``; ``<`` ``O_RDONLY``; ``<>``
  ``O_RDWR|O_CREAT``; ``>|`` ignores noclobber; with ``set -C`` a ``>`` refuses an existing
  regular file (``EEXIST``) but still opens a device such as ``/dev/null`` (busybox's
  ``noclobberopen``: ``O_CREAT|O_EXCL`` first, then a plain open of a non-regular file);
- a failing open is the shell's error at the moment of the redirection, before the command
  runs: ``sh: can't create x/y: nonexistent directory`` (``ENOENT``), ``sh: can't create /d: Is
  a directory``, ``Permission denied``, ``Read-only file system``, ``File exists``; for ``<``
  ``sh: can't open f: no such file``;
- output streams to the file: a :class:`FileSink` writes through its descriptor in chunks of
  at most :data:`CHUNK` bytes (held against the memory limit meanwhile), and hands its data
  to the file before any other command of the script runs, so the next command (``cat f``)
  sees it; a write that fails (``ENOSPC`` past the disk limit) ends the writing command with
  ``write error: ...`` as busybox's applets do;
- input is read through the descriptor when the command reads (a :class:`FileSource`), so
  ``cat < f > f`` reads the emptied file, as it does on Linux.

The message texts were compared with busybox 1.35 ``sh -c`` on Debian 12
(``tests/sh/test_redirect_real.py``).
"""

from __future__ import annotations

import errno
import os
from typing import Any

from simulator.limits import Budget
from simulator.model.fs import FileHandle, FileSystem
from simulator.userland.streams import PipeEnd

__all__ = [
    "CHUNK",
    "FileSink",
    "FileSource",
    "RedirectOpenError",
    "WriteFailed",
    "flush_all",
    "open_for",
    "open_reason",
]

CHUNK = 65536  # bytes a sink holds before writing them (stdio's and a pipe's size, not the whole output)

#: ``open(2)`` flags of each redirection operator (dash's and ash's ``openredirect``).
FLAGS = {
    ">": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    ">|": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    ">&": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,  # `>& file` / `&> file`: a file name, bash's form
    ">>": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "<": os.O_RDONLY,
    "<>": os.O_RDWR | os.O_CREAT,
}


class RedirectOpenError(Exception):
    """A redirection's open failed: the shell prints ``message`` and the command does not run."""


class WriteFailed(BaseException):
    """A write to a redirected file failed (``ENOSPC``, ``EIO`` ...).

    A BaseException, like :class:`~simulator.userland.streams.BrokenPipe`: busybox's applets
    die on a failed write (``xwrite`` -> ``write error``), so it unwinds the writing command
    through its own error handling; the shell reports it (see :meth:`Shell.exec_external`).
    """

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.errno = error.errno or errno.EIO
        self.strerror = os.strerror(self.errno)


def open_reason(exc: OSError, *, reading: bool) -> str:
    """The words ash puts after ``can't create X:`` / ``can't open X:`` (``errmsg`` in ash.c:
    ENOENT is "nonexistent directory" when creating, "no such file" when opening)."""
    code = exc.errno or errno.EIO
    if code == errno.ENOENT:
        return "no such file" if reading else "nonexistent directory"
    return os.strerror(code)


def open_for(fs: FileSystem, path: str, op: str, *, noclobber: bool, perms: int) -> FileHandle:
    """Open ``path`` for the redirection ``op``; raises :class:`OSError` as ``open(2)`` would."""
    flags = FLAGS[op]
    if op in (">", ">&") and noclobber:  # `&> f` and `>& f` are `> f 2>&1`: noclobber applies
        try:
            return fs.open(path, flags & ~os.O_TRUNC | os.O_EXCL, perms)
        except FileExistsError:
            pass
        handle = fs.open(path, os.O_WRONLY, perms)  # an existing file: only a non-regular one may be used
        if handle.fstat().is_file:
            handle.close()
            raise OSError(errno.EEXIST, os.strerror(errno.EEXIST), path) from None
        return handle
    return fs.open(path, flags, perms)


class FileSink(bytearray):
    """The writing side of a redirection: ``sink += data`` writes to the file (see the module
    docstring).  A bytearray only so that it can stand where a command's output stands; it
    holds at most :data:`CHUNK` bytes, in ``pending``."""

    def __init__(self, handle: FileHandle, budget: Budget, group: list[FileSink]) -> None:
        super().__init__()
        self.handle = handle
        self.budget = budget
        self.pending = bytearray()
        self.group = group  # the open sinks of this shell and its subshells: written in order
        group.append(self)

    def __iadd__(self, data: Any) -> FileSink:  # type: ignore[misc]
        chunk = bytes(data)
        if not chunk:
            return self
        for other in self.group:  # another descriptor's data goes first: the order of the writes
            if other is not self and other.pending:
                other.flush()
        self.budget.hold(len(chunk))
        self.pending += chunk
        if len(self.pending) >= CHUNK:
            self.flush()
        return self

    def extend(self, data: Any) -> None:
        self.__iadd__(data)

    def __len__(self) -> int:
        return len(self.pending)

    def __bool__(self) -> bool:
        return True

    def flush(self) -> None:
        """Write what is pending; :class:`WriteFailed` when the file refuses it."""
        if not self.pending:
            return
        data = bytes(self.pending)
        self.pending.clear()
        self.budget.release(len(data))
        try:
            self.handle.write(data)
        except OSError as exc:
            raise WriteFailed(exc) from None

    def close(self) -> None:
        """Flush and close the descriptor (the end of the redirection)."""
        try:
            self.flush()
        finally:
            self.handle.close()
            if self in self.group:
                self.group.remove(self)


class FileSource(PipeEnd):
    """The reading side of ``<``: reads the open file when the command reads (``EISDIR`` then,
    for a directory, as ``read(2)``).  It reads ahead in blocks; what it read ahead stays
    here, so every command reading this redirection (``exec 3< f``) sees the bytes in order."""

    def __init__(self, handle: FileHandle) -> None:  # no pipe behind it
        self.handle = handle
        self.ahead = bytearray()

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            return self.read_all()
        if not self.ahead:
            return self.handle.read(n)
        data = bytes(self.ahead[:n])
        del self.ahead[:n]
        return data

    def readline(self) -> bytes:
        while b"\n" not in self.ahead:
            block = self.handle.read(4096)
            if not block:
                break
            self.ahead += block
        end = self.ahead.find(b"\n")
        end = len(self.ahead) if end < 0 else end + 1
        line = bytes(self.ahead[:end])
        del self.ahead[:end]
        return line

    def read_all(self) -> bytes:
        data = bytes(self.ahead) + self.handle.read()
        self.ahead.clear()
        return data

    def close(self) -> None:
        self.handle.close()


def flush_all(group: list[FileSink]) -> None:
    """Hand every sink's pending data to its file (before a command runs)."""
    for sink in list(group):
        sink.flush()
