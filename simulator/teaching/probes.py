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

A committed prediction cannot be changed (the form locks).  ``Probe(name, prediction=...,
why=...)`` commits in code, as if typed in the form (what the notebooks' tests do).

:func:`reveal` is the same comparison for a probe written by hand; it also never shows the
answer to a missing prediction.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .feedback import Feedback, blank, right

__all__ = ["PROBES", "Probe", "ProbeSpec", "reveal"]

WHOLE_NUMBER = "a whole number"


@dataclass(frozen=True, slots=True)
class ProbeSpec:
    """One probe: its question, the accepted predictions and the explanation shown after."""

    name: str
    question: str
    choices: tuple[str, ...]
    """The predictions offered; empty for a whole number."""
    explanation: str


def _spec(name: str, question: str, choices: tuple[str, ...], explanation: str) -> ProbeSpec:
    return ProbeSpec(name, question, choices, explanation)


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
            "Will the new container c see the line `maintenance at 18:00` in /etc/motd?",
            ("yes", "no"),
            "The writable layer belongs to one container and is deleted with it by docker rm (docker "
            "stop and docker start keep it); the image never had the line. Keep data in a volume, or "
            "make a new image with docker commit (better: a Dockerfile).",
        ),
        _spec(
            "p03_label",
            "After changing only the LABEL line, will the install step (RUN apk add …) run again?",
            ("yes", "no"),
            "LABEL only edits the image config; BuildKit makes no build operation for it, so no later "
            "cache key changes. An ENV change is different: the environment is part of every later "
            "RUN's key. (Docker's old classic builder, DOCKER_BUILDKIT=0, would rerun every step after "
            "the LABEL.)",
        ),
        _spec(
            "p04_containers",
            "10 containers of a ~130 MB image: how much more disk do they use?",
            ("about 1.3 GB", "about 130 MB", "almost nothing"),
            "Every container reads the image's layers in place; it only gets an empty writable layer, "
            "which grows with what it writes.",
        ),
        _spec(
            "p05_delete",
            "With a later `RUN rm -rf /var/cache/apk/*`, is the image smaller, the same or bigger?",
            ("smaller", "the same", "bigger"),
            "The files stay in the layer that added them; the later layer only adds whiteouts (0 bytes) "
            "that hide them. Every pull still downloads them. Docker's SIZE counts file bytes, so it is "
            "exactly the same; the download is even a little bigger, since the extra layer's tar holds "
            "the whiteout entries.",
        ),
        _spec(
            "p05_chmod",
            "How much does the `RUN chmod +x` step add to the image?",
            ("nothing", "a few bytes", "about 1 MB"),
            "A layer stores whole files: changing only the mode copies the whole file up into the new "
            "layer (the old copy stays below, wasted). Set the mode where the file is created: "
            "COPY --chmod=755.",
        ),
        _spec(
            "p06_whiteout",
            "After `unlink /etc/issue`, what does the kernel keep in the upper directory for it?",
            ("nothing", "an empty file", "a special marker file"),
            "A whiteout: on disk, a character device with device number 0/0 named like the deleted "
            "file. overlayfs hides the lower name whenever it finds one.",
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


class Probe:
    """A prediction form for the probe ``name`` of :data:`PROBES`; see the module docstring.

    Args:
        name: the probe (``"p02_rm"``).
        prediction, why: commit at once, as if typed in the form (both needed).

    Raises:
        KeyError: an unknown probe name (the message lists the known ones).
    """

    def __init__(self, name: str, prediction: Any = None, why: str = "") -> None:
        if name not in PROBES:
            raise KeyError(f"no probe {name!r}; the probes are {', '.join(sorted(PROBES))}")
        self.spec = PROBES[name]
        self.prediction: Any = None
        self.why = ""
        self.actual: Any = None
        self.detail = ""
        self._revealed = False
        self._widget: Any = None
        self._controls: dict[str, Any] = {}
        if not blank(prediction) or (why and why.strip()):
            self.commit(prediction, why)

    # -- the two halves -------------------------------------------------------------------------
    @property
    def committed(self) -> bool:
        """Whether a prediction and a reason have been committed (they cannot change after)."""
        return self.prediction is not None

    def commit(self, prediction: Any, why: str = "") -> Feedback:
        """Commit ``prediction`` with its reason; the answer shows if the experiment has run."""
        if self.committed:
            return Feedback(None, f"Already committed: {self.prediction}. A prediction cannot change.")
        value, problem = _normalise(self.spec, prediction)
        if problem:
            return self._say(Feedback(None, f"Not committed: {problem}."))
        reason = " ".join(str(why or "").split())
        if sum(ch.isalpha() for ch in reason) < 3:
            return self._say(Feedback(None, "Not committed: say why, in a few words, before you commit."))
        self.prediction, self.why = value, reason
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
        why = w.Textarea(
            placeholder="Why? One sentence: what do you expect to happen, and because of what?",
            layout=w.Layout(width="100%", max_width="44em", height="4.5em"),
        )
        button = w.Button(
            description="Commit my prediction", button_style="primary", layout=w.Layout(width="auto")
        )
        status = w.HTML()
        self._controls = {"answer": answer, "why": why, "button": button, "status": status}

        def on_click(_: Any) -> None:
            self.commit(answer.value, why.value)

        button.on_click(on_click)
        if self.committed:
            answer.value = self.prediction if spec.choices else str(self.prediction)
            why.value = self.why
            self._lock()
            status.value = (
                self._answer() if self.actual is not None else self._committed_note()
            )._repr_html_()
        return w.VBox(
            [
                w.HTML(f"<b>Predict first:</b> {html.escape(spec.question)}"),
                answer,
                why,
                button,
                status,
            ],
            layout=w.Layout(width="100%", border="1px solid #999", padding="6px"),
        )

    def _committed_note(self) -> Feedback:
        return Feedback(None, f"Committed: {self.prediction}. Now run the experiment below.")

    def _lock(self) -> None:
        for key in ("answer", "why", "button"):
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
