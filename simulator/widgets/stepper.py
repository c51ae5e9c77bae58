"""Build stepper: a Dockerfile editor, a Build button and a slider over the build's steps.

For the step under the slider it shows the layer stack so far (``viz.layer_stack``), what that
step changed (its layer's entries) and the cache outcome of every step; after an edit and a
rebuild, which steps were rebuilt and why (``StepRecord.miss_reason``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..builder.result import BuildResult, StepRecord
from ..engine import Engine
from ..errors import SimulatorError
from ..limits import Limits
from ..limits import coerce as coerce_limits
from ..text import human_size
from ..viz import build_graph, layer_stack, layer_tree, text_tree
from ..viz.display import html_table
from ._adapters import step_images
from ._render import DEFAULT_DELAY, DiagramPane, pre

__all__ = ["BuildStepper"]

EXAMPLE = """\
FROM busybox
WORKDIR /app
COPY app.sh .
RUN chmod +x app.sh
ENV GREETING=hello
RUN echo "$GREETING" > greeting.txt
CMD ["./app.sh"]
"""

VIEWS = ("layer stack so far", "this step's changes", "whole build")


def step_label(step: StepRecord) -> str:
    """BuildKit's name of a step, as ``--progress=plain`` prints it: ``#5 [2/4]``.

    The one numbering the stepper uses (title, slider, cache table, diagrams): the vertex number
    of the build log and the position of the instruction in its stage.
    """
    return f"#{step.number} [{step.position[0]}/{step.position[1]}]"


# What a config-only instruction changes in the image config (OCI image-spec config.md field
# names, as `docker inspect` shows them under .Config).
CONFIG_FIELDS = {
    "ENV": "Env",
    "LABEL": "Labels",
    "EXPOSE": "ExposedPorts",
    "CMD": "Cmd",
    "ENTRYPOINT": "Entrypoint",
    "USER": "User",
    "WORKDIR": "WorkingDir",
    "VOLUME": "Volumes",
    "STOPSIGNAL": "StopSignal",
    "HEALTHCHECK": "Healthcheck",
    "SHELL": "Shell",
    "ONBUILD": "OnBuild",
    "MAINTAINER": "Author",
}


def config_change(step: StepRecord) -> str:
    """What a config-only step changed, in words: ``sets Env: GREETING=hello``."""
    keyword = step.keyword.upper()
    argument = step.instruction.split(None, 1)[1] if " " in step.instruction.strip() else ""
    if keyword == "ARG":
        return f"declares the build argument {argument}: used by later steps, not stored in the config"
    if keyword == "FROM":
        return f"starts the stage from {argument}"
    field = CONFIG_FIELDS.get(keyword)
    if field is None:
        return "changes the image config only"
    return f"sets {field} in the image config: {argument}"


def _outcome(step: StepRecord) -> str:
    if step.layer is None:
        return "config only (no layer)"
    return "CACHED" if step.cached else "built"


class BuildStepper:
    """Edit a Dockerfile, build it, step through the result.

    Args:
        engine: the engine to build in (a new one by default); its build cache persists, so a
            second build shows cache hits.
        dockerfile: the initial Dockerfile text.
        context: the build context (path -> content), as for ``engine.images.build``.
        tag: the tag given to each build.
        delay: debounce delay of the diagram (``0``: synchronous).

    Attributes:
        editor, build_button, slider, view: the controls (drive them in tests).
        result, previous: the latest and the previous :class:`BuildResult`.
    """

    def __init__(
        self,
        engine: Engine | None = None,
        dockerfile: str = EXAMPLE,
        context: Mapping[str, Any] | None = None,
        *,
        tag: str = "stepper:latest",
        delay: float = DEFAULT_DELAY,
        limits: Limits | Mapping[str, Any] | None = None,
    ) -> None:
        self.engine = engine or Engine()
        self.limits = coerce_limits(limits)  # what each RUN step may use; None: the engine's
        self.context = dict(context if context is not None else {"app.sh": "#!/bin/sh\necho hi\n"})
        self.tag = tag
        self.result: BuildResult | None = None
        self.previous: BuildResult | None = None
        self._last_good: BuildResult | None = None
        self._images: list[Any] = []

        self.editor = w.Textarea(value=dockerfile, description="", rows=10, layout=w.Layout(width="100%"))
        self.build_button = w.Button(
            description="Build",
            button_style="primary",
            icon="hammer",
            tooltip="docker build (uses the build cache)",
            layout=w.Layout(width="auto", min_width="7em", flex="0 0 auto"),
        )
        self.no_cache = w.Checkbox(value=False, description="--no-cache", indent=False)
        self.status = w.HTML()
        self.slider = w.IntSlider(
            value=0,
            min=0,
            max=0,
            description="step",
            continuous_update=True,
            disabled=True,
            readout=False,  # the title names the step as BuildKit does (#5 [2/4]): one numbering
            layout=w.Layout(width="100%"),
        )
        self.step_title = w.HTML()
        self.view = w.ToggleButtons(options=VIEWS, value=VIEWS[0], style={"button_width": "auto"})
        self.changes = w.HTML()
        self.cache_table = w.HTML()
        self.rebuilt = w.HTML()
        self.diagram = DiagramPane(
            self._diagram, fallback=self._fallback, delay=delay, empty=self.PRESS_BUILD
        )

        self.build_button.on_click(lambda _: self.build())
        self.slider.observe(lambda _: self._show_step(), names="value")
        self.view.observe(lambda _: self.diagram.request(), names="value")

        left = w.VBox(
            [
                w.HTML("<b>Dockerfile</b>"),
                self.editor,
                w.HBox([self.build_button, self.no_cache], layout=w.Layout(flex_flow="row wrap")),
                self.status,
                w.HTML("<b>Cache, step by step</b>"),
                w.Box([self.cache_table], layout=w.Layout(overflow="auto", width="100%")),
                self.rebuilt,
            ]
        )
        right = w.VBox(
            [
                self.slider,
                self.step_title,
                self.view,
                self.diagram.widget,
                w.HTML("<b>What this step changed</b>"),
                self.changes,
            ]
        )
        # Side by side when there is room; at 150 % zoom or in a narrow column the diagram side
        # wraps below the editor instead of squeezing both (flex-basis, not fixed percentages).
        left.layout = w.Layout(flex="1 1 26em", min_width="22em", margin="0 8px 0 0")
        right.layout = w.Layout(flex="1 1 30em", min_width="22em")
        self.widget = w.HBox([left, right], layout=w.Layout(flex_flow="row wrap", width="100%"))
        self.widget.add_class("layerlab-stepper")

    # -- callbacks ------------------------------------------------------------------------------
    def build(self) -> BuildResult | None:
        """Build the editor's Dockerfile (the Build button's callback)."""
        try:
            result = self.engine.images.build(
                self.editor.value,
                context=self.context,
                tag=self.tag,
                no_cache=self.no_cache.value,
                limits=self.limits,  # None: the engine's
            )
        except (SimulatorError, OSError) as exc:
            self._clear(f'<span style="color:#b00">✗ build failed</span>{pre(str(exc))}')
            return None
        self.previous = self.result if self.result is not None else self._last_good
        self.result = self._last_good = result
        self._images = step_images(result)
        built = sum(1 for s in result.steps if s.layer is not None and not s.cached)
        cached = sum(1 for s in result.steps if s.cached)
        self.status.value = (
            f"✓ built <code>{html.escape(result.image.short_id)}</code> "
            f"({human_size(result.image.size)}, {len(result.image.layers)} layers): "
            f"{cached} step(s) CACHED, {built} rebuilt"
        )
        self.cache_table.value = self._cache_html(result)
        self.rebuilt.value = self._rebuilt_html(result)
        n = len(result.steps)
        self.slider.unobserve_all("value")
        self.slider.max = max(n, 1)
        self.slider.min = 1 if n else 0
        self.slider.value = self.slider.max
        self.slider.disabled = n == 0
        self.slider.observe(lambda _: self._show_step(), names="value")
        self._show_step()
        return result

    PRESS_BUILD = "Press Build to see the layers."

    def _clear(self, status: str) -> None:
        """After a failed build: no stale table, title or diagram beside the error.

        The last good build stays in :attr:`previous`, so the next build still says what changed.
        """
        self.result, self._images = None, []
        self.status.value = status
        self.cache_table.value = ""
        self.rebuilt.value = ""
        self.step_title.value = ""
        self.changes.value = ""
        self.slider.unobserve_all("value")
        self.slider.min, self.slider.value, self.slider.max = 0, 0, 0
        self.slider.disabled = True
        self.slider.observe(lambda _: self._show_step(), names="value")
        self.diagram.empty = "No image: the build failed (see the error above)."
        self.diagram.request()

    @property
    def step(self) -> StepRecord | None:
        """The step under the slider (``None`` before the first build)."""
        if self.result is None or not self.result.steps:
            return None
        index = max(1, min(self.slider.value, len(self.result.steps))) - 1
        return self.result.steps[index]

    def _show_step(self) -> None:
        step = self.step
        if step is None or self.result is None:
            self.step_title.value = ""
            self.changes.value = ""
            self.diagram.request()
            return
        reason = f" — {html.escape(step.miss_reason)}" if step.miss_reason and not step.cached else ""
        stage = (
            f"stage {html.escape(step.stage)}, "
            if len({s.stage_index for s in self.result.steps}) > 1
            else ""
        )
        self.step_title.value = (
            f"<b>{step_label(step)} {html.escape(step.instruction)}</b> "
            f"({stage}line {step.line}): {_outcome(step)}{reason}"
        )
        self.changes.value = self._changes_html(step)
        self.diagram.empty = (
            f"No layer to draw: {step_label(step)} {config_change(step)}."
            if step.layer is None
            else self.PRESS_BUILD
        )
        self.diagram.request()

    # -- views ----------------------------------------------------------------------------------
    def _current_image(self) -> Any:
        if self.result is None:
            return None
        index = max(1, min(self.slider.value, len(self.result.steps))) - 1 if self.result.steps else -1
        return self._images[index] if index >= 0 else self.result.image

    def _diagram(self) -> Any:
        if self.result is None:
            return None
        if self.view.value == VIEWS[2]:
            return build_graph(self.result)
        if self.view.value == VIEWS[1]:
            step = self.step
            return layer_tree(step.layer) if step is not None and step.layer is not None else None
        image, step = self._current_image(), self.step
        if image is None or step is None:
            return None
        multi = len({s.stage_index for s in self.result.steps}) > 1
        where = f"stage {step.stage}" if multi else self.tag
        return layer_stack(image, name=f"{where} after {step_label(step)}")

    def _fallback(self) -> str:
        """The text tree of what the current view draws (the build, the step's layer, the stack)."""
        if self.result is None:
            return ""
        if self.view.value == VIEWS[2]:
            return text_tree(self.result)
        if self.view.value == VIEWS[1]:
            step = self.step
            return text_tree(step.layer) if step is not None and step.layer is not None else ""
        image = self._current_image()
        return text_tree(image) if image is not None else ""

    @staticmethod
    def _changes_html(step: StepRecord) -> str:
        if step.layer is None:
            return (
                f"<p>No layer: this instruction {html.escape(config_change(step))} "
                "(a history entry marked <code>empty_layer</code>).</p>"
            )
        entries = step.layer.entries
        if not entries:
            return "<p>An empty layer (0 B): the step made a layer but changed no file.</p>"
        rows = []
        for path, entry in entries.items():
            kind = (
                "whiteout (deleted)"
                if entry.is_whiteout
                else ("opaque dir" if entry.is_dir and entry.opaque else entry.kind.value)
            )
            rows.append([path, kind, entry.mode_string(), human_size(entry.disk_size)])
        return html_table(
            ["path", "type", "mode", "size"],
            rows,
            f"layer of this step: {len(entries)} entries, {human_size(step.layer.size)}",
        )

    @staticmethod
    def _cache_html(result: BuildResult) -> str:
        rows = [
            [
                step_label(s),
                s.line,
                s.instruction,
                _outcome(s),
                "" if s.cached or s.layer is None else (s.miss_reason or ""),
            ]
            for s in result.steps
        ]
        return html_table(
            ["step", "line", "instruction", "result", "why it was built"], rows, nowrap=(0, 2, 3)
        )

    def _rebuilt_html(self, result: BuildResult) -> str:
        if self.previous is None:
            return "<p>First build: every layer step ran. Edit the Dockerfile and build again.</p>"
        rebuilt = [s for s in result.steps if s.layer is not None and not s.cached]
        if not rebuilt:
            return "<p>After your edit: <b>nothing was rebuilt</b>; every layer came from the cache.</p>"
        first = result.first_miss
        items = "".join(
            f"<li><code>{html.escape(s.instruction)}</code>: {html.escape(s.miss_reason or '')}</li>"
            for s in rebuilt
        )
        head = (
            f"<p>After your edit, <b>{len(rebuilt)} step(s) rebuilt</b>; the first miss was line "
            f"{first.line if first else '?'}, and every later step of its stage follows it:</p>"
        )
        return head + f"<ul>{items}</ul>"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
