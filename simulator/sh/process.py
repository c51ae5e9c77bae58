"""What a shell process carries besides its variables: its streams, the signals that unwind it
(``exit``, ``return``, ``break``/``continue``) and the state its subshells share.

Shared by :mod:`~simulator.sh.interp`, :mod:`~simulator.sh.expand` and :mod:`~simulator.sh.builtins`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["IO", "Exit", "Loop", "RedirectError", "Return", "Shared", "Terminal"]


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
    """The shell's own stdout/stderr: also records every write in the shared ``log`` in order."""

    def __init__(self, log: bytearray) -> None:
        super().__init__()
        self.log = log

    def __iadd__(self, data: Any) -> Terminal:  # type: ignore[misc]
        self.log += data
        super().__iadd__(data)
        return self

    def extend(self, data: Any) -> None:
        self.__iadd__(bytes(data))


@dataclass
class IO:
    stdin: bytes
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
    """State shared by a shell and its subshells."""

    unknown: str | None = None
