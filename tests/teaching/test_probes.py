"""Probes: the answer shows only after a committed prediction with a reason, never before."""

from __future__ import annotations

import pytest

from simulator.teaching import PROBES, Probe


def _no_answer(feedback, spec) -> None:
    assert feedback.ok is None
    assert spec.explanation[:30] not in str(feedback)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_reveal_without_a_prediction_gives_nothing_away(name):
    spec = PROBES[name]
    actual = spec.choices[0] if spec.choices else 3
    probe = Probe(name)
    feedback = probe.reveal(actual)
    _no_answer(feedback, spec)
    assert str(actual) not in feedback.message


@pytest.mark.parametrize("name", sorted(PROBES))
def test_commit_after_the_experiment_reveals_in_the_form(name):
    spec = PROBES[name]
    actual = spec.choices[-1] if spec.choices else 3
    probe = Probe(name)
    form = probe.widget
    probe.reveal(actual)
    status = form.children[-1]
    assert spec.explanation[:30] not in status.value
    answer, why, button = form.children[1:4]
    answer.value = actual if spec.choices else "3"
    why.value = "because of what I know about layers"
    button.click()
    assert probe.committed and answer.disabled and why.disabled and button.disabled
    assert "Your prediction was right" in status.value


def test_commit_then_reveal_answers_in_the_cell():
    probe = Probe("p02_rm")
    assert "Now run the experiment" in probe.commit("yes", "the file was written").message
    feedback = probe.reveal("no")
    assert feedback.ok is False and PROBES["p02_rm"].explanation in feedback.message
    assert "the file was written" in feedback.hint


@pytest.mark.parametrize("prediction", ["Yes", " yes ", '"yes"', "YES"])
def test_every_spelling_of_a_choice_is_accepted(prediction):
    probe = Probe("p02_rm", prediction=prediction, why="it was written to disk")
    assert probe.committed and probe.reveal("yes").ok is True


@pytest.mark.parametrize("prediction", [2, "2", " 2 ", 2.0, "+2"])
def test_whole_numbers_in_every_right_form(prediction):
    probe = Probe("p01_layers", prediction=prediction, why="RUN and COPY make layers")
    assert probe.committed and probe.reveal(2).ok is True


@pytest.mark.parametrize("prediction", [2.5, "2.5", "two", True, -1, [2], "maybe", "y"])
def test_malformed_predictions_are_not_committed(prediction):
    name = "p01_layers" if not isinstance(prediction, str) or prediction[0].isdigit() else "p02_rm"
    probe = Probe(name)
    feedback = probe.commit(prediction, "a reason of some words")
    assert not probe.committed and feedback.ok is None and "Not committed" in feedback.message


@pytest.mark.parametrize("why", ["", "   ", "?", "ok"])
def test_a_reason_is_required(why):
    probe = Probe("p02_rm")
    feedback = probe.commit("no", why)
    assert not probe.committed and "say why" in feedback.message
    _no_answer(probe.reveal("no"), PROBES["p02_rm"])


def test_a_commit_cannot_be_changed():
    probe = Probe("p02_rm", prediction="yes", why="it was written")
    assert "cannot change" in probe.commit("no", "changed my mind").message
    assert probe.prediction == "yes"


def test_the_form_of_a_committed_probe_is_locked_and_shows_the_answer_when_known():
    probe = Probe("p03_label", prediction="no", why="label is config only")
    probe.reveal("no", "install step CACHED")
    form = probe.widget
    assert all(child.disabled for child in form.children[1:4])
    assert "install step CACHED" in form.children[-1].value


def test_unknown_probe_and_lesson_bugs_are_clear():
    with pytest.raises(KeyError, match="p02_rm"):
        Probe("nope")
    with pytest.raises(ValueError, match="p02_rm"):
        Probe("p02_rm").reveal("perhaps")


def test_text_display_names_the_question():
    probe = Probe("p04_containers")
    bundle = probe._repr_mimebundle_()
    assert "10 containers" in bundle["text/plain"] and "almost nothing" in bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in bundle
