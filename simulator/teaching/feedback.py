"""Feedback: what a check answers, and the helpers every check uses to make one.

A :class:`Feedback` is ``✓`` (right), ``✗`` (wrong, with a hint) or ``…`` (no answer yet).  It
prints as text, shows as a coloured box in a notebook, and is truthy only when right, so a
notebook can ``assert check_...(...)``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

__all__ = ["Feedback", "blank", "missing", "right", "wrong"]


@dataclass(frozen=True)
class Feedback:
    """The answer of a check: ``ok`` (truthy when right), a message, and a hint when wrong."""

    ok: bool | None
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return bool(self.ok)

    @property
    def symbol(self) -> str:
        return "✓" if self.ok else ("…" if self.ok is None else "✗")

    def __str__(self) -> str:
        text = f"{self.symbol} {self.message}"
        return text + (f"\n  hint: {self.hint}" if self.hint else "")

    def _repr_html_(self) -> str:
        colour = {"✓": "#009E73", "✗": "#D55E00", "…": "#555555"}[self.symbol]
        hint = f"<br><i>hint:</i> {html.escape(self.hint)}" if self.hint else ""
        return (
            f'<div class="layerlab-feedback" style="border-left:4px solid {colour};padding:4px 8px">'
            f"<b>{self.symbol}</b> {html.escape(self.message)}{hint}</div>"
        )

    def __repr__(self) -> str:
        return str(self)


def missing(what: str = "your answer") -> Feedback:
    """Not answered yet (``...`` still in the cell): ``ok`` is ``None``, shown as ``…``."""
    return Feedback(None, f"No answer yet: replace the ... with {what}, then run this cell again.")


def right(message: str) -> Feedback:
    """A right answer, with what the result shows."""
    return Feedback(True, message)


def wrong(message: str, hint: str) -> Feedback:
    """A wrong answer, with a hint that points at the idea, never at the answer."""
    return Feedback(False, message, hint)


def blank(value: Any) -> bool:
    """No answer: ``None``, ``...`` (the cell as given) or a string of spaces."""
    return value is None or value is ... or (isinstance(value, str) and not value.strip())
