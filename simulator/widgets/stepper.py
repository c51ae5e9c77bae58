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
    ) -> None:
        self.engine = engine or Engine()
        self.context = dict(context if context is not None else {"app.sh": "#!/bin/sh\necho hi\n"})
        self.tag = tag
        self.result: BuildResult | None = None
        self.previous: BuildResult | None = None
        self._images: list[Any] = []

        self.editor = w.Textarea(value=dockerfile, description="", rows=10, layout=w.Layout(width="100%"))
        self.build_button = w.Button(
            description="Build",
            button_style="primary",
            icon="hammer",
            tooltip="docker build (uses the build cache)",
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
            layout=w.Layout(width="100%"),
        )
        self.step_title = w.HTML()
        self.view = w.ToggleButtons(options=VIEWS, value=VIEWS[0], style={"button_width": "auto"})
        self.changes = w.HTML()
        self.cache_table = w.HTML()
        self.rebuilt = w.HTML()
        self.diagram = DiagramPane(
            self._diagram, fallback=self._fallback, delay=delay, empty="Press Build to see the layers."
        )

        self.build_button.on_click(lambda _: self.build())
        self.slider.observe(lambda _: self._show_step(), names="value")
        self.view.observe(lambda _: self.diagram.request(), names="value")

        left = w.VBox(
            [
                w.HTML("<b>Dockerfile</b>"),
                self.editor,
                w.HBox([self.build_button, self.no_cache]),
                self.status,
                w.HTML("<b>Cache, step by step</b>"),
                self.cache_table,
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
        left.layout.width = "42%"
        right.layout.width = "58%"
        self.widget = w.HBox([left, right])
        self.widget.add_class("layerlab-stepper")

    # -- callbacks ------------------------------------------------------------------------------
    def build(self) -> BuildResult | None:
        """Build the editor's Dockerfile (the Build button's callback)."""
        try:
            result = self.engine.images.build(
                self.editor.value, context=self.context, tag=self.tag, no_cache=self.no_cache.value
            )
        except (SimulatorError, OSError) as exc:
            self.status.value = f'<span style="color:#b00">✗ build failed</span>{pre(str(exc))}'
            return None
        self.previous, self.result = self.result, result
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
            f"<b>step {self.slider.value} of {len(self.result.steps)}: {html.escape(step.instruction)}</b> "
            f"({stage}line {step.line}): {_outcome(step)}{reason}"
        )
        self.changes.value = self._changes_html(step)
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
        return layer_stack(image, name=f"{where} after step {self.slider.value}")

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
                "<p>No layer: this instruction only changes the image config "
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
                i,
                s.line,
                s.instruction,
                _outcome(s),
                "" if s.cached or s.layer is None else (s.miss_reason or ""),
            ]
            for i, s in enumerate(result.steps, 1)
        ]
        return html_table(["step", "line", "instruction", "result", "why it was built"], rows)

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
