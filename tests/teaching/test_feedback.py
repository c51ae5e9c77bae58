"""Feedback (what a check answers) and reveal (the second half of a misconception probe)."""

from __future__ import annotations

import pytest

from simulator.teaching import Feedback, reveal
from simulator.teaching.feedback import blank, missing, right, wrong


def test_feedback_is_truthy_only_when_right():
    assert right("yes") and not wrong("no", "why") and not missing()
    assert [f.symbol for f in (right("a"), wrong("b", "c"), missing())] == ["✓", "✗", "…"]


def test_feedback_text_and_html():
    feedback = wrong("Not <quite>.", "Look at the <first> line.")
    assert str(feedback) == "✗ Not <quite>.\n  hint: Look at the <first> line."
    assert repr(feedback) == str(feedback)
    html = feedback._repr_html_()
    assert "&lt;quite&gt;" in html and "&lt;first&gt;" in html and "<quite>" not in html
    assert "hint" not in right("ok")._repr_html_()


@pytest.mark.parametrize("value", [None, ..., "", "  \n"])
def test_blank(value):
    assert blank(value)


@pytest.mark.parametrize("value", [0, "0", [], set(), False])
def test_not_blank(value):
    assert not blank(value)


def test_reveal_right_and_wrong():
    assert reveal("no", "no", "Because.", choices=["yes", "no"]).ok is True
    wrong_guess = reveal("yes", "no", "Because.", choices=["yes", "no"])
    assert wrong_guess.ok is False and wrong_guess.message == "You predicted yes; what happened: no. Because."


@pytest.mark.parametrize("prediction", [None, ..., ""])
def test_reveal_without_a_prediction_gives_nothing_away(prediction):
    feedback = reveal(prediction, "no", "Because.")
    assert feedback.ok is None and "Because." not in feedback.message and ": no" not in feedback.message


@pytest.mark.parametrize(
    "prediction",
    [
        "maybe",
        42,
        ["no"],  # unhashable: compared, not hashed
    ],
)
def test_reveal_outside_the_choices(prediction):
    feedback = reveal(prediction, "no", "Because.", choices=["yes", "no"])
    assert isinstance(feedback, Feedback) and feedback.ok is None
    assert "was not one of" in feedback.message and "Because." not in feedback.message
