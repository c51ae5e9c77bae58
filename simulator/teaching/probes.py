"""Misconception probes: a prediction first, then the experiment, then :func:`reveal`.

The student writes what they expect before running anything; ``reveal`` puts the prediction
next to what happened, with the explanation, whether the prediction was right or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .feedback import Feedback, blank, right

__all__ = ["reveal"]


def reveal(
    prediction: Any, actual: Any, explanation: str, *, choices: Iterable[Any] | None = None
) -> Feedback:
    """Put a prediction next to what happened, with the explanation (the probe's second half)."""
    if blank(prediction):
        return Feedback(None, f"You made no prediction. What happened: {actual}. {explanation}")
    if choices is not None and prediction not in set(choices):
        return Feedback(
            None,
            f"{prediction!r} was not one of {sorted(map(str, choices))}. What happened: "
            f"{actual}. {explanation}",
        )
    if prediction == actual:
        return right(f"Your prediction was right: {actual}. {explanation}")
    return Feedback(False, f"You predicted {prediction}; what happened: {actual}. {explanation}")
