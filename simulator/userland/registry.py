"""The interface between the RUN shell and the commands it runs.

A command is a function ``(ctx: ExecContext, argv: list[str]) -> int`` registered under its
name with :func:`register`.  It works on ``ctx.fs`` (a container: the model's
:class:`~simulator.model.container.Container` or the real overlayfs backend's, which offer the
same operations), resolves relative paths with :meth:`ExecContext.abspath`, writes to
``ctx.stdout`` / ``ctx.stderr`` and returns its exit status.  Errors a command cannot handle
itself are reported on stderr with the command's name, like busybox does.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["COMMANDS", "Command", "ExecContext", "register"]


@dataclass
class ExecContext:
    """What a running command sees: the filesystem, environment, cwd, streams and identity."""

    fs: Any
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = "/"
    stdin: bytes = b""
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    uid: int = 0
    gid: int = 0

    def abspath(self, path: str) -> str:
        """``path`` made absolute against the working directory (lexically, keeping ``..``)."""
        return path if path.startswith("/") else posixpath.join(self.cwd, path)

    def out(self, text: str | bytes) -> None:
        self.stdout += text.encode() if isinstance(text, str) else text

    def err(self, text: str | bytes) -> None:
        self.stderr += text.encode() if isinstance(text, str) else text


Command = Callable[[ExecContext, list[str]], int]

COMMANDS: dict[str, Command] = {}
"""Every command the shell knows, by name (``/bin/x`` and ``x`` both find ``x``)."""


def register(*names: str) -> Callable[[Command], Command]:
    """Decorator: register a command under one or more names."""

    def wrap(func: Command) -> Command:
        for name in names:
            COMMANDS[name] = func
        return func

    return wrap
