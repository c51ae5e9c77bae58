"""Misconception probes: predict (with a reason), commit, run the experiment, then see the answer.

A probe of the lessons is a :class:`Probe`: the cell that makes it shows a small form (the
choices, or a box for a number, a "why?" box and a **Commit** button).  The experiment's cell
then calls :meth:`Probe.reveal` with what happened.  The answer and its explanation live here,
in :data:`PROBES`, not in the notebook; and they appear only once the student has committed a
prediction and a reason:

- reveal before commit (Run All on a fresh notebook): ``…`` and nothing about the answer; the
  form shows the answer as soon as the student commits;
- commit before reveal: the form says "now run the experiment"; ``reveal`` answers in the cell
  and in the form.

Most probes ask **why** as a choice too (:attr:`ProbeSpec.reasons`: one sound reason and the
misconceptions students really give, after the two-tier tests of physics education): the
student picks the reason closest to theirs, may add their own words, and the answer gives
feedback on the reason as well as on the prediction.  A right prediction for a wrong reason is
not counted right.  The other probes take the reason as free text.

A committed prediction cannot be changed (the form locks).  ``Probe(name, prediction=...,
why=..., reason=...)`` commits in code, as if typed in the form (what the notebooks' tests do).

:func:`reveal` is the same comparison for a probe written by hand; it also never shows the
answer to a missing prediction.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .feedback import Feedback, blank, right

__all__ = ["PROBES", "Probe", "ProbeSpec", "Reason", "reveal"]

WHOLE_NUMBER = "a whole number"


@dataclass(frozen=True, slots=True)
class Reason:
    """One answer to "why?": its text, whether it is sound, and the feedback it gets."""

    text: str
    sound: bool
    feedback: str


@dataclass(frozen=True, slots=True)
class ProbeSpec:
    """One probe: its question, the accepted predictions and the explanation shown after."""

    name: str
    question: str
    choices: tuple[str, ...]
    """The predictions offered; empty for a whole number."""
    explanation: str
    reasons: tuple[Reason, ...] = ()
    """The reasons offered (exactly one sound); empty: the reason is free text."""


def _spec(
    name: str, question: str, choices: tuple[str, ...], explanation: str, *reasons: Reason
) -> ProbeSpec:
    assert not reasons or sum(r.sound for r in reasons) == 1, f"{name}: one sound reason"
    return ProbeSpec(name, question, choices, explanation, tuple(reasons))


def _sound(text: str, feedback: str) -> Reason:
    return Reason(text, True, feedback)


def _unsound(text: str, feedback: str) -> Reason:
    return Reason(text, False, feedback)


# The explanations were in the lessons' cells until issue 14 (facts unchanged; sources are in the
# teacher's guide's per-lesson notes).
PROBES: dict[str, ProbeSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "p01_layers",
            "How many layers will this build add on top of busybox's one layer?",
            (),
            "BuildKit (Docker's default builder) decides by the kind of instruction: RUN, COPY, ADD and "
            "WORKDIR (except WORKDIR /) always make a layer, even an empty one when nothing changes. ENV, "
            "LABEL, EXPOSE and CMD only edit the config, so docker history shows them as 0B. (The old "
            "classic builder decides by content instead: a step that changes no file makes no layer.)",
        ),
        _spec(
            "p02_rm",
            "Will the new container gamma see the line `maintenance at 18:00` in /etc/motd?",
            ("yes", "no"),
            "The writable layer belongs to one container and is deleted with it by docker rm (docker "
            "stop and docker start keep it); the image never had the line. Keep data in a volume, or "
            "make a new image with docker commit (better: a Dockerfile).",
            _unsound(
                "the line was written into the image's file, so every new container sees it",
                "a container never writes to its image: the first write copied /etc/motd up into a's "
                "own writable layer, and the image's layer stayed read-only.",
            ),
            _sound(
                "the line is only in a's writable layer, and docker rm deletes that layer",
                "the change lived in a's writable layer, which docker rm throws away with the container.",
            ),
            _unsound(
                "Docker keeps a container's changes and applies them to the next container of the image",
                "nothing passes from one container to another. docker stop keeps the writable layer for "
                "that same container; only docker commit or a volume carries changes further.",
            ),
        ),
        _spec(
            "p03_label",
            "After changing only the LABEL line, will the install step (RUN apk add …) run again?",
            ("yes", "no"),
            "LABEL only edits the image config; BuildKit makes no build operation for it, so no later "
            "cache key changes. An ENV change is different: the environment is part of every later "
            "RUN's key. (Docker's old classic builder, DOCKER_BUILDKIT=0, would rerun every step after "
            "the LABEL.)",
            _unsound(
                "any edit to the Dockerfile invalidates every step after the edited line",
                "that is the classic builder's rule. BuildKit chains keys through the steps that do work "
                "(FROM, RUN, COPY, ADD, WORKDIR); a LABEL feeds no later key.",
            ),
            _unsound(
                "a step's cache key includes the text of the whole Dockerfile",
                "a step's key is its parent's key plus its own instruction (and, for RUN, the "
                "environment it runs with), never the text of other lines.",
            ),
            _sound(
                "LABEL only edits the config; the install's key (its parent, its command, its "
                "environment) did not change",
                "the install's key is made of the steps below it and its own command and environment; "
                "LABEL touches none of them.",
            ),
        ),
        _spec(
            "p04_containers",
            "10 containers of a ~130 MB image: how much more disk do they use?",
            ("about 1.3 GB", "about 130 MB", "almost nothing"),
            "Every container reads the image's layers in place; it only gets an empty writable layer, "
            "which grows with what it writes.",
            _unsound(
                "each container gets its own copy of the image's files",
                "nothing is copied when a container starts; a file is copied up only when that "
                "container changes it.",
            ),
            _sound(
                "containers share the image's read-only layers and each starts with an empty writable layer",
                "the image's layers are stored once, whatever the number of containers; each writable "
                "layer starts empty.",
            ),
            _unsound(
                "containers use memory, not disk",
                "they do use disk, in their writable layers (and logs): empty at first, but a container "
                "that writes a big file shows it in docker ps -s.",
            ),
        ),
        _spec(
            "p05_delete",
            "With a later `RUN rm -rf /var/cache/apk/*`, is the image smaller, the same or bigger?",
            ("smaller", "the same", "bigger"),
            "The files stay in the layer that added them; the later layer only adds whiteouts (0 bytes) "
            "that hide them. Every pull still downloads them. Docker's SIZE counts file bytes, so it is "
            "exactly the same; the download is even a little bigger, since the extra layer's tar holds "
            "the whiteout entries.",
            _unsound(
                "rm frees the space, so the image gets smaller",
                "a layer is never edited: the layer of `apk add` keeps the cache; the rm layer only "
                "records that the files are deleted.",
            ),
            _unsound(
                "Docker merges the layers when it builds, so the deleted files are never shipped",
                "Docker keeps one layer per RUN, COPY and ADD; nothing is merged unless you ask for it "
                "(flattening or squashing, lesson 05 section 5).",
            ),
            _sound(
                "the later layer only adds whiteouts that hide the files; the earlier layer still holds them",
                "the whiteouts hide the files in the merged view, and the layer below still ships them.",
            ),
        ),
        _spec(
            "p05_chmod",
            "How much does the `RUN chmod +x` step add to the image?",
            ("nothing", "a few bytes", "about 1 MB"),
            "A layer stores whole files: changing only the mode copies the whole file up into the new "
            "layer (the old copy stays below, wasted). Set the mode where the file is created: "
            "COPY --chmod=755.",
            _sound(
                "a layer stores whole files, so the new layer holds the whole file again with its new mode",
                "a layer is a tar of whole files: a changed mode means the file is stored again.",
            ),
            _unsound(
                "chmod changes only the mode bits, a few bytes of metadata",
                "in a running overlayfs mount with metacopy=on that would be so; but an image layer is a "
                "tar of whole files, and Docker does not turn metacopy on anyway.",
            ),
            _unsound(
                "chmod creates no file, so its step makes no layer",
                "with BuildKit every RUN makes a layer, and this one holds the file stored again.",
            ),
        ),
        _spec(
            "p06_whiteout",
            "After `unlink /etc/issue`, what does the kernel keep in the upper directory for it?",
            ("nothing", "an empty file", "a special marker file"),
            "A whiteout: on disk, a character device with device number 0/0 named like the deleted "
            "file. overlayfs hides the lower name whenever it finds one.",
            _unsound(
                "unlink removes the file from the lower directory as well",
                "overlayfs never changes a lower directory: they are read-only, and other mounts (other "
                "containers) may share them.",
            ),
            _unsound(
                "overlayfs remembers the deletion in memory",
                "the deletion must survive an unmount and be saved with the layer (docker commit), so it "
                "is written to the upper directory on disk.",
            ),
            _sound(
                "the lower file stays, so the upper directory needs something that hides its name",
                "the lower layer is read-only, so the deletion is recorded above it, as a marker that "
                "hides the name.",
            ),
        ),
        _spec(
            "p09_usage",
            "node-a runs a pod that requested 100m but burns 3 CPUs; node-b a pod that requested 3 CPUs "
            "but sleeps (4 CPUs each). Where does a new pod asking for 2 CPUs go?",
            ("node-a", "node-b", "nowhere"),
            "The scheduler never looks at real usage: it adds up the requests of the pods on each node "
            "(node-b: 3 of 4 CPUs requested, so 2 more do not fit) and places by that. Requests are a "
            "promise you make; set them close to what the pod really needs.",
        ),
        _spec(
            "p07_limit",
            'On an 8 GiB host running nothing, you start `sleep infinity` with mem_limit="512m". '
            "Does the host's free memory drop by 512 MiB?",
            ("yes", "no"),
            "A memory limit is a cap (memory.max), not a reservation: the host's free memory drops only "
            "when the process really uses memory, and Docker starts every container whatever the sum of "
            "the limits. Sixteen such containers start on this host; if they all used their 512 MiB, the "
            "kernel's OOM killer would sort it out. What reserves is a Kubernetes request, and only at "
            "scheduling: the scheduler adds up the requests on each node (lesson 09).",
            _unsound(
                "the limit sets 512 MiB aside for the container when it starts",
                "memory.max is a cap the kernel checks when the process allocates; nothing is set aside.",
            ),
            _sound(
                "a limit is a cap: free memory drops only by what the process really uses",
                "the cap only matters when the process asks for memory; sleep asks for almost none.",
            ),
        ),
        _spec(
            "p08_pull",
            "This engine has pulled python:3.12-slim from the registry. Pulling python:3.11-slim next: "
            "how much does Docker download?",
            ("the whole image again", "only the layers it does not have", "nothing"),
            "Only the missing layers. Blobs are addressed by their digest, so a layer this engine already "
            "holds is recognised before anything is sent: the two Debian base layers both images share "
            "print 'Already exists', and only the two Python layers are downloaded. The same holds for "
            "your app's v2 built FROM the same base: the base is never downloaded again, only the layers "
            "that changed. (With the classic overlay2 store a layer counts as present only when every "
            "layer below it matches too; with the containerd store each blob counts on its own.)",
        ),
    )
}


def _normalise(spec: ProbeSpec, value: Any) -> tuple[Any, str]:
    """``(prediction, "")`` when ``value`` is an accepted prediction, else ``(None, problem)``."""
    if blank(value):
        return None, "no prediction yet"
    if not spec.choices:
        if isinstance(value, bool):
            return None, f"{value!r} is not {WHOLE_NUMBER}"
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().lstrip("+").isdigit():
            number = int(value.strip())
        else:
            return None, f"{value!r} is not {WHOLE_NUMBER}"
        if number < 0:
            return None, f"{value!r} is not {WHOLE_NUMBER} of layers"
        return number, ""
    text = " ".join(str(value).strip().strip("\"'").split()).casefold()
    for choice in spec.choices:
        if choice.casefold() == text:
            return choice, ""
    return None, f"{str(value)!r} is not one of: " + ", ".join(f'"{c}"' for c in spec.choices)


LETTERS = "abcdefgh"


def _reason_index(spec: ProbeSpec, value: Any) -> tuple[int | None, str]:
    """``(index, "")`` for a reason given as its letter (``"b"``, ``"b)"``), its text or a
    :class:`Reason`; else ``(None, problem)``."""
    if blank(value):
        return None, "choose the reason closest to yours"
    if isinstance(value, Reason):
        value = value.text
    text = " ".join(str(value).strip().strip("\"'").split()).casefold()
    for i, reason in enumerate(spec.reasons):
        if text in (LETTERS[i], f"{LETTERS[i]})", reason.text.casefold()):
            return i, ""
    letters = ", ".join(LETTERS[: len(spec.reasons)])
    return None, f"{str(value)!r} is not one of the reasons ({letters})"


class Probe:
    """A prediction form for the probe ``name`` of :data:`PROBES`; see the module docstring.

    Args:
        name: the probe (``"p02_rm"``).
        prediction, why, reason: commit at once, as if entered in the form: the prediction and,
            for a probe with :attr:`~ProbeSpec.reasons`, the reason (its letter or text; ``why``
            is then optional, the student's own words), else ``why`` (free text).

    Raises:
        KeyError: an unknown probe name (the message lists the known ones).
    """

    def __init__(self, name: str, prediction: Any = None, why: str = "", reason: Any = None) -> None:
        if name not in PROBES:
            raise KeyError(f"no probe {name!r}; the probes are {', '.join(sorted(PROBES))}")
        self.spec = PROBES[name]
        self.prediction: Any = None
        self.why = ""
        self.reason: Reason | None = None
        self.actual: Any = None
        self.detail = ""
        self._revealed = False
        self._widget: Any = None
        self._controls: dict[str, Any] = {}
        if not blank(prediction) or (why and why.strip()) or not blank(reason):
            self.commit(prediction, why, reason)

    # -- the two halves -------------------------------------------------------------------------
    @property
    def committed(self) -> bool:
        """Whether a prediction and a reason have been committed (they cannot change after)."""
        return self.prediction is not None

    def commit(self, prediction: Any, why: str = "", reason: Any = None) -> Feedback:
        """Commit ``prediction`` with its reason; the answer shows if the experiment has run."""
        if self.committed:
            return Feedback(None, f"Already committed: {self.prediction}. A prediction cannot change.")
        value, problem = _normalise(self.spec, prediction)
        if problem:
            return self._say(Feedback(None, f"Not committed: {problem}."))
        words = " ".join(str(why or "").split())
        chosen: Reason | None = None
        if self.spec.reasons:
            index, problem = _reason_index(self.spec, reason)
            if index is None:
                return self._say(Feedback(None, f"Not committed: {problem}, then commit."))
            chosen = self.spec.reasons[index]
        elif sum(ch.isalpha() for ch in words) < 3:
            return self._say(Feedback(None, "Not committed: say why, in a few words, before you commit."))
        self.prediction, self.why, self.reason = value, words, chosen
        self._lock()
        if self.actual is not None:
            return self._say(self._answer())
        return self._say(Feedback(None, f"Committed: {value}. Now run the experiment below."))

    def reveal(self, actual: Any, detail: str = "") -> Feedback:
        """Record what happened; the answer if a prediction was committed, else ``…`` only.

        ``detail`` (numbers measured by the experiment) is shown with the answer, never before.

        Raises:
            ValueError: ``actual`` is not one of the probe's predictions (a lesson bug).
        """
        value, problem = _normalise(self.spec, actual)
        if problem:
            raise ValueError(f"probe {self.spec.name}: the experiment's outcome {problem}")
        self.actual, self.detail = value, detail
        if not self.committed:
            return Feedback(
                None,
                "No prediction yet: choose in the form above, say why, and press Commit. "
                "The answer shows there, and here when you run this cell again.",
            )
        return self._say(self._answer())

    def _answer(self) -> Feedback:
        self._revealed = True
        spec, detail = self.spec, f" ({self.detail})" if self.detail else ""
        own = f" In your words: “{self.why}”." if self.why and self.reason is not None else ""
        if self.reason is not None:
            verdict = "right" if self.reason.sound else "not the reason"
            on_reason = f"Your reason, “{self.reason.text}”, is {verdict}: {self.reason.feedback}{own}"
            if self.prediction == self.actual and self.reason.sound:
                return right(
                    f"Your prediction was right: {self.actual}{detail}. {on_reason} {spec.explanation}"
                )
            if self.prediction == self.actual:
                return Feedback(
                    False,
                    f"Right prediction ({self.actual}{detail}), but not for that reason. {spec.explanation}",
                    on_reason,
                )
            return Feedback(
                False,
                f"You predicted {self.prediction}; what happened: {self.actual}{detail}. {spec.explanation}",
                on_reason,
            )
        if self.prediction == self.actual:
            return right(
                f"Your prediction was right: {self.actual}{detail}. {spec.explanation} "
                f"Your reason was: “{self.why}”. Does the explanation agree with it?"
            )
        return Feedback(
            False,
            f"You predicted {self.prediction}; what happened: {self.actual}{detail}. {spec.explanation}",
            f"your reason was “{self.why}”: which part of it does the explanation contradict?",
        )

    # -- the form -------------------------------------------------------------------------------
    @property
    def widget(self) -> Any:
        """The form (an ipywidgets box), made on first use."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self) -> Any:
        import ipywidgets as w

        spec = self.spec
        if spec.choices:
            answer: Any = w.RadioButtons(
                options=list(spec.choices), value=None, layout=w.Layout(width="auto")
            )
        else:
            answer = w.Text(placeholder=WHOLE_NUMBER, layout=w.Layout(width="12em"))
        reasons: Any = None
        if spec.reasons:
            reasons = w.RadioButtons(
                options=[(f"{LETTERS[i]}) {r.text}", i) for i, r in enumerate(spec.reasons)],
                value=None,
                layout=w.Layout(width="auto", max_width="100%"),
            )
        why = w.Textarea(
            placeholder=(
                "In your own words (optional)"
                if spec.reasons
                else "Why? One sentence: what do you expect to happen, and because of what?"
            ),
            layout=w.Layout(width="100%", max_width="44em", height="4.5em"),
        )
        button = w.Button(
            description="Commit my prediction", button_style="primary", layout=w.Layout(width="auto")
        )
        status = w.HTML()
        self._controls = {"answer": answer, "why": why, "button": button, "status": status}
        if reasons is not None:
            self._controls["reason"] = reasons

        def on_click(_: Any) -> None:
            chosen = None if reasons is None or reasons.value is None else LETTERS[reasons.value]
            self.commit(answer.value, why.value, chosen)

        button.on_click(on_click)
        if self.committed:
            answer.value = self.prediction if spec.choices else str(self.prediction)
            why.value = self.why
            if reasons is not None and self.reason is not None:
                reasons.value = spec.reasons.index(self.reason)
            self._lock()
            status.value = (
                self._answer() if self.actual is not None else self._committed_note()
            )._repr_html_()
        return w.VBox(
            [
                w.HTML(f"<b>Predict first:</b> {html.escape(spec.question)}"),
                answer,
                *([w.HTML("<b>Why?</b> Choose the reason closest to yours:"), reasons] if reasons else []),
                why,
                button,
                status,
            ],
            layout=w.Layout(width="100%", border="1px solid #999", padding="6px"),
        )

    def _committed_note(self) -> Feedback:
        return Feedback(None, f"Committed: {self.prediction}. Now run the experiment below.")

    def _lock(self) -> None:
        for key in ("answer", "reason", "why", "button"):
            if key in self._controls:
                self._controls[key].disabled = True

    def _say(self, feedback: Feedback) -> Feedback:
        if "status" in self._controls:
            self._controls["status"].value = feedback._repr_html_()
        return feedback

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> Any:
        try:
            bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        except Exception:  # no ipywidgets (a plain Python install): the question as text
            bundle = None
        plain = f"Predict first: {self.spec.question}" + (
            f" Choose one of: {', '.join(self.spec.choices)}." if self.spec.choices else f" ({WHOLE_NUMBER})"
        )
        if self.spec.reasons:
            plain += " Why? " + " ".join(f"{LETTERS[i]}) {r.text}." for i, r in enumerate(self.spec.reasons))
        if not bundle:
            return {"text/plain": plain}
        bundle["text/plain"] = plain
        return bundle

    def __repr__(self) -> str:
        state = f"committed {self.prediction!r}" if self.committed else "no prediction yet"
        return f"<Probe {self.spec.name}: {state}>"


def reveal(
    prediction: Any, actual: Any, explanation: str, *, choices: Iterable[Any] | None = None
) -> Feedback:
    """Put a prediction next to what happened, with the explanation (a probe written by hand).

    Without a prediction, or with one outside ``choices``, it says so and gives nothing away.
    """
    if blank(prediction):
        return Feedback(None, "You made no prediction yet: write one (and why), then run this cell again.")
    if choices is not None and not any(prediction == c for c in choices):
        return Feedback(
            None,
            f"{prediction!r} was not one of {sorted(map(str, choices))}: choose one, then run this cell again.",
        )
    if prediction == actual:
        return right(f"Your prediction was right: {actual}. {explanation}")
    return Feedback(False, f"You predicted {prediction}; what happened: {actual}. {explanation}")
