"""A progress bar for long work: drawn on a terminal, silent when the output is not one.

The command draws it on standard error (as ``docker pull``/``docker load`` do), so that standard
output stays clean for a pipe; when standard error is not a terminal nothing is written at all.

Examples:
    >>> import io
    >>> with Progress("Loading", total=3, stream=io.StringIO()) as bar:
    ...     bar.advance()
    >>> bar.done
    1
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from ..text import human_size

__all__ = ["Progress"]


class Progress:
    """``label [=====>     ] 3/10`` on ``stream`` (default: standard error) when it is a terminal.

    Args:
        total: the number of units of work (0 when unknown: only the count is shown).
        unit: ``"bytes"`` shows sizes (``12.3MB/27MB``) instead of counts.
        interval: the smallest time between two redraws, in seconds.
    """

    width = 30

    def __init__(
        self,
        label: str,
        total: int = 0,
        *,
        unit: str = "",
        stream: TextIO | None = None,
        interval: float = 0.1,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.interval = interval
        self.done = 0
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self._last = 0.0

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.enabled:
            if kind is None and self.total:
                self.done = self.total
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def advance(self, amount: int = 1, label: str | None = None) -> None:
        """``amount`` more units done (and, optionally, a new label for what is being done)."""
        self.done += amount
        if label is not None:
            self.label = label
        self._draw()

    def report(self, done: int, total: int, what: str) -> None:
        """The engine's progress protocol (:class:`simulator.engine.images.ProgressReport`)."""
        self.total = total
        self.done = done
        self.label = what
        self._draw()

    def _count(self, n: int) -> str:
        return human_size(n) if self.unit == "bytes" else str(n)

    def line(self) -> str:
        """The bar's text as it is drawn now."""
        if self.total > 0:
            filled = min(self.width, self.width * self.done // self.total)
            arrow = ">" if 0 < filled < self.width else ""
            bar = "=" * (filled - len(arrow)) + arrow
            return f"{self.label} [{bar:<{self.width}}] {self._count(self.done)}/{self._count(self.total)}"
        return f"{self.label} {self._count(self.done)}"

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()
