"""Probes: the answer shows only after a committed prediction with a reason, never before."""

from __future__ import annotations

import pytest

from simulator.teaching import PROBES, Probe
from simulator.teaching.probes import LETTERS


def _sound(name: str) -> str:
    """The letter of the probe's sound reason ("" for a free-text probe)."""
    reasons = PROBES[name].reasons
    return next((LETTERS[i] for i, r in enumerate(reasons) if r.sound), "")


def _unsound(name: str) -> str:
    return next(LETTERS[i] for i, r in enumerate(PROBES[name].reasons) if not r.sound)


def _commit(name: str, prediction, *, sound: bool = True) -> Probe:
    reason = (_sound(name) if sound else _unsound(name)) if PROBES[name].reasons else None
    return Probe(name, prediction=prediction, why="because of what I know about layers", reason=reason)


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
    controls = probe._controls
    status = controls["status"]
    assert form.children[-1] is status and spec.explanation[:30] not in status.value
    controls["answer"].value = actual if spec.choices else "3"
    controls["why"].value = "because of what I know about layers"
    if spec.reasons:
        controls["reason"].value = LETTERS.index(_sound(name))
    controls["button"].click()
    assert probe.committed and all(c.disabled for k, c in controls.items() if k != "status")
    assert "Your prediction was right" in status.value


def test_commit_then_reveal_answers_in_the_cell():
    probe = Probe("p02_rm")
    assert "Now run the experiment" in probe.commit("yes", "the file was written", "a").message
    feedback = probe.reveal("no")
    assert feedback.ok is False and PROBES["p02_rm"].explanation in feedback.message
    assert "the file was written" in feedback.hint


@pytest.mark.parametrize("prediction", ["Yes", " yes ", '"yes"', "YES"])
def test_every_spelling_of_a_choice_is_accepted(prediction):
    probe = Probe("p02_rm", prediction=prediction, reason="b")
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
    probe = Probe("p09_usage")  # a probe whose reason is free text
    feedback = probe.commit("node-a", why)
    assert not probe.committed and "say why" in feedback.message
    _no_answer(probe.reveal("node-a"), PROBES["p09_usage"])


def test_a_commit_cannot_be_changed():
    probe = Probe("p02_rm", prediction="yes", reason="a")
    assert "cannot change" in probe.commit("no", "changed my mind", "b").message
    assert probe.prediction == "yes"


def test_the_form_of_a_committed_probe_is_locked_and_shows_the_answer_when_known():
    probe = Probe("p03_label", prediction="no", why="label is config only", reason=_sound("p03_label"))
    probe.reveal("no", "install step CACHED")
    form = probe.widget
    controls = probe._controls
    assert all(c.disabled for k, c in controls.items() if k != "status")
    assert controls["reason"].value == LETTERS.index(_sound("p03_label"))
    assert "install step CACHED" in form.children[-1].value


# -- reasons ------------------------------------------------------------------------------------


def test_at_least_half_of_the_probes_ask_why_as_a_choice_with_one_sound_reason():
    with_reasons = [spec for spec in PROBES.values() if spec.reasons]
    assert len(with_reasons) * 2 >= len(PROBES)
    for spec in with_reasons:
        assert sum(r.sound for r in spec.reasons) == 1 and len(spec.reasons) >= 2, spec.name
        assert all(r.feedback and r.text for r in spec.reasons)
        assert not spec.reasons[0].sound or spec.name == "p05_chmod", "the sound reason is not always first"


@pytest.mark.parametrize("name", sorted(n for n, spec in PROBES.items() if spec.reasons))
def test_right_prediction_for_the_wrong_reason_is_not_right(name):
    spec = PROBES[name]
    actual = spec.choices[0]
    probe = _commit(name, actual, sound=False)
    feedback = probe.reveal(actual)
    assert feedback.ok is False and "not for that reason" in feedback.message
    wrong_reason = next(r for r in spec.reasons if not r.sound)
    assert wrong_reason.feedback in feedback.hint  # feedback on the reason itself


@pytest.mark.parametrize("name", sorted(n for n, spec in PROBES.items() if spec.reasons))
def test_right_prediction_and_reason(name):
    spec = PROBES[name]
    probe = _commit(name, spec.choices[-1])
    feedback = probe.reveal(spec.choices[-1])
    sound = next(r for r in spec.reasons if r.sound)
    assert feedback.ok is True and sound.feedback in feedback.message and "is right" in feedback.message


def test_wrong_prediction_gets_feedback_on_its_reason():
    probe = _commit("p05_delete", "smaller", sound=False)
    feedback = probe.reveal("the same")
    assert feedback.ok is False and PROBES["p05_delete"].reasons[0].feedback in feedback.hint


@pytest.mark.parametrize("reason", ["b", "B", "b)", " b ", 1])
def test_a_reason_by_its_letter_or_its_text(reason):
    spec = PROBES["p02_rm"]
    if reason == 1:
        reason = spec.reasons[1].text.upper()
    probe = Probe("p02_rm", prediction="no", reason=reason)
    assert probe.committed and probe.reason is spec.reasons[1] and probe.why == ""


@pytest.mark.parametrize("reason", [None, "", "z", "because", 3, "d"])
def test_a_probe_with_reasons_needs_one_of_them(reason):
    probe = Probe("p02_rm")
    feedback = probe.commit("no", "my own words about layers", reason)
    assert not probe.committed and feedback.ok is None and "Not committed" in feedback.message
    assert "reason" in feedback.message


def test_own_words_are_kept_beside_the_chosen_reason():
    probe = Probe("p02_rm", prediction="no", why="rm deletes its layer", reason="b")
    assert "rm deletes its layer" in probe.reveal("no").message


def test_the_text_display_lists_the_reasons():
    plain = Probe("p02_rm")._repr_mimebundle_()["text/plain"]
    assert "Why? a) " in plain and "b) " in plain


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
