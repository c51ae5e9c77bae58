"""HTML tables: the notebook display's second view, and the widgets' tables.

:func:`html_table` escapes every cell and stops at ``MAX_ROWS`` rows.  Each model type registers
its table with :func:`~simulator.viz.dispatch.table_for`; the engine's (``docker system df -v``)
is :func:`engine_table`, registered for the engine's class by
:func:`simulator.viz.display.register_engine`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..builder.result import BuildResult
from ..digest import short_id
from ..model.container import Container, State
from ..model.entries import Entry, Kind
from ..model.image import Image
from ..model.layer import Layer
from ..model.union import UnionView
from ..text import human_size
from .dispatch import table_for

if TYPE_CHECKING:
    from ..engine import Engine

__all__ = ["MAX_ROWS", "engine_table", "html_table"]

MAX_ROWS = 50
NOWRAP_TD = '<td style="white-space:nowrap">'


def html_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = "", *, nowrap: Sequence[int] = ()
) -> str:
    """A plain HTML table (escaped), at most ``MAX_ROWS`` rows.

    ``nowrap``: the columns whose cells never wrap (an instruction, a path): in a narrow column
    the table scrolls instead of breaking them one word per line.
    """
    out = ['<table class="layerlab">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>")
    rows = list(rows)
    for row in rows[:MAX_ROWS]:
        out.append(
            "<tr>"
            + "".join(
                (NOWRAP_TD if i in nowrap else "<td>") + html.escape(str(c)) + "</td>"
                for i, c in enumerate(row)
            )
            + "</tr>"
        )
    if len(rows) > MAX_ROWS:
        out.append(f'<tr><td colspan="{len(headers)}">… {len(rows) - MAX_ROWS} more rows</td></tr>')
    out.append("</table>")
    return "".join(out)


def _kind(entry: Entry) -> str:
    return "opaque dir" if entry.kind is Kind.DIR and entry.opaque else entry.kind.value


@table_for.register
def _image_table(image: Image) -> str:
    rows = []
    number = 0
    for entry, layer in image.layer_history():
        if layer is None:
            rows.append(["—", "0B", entry.created_by, "(config only)"])
        else:
            rows.append([f"L{number}", human_size(layer.size), entry.created_by, short_id(layer.diff_id)])
            number += 1
    return html_table(
        ["layer", "size", "created by", "DiffID"], rows, f"image {image.short_id} (bottom first)"
    )


@table_for.register
def _layer_table(layer: Layer) -> str:
    rows = [[p, _kind(e), e.mode_string(), human_size(e.disk_size)] for p, e in layer.entries.items()]
    return html_table(["path", "type", "mode", "size"], rows, f"layer {short_id(layer.diff_id)}")


@table_for.register
def _container_table(container: Container) -> str:
    upper = {} if container.state is State.REMOVED else container.upper_entries
    rows = [
        [p, _kind(e), e.mode_string(), human_size(e.disk_size)] for p, e in sorted(upper.items()) if p != "/"
    ]
    copies = [[c.path, f"L{c.layer}", c.kind.value, c.bytes, c.reason] for c in container.copy_ups]
    return html_table(
        ["path", "type", "mode", "size"], rows, f"writable layer of {container.name} ({container.status})"
    ) + html_table(["path", "from", "type", "bytes", "reason"], copies, "copy-ups")


@table_for.register
def _view_table(view: UnionView) -> str:
    rows = [[o.path, _kind(o.entry), human_size(o.entry.disk_size), f"L{o.layer}"] for o in view.walk()]
    return html_table(["path", "type", "size", "from layer"], rows, "merged view")


@table_for.register
def _build_table(result: BuildResult) -> str:
    rows = [
        [
            s.number,
            s.stage,
            s.instruction,
            "CACHED" if s.cached else "no layer" if s.layer is None else "rebuilt",
            s.miss_reason or "",
        ]
        for s in result.steps
    ]
    return html_table(
        ["#", "stage", "instruction", "cache", "miss reason"], rows, f"build {result.tag or ''}"
    )


def engine_table(engine: Engine) -> str:
    """``docker system df -v``: each image's size, shared and unique bytes, containers."""
    df = engine.df()
    rows = [
        [
            i.repository,
            i.tag,
            short_id(i.id),
            human_size(i.size),
            human_size(i.shared_size, 4),
            human_size(i.unique_size, 4),
            i.containers,
        ]
        for i in df.images
    ]
    return html_table(
        ["repository", "tag", "image id", "size", "shared", "unique", "containers"],
        rows,
        "docker system df -v",
    )
