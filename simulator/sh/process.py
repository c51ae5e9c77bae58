"""What a shell process carries besides its variables: its streams, the signals that unwind it
(``exit``, ``return``, ``break``/``continue``) and the state its subshells share.

Shared by :mod:`~simulator.sh.interp`, :mod:`~simulator.sh.expand` and :mod:`~simulator.sh.builtins`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.limits import Budget
from simulator.userland.streams import Baton, PipeEnd

__all__ = ["IO", "Buffer", "Exit", "Loop", "RedirectError", "Return", "Shared", "Terminal"]


# ---------------------------------------------------------------------------------- control flow
class Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class Return(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class Loop(Exception):
    def __init__(self, kind: str, levels: int) -> None:
        self.kind = kind
        self.levels = levels


class Terminal(bytearray):
    """The shell's own stdout/stderr: also records every write in the shared ``log`` in order,
    and counts it against the output limit of ``budget``."""

    def __init__(self, log: bytearray, budget: Budget | None = None) -> None:
        super().__init__()
        self.log = log
        self.budget = budget

    def __iadd__(self, data: Any) -> Terminal:  # type: ignore[misc]
        if self.budget is not None:
            self.budget.wrote(len(data))
        self.log += data
        super().__iadd__(data)
        return self

    def extend(self, data: Any) -> None:
        self.__iadd__(bytes(data))


class Buffer(bytearray):
    """Output the shell holds for a while (a redirection's data before it is written, a command
    substitution's output): counted against the memory limit until :meth:`done`."""

    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self.budget = budget

    def __iadd__(self, data: Any) -> Buffer:  # type: ignore[misc]
        self.budget.hold(len(data))
        super().__iadd__(data)
        return self

    def extend(self, data: Any) -> None:
        self.__iadd__(bytes(data))

    def done(self) -> None:
        """The data has been used: it no longer counts."""
        self.budget.release(len(self))


@dataclass
class IO:
    stdin: bytes | PipeEnd
    out: bytearray
    err: bytearray
    extra: dict[int, bytearray] = field(default_factory=dict)

    def fd(self, n: int) -> bytearray | None:
        if n == 1:
            return self.out
        if n == 2:
            return self.err
        return self.extra.get(n)


class RedirectError(Exception):
    pass


@dataclass
class Shared:
    """State shared by a shell and its subshells: the command it is part of.

    Attributes:
        unknown: the first command that was not found.
        skip_unsimulated: a program that is in the container but that layerlab does not
            simulate succeeds as a no-op (a build) instead of failing with status 127.
        unsimulated: those programs, in the order first met.
        budget: what the command has used of its limits.
        baton: the lock the stages of its pipelines take turns on.
    """

    unknown: str | None = None
    skip_unsimulated: bool = False
    unsimulated: list[str] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)
    baton: Baton = field(init=False)

    def __post_init__(self) -> None:
        self.baton = Baton(self.budget)
