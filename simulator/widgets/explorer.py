"""Layer explorer, in the spirit of dive: pick an image and a layer, read its file tree.

Each path is marked ``A`` (added by the selected layer), ``M`` (modified: other content, mode
or owner) or ``D`` (removed: a whiteout), with its size.  "this layer" shows only what the
layer's tar holds; "aggregated" shows the merged file system up to that layer, as a container
of the image cut there would see it.  Below, :func:`simulator.analysis.efficiency` lists the
wasted bytes with the reason and the fix for each.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from ..analysis import efficiency
from ..engine import Engine
from ..model.entries import Entry
from ..model.image import Image
from ..text import human_size
from ..viz import layer_stack, text_tree
from ..viz.display import html_table
from ._adapters import image_prefix, layer_marks
from ._render import DEFAULT_DELAY, DiagramPane, row

__all__ = ["MAX_TREE_LINES", "LayerExplorer"]

MAX_TREE_LINES = 400
MODES = ("this layer", "aggregated")
SYMBOL = {"A": "+ A", "M": "~ M", "D": "- D", " ": "   "}
COLOUR = {"A": "#009E73", "M": "#E69F00", "D": "#D55E00", " ": "inherit"}  # Okabe-Ito; the letter says it too


def _line(path: str, entry: Entry | None, mark: str) -> str:
    depth = path.count("/") - 1
    name = path.rsplit("/", 1)[-1] or "/"
    if entry is None or entry.is_whiteout:
        detail = "(removed)"
        name += ""
    elif entry.is_dir:
        name += "/"
        detail = "(opaque dir)" if entry.opaque else ""
    elif entry.is_symlink:
        detail = f"-> {entry.target}"
    else:
        detail = f"{entry.mode_string()} {human_size(entry.size):>8}"
    text = f"{SYMBOL[mark]}  {'  ' * depth}{name}  {detail}".rstrip()
    escaped = html.escape(text)
    if mark == " ":
        return escaped
    return f'<span style="color:{COLOUR[mark]};font-weight:bold">{escaped}</span>'


class LayerExplorer:
    """Explore an engine's images layer by layer.

    Args:
        engine: the engine whose images are listed.
        image: the image to open first (a reference or an :class:`Image`); the newest otherwise.
        delay: debounce delay of the layer-stack diagram.

    Attributes:
        image_picker, layer_slider, mode, only_changes: the controls.
        tree: the HTML file tree; ``lines`` is the same as text rows for tests.
    """

    def __init__(
        self, engine: Engine, image: str | Image | None = None, *, delay: float = DEFAULT_DELAY
    ) -> None:
        self.engine = engine
        self.image_picker = w.Dropdown(options=[], description="image")
        self.layer_slider = w.IntSlider(value=0, min=0, max=0, description="layer", continuous_update=True)
        self.mode = w.ToggleButtons(options=MODES, value=MODES[0], style={"button_width": "auto"})
        self.only_changes = w.Checkbox(value=False, description="only changes", indent=False)
        self.layer_info = w.HTML()
        self.tree = w.HTML(layout=w.Layout(max_height="420px", overflow="auto"))
        self.waste = w.HTML()
        self.lines: list[str] = []
        self.diagram = DiagramPane(
            self._diagram,
            fallback=lambda: text_tree(self.image) if self.image else "",
            delay=delay,
            empty="No image.",
        )
        self.refresh_images(select=image)

        self.image_picker.observe(lambda _: self._image_changed(), names="value")
        self.layer_slider.observe(lambda _: self._show(), names="value")
        self.mode.observe(lambda _: self._show(), names="value")
        self.only_changes.observe(lambda _: self._show(), names="value")
        self._image_changed()

        self.widget = w.VBox(
            [
                row([self.image_picker, self.layer_slider]),
                row([self.mode, self.only_changes]),
                self.layer_info,
                # the tree, then the diagram at the column's full width (side by side it was
                # squeezed to ~380 px: text too small on a projector)
                w.HTML("<b>File tree</b> (A added · M modified · D removed)"),
                self.tree,
                self.diagram.widget,
                w.HTML("<b>Wasted space</b>: bytes shipped in a layer that no container ever sees"),
                self.waste,
            ]
        )
        self.widget.add_class("layerlab-explorer")

    # -- state ----------------------------------------------------------------------------------
    @property
    def image(self) -> Image | None:
        ref = self.image_picker.value
        return self.engine.images.get(ref) if ref else None

    def refresh_images(self, select: str | Image | None = None) -> None:
        """Re-read the engine's images (after a build or pull elsewhere)."""
        options = []
        for image in self.engine.images.list(all=True):
            tags = self.engine.images.tags_of(image)
            label = f"{tags[0] if tags else '<none>'} ({image.short_id}, {len(image.layers)} layers)"
            options.append((label, image.id))
        wanted = (
            select.id
            if isinstance(select, Image)
            else (self.engine.images.get(select).id if isinstance(select, str) else self.image_picker.value)
        )
        self.image_picker.options = options
        ids = [v for _, v in options]
        if wanted in ids:
            self.image_picker.value = wanted
        elif ids:
            self.image_picker.value = ids[0]

    # -- callbacks ------------------------------------------------------------------------------
    def _image_changed(self) -> None:
        image = self.image
        n = len(image.layers) if image is not None else 0
        self.layer_slider.max = max(n - 1, 0)
        self.layer_slider.value = max(n - 1, 0)
        self.layer_slider.disabled = n == 0
        self.waste.value = self._waste_html(image) if image is not None else ""
        self.diagram.request()
        self._show()

    def _show(self) -> None:
        image = self.image
        if image is None or not image.layers:
            self.layer_info.value = "This image has no layers."
            self.tree.value = ""
            self.lines = []
            return
        k = self.layer_slider.value
        layer = image.layers[k]
        created = next(
            (e.created_by for e, layer_ in image.layer_history() if layer_ is layer), layer.created_by
        )
        marks = layer_marks(image, k)
        self.layer_info.value = (
            f"<b>L{k}</b> · {human_size(layer.size)} · {len(layer)} entries · "
            f"<code>{html.escape(created[:100])}</code> · "
            f"{len(marks.added)} added, {len(marks.modified)} modified, "
            f"{len(marks.removed)} removed"
        )
        if self.mode.value == MODES[0]:
            rows = [(p, e, "D" if e.is_whiteout else marks.mark(p)) for p, e in layer.entries.items()]
        else:
            view = image_prefix(image, k + 1).view
            rows = [(o.path, o.entry, marks.mark(o.path)) for o in view.walk()]
            rows += [(p, None, "D") for p in sorted(marks.removed)]
            rows.sort(key=lambda r: r[0].split("/"))
        if self.only_changes.value:
            rows = [r for r in rows if r[2] != " "]
        self.lines = [f"{mark} {path}" for path, _, mark in rows]
        shown = [_line(p, e, m) for p, e, m in rows[:MAX_TREE_LINES]]
        if len(rows) > MAX_TREE_LINES:
            shown.append(f"… {len(rows) - MAX_TREE_LINES} more (tick 'only changes')")
        self.tree.value = (
            ('<pre style="font-size:13px;line-height:1.3;margin:0">' + "\n".join(shown) + "</pre>")
            if shown
            else "<p>(no entries)</p>"
        )

    # -- views ----------------------------------------------------------------------------------
    @staticmethod
    def _waste_html(image: Image) -> str:
        report = efficiency(image)
        head = (
            f"<p>efficiency {report.score * 100:.1f} %: {human_size(report.wasted_bytes)} wasted of "
            f"{human_size(report.total_bytes)} shipped.</p>"
        )
        rows = [
            [f"L{p.layer}", p.path, human_size(p.bytes), p.reason, p.explanation, p.fix]
            for p in sorted(report.paths, key=lambda p: (-p.bytes, p.path))
        ]
        if not rows:
            return head + "<p>Nothing wasted: every shipped byte is visible in the container.</p>"
        return head + html_table(["layer", "path", "size", "reason", "why", "fix"], rows)

    def _diagram(self) -> Any:
        image = self.image
        if image is None:
            return None
        tags = self.engine.images.tags_of(image)
        return layer_stack(image, name=tags[0] if tags else None)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
