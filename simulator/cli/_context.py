"""What every command gets (:class:`Context`) and the table of commands (:func:`command`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..engine import Engine
from ._engine import open_engine
from ._parser import CommandParser

__all__ = ["COMMANDS", "Command", "Context", "command"]

Handler = Callable[["Context", argparse.Namespace], int]


@dataclass
class Context:
    """The streams a command writes to and the engine it works on (opened on first use)."""

    root: Path
    out: TextIO
    err: TextIO
    engine_override: Engine | None = None  # tests run commands on an in-memory engine
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self, *, persistent: bool = True) -> Engine:
        if self.engine_override is not None:
            return self.engine_override
        if self._engine is None:
            self._engine = open_engine(self.root, persistent=persistent)
        return self._engine

    def close(self) -> None:
        closer = getattr(self._engine, "close", None)
        if callable(closer):
            closer()

    def print(self, text: str = "") -> None:
        if text:
            self.out.write(text if text.endswith("\n") else text + "\n")


@dataclass(frozen=True)
class Command:
    """One ``layerlab`` command: its usage line, one-line summary, flags and handler."""

    name: str
    usage: str
    summary: str
    configure: Callable[[CommandParser], None]
    handler: Handler
    group: str = ""  # "system" for ``layerlab system df``

    def parser(self) -> CommandParser:
        prog = f"{self.group} {self.name}" if self.group else self.name
        p = CommandParser(prog, self.usage, self.summary)
        self.configure(p)
        return p


COMMANDS: dict[str, dict[str, Command]] = {"": {}, "system": {}, "registry": {}}


def _no_flags(parser: CommandParser) -> None:
    """A command with only ``--help``."""


def command(
    name: str,
    usage: str,
    summary: str,
    *,
    flags: Callable[[CommandParser], None] = _no_flags,
    group: str = "",
) -> Callable[[Handler], Handler]:
    """Register the decorated handler as ``layerlab [group] name``; ``flags`` adds its options."""

    def wrap(handler: Handler) -> Handler:
        COMMANDS[group][name] = Command(name, usage, summary, flags, handler, group)
        return handler

    return wrap
