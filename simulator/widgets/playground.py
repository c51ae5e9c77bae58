"""Container playground: several containers of one image, a shell in each.

Start containers, type shell commands into the selected one (``container.exec_run``), and
watch its writable layer: the overlay diagram (``viz.overlay``), ``docker diff``, the copy-ups
and whiteouts.  A table of every container shows the others' writable layers unchanged and
the image's ID unchanged.  Remove a container and its layer is gone; commit one and the
sharing DAG (``viz.sharing_dag``) grows a layer and an image.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..engine import Engine
from ..errors import SimulatorError
from ..limits import Limits
from ..limits import coerce as coerce_limits
from ..model.container import Container, State
from ..text import human_size
from ..viz import overlay, sharing_dag, text_tree
from ..viz.display import html_table
from ._render import DEFAULT_DELAY, DiagramPane, column, pre, row

__all__ = ["ContainerPlayground"]

VIEWS = ("this container's overlay", "sharing DAG (all images and containers)")


class ContainerPlayground:
    """Containers of one image with a shell each.

    Args:
        engine: the engine (a new one by default).
        image: the image the containers start from (pulled from the library if needed).
        containers: how many containers to start at once.
        delay: debounce delay of the diagram (``0``: synchronous).

    Attributes:
        new_button, selector, command, run_button, remove_button, commit_button, commit_tag,
        path, view: the controls (tests drive them: ``pg.command.value = "..."``,
        ``pg.run_button.click()``).
        log: everything typed and printed, per container name.
    """

    def __init__(
        self,
        engine: Engine | None = None,
        image: str = "busybox",
        *,
        containers: int = 2,
        delay: float = DEFAULT_DELAY,
        limits: Limits | Mapping[str, Any] | None = None,
    ) -> None:
        self.engine = engine or Engine()
        self.limits = coerce_limits(limits)  # None: the engine's
        self.image = self.engine.images.get_or_pull(image)
        self.image_ref = image
        self.log: dict[str, list[str]] = {}
        self.committed: list[Any] = []
        self._mine: list[Container] = []

        self.new_button = w.Button(description="New container", icon="plus", tooltip="docker run -d <image>")
        self.selector = w.ToggleButtons(options=[], description="container", style={"button_width": "auto"})
        self.command = w.Text(
            value="",
            placeholder="a shell command, e.g. echo hi >> /etc/motd (Enter runs it)",
            layout=w.Layout(flex="1 1 20em", min_width="12em"),
        )
        self.command.add_class("layerlab-command")
        self.run_button = w.Button(
            description="Run",
            button_style="primary",
            icon="play",
            tooltip="docker exec <container> sh -c '<command>'",
        )
        self.run_button.add_class("layerlab-run")
        self.remove_button = w.Button(
            description="Remove", button_style="danger", icon="trash", tooltip="docker rm -f <container>"
        )
        self.commit_tag = w.Text(value="mine:1", description="tag", layout=w.Layout(width="200px"))
        self.commit_button = w.Button(
            description="Commit", icon="camera", tooltip="docker commit <container> <tag>"
        )
        self.path = w.Text(
            value="",
            placeholder="a path, e.g. /etc/passwd",
            description="look up",
            continuous_update=False,
            layout=w.Layout(width="320px"),
        )
        self.view = w.ToggleButtons(options=VIEWS, value=VIEWS[0], style={"button_width": "auto"})
        self.terminal = w.HTML()
        self.diff = w.HTML()
        self.layer_table = w.HTML()
        self.overview = w.HTML()
        self.message = w.HTML()
        self.diagram = DiagramPane(
            self._diagram,
            fallback=self._fallback,
            delay=delay,
            empty="No container selected: press New container.",
        )

        self.new_button.on_click(lambda _: self.new_container())
        self.run_button.on_click(lambda _: self.run())
        # Enter in the command box runs it, like a terminal. The Text view sends {"event":
        # "submit"} on Enter (Text.on_submit is the deprecated wrapper over this message).
        self.command.on_msg(self._on_command_msg)
        self.remove_button.on_click(lambda _: self.remove())
        self.commit_button.on_click(lambda _: self.commit())
        self.selector.observe(lambda _: self._refresh(), names="value")
        self.path.observe(lambda _: self.diagram.request(), names="value")
        self.view.observe(lambda _: self.diagram.request(), names="value")
        self.expand = w.ToggleButton(
            value=False,
            description="Expand folded nodes",
            icon="expand",
            tooltip="Sharing DAG: draw every container and image one by one (a folded node stands for several)",
            layout=w.Layout(width="auto"),
        )
        self.expand.observe(lambda _: self.diagram.request(), names="value")

        for _ in range(containers):
            self.new_container(refresh=False)
        self._refresh()

        controls = w.VBox(
            [
                w.HTML(
                    f"<b>Image</b> <code>{html.escape(image)}</code> "
                    f"(<code>{html.escape(self.image.short_id)}</code>, {len(self.image.layers)} read-only layer(s))"
                ),
                row([self.new_button, self.selector]),
                row([self.command, self.run_button]),
                self.terminal,
                row([self.remove_button, self.commit_tag, self.commit_button]),
                self.message,
            ]
        )
        panes = w.VBox([self.view, self.expand, self.path, self.diagram.widget])
        details = w.HBox(
            [
                column([w.HTML("<b>docker diff</b>"), self.diff], "14em"),
                column([w.HTML("<b>writable layer</b>"), self.layer_table], "30em"),
            ],
            layout=w.Layout(flex_flow="row wrap", width="100%"),
        )
        self.widget = w.VBox(
            [controls, panes, details, w.HTML("<b>Every container and the image</b>"), self.overview]
        )
        self.widget.add_class("layerlab-playground")

    # -- state ----------------------------------------------------------------------------------
    @property
    def containers(self) -> list[Container]:
        """The playground's containers that still exist, oldest first."""
        alive = {c.id for c in self.engine.containers.list(all=True)}
        return [c for c in self._mine if c.id in alive]

    @property
    def container(self) -> Container | None:
        """The selected container."""
        name = self.selector.value
        return next((c for c in self.containers if c.name == name), None)

    # -- callbacks ------------------------------------------------------------------------------
    def new_container(self, *, refresh: bool = True) -> Container:
        """``docker run -d``: a new running container of the image (the New container button)."""
        container = self.engine.containers.create(self.image, "sh")
        container.start()
        self._mine.append(container)
        self.log[container.name] = []
        if refresh:
            self._refresh(select=container.name)
        return container

    def run(self, command: str | None = None) -> Any:
        """Run the command box's text (or ``command``) in the selected container (the Run button)."""
        text = self.command.value if command is None else command
        container = self.container
        if container is None or not text.strip():
            self.message.value = "Select a container and type a command first."
            return None
        try:
            extra = {} if self.limits is None else {"limits": self.limits}
            result = container.exec_run(text, **extra)
            output = result.output.decode("utf-8", "replace")
            status = result.exit_code
        except (SimulatorError, OSError) as exc:
            output, status, result = f"{exc}\n", 1, None
        self.log[container.name].append(f"$ {text}\n{output}" + (f"[exit {status}]\n" if status else ""))
        self.command.value = ""
        self.message.value = ""
        self._refresh()
        return result

    def _on_command_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            self.run()

    def remove(self) -> None:
        """``docker rm -f`` the selected container: its writable layer is discarded."""
        container = self.container
        if container is None:
            return
        name = container.name
        size = container.size_rw
        container.remove(force=True)
        self.message.value = (
            f"Removed <code>{html.escape(name)}</code>: its writable layer "
            f"({human_size(size)}) is gone; the image is unchanged."
        )
        self._refresh(select=self.containers[-1].name if self.containers else None)

    def commit(self) -> Any:
        """``docker commit`` the selected container as ``commit_tag``: a new image, one layer more."""
        container = self.container
        if container is None:
            return None
        try:
            image = container.commit(*self._split_tag(self.commit_tag.value))
        except (SimulatorError, ValueError) as exc:
            self.message.value = f"commit failed: {html.escape(str(exc))}"
            return None
        self.committed.append(image)
        self.message.value = (
            f"Committed <code>{html.escape(container.name)}</code> as "
            f"<code>{html.escape(self.commit_tag.value)}</code> "
            f"(<code>{image.short_id}</code>, {len(image.layers)} layers: the image's "
            f"{len(self.image.layers)} plus the writable layer). See the sharing DAG."
        )
        self._refresh()
        return image

    @staticmethod
    def _split_tag(ref: str) -> tuple[str, str]:
        name, sep, tag = ref.strip().rpartition(":")
        if not sep or "/" in tag:
            return ref.strip(), "latest"
        return name, tag

    # -- views ----------------------------------------------------------------------------------
    def _refresh(self, select: str | None = None) -> None:
        names = [c.name for c in self.containers]
        current = select if select is not None else self.selector.value
        if list(self.selector.options) != names:
            self.selector.options = names
        if current in names:
            self.selector.value = current
        elif names:
            self.selector.value = names[-1]
        container = self.container
        if container is None:
            self.terminal.value = pre("(no container)")
            self.diff.value = ""
            self.layer_table.value = ""
        else:
            history = "".join(self.log.get(container.name, [])) or "(type a command and press Run)\n"
            self.terminal.value = pre(f"{container.name}\n{history}", css_class="layerlab-terminal")
            self.diff.value = pre(container.diff_text() or "(no changes)", css_class="layerlab-diff")
            self.layer_table.value = self._upper_html(container)
        self.overview.value = self._overview_html()
        self.diagram.request()

    @staticmethod
    def _upper_html(container: Container) -> str:
        rows = []
        for path, entry in sorted(container.upper_entries.items()):
            if path == "/":
                continue
            kind = (
                "whiteout (deleted below)"
                if entry.is_whiteout
                else "opaque dir"
                if entry.is_dir and entry.opaque
                else entry.kind.value
            )
            rows.append([path, kind, entry.mode_string(), human_size(entry.disk_size)])
        ups = [
            [c.path, f"L{c.layer}", c.kind.value, human_size(c.bytes), c.reason] for c in container.copy_ups
        ]
        return html_table(
            ["path", "type", "mode", "size"], rows, f"{len(rows)} entries, {human_size(container.size_rw)}"
        ) + html_table(
            ["copied up", "from", "type", "bytes copied", "because of"], ups, f"{len(ups)} copy-up(s)"
        )

    def _overview_html(self) -> str:
        rows = []
        for c in self.containers:
            upper = c.upper_entries
            whiteouts = sum(1 for e in upper.values() if e.is_whiteout)
            rows.append(
                [
                    c.name,
                    c.status,
                    f"{self.image_ref} ({c.image.short_id})",
                    len([p for p in upper if p != "/"]),
                    whiteouts,
                    len(c.copy_ups),
                    human_size(c.size_rw),
                ]
            )
        rows.append(
            ["(the image)", "read-only", self.image.short_id, "—", "—", "—", human_size(self.image.size)]
        )
        return html_table(
            ["container", "state", "image", "upper entries", "whiteouts", "copy-ups", "size"], rows
        )

    def _diagram(self) -> Any:
        if self.view.value == VIEWS[1]:
            return sharing_dag(self.engine, expand=self.expand.value)
        container = self.container
        if container is None or container.state is State.REMOVED:
            return None
        path = self.path.value.strip() or None
        try:
            return overlay(container, path)
        except (OSError, SimulatorError, ValueError):
            return overlay(container)

    def _fallback(self) -> str:
        if self.view.value == VIEWS[1]:
            return text_tree(self.engine)
        container = self.container
        return text_tree(container) if container is not None else ""

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
