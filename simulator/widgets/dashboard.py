"""Sharing dashboard: pull and build images, run containers, and see what the disk holds.

The sharing DAG (``viz.sharing_dag``) draws each stored layer once with every image and
container above it; the table is ``docker system df -v``; the headline puts the bytes stored
(``df().layers_size``) against the naive sum of the image sizes (``df().naive_size``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..distro import library
from ..engine import Engine
from ..errors import SimulatorError
from ..limits import Limits
from ..limits import coerce as coerce_limits
from ..reference import parse_reference
from ..text import human_size
from ..viz import sharing_dag, text_tree
from ._render import DEFAULT_DELAY, DiagramPane, pre, row

__all__ = ["SharingDashboard"]

PULLABLE = (
    "busybox:latest",
    "alpine:3.20",
    "debian:bookworm-slim",
    "python:3.12-slim",
    "python:3.11-slim",
    "node:20-slim",
    "nginx:1.27",
    "ubuntu:24.04",
)

EXAMPLE = """\
FROM busybox
RUN echo 'hello' > /greeting
"""


class SharingDashboard:
    """Pull, build and run; the DAG and ``docker system df`` update after each action.

    Args:
        engine: the engine (a new one by default).
        delay: debounce delay of the diagram.

    Attributes:
        pull_picker, pull_button, dockerfile, build_tag, build_button, run_picker, run_button,
        remove_all_button: the controls.
    """

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        delay: float = DEFAULT_DELAY,
        limits: Limits | Mapping[str, Any] | None = None,
    ) -> None:
        self.engine = engine or Engine()
        self.limits = coerce_limits(limits)  # what each RUN step of a build may use; None: the engine's
        available = [r for r in PULLABLE if library.has(r)]
        self.pull_picker = w.Dropdown(
            options=available, value=available[0] if available else None, description="pull"
        )
        self.pull_button = w.Button(description="Pull", icon="download", tooltip="docker pull <image>")
        self.dockerfile = w.Textarea(value=EXAMPLE, rows=4, layout=w.Layout(width="100%"))
        self.build_tag = w.Text(value="app:1", description="tag", layout=w.Layout(width="220px"))
        self.build_button = w.Button(description="Build", icon="hammer", tooltip="docker build -t <tag> .")
        self.run_picker = w.Dropdown(options=[], description="run")
        self.run_button = w.Button(description="Run container", icon="play", tooltip="docker run -d <image>")
        self.remove_all_button = w.Button(
            description="Remove all containers", icon="trash", tooltip="docker rm -f $(docker ps -aq)"
        )
        self.message = w.HTML()
        self.headline = w.HTML()
        self.table = w.HTML()
        self.expand = w.ToggleButton(
            value=False,
            description="Expand folded nodes",
            icon="expand",
            tooltip="Draw every container and image one by one (a folded node stands for several)",
            layout=w.Layout(width="auto"),
        )
        self.diagram = DiagramPane(
            lambda: sharing_dag(self.engine, expand=self.expand.value),
            fallback=lambda: text_tree(self.engine),
            delay=delay,
        )
        self.expand.observe(lambda _: self.diagram.request(), names="value")

        self.pull_button.on_click(lambda _: self.pull())
        self.build_button.on_click(lambda _: self.build())
        self.run_button.on_click(lambda _: self.run())
        self.remove_all_button.on_click(lambda _: self.remove_all())

        self._refresh()
        self.widget = w.VBox(
            [
                row([self.pull_picker, self.pull_button]),
                w.HTML("<b>Dockerfile</b>"),
                self.dockerfile,
                row([self.build_tag, self.build_button]),
                row([self.run_picker, self.run_button, self.remove_all_button]),
                self.message,
                self.headline,
                self.expand,
                self.diagram.widget,
                self.table,
            ]
        )
        self.widget.add_class("layerlab-dashboard")

    # -- callbacks ------------------------------------------------------------------------------
    def pull(self, ref: str | None = None) -> Any:
        """``docker pull`` from the built-in library (the Pull button)."""
        ref = ref or self.pull_picker.value
        return self._act(lambda: self.engine.images.pull(ref, quiet=True), f"pulled {ref}", select=ref)

    def build(self) -> Any:
        """``docker build -t <tag>`` the Dockerfile box (the Build button)."""
        tag = self.build_tag.value.strip() or None
        result = self._act(
            lambda: self.engine.images.build(self.dockerfile.value, context={}, tag=tag, limits=self.limits),
            f"built {tag}",
            select=tag,
        )
        return result

    def run(self, ref: str | None = None) -> Any:
        """``docker run -d`` the selected image (the Run container button)."""
        ref = ref or self.run_picker.value
        if not ref:
            self.message.value = "Pull or build an image first."
            return None

        def start() -> Any:
            return self.engine.containers.create(ref, "sh").start()

        return self._act(start, f"started a container of {ref}")

    def remove_all(self) -> None:
        """``docker rm -f`` every container: their writable layers go, the images stay."""
        for c in self.engine.containers.list(all=True):
            c.remove(force=True)
        self.message.value = "Removed every container."
        self._refresh()

    def _act(self, action: Any, done: str, select: str | None = None) -> Any:
        try:
            value = action()
        except (SimulatorError, OSError, KeyError) as exc:
            self.message.value = f"✗ {html.escape(str(exc))}"
            return None
        self.message.value = f"✓ {html.escape(done)}"
        self._refresh(select)
        return value

    # -- views ----------------------------------------------------------------------------------
    def _refresh(self, select: str | None = None) -> None:
        refs = []
        for image in self.engine.images.list():
            refs += self.engine.images.tags_of(image)
        wanted = ":".join(parse_reference(select)) if select else self.run_picker.value
        self.run_picker.options = refs
        if wanted in refs:
            self.run_picker.value = wanted
        elif refs:
            self.run_picker.value = refs[0]
        df = self.engine.df()
        saved = df.naive_size - df.layers_size
        self.headline.value = (
            f"<p style='font-size:16px'><b>{human_size(df.layers_size)}</b> stored for "
            f"{len(df.images)} image(s) whose sizes add up to <b>{human_size(df.naive_size)}</b>: "
            f"sharing saves {human_size(max(saved, 0))}. "
            f"{len(df.containers)} container(s) add {human_size(df.containers_size)} of writable layers.</p>"
        )
        self.table.value = pre(df.verbose().split("\n\nLocal Volumes")[0])
        self.diagram.request()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
