"""The interface between the RUN shell and the commands it runs.

A command is a function ``(ctx: ExecContext, argv: list[str]) -> int`` registered under its
name with :func:`register`.  It works on ``ctx.fs`` (a container: the model's
:class:`~simulator.model.container.Container` or the real overlayfs backend's, which offer the
same operations), resolves relative paths with :meth:`ExecContext.abspath`, writes to
``ctx.stdout`` / ``ctx.stderr`` and returns its exit status.  Errors a command cannot handle
itself are reported on stderr with the command's name, like busybox does.

A command that starts other programs (``env CMD``, ``xargs``, ``find -exec``, ``sh -c``) does it
through the callbacks the shell puts in the context (:attr:`ExecContext.run`,
:attr:`ExecContext.which`, :attr:`ExecContext.shell`), so :mod:`simulator.userland` never
imports the interpreter.

The families register their commands when imported; :func:`simulator.userland.load_all`
imports every one of them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.limits import Budget
from simulator.model.fs import FileSystem
from simulator.userland.streams import PipeEnd, read_all

__all__ = [
    "BUILTIN_UTILITIES", "COMMANDS", "Command", "ExecContext", "NotSimulated", "RunCommand", "known_commands",
    "register",
]  # fmt: skip


class NotSimulated(Exception):
    """Raised by a command asked to do what layerlab does not model (``python3 app.py``).

    The shell then treats the call like a program it has no simulation of: a no-op that
    succeeds and is recorded when the caller asked for that (a build), else exit status 127
    with this message on stderr.
    """


class RunCommand(Protocol):
    """``run(argv, env=None, stdin=None, user=None) -> status``: start a program the way the shell
    does; ``user=(uid, gid)`` runs it as that user (``gosu``)."""

    def __call__(
        self,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        stdin: bytes | PipeEnd | None = None,
        user: tuple[int, int] | None = None,
    ) -> int: ...


def _no_shell(*_args: Any, **_kwargs: Any) -> int:
    raise RuntimeError("this ExecContext was made without a shell: it cannot start another program")


def _no_lookup(_name: str) -> str | None:
    return None


@dataclass
class ExecContext:
    """What a running command sees: the filesystem, environment, cwd, streams and identity.

    Attributes:
        fs: the container's file operations (``read_file``, ``write_file``, ``stat`` ...).
        umask: the shell's file creation mask.
        flavor: ``"dash"`` when the image's ``/bin/sh`` is dash (Debian, Ubuntu), else ``"busybox"``.
        builtin: the shell runs the command as an ash builtin (busybox messages then say ``sh:``).
        run: starts ``argv`` through the shell's command lookup in this context's cwd, with
            ``env`` as the whole environment (default: the shell's) and ``stdin`` (default:
            this context's), writing to this context's streams; returns the exit status.
        which: the path the shell would run for a command name (PATH search), or None.
        shell: runs a child shell, ``sh [options] [-c script | file] [args]``, as ``argv``.
        budget: what the command being run has used of its :class:`~simulator.limits.Limits`;
            a command about to make something big checks ``budget.can_hold(size)`` first.
        stdin: ``bytes``, or the reading end of a pipe (:class:`~simulator.userland.streams.PipeEnd`):
            read it with :meth:`stdin_bytes` or the functions of :mod:`~simulator.userland.streams`.
    """

    fs: FileSystem
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = "/"
    stdin: bytes | PipeEnd = b""
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    uid: int = 0
    gid: int = 0
    umask: int = 0o022
    flavor: str = "busybox"
    builtin: bool = False
    run: RunCommand = field(default=_no_shell, repr=False)
    which: Callable[[str], str | None] = field(default=_no_lookup, repr=False)
    shell: Callable[[list[str]], int] = field(default=_no_shell, repr=False)
    budget: Budget = field(default_factory=Budget, repr=False)

    def stdin_bytes(self) -> bytes:
        """All of stdin (waiting for a pipe's writer to finish)."""
        return read_all(self.stdin)

    def abspath(self, path: str) -> str:
        """``path`` made absolute against the working directory (lexically, keeping ``..``)."""
        return path if path.startswith("/") else posixpath.join(self.cwd, path)

    def out(self, text: str | bytes) -> None:
        self.stdout += text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text

    def err(self, text: str | bytes) -> None:
        self.stderr += text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text


Command = Callable[[ExecContext, list[str]], int]

COMMANDS: dict[str, Command] = {}
"""Every command the shell knows, by name (``/bin/x`` and ``x`` both find ``x``)."""

BUILTIN_UTILITIES: dict[str, Command] = {}
"""The commands ash also runs as builtins, without a binary (``echo``, ``printf``, ``test`` ...)."""


def register(*names: str, builtin: bool = False) -> Callable[[Command], Command]:
    """Decorator: register a command under one or more names.

    ``builtin=True``: ash also runs it as a builtin (it is in :data:`BUILTIN_UTILITIES`).
    """

    def wrap(func: Command) -> Command:
        for name in names:
            COMMANDS[name] = func
            if builtin:
                BUILTIN_UTILITIES[name] = func
        return func

    return wrap


def known_commands() -> list[str]:
    """The names of the registered commands, sorted (call :func:`~simulator.userland.load_all` first)."""
    return sorted(COMMANDS)
